// From merged sources to what the daemon runs: sessions, routes per neighbor, and toReceive as an
// import policy that the real policy engine evaluates (closed by default, as FRR-K8s).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { compilePlanPolicies, planFrrK8s } from '../../src/daemon/frrk8s-plan.js';
import type { MergeSource } from '../../src/k8s/frrk8s/merge.js';
import { readFrrConfiguration } from '../../src/k8s/frrk8s/read-frr-configuration.js';
import { evaluate } from '../../src/policy/index.js';
import { parsePrefix } from '../../src/wire/index.js';

function source(name: string, spec: Record<string, unknown>): MergeSource {
  const c = readFrrConfiguration({ kind: 'FRRConfiguration', metadata: { name, namespace: 'ns' }, spec });
  return { name: `FRRConfiguration ns/${name}`, routers: c.routers, bfdProfiles: c.bfdProfiles };
}

const neighbor = (address: string, extra: Record<string, unknown>) => ({ address, asn: 65000, ...extra });
const CONFIG = parseConfig('asn: 64512\nlisten: false\nneighbors: [{address: 10.0.0.9, peerAsn: 65009}]\n');
const CTX = {
  direction: 'import',
  routeType: 'learned',
  neighborAddress: '10.0.0.1',
  neighborAsn: 65000,
  localAsn: 64512,
  nextHopSelf: {},
} as const;

function accepts(plan: ReturnType<typeof planFrrK8s>, name: string, prefix: string): boolean {
  const policy = compilePlanPolicies(plan).policies.policies.get(name);
  if (!policy) throw new Error(`no policy ${name}`);
  return evaluate(policy, { prefix: parsePrefix(prefix), attributes: {} as never }, CTX).accepted;
}

describe('planFrrK8s', () => {
  const frr = source('a', {
    bgp: {
      routers: [
        {
          asn: 64512,
          prefixes: ['198.51.100.0/24', '203.0.113.0/24'],
          neighbors: [
            neighbor('10.0.0.1', {
              toAdvertise: {
                allowed: { mode: 'all' },
                withLocalPref: [{ localPref: 300, prefixes: ['203.0.113.0/24'] }],
              },
              toReceive: {
                allowed: {
                  prefixes: [{ prefix: '172.16.0.0/12', ge: 12, le: 24 }, { prefix: '10.10.0.0/16' }],
                },
              },
            }),
            neighbor('10.0.0.2', {}),
            neighbor('10.0.0.9', {
              asn: 65009,
              toAdvertise: { allowed: { prefixes: ['198.51.100.0/24'] } },
              toReceive: { allowed: { mode: 'all' } },
            }),
          ],
        },
      ],
    },
  });
  const plan = planFrrK8s({ sessions: [], announcements: [], frrSources: [frr] }, CONFIG, '192.0.2.1');

  it('runs the merged neighbors, not the config file one, each with its import policy', () => {
    expect(plan.neighbors.map((n) => [n.address, n.peerAsn, n.importPolicy])).toEqual([
      ['10.0.0.1', 65000, 'frrk8s-in-10.0.0.1'],
      ['10.0.0.2', 65000, 'frrk8s-in-10.0.0.2'],
    ]);
  });

  it('runs a neighbor given by interface (BGP unnumbered) with its import policy, its routes for its link', () => {
    const unnumbered = source('u', {
      bgp: {
        routers: [
          {
            asn: 64512,
            prefixes: ['198.51.100.0/24'],
            neighbors: [
              {
                interface: 'eth1',
                asn: 65001,
                toAdvertise: { allowed: { mode: 'all' } },
                toReceive: { allowed: { prefixes: [{ prefix: '10.10.0.0/16' }] } },
              },
            ],
          },
        ],
      },
    });
    const p = planFrrK8s({ sessions: [], announcements: [], frrSources: [unnumbered] }, CONFIG, '192.0.2.1');
    expect(p.neighbors).toEqual([]);
    expect(p.interfaceNeighbors.map((n) => [n.interface, n.peerAsn, n.importPolicy, n.families])).toEqual([
      ['eth1', 65001, 'frrk8s-in-_eth1', ['ipv4-unicast', 'ipv6-unicast']],
    ]);
    expect(accepts(p, 'frrk8s-in-_eth1', '10.10.0.0/16')).toBe(true);
    expect(accepts(p, 'frrk8s-in-_eth1', '10.11.0.0/16')).toBe(false);
    // The route names the merged neighbor; its address stands in for the link until the peer is found.
    expect(p.announcements.map((a) => [a.prefix, a.peers])).toEqual([
      ['198.51.100.0/24', ['interface eth1']],
    ]);
    expect(p.peerAddress.get('interface eth1')).toBe('%eth1');
    expect(p.problems).toEqual([]);
  });

  it('targets each prefix at the neighbors it is advertised to, with that neighbor’s attributes', () => {
    expect(plan.announcements.map((a) => [a.prefix, a.peers, a.localPref])).toEqual([
      ['198.51.100.0/24', ['10.0.0.1', '10.0.0.9'], undefined],
      ['203.0.113.0/24', ['10.0.0.1'], 300],
    ]);
  });

  it('accepts only what toReceive allows (ge equal to the mask length included), nothing without it', () => {
    expect(accepts(plan, 'frrk8s-in-10.0.0.1', '172.16.0.0/12')).toBe(true);
    expect(accepts(plan, 'frrk8s-in-10.0.0.1', '172.20.1.0/24')).toBe(true);
    expect(accepts(plan, 'frrk8s-in-10.0.0.1', '172.20.1.0/25')).toBe(false);
    expect(accepts(plan, 'frrk8s-in-10.0.0.1', '10.10.0.0/16')).toBe(true);
    expect(accepts(plan, 'frrk8s-in-10.0.0.1', '10.10.1.0/24')).toBe(false);
    expect(accepts(plan, 'frrk8s-in-10.0.0.2', '172.16.0.0/12')).toBe(false);
  });

  it('keeps a config-file neighbor’s import policy and says so', () => {
    expect(plan.policyConfig.policies['frrk8s-in-10.0.0.9']).toBeUndefined();
    expect(plan.problems.map((p) => p.message)).toEqual([
      'FRRConfiguration ns/a: toReceive for 10.0.0.9 is not applied: it is a config-file neighbor, whose importPolicy applies',
    ]);
  });

  it('gives config-file neighbors the MetalLB routes for every peer', () => {
    const p = planFrrK8s(
      {
        sessions: [],
        announcements: [
          { prefix: '192.0.2.10/32', peers: null, communities: [], largeCommunities: [], services: ['a/b'] },
        ],
        frrSources: [],
      },
      CONFIG,
      '192.0.2.1',
    );
    expect(p.announcements.map((a) => [a.prefix, a.peers])).toEqual([['192.0.2.10/32', ['10.0.0.9']]]);
  });
});
