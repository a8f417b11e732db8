// decide(): one table row per rule of MetalLB's speaker, each reason at least once, then the
// routes of an announced service (aggregation, communities, LOCAL_PREF, peers).
import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/k8s/cluster-view.js';
import {
  type DecideOptions,
  decide,
  NOT_ANNOUNCED_REASONS,
  type ServiceDecision,
} from '../../src/k8s/decide.js';
import { advertisement, groupByKind, node, pool, service, slice } from './resources.js';

const ME = 'node-a';
type Obj = Record<string, unknown>;

interface Case {
  name: string;
  objects?: Obj[];
  svc?: Obj;
  slices?: Obj[];
  me?: Obj | null;
  options?: Partial<DecideOptions>;
  reason?: (typeof NOT_ANNOUNCED_REASONS)[number];
}

const basePool = pool('default', { addresses: ['192.0.2.0/24', '2001:db8::/120'] });
const baseAd = advertisement('all');
const svc = (o: Parameters<typeof service>[1] = {}) => service('web', { ips: ['192.0.2.10'], ...o });
const here = [slice('web', [{ node: ME }])];
const elsewhere = [slice('web', [{ node: 'node-b' }])];

function run(c: Case): ServiceDecision {
  const me = c.me === undefined ? node(ME) : c.me;
  const objects = [
    ...(c.objects ?? [basePool, baseAd]),
    c.svc ?? svc(),
    ...(c.slices ?? here),
    ...(me ? [me] : []),
  ];
  const view = buildClusterView(groupByKind(objects));
  expect(view.problems).toEqual([]);
  const s = view.services[0];
  return decide(s, view.endpointSlices.get(`${s.namespace}/${s.name}`) ?? [], view.nodes.get(ME), view, {
    nodeName: ME,
    ...c.options,
  });
}

