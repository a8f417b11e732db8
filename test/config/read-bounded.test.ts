// Files the operator names are read up to a bound: a device or stream given by mistake
// (`--config /dev/zero`, a key file that is not one) is a clear config problem, not memory
// exhaustion.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';
import { readTextBounded } from '../../src/config/read-bounded.js';
import { configProblems } from '../helpers/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTextBounded', () => {
  it('reads a file of exactly the bound; one octet more is refused', () => {
    const file = join(dir, 'ten');
    writeFileSync(file, '0123456789');
    expect(readTextBounded(file, 10)).toBe('0123456789');
    expect(() => readTextBounded(file, 9)).toThrow('larger than 9 bytes');
  });

  it('an endless device ends at the bound', () => {
    expect(() => readTextBounded('/dev/zero', 1 << 16)).toThrow('larger than 65536 bytes');
  });

  it('the config file and key files are bounded: /dev/zero is a config problem', () => {
    expect(configProblems(() => loadConfig('/dev/zero'))).toEqual([
      '/dev/zero: cannot read (larger than 67108864 bytes)',
    ]);
    expect(
      configProblems(() =>
        parseConfig('asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, passwordFile: /dev/zero }\n'),
      ),
    ).toEqual(['neighbors[0].passwordFile: cannot read /dev/zero (larger than 65536 bytes)']);
  });
});
