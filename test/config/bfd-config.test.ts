// The BFD keys of the config: the issue's contract (`bfd: { enabled: true, minRx: 300, minTx: 300,
// multiplier: 3 }`, `bfd: { profile: NAME }` with top-level `bfdProfiles`), profiles resolved with
// the neighbor's keys winning, multihop defaulting from ebgpMultihop, keys read from files or the
// environment and never shown, and problems naming their path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { redactConfig } from '../../src/config/redact-config.js';
import { ConfigError } from '../../src/config/validate.js';
import { diffConfig } from '../../src/daemon/config-diff.js';

const head = 'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\n';
const neighbor = (bfd: string, extra = '') =>
  `${head}neighbors:\n  - { address: 192.0.2.1, peerAsn: 64513${extra}, bfd: ${bfd} }\n`;

function problems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('config accepted');
}

afterEach(() => {
  delete process.env.HERALD_TEST_BFD_KEY;
});

describe('neighbor bfd', () => {
  it('takes the contract form as given: single hop, not strict, active', () => {
    const c = parseConfig(neighbor('{ enabled: true, minRx: 300, minTx: 300, multiplier: 3 }'));
    expect(c.neighbors[0].bfd).toEqual({
      minRx: 300,
      minTx: 300,
      multiplier: 3,
      passive: false,
      multihop: false,
      strict: false,
    });
    expect(c.bfdProfiles).toEqual([]);
  });

  it('fills 300 ms × 3 when only enabled, and has no session without a block or with enabled: false', () => {
    expect(parseConfig(neighbor('{ enabled: true }')).neighbors[0].bfd).toMatchObject({
      minRx: 300,
      minTx: 300,
      multiplier: 3,
    });
    expect(parseConfig(neighbor('{ enabled: false, minRx: 50 }')).neighbors[0].bfd).toBeUndefined();
    expect(
      parseConfig(`${head}neighbors:\n  - { address: 192.0.2.1, peerAsn: 64513 }\n`).neighbors[0].bfd,
    ).toBeUndefined();
  });

  it('is multihop by default for an ebgpMultihop neighbor, and takes minTtl only then', () => {
    expect(parseConfig(neighbor('{ minTtl: 250 }', ', ebgpMultihop: 3')).neighbors[0].bfd).toMatchObject({
      multihop: true,
      minTtl: 250,
    });
    expect(parseConfig(neighbor('{ multihop: false }', ', ebgpMultihop: 3')).neighbors[0].bfd?.multihop).toBe(
      false,
    );
    expect(problems(neighbor('{ minTtl: 250 }'))).toEqual([
      'neighbors[0].bfd.minTtl: only applies to a multihop session (RFC 5881 accepts TTL 255 only)',
    ]);
  });

  it('resolves a profile; the neighbor’s own keys win; a profile minTtl is ignored for single hop', () => {
    const c = parseConfig(
      `${head}bfdProfiles:\n  - { name: fast, minRx: 100, minTx: 150, multiplier: 5, passive: true, minTtl: 250 }\n` +
        'neighbors:\n' +
        '  - { address: 192.0.2.1, peerAsn: 64513, bfd: { profile: fast } }\n' +
        '  - { address: 192.0.2.2, peerAsn: 64513, bfd: { profile: fast, minTx: 400, strict: true } }\n' +
        '  - { address: 192.0.2.3, peerAsn: 64513, ebgpMultihop: 2, bfd: { profile: fast } }\n',
    );
    expect(c.neighbors[0].bfd).toEqual({
      minRx: 100,
      minTx: 150,
      multiplier: 5,
      passive: true,
      multihop: false,
      strict: false,
      profile: 'fast',
    });
    expect(c.neighbors[1].bfd).toMatchObject({ minRx: 100, minTx: 400, strict: true, profile: 'fast' });
    expect(c.neighbors[2].bfd).toMatchObject({ multihop: true, minTtl: 250 });
  });

  it('names the path of an unknown profile, a duplicate profile and out-of-range values', () => {
    expect(
      problems(
        `${head}bfdProfiles:\n  - { name: fast }\n  - { name: fast }\n` +
          'neighbors:\n  - { address: 192.0.2.1, peerAsn: 64513, bfd: { profile: slow } }\n',
      ),
    ).toEqual([
      'neighbors[0].bfd.profile: no BFD profile named slow in bfdProfiles',
      'bfdProfiles[1].name: duplicate BFD profile fast',
    ]);
    const schema = problems(neighbor('{ minRx: 5, multiplier: 1, bogus: 1 }'));
    expect(schema.some((p) => p.startsWith('neighbors[0].bfd.minRx'))).toBe(true);
    expect(schema.some((p) => p.startsWith('neighbors[0].bfd.multiplier'))).toBe(true);
    expect(schema.some((p) => p.startsWith('neighbors[0].bfd.bogus: unknown key'))).toBe(true);
  });
});

describe('BFD authentication', () => {
  it('reads the key from a file or the environment (keyId defaults to 1) and never shows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-bfd-'));
    writeFileSync(join(dir, 'key'), 'file-secret-1\n');
    process.env.HERALD_TEST_BFD_KEY = 'env-secret-2';
    const c = parseConfig(
      `${head}bfdProfiles:\n  - { name: signed, auth: { type: meticulous-keyed-sha1, passwordEnv: HERALD_TEST_BFD_KEY } }\n` +
        'neighbors:\n' +
        `  - { address: 192.0.2.1, peerAsn: 64513, bfd: { auth: { type: keyed-md5, keyId: 7, passwordFile: ${join(dir, 'key')} } } }\n` +
        '  - { address: 192.0.2.2, peerAsn: 64513, bfd: { profile: signed } }\n',
    );
    expect(c.neighbors[0].bfd?.auth).toEqual({ type: 'keyed-md5', keyId: 7, secret: 'file-secret-1' });
    expect(c.neighbors[1].bfd?.auth).toEqual({
      type: 'meticulous-keyed-sha1',
      keyId: 1,
      secret: 'env-secret-2',
    });
    const shown = JSON.stringify(redactConfig(c));
    expect(shown).not.toContain('file-secret-1');
    expect(shown).not.toContain('env-secret-2');
    expect(shown).toContain('<redacted>');
  });

  it('names a missing key, two sources, and a key too long for its type', () => {
    expect(
      problems(
        `${head}neighbors:\n` +
          '  - { address: 192.0.2.1, peerAsn: 64513, bfd: { auth: { type: keyed-md5 } } }\n' +
          '  - { address: 192.0.2.2, peerAsn: 64513, bfd: { auth: { type: keyed-md5, password: a, passwordEnv: X } } }\n' +
          '  - { address: 192.0.2.3, peerAsn: 64513, bfd: { auth: { type: simple-password, password: seventeen-octets! } } }\n',
      ),
    ).toEqual([
      'neighbors[0].bfd.auth: give one of password, passwordFile, passwordEnv',
      'neighbors[1].bfd.auth.password: give one of password, passwordFile, passwordEnv',
      'neighbors[2].bfd.auth.password: a simple-password key must be 1..16 octets (got 17)',
    ]);
  });
});

describe('reload', () => {
  it('changes a neighbor’s BFD in place: the BGP session is not reset', () => {
    const before = parseConfig(neighbor('{ enabled: true }'));
    const after = parseConfig(neighbor('{ enabled: true, minTx: 600 }'));
    expect(diffConfig(before, after).changed).toEqual([
      expect.objectContaining({ address: '192.0.2.1', keys: ['bfd'], reset: false }),
    ]);
  });
});