const cases: Case[] = [
  {
    name: 'a class this instance does not serve',
    svc: svc({ loadBalancerClass: 'other' }),
    reason: 'loadBalancerClassMismatch',
  },
  {
    name: 'no class when this instance serves one',
    options: { loadBalancerClass: 'herald' },
    reason: 'loadBalancerClassMismatch',
  },
  {
    name: 'the class this instance serves',
    svc: svc({ loadBalancerClass: 'herald' }),
    options: { loadBalancerClass: 'herald' },
  },
  { name: 'a ClusterIP service', svc: svc({ type: 'ClusterIP' }), reason: 'notLoadBalancer' },
  { name: 'no ingress IP yet', svc: svc({ ips: [] }), reason: 'noIPAllocated' },
  { name: 'an ingress without IP (hostname only)', svc: svc({ ips: [''] }), reason: 'invalidIP' },
  { name: 'an IP outside every pool', svc: svc({ ips: ['198.51.100.1'] }), reason: 'notInPool' },
  {
    name: 'IPs in two different pools',
    svc: svc({ ips: ['192.0.2.10', '198.51.100.1'] }),
    objects: [basePool, baseAd, pool('other', { addresses: ['198.51.100.0/24'] })],
    reason: 'notInPool',
  },
  { name: 'a dual-stack service within one pool', svc: svc({ ips: ['192.0.2.10', '2001:db8::10'] }) },
  { name: 'no Node object for NODE_NAME', me: null, reason: 'nodeNotFound' },
  { name: 'no advertisement for the pool', objects: [basePool], reason: 'notOwner' },
  {
    name: 'an advertisement for another pool only',
    objects: [
      basePool,
      pool('x', { addresses: ['10.0.0.0/8'] }),
      advertisement('x', { ipAddressPools: ['x'] }),
    ],
    reason: 'notOwner',
  },
  {
    name: 'the advertisement selects other nodes',
    objects: [basePool, advertisement('rack2', { nodeSelectors: [{ matchLabels: { rack: 'r2' } }] })],
    me: node(ME, { labels: { rack: 'r1' } }),
    reason: 'notOwner',
  },
  {
    name: 'the advertisement selects this node by label',
    objects: [basePool, advertisement('rack1', { nodeSelectors: [{ matchLabels: { rack: 'r1' } }] })],
    me: node(ME, { labels: { rack: 'r1' } }),
  },
  {
    name: 'the advertisement selects other services',
    objects: [basePool, advertisement('db', { serviceSelectors: [{ matchLabels: { app: 'db' } }] })],
    svc: svc({ labels: { app: 'web' } }),
    reason: 'noMatchingAdvertisement',
  },
  {
    name: 'the advertisement selects this service',
    objects: [basePool, advertisement('web', { serviceSelectors: [{ matchLabels: { app: 'web' } }] })],
    svc: svc({ labels: { app: 'web' } }),
  },
  {
    name: 'two advertisements with different LOCAL_PREF for the same prefixes',
    objects: [
      basePool,
      advertisement('a', { localPref: 100 }),
      advertisement('b', { localPref: 200, serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
    ],
    svc: svc({ labels: { app: 'web' } }),
    reason: 'conflictingAdvertisements',
  },
  {
    name: 'different LOCAL_PREF but different aggregation lengths',
    objects: [
      basePool,
      advertisement('a', { localPref: 100 }),
      advertisement('b', { localPref: 200, aggregationLength: 24, aggregationLengthV6: 120 }),
    ],
  },
  {
    name: 'different LOCAL_PREF towards disjoint peers',
    objects: [
      basePool,
      advertisement('a', { localPref: 100, peers: ['p1'] }),
      advertisement('b', { localPref: 200, peers: ['p2'] }),
    ],
  },
  {
    name: 'the node network is unavailable',
    me: node(ME, { networkUnavailable: true }),
    reason: 'nodeNetworkUnavailable',
  },
  {
    name: 'the node is excluded from load balancers',
    me: node(ME, { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }),
    reason: 'nodeLabeledExcludeBalancers',
  },
  {
    name: 'the node is excluded but the exclusion is ignored',
    me: node(ME, { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } }),
    options: { ignoreExcludeLb: true },
  },
  {
    name: 'policy Local with endpoints on other nodes only',
    svc: svc({ policy: 'Local' }),
    slices: elsewhere,
    reason: 'noLocalEndpoints',
  },
  { name: 'policy Local with a ready endpoint here', svc: svc({ policy: 'Local' }) },
  {
    name: 'policy Local with a not-ready endpoint here',
    svc: svc({ policy: 'Local' }),
    slices: [slice('web', [{ node: ME, ready: false, serving: false }])],
    reason: 'noLocalEndpoints',
  },
  {
    name: 'policy Local with a serving but terminating endpoint here (counts, as in MetalLB)',
    svc: svc({ policy: 'Local' }),
    slices: [slice('web', [{ node: ME, ready: false, serving: true, terminating: true }])],
  },
  {
    name: 'policy Local with an endpoint here that has no address',
    svc: svc({ policy: 'Local' }),
    slices: [slice('web', [{ node: ME, addresses: [] }])],
    reason: 'noLocalEndpoints',
  },
  { name: 'policy Cluster with endpoints on other nodes only', slices: elsewhere },
  {
    name: 'policy Cluster with endpoints in a second slice',
    slices: [slice('web', []), slice('web', [{ node: 'node-b' }], 'web-x2')],
  },
  { name: 'policy Cluster without any endpoint', slices: [], reason: 'noEndpoints' },
  {
    name: 'policy Cluster with no ready endpoint',
    slices: [slice('web', [{ node: ME, ready: false }])],
    reason: 'noEndpoints',
  },
  {
    name: 'unknown readiness counts as ready',
    slices: [slice('web', [{ node: 'node-b', ready: undefined }])],
  },
];

describe('decide', () => {
  it.each(cases)('$name → $reason', (c) => {
    const d = run(c);
    if (c.reason) {
      expect(d).toMatchObject({ announced: false, reason: c.reason });
      if (!d.announced) expect(d.detail).not.toBe('');
    } else {
      expect(d).toMatchObject({ announced: true });
    }
  });

  it('covers every reason in the table', () => {
    expect(new Set(cases.map((c) => c.reason).filter(Boolean))).toEqual(new Set(NOT_ANNOUNCED_REASONS));
  });

  it('gives one route per IP and advertisement, masked to the aggregation length', () => {
    const d = run({
      objects: [
        basePool,
        advertisement('host', { localPref: 100, communities: ['64512:2', '64512:1', 'large:65000:1:2'] }),
        advertisement('agg', {
          aggregationLength: 24,
          aggregationLengthV6: 120,
          peers: ['tor-b', 'tor-a'],
          localPref: 100,
        }),
      ],
      name: '',
      svc: svc({ ips: ['192.0.2.10', '2001:db8::10'] }),
    });
    expect(d).toEqual({
      service: 'default/web',
      ips: ['192.0.2.10', '2001:db8::10'],
      pool: 'default',
      announced: true,
      routes: [
        {
          ip: '192.0.2.10',
          prefix: '192.0.2.0/24',
          advertisement: 'agg',
          communities: [],
          largeCommunities: [],
          localPref: 100,
          peers: ['tor-a', 'tor-b'],
        },
        {
          ip: '192.0.2.10',
          prefix: '192.0.2.10/32',
          advertisement: 'host',
          communities: ['64512:1', '64512:2'],
          largeCommunities: ['65000:1:2'],
          localPref: 100,
          peers: null,
        },
        {
          ip: '2001:db8::10',
          prefix: '2001:db8::/120',
          advertisement: 'agg',
          communities: [],
          largeCommunities: [],
          localPref: 100,
          peers: ['tor-a', 'tor-b'],
        },
        {
          ip: '2001:db8::10',
          prefix: '2001:db8::10/128',
          advertisement: 'host',
          communities: ['64512:1', '64512:2'],
          largeCommunities: ['65000:1:2'],
          localPref: 100,
          peers: null,
        },
      ],
    });
  });
});
