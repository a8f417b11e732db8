import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig, redactConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/validate.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config validation', () => {
  it('accepts config.example.yaml and fills defaults', () => {
    const c = parseConfig(readFileSync(new URL('../../config.example.yaml', import.meta.url), 'utf8'));
    expect(c.asn).toBe(64512);
    expect(c.neighbors[0]).toMatchObject({
      address: '127.0.0.2',
      passive: true,
      holdTime: 90,
      keepalive: 30,
    });
    expect(c.listen).toEqual({ address: '127.0.0.1', port: 1179 });
  });

  it('defaults: port 179, hold time 90, keepalive hold/3, family from the address', () => {
    const c = parseConfig(
      'asn: 4200000000\nneighbors:\n  - { address: "2001:db8::1", peerAsn: 65001, holdTime: 9 }\n',
    );
    expect(c.neighbors[0]).toMatchObject({
      port: 179,
      holdTime: 9,
      keepalive: 3,
      families: ['ipv6-unicast'],
    });
    expect(c.api).toEqual({ listen: '127.0.0.1:9179' });
  });

  it('names the path and reason of every problem', () => {
    expect(
      problems(
        'asn: 0\nbogus: 1\nneighbors:\n  - address: 1.2.3\n    peerAsn: 70000000000\n    holdTime: 2\n' +
          'announce:\n  - prefix: 10.0.0.0/33\n    communities: [foo]\n    extendedCommunities: ["rt:x:1"]\n',
      ),
    ).toEqual([
      'bogus: unknown key (expected one of: asn, routerId, listen, api, neighbors, dynamicNeighbors, announce)',
      'asn: must be an integer 1..4294967295',
      'neighbors[0].holdTime: must be 0 or at least 3 (RFC 4271 §4.2)',
      'neighbors[0].address: must be an IP address',
      'neighbors[0].peerAsn: must be an integer 1..4294967295',
      'announce[0].prefix: invalid prefix "10.0.0.0/33": length must be 0..32',
      'announce[0].communities[0]: invalid community "foo"',
      expect.stringMatching(/^announce\[0\]\.extendedCommunities\[0\]: invalid extended community ASN "x"/),
    ]);
  });

  it('rejects duplicate neighbors, GTSM with multihop, password with passwordFile', () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, ebgpMultihop: 2, ttlSecurity: 1 }\n' +
          '  - { address: 10.0.0.1, peerAsn: 2, password: a, passwordFile: /x }\n',
      ),
    ).toEqual([
      'neighbors[0].ttlSecurity: cannot be combined with ebgpMultihop (GTSM fixes the TTL at 255)',
      'neighbors[1].passwordFile: give password or passwordFile, not both',
      'neighbors[1].address: duplicate neighbor 10.0.0.1',
    ]);
  });

  it('reports YAML syntax errors with the source name', () => {
    expect(problems('asn: [1\n')[0]).toMatch(/^config: /);
  });

  it('redacts passwords for display', () => {
    const c = parseConfig('asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, password: s3cret }\n');
    expect(JSON.stringify(redactConfig(c))).not.toContain('s3cret');
  });
});
