import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { redactConfig } from '../../src/config/redact-config.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { ttlPolicy } from '../../src/daemon/transport.js';
import { aliasBomb } from '../helpers/alias-bomb.js';
import { configProblems } from '../helpers/config-problems.js';

const problems = (yaml: string): string[] => configProblems(() => parseConfig(yaml));

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
    expect(c.api).toEqual({
      listen: '127.0.0.1:9179',
      authenticateReads: false,
      rateLimit: 600,
      bodyLimit: 1048576,
    });
    expect(c.log).toEqual({ level: 'info' });
    expect(c.listen).toEqual({ address: '0.0.0.0', port: 179 });
  });

  it('names the path and reason of every problem', () => {
    expect(
      problems(
        'asn: 0\nbogus: 1\nneighbors:\n  - address: 1.2.3\n    peerAsn: 70000000000\n' +
          'announce:\n  - prefix: 10.0.0.0/33\n    communities: [foo]\n    extendedCommunities: ["rt:x:1"]\n',
      ),
    ).toEqual([
      `bogus: unknown key (expected one of: ${Object.keys(ConfigSchema.properties).join(', ')})`,
      'asn: must be an integer 1..4294967295',
      'neighbors[0].address: must be an IP address',
      'neighbors[0].peerAsn: must be an integer 1..4294967295',
      'announce[0].prefix: invalid prefix "10.0.0.0/33": length must be 0..32',
      'announce[0].communities[0]: invalid community "foo": expected ASN:value or a well-known name',
      'announce[0].extendedCommunities[0]: invalid extended community "rt:x:1": the ASN "x" is not a number',
    ]);
  });

  it('suggests the nearest key or value for a typo', () => {
    let problems: string[] = [];
    try {
      parseConfig(
        'asn: 1\nrouterid: 192.0.2.1\nneighbors:\n  - { address: 192.0.2.2, peerAsn: 2, families: [ipv4-unicst] }\n',
      );
    } catch (e) {
      problems = (e as { problems: string[] }).problems;
    }
    expect(problems[0]).toMatch(
      /^routerid: unknown key \(did you mean routerId\?\) \(expected one of: asn, /,
    );
    expect(problems[1]).toMatch(
      /^neighbors\[0\]\.families\[0\]: must be one of .* \(did you mean ipv4-unicast\?\)$/,
    );
  });

  it('rejects duplicate neighbors, GTSM with multihop, password with passwordFile', () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, ebgpMultihop: 2, ttlSecurity: 1 }\n' +
          '  - { address: 10.0.0.1, peerAsn: 2, password: a, passwordFile: /x }\n',
      ),
    ).toEqual([
      'neighbors[0].ttlSecurity: cannot be combined with ebgpMultihop (GTSM fixes the TTL at 255)',
      'neighbors[1].password: give one of password, passwordFile, passwordEnv',
      'neighbors[1].address: duplicate neighbor 10.0.0.1',
    ]);
  });

  it('accepts route-reflector clients among iBGP neighbors only (RFC 4456 §6)', () => {
    const c = parseConfig(
      'asn: 65000\nclusterId: 10.255.0.1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 65000, routeReflectorClient: true }\n',
    );
    expect(c.clusterId).toBe('10.255.0.1');
    expect(c.neighbors[0].routeReflectorClient).toBe(true);
    expect(
      problems(
        'asn: 65000\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 65001, routeReflectorClient: true }\n',
      ),
    ).toEqual([
      'neighbors[0].routeReflectorClient: only an iBGP neighbor (peerAsn 65000) can be a route-reflector client',
    ]);
  });

  it("judges iBGP by a neighbor's own localAsn; localAsn and routerId are checked like asn and routerId", () => {
    const c = parseConfig(
      'asn: 65000\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 64900, localAsn: 64900, routerId: 192.0.2.7, routeReflectorClient: true }\n',
    );
    expect(c.neighbors[0]).toMatchObject({
      localAsn: 64900,
      routerId: '192.0.2.7',
      routeReflectorClient: true,
    });
    expect(
      problems(
        'asn: 65000\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 65000, localAsn: 64900, routeReflectorClient: true }\n',
      ),
    ).toEqual([
      'neighbors[0].routeReflectorClient: only an iBGP neighbor (peerAsn 64900) can be a route-reflector client',
    ]);
    const bad = problems(
      'asn: 65000\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 1, localAsn: 0, routerId: fe80::1 }\n',
    );
    expect(bad.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'neighbors[0].localAsn',
      'neighbors[0].routerId',
    ]);
  });

  it('rejects an announcement whose attributes cannot fit a 4,096-octet UPDATE, naming it', () => {
    const list = (n: number, f: (i: number) => string) =>
      JSON.stringify(Array.from({ length: n }, (_, i) => f(i)));
    const found = problems(
      `asn: 64512\nannounce:\n  - { prefix: 198.51.100.1/32 }\n  - prefix: 198.51.100.2/32\n` +
        `    communities: ${list(900, (i) => `64512:${i}`)}\n` +
        `    largeCommunities: ${list(300, (i) => `64512:1:${i}`)}\n`,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^announce\[1\]: its path attributes need \d+ more octets/);
    expect(
      problems(
        `asn: 64512\nannounce:\n  - prefix: 198.51.100.2/32\n    communities: ${list(1001, () => '1:1')}\n`,
      )[0],
    ).toMatch(/^announce\[0\]\.communities/);
  });

  it('refuses a prefix with host bits set instead of masking it silently', () => {
    expect(problems('asn: 64512\nannounce:\n  - { prefix: 10.1.1.5/24 }\n')).toEqual([
      'announce[0].prefix: invalid prefix "10.1.1.5/24": host bits set (did you mean 10.1.1.0/24?)',
    ]);
    expect(
      problems('asn: 64512\nannounce:\n  - { prefix: 10.1.1.5/32 }\n  - { prefix: "2001:db8::/32" }\n'),
    ).toEqual([]);
  });

  it('refuses a zero BGP Identifier (RFC 6286), globally and per neighbor', () => {
    expect(
      problems(
        'asn: 1\nrouterId: 0.0.0.0\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, routerId: 0.0.0.0 }\n' +
          '  - { address: 10.0.0.2, peerAsn: 2, routerId: 0.0.0.1 }\n',
      ),
    ).toEqual([
      'routerId: must not be 0.0.0.0 (peers refuse a zero BGP Identifier: Bad BGP Identifier)',
      'neighbors[0].routerId: must not be 0.0.0.0 (peers refuse a zero BGP Identifier: Bad BGP Identifier)',
    ]);
  });

  it('refuses an announcement next hop that is no host address (RFC 4271 §6.3)', () => {
    const ignored = 'peers would ignore the route (RFC 4271 §6.3); leave nextHop out to send our own address';
    expect(
      problems(
        'asn: 1\nannounce:\n  - { prefix: 10.0.0.0/8, nextHop: 224.0.0.1 }\n' +
          '  - { prefix: 10.1.0.0/16, nextHop: 0.0.0.0 }\n  - { prefix: "2001:db8::/32", nextHop: "::1" }\n' +
          '  - { prefix: 10.2.0.0/16, nextHop: 192.0.2.1 }\n  - { prefix: "2001:db8:1::/48", nextHop: "fe80::1" }\n',
      ),
    ).toEqual([
      `announce[0].nextHop: 224.0.0.1 is a multicast address: ${ignored}`,
      `announce[1].nextHop: 0.0.0.0 is the unspecified address: ${ignored}`,
      `announce[2].nextHop: ::1 is the loopback address: ${ignored}`,
    ]);
  });

  it('refuses to announce a multicast prefix (RFC 4271 §6.3); 0.0.0.0/0 and 240/4 are routes', () => {
    expect(
      problems(
        'asn: 1\nannounce:\n  - { prefix: 224.0.0.0/4 }\n  - { prefix: 239.1.0.0/16 }\n  - { prefix: "ff00::/8" }\n' +
          '  - { prefix: 0.0.0.0/0 }\n  - { prefix: 240.0.0.0/4 }\n  - { prefix: "fe80::/10" }\n',
      ),
    ).toEqual([
      'announce[0].prefix: 224.0.0.0/4 is multicast: peers ignore it in unicast routes (RFC 4271 §6.3)',
      'announce[1].prefix: 239.1.0.0/16 is multicast: peers ignore it in unicast routes (RFC 4271 §6.3)',
      'announce[2].prefix: ff00::/8 is multicast: peers ignore it in unicast routes (RFC 4271 §6.3)',
    ]);
  });

  it('takes an IPv4-mapped IPv6 neighbor address as the IPv4 peer it maps', () => {
    const c = parseConfig(
      'asn: 1\nneighbors:\n  - { address: "::ffff:10.0.0.1", peerAsn: 2, localAddress: "::ffff:10.0.0.9" }\n',
    );
    expect(c.neighbors[0]).toMatchObject({
      address: '10.0.0.1',
      localAddress: '10.0.0.9',
      families: ['ipv4-unicast'],
    });
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: "::ffff:10.0.0.1", peerAsn: 2 }\n  - { address: 10.0.0.1, peerAsn: 2 }\n',
      ),
    ).toEqual(['neighbors[1].address: duplicate neighbor 10.0.0.1']);
  });

  it('reports YAML syntax errors with the source name', () => {
    expect(problems('asn: [1\n')[0]).toMatch(/^config: /);
  });

  it('refuses aliases that expand beyond bounds (a billion-laughs file) as a config problem', () => {
    expect(problems(`asn: 1\n${aliasBomb()}`)).toEqual([
      expect.stringMatching(/^config: Excessive alias count/),
    ]);
  });

  it('redacts passwords for display', () => {
    const c = parseConfig(
      'asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, password: s3cret }\n' +
        'dynamicNeighbors:\n  - { range: 10.1.0.0/24, peerAsn: 2, password: r4nge }\n',
    );
    expect(c.dynamicNeighbors[0]?.password).toBe('r4nge');
    const shown = JSON.stringify(redactConfig(c));
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain('r4nge');
  });

  it("refuses addresses that cannot be a peer's, a source address of the other family, a link-local peer without its interface, a bad device name", () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n' +
          '  - { address: 10.0.0.1, peerAsn: 2, localAddress: "2001:db8::1" }\n' +
          '  - { address: "fe80::1", peerAsn: 2 }\n' +
          '  - { address: 0.0.0.0, peerAsn: 2 }\n' +
          '  - { address: 224.0.0.5, peerAsn: 2 }\n' +
          '  - { address: 255.255.255.255, peerAsn: 2 }\n' +
          '  - { address: "::", peerAsn: 2 }\n' +
          '  - { address: "ff02::5", peerAsn: 2 }\n' +
          '  - { address: 10.0.0.2, peerAsn: 2, bindDevice: an-interface-name-too-long, vrf: "a b" }\n',
      ),
    ).toEqual([
      "neighbors[0].localAddress: 2001:db8::1 is not of the neighbor's address family (ipv4)",
      'neighbors[1].address: fe80::1 is link-local: give its interface (fe80::1%IFACE) or bindDevice, or make the neighbor passive',
      "neighbors[2].address: 0.0.0.0 is the unspecified address, not a peer's",
      "neighbors[3].address: 224.0.0.5 is a multicast address, not a peer's",
      "neighbors[4].address: 255.255.255.255 is a broadcast address, not a peer's",
      "neighbors[5].address: :: is the unspecified address, not a peer's",
      "neighbors[6].address: ff02::5 is a multicast address, not a peer's",
      'neighbors[7].bindDevice: "an-interface-name-too-long" is not a Linux interface name',
      'neighbors[7].vrf: "a b" is not a Linux interface name',
    ]);
    // What is reachable stays accepted: a v4-mapped peer with an IPv4 source, a link-local peer
    // with its interface, through bindDevice, or waited for.
    const c = parseConfig(
      'asn: 1\nneighbors:\n' +
        '  - { address: "::ffff:10.0.0.1", peerAsn: 2, localAddress: 10.0.0.2 }\n' +
        '  - { address: "fe80::1%eth0", peerAsn: 2 }\n' +
        '  - { address: "fe80::2", peerAsn: 2, bindDevice: eth1 }\n' +
        '  - { address: "fe80::3", peerAsn: 2, passive: true }\n',
    );
    expect(c.neighbors.map((n) => n.address)).toEqual(['10.0.0.1', 'fe80::1%eth0', 'fe80::2', 'fe80::3']);
  });

  it("refuses a neighbor without a password inside a range that has one (the kernel would require the range's key of it)", () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: 10.1.0.5, peerAsn: 2 }\n  - { address: 10.1.0.6, peerAsn: 2, password: own }\n' +
          '  - { address: 10.2.0.5, peerAsn: 2 }\n' +
          'dynamicNeighbors:\n  - { range: 10.2.0.0/24, peerAsn: 2 }\n  - { range: 10.1.0.0/24, peerAsn: 2, password: r4nge }\n',
      ),
    ).toEqual([
      "neighbors[0].password: 10.1.0.5 is in dynamicNeighbors[1].range, whose TCP MD5 key the kernel would also require of this neighbor's connections to us; give it a password (the range's or its own)",
    ]);
  });

  it('refuses a TCP MD5 key Linux would refuse (over 80 octets), for a neighbor and for a range', () => {
    const long = 'k'.repeat(81);
    const eighty = 'é'.repeat(40); // 80 octets in UTF-8
    expect(
      problems(
        `asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, password: ${long} }\n` +
          `  - { address: 10.0.0.2, peerAsn: 2, password: ${eighty} }\n` +
          `dynamicNeighbors:\n  - { range: 10.1.0.0/24, peerAsn: 2, password: ${eighty}é }\n`,
      ),
    ).toEqual([
      'neighbors[0].password: a TCP MD5 key is at most 80 octets (Linux TCP_MD5SIG_MAXKEYLEN); this one has 81',
      'dynamicNeighbors[0].password: a TCP MD5 key is at most 80 octets (Linux TCP_MD5SIG_MAXKEYLEN); this one has 82',
    ]);
  });

  it('checks the rules a schema cannot say: hold time, keepalive below hold time', () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, holdTime: 2 }\n' +
          '  - { address: 10.0.0.2, peerAsn: 2, holdTime: 9, keepalive: 9 }\n',
      ),
    ).toEqual([
      'neighbors[0].holdTime: must be 0 or at least 3',
      'neighbors[1].keepalive: must be less than holdTime (9)',
    ]);
  });

  it('says what a union accepts, or lets the branch that matched speak', () => {
    expect(problems('asn: 1\nlisten: 3\napi: { listen: "nope" }\n')).toEqual([
      'listen: must be false or a mapping',
      'api.listen: must be HOST:PORT (e.g. 127.0.0.1:9179) or the absolute path of a unix socket',
    ]);
    expect(problems('asn: 1\nlisten: { port: 0, extra: 1 }\n')).toEqual([
      'listen.extra: unknown key (expected one of: address, port)',
      'listen.port: must be an integer 1..65535',
    ]);
    expect(problems('asn: 1\ndynamicNeighbors:\n  - { range: 10.0.0.0/8, peerAsn: 0 }\n')).toEqual([
      'dynamicNeighbors[0].peerAsn: must be an integer 1..4294967295',
    ]);
    expect(problems('asn: 1\nneighbors:\n  - { address: 192.0.2.2, peerAsn: extern }\n')).toEqual([
      'neighbors[0].peerAsn: must be an integer 1..4294967295 or "external"',
    ]);
  });

  it("peerAsn external: any AS but ours (FRR's remote-as external), an eBGP session with TTL 1", () => {
    const c = parseConfig('asn: 64512\nneighbors:\n  - { address: 192.0.2.2, peerAsn: external }\n');
    expect(c.neighbors[0].peerAsn).toBe('external');
    expect(ttlPolicy(c.neighbors[0], 64512)).toEqual({ ttl: 1 });
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: 192.0.2.2, peerAsn: external, routeReflectorClient: true }\n',
      ),
    ).toEqual([
      'neighbors[0].routeReflectorClient: only an iBGP neighbor (peerAsn 1) can be a route-reflector client',
    ]);
  });

  it('reads secrets from files and environment variables, naming what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
    try {
      writeFileSync(join(dir, 'key'), 'from-file\n');
      process.env.HERALD_TEST_TOKEN = 'from-env';
      const c = parseConfig(
        `asn: 1\napi: { tokenEnv: HERALD_TEST_TOKEN }\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, passwordFile: ${join(dir, 'key')} }\n`,
      );
      expect(c.neighbors[0]?.password).toBe('from-file');
      expect(c.api !== false && c.api.token).toBe('from-env');
      const shown = JSON.stringify(redactConfig(c));
      expect(shown).not.toContain('from-file');
      expect(shown).not.toContain('from-env');
      expect(
        problems(
          `asn: 1\napi: { tokenEnv: HERALD_TEST_UNSET }\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, passwordFile: ${join(dir, 'none')} }\n`,
        ),
      ).toEqual([
        'api.tokenEnv: environment variable HERALD_TEST_UNSET is not set',
        `neighbors[0].passwordFile: cannot read ${join(dir, 'none')} (ENOENT)`,
      ]);
    } finally {
      delete process.env.HERALD_TEST_TOKEN;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an empty secret file: an empty token would leave the API open, an empty key MD5 off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
    try {
      writeFileSync(join(dir, 'empty'), '');
      writeFileSync(join(dir, 'blank'), '  \n');
      expect(
        problems(
          `asn: 1\napi: { tokenFile: ${join(dir, 'empty')} }\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 2, passwordFile: ${join(dir, 'blank')} }\n`,
        ),
      ).toEqual([
        `api.tokenFile: ${join(dir, 'empty')} is empty`,
        `neighbors[0].passwordFile: ${join(dir, 'blank')} is empty`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every bad value of a union-typed key, one per list entry', () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { address: 10.0.0.3, peerAsn: foo }\n  - { address: 10.0.0.4, peerAsn: 0 }\n' +
          '  - { address: 10.0.0.5, peerAsn: 2 }\n  - { address: 10.0.0.6, peerAsn: -5 }\n',
      ).map((p) => p.split(':')[0]),
    ).toEqual(['neighbors[0].peerAsn', 'neighbors[1].peerAsn', 'neighbors[3].peerAsn']);
  });

  it('validates health checks and fills their defaults', () => {
    const c = parseConfig(
      'asn: 1\nannounce:\n  - prefix: 192.0.2.1/32\n    healthCheck: { tcp: "127.0.0.1:53" }\n',
    );
    expect(c.announce[0]?.healthCheck).toEqual({
      tcp: '127.0.0.1:53',
      interval: 5,
      timeout: 2,
      rise: 2,
      fall: 3,
      whenDown: 'withdraw',
    });
    expect(
      problems(
        'asn: 1\nannounce:\n  - prefix: 192.0.2.1/32\n    healthCheck: { tcp: "x", command: "true", rise: 0 }\n' +
          '  - prefix: 192.0.2.2/32\n    healthCheck: { command: "true", expectStatus: [200], whenDown: degrade }\n' +
          '  - prefix: 192.0.2.2/32\n',
      ),
    ).toEqual([
      'announce[0].healthCheck.tcp: must be HOST:PORT (e.g. 127.0.0.1:80 or [::1]:80)',
      'announce[0].healthCheck.rise: must be an integer 1..100',
    ]);
    expect(
      problems(
        'asn: 1\nannounce:\n  - prefix: 192.0.2.1/32\n    healthCheck: { tcp: "127.0.0.1:1", command: "true" }\n' +
          '  - prefix: 192.0.2.2/32\n    healthCheck: { command: "true", expectStatus: [200], whenDown: degrade }\n' +
          '  - prefix: 192.0.2.2/32\n',
      ),
    ).toEqual([
      'announce[0].healthCheck: give exactly one of command, tcp, http',
      'announce[1].healthCheck.expectStatus: only applies to an http check',
      'announce[1].healthCheck.degrade: give med and/or asPathPrepend for whenDown: degrade',
      'announce[2].prefix: duplicate announcement 192.0.2.2/32',
    ]);
  });
});

describe('config.example.yaml', () => {
  it('documents every key of the schema (set or commented out)', () => {
    const text = readFileSync(new URL('../../config.example.yaml', import.meta.url), 'utf8');
    const keys = new Set<string>();
    const walk = (s: unknown) => {
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      for (const [k, v] of Object.entries((o.properties ?? {}) as Record<string, unknown>)) {
        keys.add(k);
        walk(v);
      }
      for (const x of [o.items, ...((o.anyOf ?? []) as unknown[])]) walk(x);
    };
    walk(ConfigSchema);
    const missing = [...keys].filter((k) => !new RegExp(`(^|[\\s{,#])${k}:`, 'm').test(text));
    expect(missing).toEqual([]);
    expect(keys.size).toBeGreaterThan(40);
  });
});
