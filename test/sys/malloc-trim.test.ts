// releaseFreeMemory (src/sys/malloc-trim.ts): glibc's malloc_trim(0) through koffi, a no-op that
// says so where the C library has none.
import { describe, expect, it } from 'vitest';
import { releaseFreeMemory } from '../../src/sys/malloc-trim.js';

const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header
  .glibcVersionRuntime;

describe('releaseFreeMemory', () => {
  it.runIf(process.platform === 'linux' && glibc !== undefined)('trims the C heap under glibc', () => {
    expect(releaseFreeMemory()).toBe(true);
    // The binding is made once; later calls reuse it.
    expect(releaseFreeMemory()).toBe(true);
  });

  it.runIf(process.platform !== 'linux' || glibc === undefined)('reports false without glibc', () => {
    expect(releaseFreeMemory()).toBe(false);
  });
});
