// The merge of every source selecting a node, with FRR-K8s's rules: unions, the most permissive
// receive filter, one session per VRF + address, and a conflicting source left out with a reason
// naming both sources while the others keep working.
import { describe, expect, it } from 'vitest';
import { mergeSources } from '../../../src/k8s/frrk8s/merge.js';
import { metallbSources } from '../../../src/k8s/frrk8s/sources.js';
import type { PeerSession } from '../../../src/k8s/sessions.js';
import { source } from './frr-source.js';

const A = source(
  'a',
  `
bgp:
  routers:
  - asn: 64512
    prefixes: [192.0.2.0/24]
    neighbors:
    - address: 172.18.0.5
      asn: 64513
      toAdvertise: {allowed: {mode: all}, withCommunity: [{community: "10:1", prefixes: [192.0.2.0/24]}]}
      toReceive: {allowed: {prefixes: [{prefix: 10.0.0.0/8, le: 24}]}}
`,
);

/** A MetalLB BGPPeer session to A's neighbor. */
const TOR: PeerSession = {
  name: 'tor',
  resource: 'BGPPeer metallb-system/tor',
  localAsn: 64512,
  peerAsn: 64513,
  address: '172.18.0.5',
  port: 179,
  gracefulRestart: false,
  families: ['ipv4-unicast'],
  ibgp: false,
};

