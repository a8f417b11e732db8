// koffi is loaded as its native addon, not through the package's entry script (which loads
// node:https, node:crypto and node:zlib for its installer), and the addon is the API libc.ts uses.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { requireKoffi } from '../../src/sys/koffi-module.js';

const require = createRequire(import.meta.url);

describe('requireKoffi', () => {
  it('gives the prebuilt addon of the installed version, with the calls Herald makes', () => {
    const koffi = requireKoffi();
    expect((koffi as unknown as { version: string }).version).toBe(require('koffi/package.json').version);
    // The entry script's object adds deprecated aliases; the addon has none.
    expect('handle' in koffi).toBe(false);
    expect(koffi).not.toBe(require('koffi'));
    const lib = koffi.load('libc.so.6');
    const getpid = lib.func('int getpid()');
    expect(getpid()).toBe(process.pid);
    expect(requireKoffi()).toBe(koffi);
  });
});