describe('mergeSources', () => {
  it('makes one session of two sources for the same neighbor, with the union of their prefixes', () => {
    const b = source(
      'b',
      `
bgp:
  routers:
  - asn: 64512
    prefixes: [198.51.100.0/24, 192.0.2.0/24]
    neighbors:
    - address: 172.18.0.5
      asn: 64513
      port: 179
      toAdvertise:
        allowed: {prefixes: [198.51.100.0/24, 192.0.2.0/24]}
        withCommunity: [{community: "10:2", prefixes: [192.0.2.0/24]}]
        withLocalPref: [{localPref: 200, prefixes: [198.51.100.0/24]}]
      toReceive: {allowed: {prefixes: [{prefix: 172.16.0.0/12}]}}
`,
    );
    const m = mergeSources([A, b]);
    expect(m.rejected).toEqual([]);
    expect(m.accepted).toEqual(['FRRConfiguration frr-k8s-system/a', 'FRRConfiguration frr-k8s-system/b']);
    expect(m.routers).toEqual([
      {
        asn: 64512,
        id: undefined,
        vrf: '',
        prefixes: ['192.0.2.0/24', '198.51.100.0/24'],
        sources: m.accepted,
      },
    ]);
    expect(m.neighbors).toHaveLength(1);
    const [n] = m.neighbors;
    expect(n).toMatchObject({ key: '172.18.0.5', vrf: '', localAsn: 64512, sources: m.accepted });
    expect(n.advertise).toEqual({
      '192.0.2.0/24': { communities: ['10:1', '10:2'] },
      '198.51.100.0/24': { communities: [], localPref: 200 },
    });
    expect(n.receive).toEqual({
      all: false,
      prefixes: [{ prefix: '10.0.0.0/8', le: 24 }, { prefix: '172.16.0.0/12' }],
    });
  });

  it('lets a configuration advertise only the prefixes it declares', () => {
    const declaresOnly = source(
      'c',
      `
bgp:
  routers:
  - asn: 64512
    prefixes: [203.0.113.0/24]
    neighbors:
    - address: 172.18.0.5
      asn: 64513
`,
    );
    const m = mergeSources([A, declaresOnly]);
    expect(m.routers[0].prefixes).toEqual(['192.0.2.0/24', '203.0.113.0/24']);
    expect(Object.keys(m.neighbors[0].advertise)).toEqual(['192.0.2.0/24']);
  });

  it('takes the most permissive receive filter: all over a list over nothing', () => {
    const all = source(
      'all',
      'bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513, toReceive: {allowed: {mode: all}}}]}]}',
    );
    const none = source(
      'none',
      'bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513}]}]}',
    );
    expect(mergeSources([none, A]).neighbors[0].receive.prefixes).toHaveLength(1);
    expect(mergeSources([A, all]).neighbors[0].receive).toEqual({ all: true, prefixes: [] });
    expect(mergeSources([all, A, none]).neighbors[0].receive).toEqual({ all: true, prefixes: [] });
    expect(mergeSources([none]).neighbors[0].receive).toEqual({ all: false, prefixes: [] });
  });

  it('rejects a source with a different ASN for the neighbor, naming both, and keeps the other', () => {
    const other = source(
      'other',
      'bgp: {routers: [{asn: 64512, prefixes: [203.0.113.0/24], neighbors: [{address: 172.18.0.5, asn: 65000, toAdvertise: {allowed: {mode: all}}}, {address: 172.18.0.9, asn: 65000}]}]}',
    );
    const m = mergeSources([A, other]);
    expect(m.accepted).toEqual(['FRRConfiguration frr-k8s-system/a']);
    expect(m.rejected).toEqual([
      {
        source: 'FRRConfiguration frr-k8s-system/other',
        reason:
          'FRRConfiguration frr-k8s-system/other: neighbor 172.18.0.5 asn: 65000 here, 64513 in FRRConfiguration frr-k8s-system/a; left out',
      },
    ]);
    // Nothing of the rejected source remains: not its other neighbor, not its prefix.
    expect(m.neighbors.map((n) => n.key)).toEqual(['172.18.0.5']);
    expect(m.routers[0].prefixes).toEqual(['192.0.2.0/24']);
  });

  it('leaves nothing of a source left out in what a shared neighbor advertises', () => {
    const pref = source(
      'pref',
      'bgp: {routers: [{asn: 64512, prefixes: [203.0.113.0/24], neighbors: [{address: 172.18.0.5, asn: 64513, toAdvertise: {allowed: {mode: all}, withLocalPref: [{localPref: 100, prefixes: [203.0.113.0/24]}]}}]}]}',
    );
    // In prefix order, late adds 10.9.0.0/24 and a community to 192.0.2.0/24 before its LOCAL_PREF
    // for 203.0.113.0/24 conflicts.
    const late = source(
      'late',
      `
bgp:
  routers:
  - asn: 64512
    prefixes: [10.9.0.0/24, 192.0.2.0/24, 203.0.113.0/24]
    neighbors:
    - address: 172.18.0.5
      asn: 64513
      toAdvertise:
        allowed: {mode: all}
        withCommunity: [{community: "10:9", prefixes: [192.0.2.0/24]}]
        withLocalPref: [{localPref: 300, prefixes: [203.0.113.0/24]}]
`,
    );
    const m = mergeSources([A, pref, late]);
    expect(m.rejected.map((r) => r.source)).toEqual(['FRRConfiguration frr-k8s-system/late']);
    expect(m.neighbors[0].advertise).toEqual({
      '192.0.2.0/24': { communities: ['10:1'] },
      '203.0.113.0/24': { communities: [], localPref: 100 },
    });
  });

  it.each([
    ['router ASN', 'bgp: {routers: [{asn: 1}]}', 'router ASN in the default VRF: 1 here, 64512 in'],
    [
      'router id',
      'bgp: {routers: [{asn: 64512, id: 10.0.0.2}]}',
      'router id in the default VRF: "10.0.0.2" here, "10.0.0.1" in',
    ],
    [
      'port',
      'bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513, port: 180}]}]}',
      'neighbor 172.18.0.5 port: 180 here, unset in',
    ],
    [
      'hold time',
      'bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513, holdTime: 30s, keepaliveTime: 10s}]}]}',
      'neighbor 172.18.0.5 holdTime: 30 here, unset in',
    ],
    [
      'password',
      'bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513, password: x}]}]}',
      'neighbor 172.18.0.5: different passwords than',
    ],
    [
      'multihop',
      'bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513, ebgpMultiHop: true}]}]}',
      'neighbor 172.18.0.5 ebgpMultiHop: true here, false in',
    ],
    [
      'local preference of a prefix',
      'bgp: {routers: [{asn: 64512, prefixes: [192.0.2.0/24], neighbors: [{address: 172.18.0.5, asn: 64513, toAdvertise: {allowed: {mode: all}, withLocalPref: [{localPref: 50, prefixes: [192.0.2.0/24]}]}}]}]}',
      'neighbor 172.18.0.5 localPref of 192.0.2.0/24: 50 here, 100 in',
    ],
    [
      'BFD profile values',
      'bgp: {bfdProfiles: [{name: fast, receiveInterval: 100}]}',
      'bfd profile "fast" has other values in FRRConfiguration frr-k8s-system/first',
    ],
  ])('rejects a conflicting %s', (_what, spec, reason) => {
    const first = source(
      'first',
      `
bgp:
  bfdProfiles: [{name: fast, receiveInterval: 50}]
  routers:
  - asn: 64512
    id: 10.0.0.1
    prefixes: [192.0.2.0/24]
    neighbors:
    - address: 172.18.0.5
      asn: 64513
      toAdvertise: {allowed: {mode: all}, withLocalPref: [{localPref: 100, prefixes: [192.0.2.0/24]}]}
`,
    );
    const m = mergeSources([first, source('second', spec)]);
    expect(m.accepted).toEqual(['FRRConfiguration frr-k8s-system/first']);
    expect(m.rejected[0].reason).toContain(reason);
  });

  it('treats timers equal to FRR-K8s defaults as unset, and a BFD profile set once as agreed', () => {
    const defaults = source(
      'defaults',
      'bgp: {bfdProfiles: [{name: p}], routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513, port: 179, holdTime: 180s, keepaliveTime: 60s, connectTime: 60s, bfdProfile: p}]}]}',
    );
    const m = mergeSources([A, defaults]);
    expect(m.rejected).toEqual([]);
    expect(m.neighbors[0].session.bfdProfile).toBe('p');
  });

  // FRR-K8s (internal/controller/merge.go, neighborsAreCompatible) compares hold, keepalive and
  // connect times with unset read as the default (180 s, 60 s, 60 s): unset is not a wildcard, so
  // an unset timer next to any other value is a conflict ("multiple hold times specified"), and
  // MetalLB writes a BGPPeer without timers as a neighbor without them.
  it.each([
    [
      'BGPPeer without timers, FRRConfiguration with the defaults',
      {},
      'holdTime: 180s, keepaliveTime: 60s',
      true,
    ],
    [
      'BGPPeer with the default hold time, FRRConfiguration without timers',
      { holdTime: 180, keepalive: 60 },
      '',
      true,
    ],
    ['BGPPeer with 90 s, FRRConfiguration without timers', { holdTime: 90, keepalive: 30 }, '', false],
    ['BGPPeer without timers, FRRConfiguration with 90 s', {}, 'holdTime: 90s, keepaliveTime: 30s', false],
  ])('reads an unset timer as the default, not as any value: %s', (_what, timers, frrTimers, merged) => {
    const session: PeerSession = { ...TOR, ...timers };
    const frr = source(
      'timers',
      `bgp: {routers: [{asn: 64512, neighbors: [{address: 172.18.0.5, asn: 64513${frrTimers && `, ${frrTimers}`}}]}]}`,
    );
    for (const order of [
      [...metallbSources([session], []), frr],
      [frr, ...metallbSources([session], [])],
    ]) {
      const m = mergeSources(order);
      expect(m.accepted).toHaveLength(merged ? 2 : 1);
      if (!merged) expect(m.rejected[0].reason).toMatch(/holdTime: (90 here, unset|unset here, 90) in/);
    }
  });

  it('keeps neighbors of the same address in different VRFs apart', () => {
    const red = source(
      'red',
      'bgp: {routers: [{asn: 64512, vrf: red, neighbors: [{address: 172.18.0.5, asn: 65000}]}]}',
    );
    const m = mergeSources([A, red]);
    expect(m.neighbors.map((n) => [n.key, n.vrf])).toEqual([
      ['172.18.0.5', ''],
      ['red/172.18.0.5', 'red'],
    ]);
    expect(m.routers.map((r) => r.vrf)).toEqual(['', 'red']);
  });

  it('merges a MetalLB BGPPeer with an FRRConfiguration for the same router', () => {
    const metallb = metallbSources(
      [TOR],
      [
        {
          prefix: '203.0.113.10/32',
          peers: null,
          communities: ['65000:1'],
          largeCommunities: [],
          services: ['a/b'],
        },
        {
          prefix: '203.0.113.11/32',
          peers: ['other'],
          communities: [],
          largeCommunities: [],
          services: ['a/c'],
        },
      ],
    );
    const m = mergeSources([...metallb, A]);
    expect(m.rejected).toEqual([]);
    expect(m.neighbors).toHaveLength(1);
    expect(m.neighbors[0].sources).toEqual([
      'BGPPeer metallb-system/tor',
      'FRRConfiguration frr-k8s-system/a',
    ]);
    expect(m.neighbors[0].advertise).toEqual({
      '192.0.2.0/24': { communities: ['10:1'] },
      '203.0.113.10/32': { communities: ['65000:1'] },
    });
  });

  it('gives each router the sorted union of the prefixes of the sources accepted (many sources)', () => {
    let seed = 11; // deterministic: the same cases every run
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pool = Array.from({ length: 40 }, (_, i) => `10.${i % 3}.${i}.0/24`);
    for (let round = 0; round < 50; round++) {
      const sources = Array.from({ length: 1 + Math.floor(next() * 30) }, (_, i) => ({
        name: `FRRConfiguration ns/c${i}`,
        routers: [
          {
            asn: next() < 0.1 ? 64999 : 64512, // some are left out: another ASN for the VRF
            vrf: next() < 0.3 ? 'red' : '',
            prefixes: [...new Set(pool.filter(() => next() < 0.2))],
            neighbors: [],
          },
        ],
        bfdProfiles: [],
      }));
      const m = mergeSources(sources);
      const accepted = sources.filter((x) => m.accepted.includes(x.name));
      for (const r of m.routers) {
        const union = new Set(
          accepted.flatMap((x) => x.routers.filter((y) => y.vrf === r.vrf)).flatMap((y) => y.prefixes),
        );
        expect(r.prefixes).toEqual([...union].sort());
      }
      expect(m.accepted.length + m.rejected.length).toBe(sources.length);
    }
  });
});
