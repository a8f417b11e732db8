// desiredState(): the whole picture for one node — merged announcements, sessions from BGPPeers,
// every service's decision — from hand-made resources and from the seed deployments' MetalLB
// setups (test/fixtures/k8s).
import { describe, expect, it } from 'vitest';
import type { ServiceDecision, ServiceRoute } from '../../src/k8s/decide.js';
import { desiredState, mergeAnnouncements } from '../../src/k8s/desired.js';
import {
  advertisement,
  bfdProfile,
  fixture,
  groupByKind,
  node,
  peer,
  pool,
  secret,
  service,
  slice,
} from './resources.js';

describe('mergeAnnouncements', () => {
  const route = (
    prefix: string,
    o: { c?: string[]; lp?: number; peers?: string[] | null } = {},
  ): ServiceRoute => ({
    ip: prefix.split('/')[0],
    prefix,
    advertisement: 'ad',
    communities: o.c ?? [],
    largeCommunities: [],
    localPref: o.lp,
    peers: o.peers ?? null,
  });
  const ok = (service: string, routes: ServiceRoute[]): ServiceDecision => ({
    service,
    ips: [],
    pool: 'p',
    announced: true,
    routes,
  });

  it('merges equal prefixes of several services with the union of their communities', () => {
    expect(
      mergeAnnouncements([
        ok('ns/a', [route('10.0.0.0/24', { c: ['1:1'] })]),
        ok('ns/b', [route('10.0.0.0/24', { c: ['1:2', '1:1'] })]),
        { service: 'ns/c', ips: ['10.0.0.9'], announced: false, reason: 'noEndpoints', detail: '' },
      ]),
    ).toEqual([
      {
        prefix: '10.0.0.0/24',
        peers: null,
        communities: ['1:1', '1:2'],
        largeCommunities: [],
        localPref: undefined,
        services: ['ns/a', 'ns/b'],
      },
    ]);
  });

  it('gives named peers their own announcement, including what goes to every peer', () => {
    const merged = mergeAnnouncements([
      ok('ns/a', [
        route('10.0.0.1/32', { c: ['1:1'] }),
        route('10.0.0.1/32', { c: ['2:2'], lp: 50, peers: ['p1', 'p2'] }),
      ]),
      ok('ns/b', [route('10.0.0.2/32', { peers: ['p3'] })]),
    ]);
    expect(merged.map((a) => [a.prefix, a.peers, a.communities, a.localPref])).toEqual([
      ['10.0.0.1/32', null, ['1:1'], undefined],
      ['10.0.0.1/32', ['p1', 'p2'], ['1:1', '2:2'], 50],
      ['10.0.0.2/32', ['p3'], [], undefined],
    ]);
  });
});

describe('desiredState', () => {
  const objects = [
    pool('default', { addresses: ['192.0.2.0/24'] }),
    advertisement('host', { communities: ['64512:100'], localPref: 120 }),
    advertisement('agg', { aggregationLength: 24, peers: ['edge'] }),
    peer('tor', {
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '10.0.0.1',
      holdTime: '9s',
      bfdProfile: 'fast',
      passwordSecret: { name: 'tor-pw' },
    }),
    peer('edge', {
      myASN: 64512,
      peerASN: 65000,
      peerAddress: '2001:db8::1',
      ebgpMultiHop: true,
      vrf: 'red',
      connectTime: '10s',
      dualStackAddressFamily: true,
    }),
    peer('rack2', {
      myASN: 64512,
      peerASN: 65000,
      peerAddress: '10.0.2.1',
      nodeSelectors: [{ matchLabels: { rack: 'r2' } }],
    }),
    bfdProfile('fast', { receiveInterval: 50 }),
    secret('tor-pw', 'kubernetes.io/basic-auth', { password: 'md5' }),
    node('node-a', { labels: { rack: 'r1' }, address: '10.0.1.5' }),
    service('a', { ips: ['192.0.2.1'] }),
    service('b', { ips: ['192.0.2.2'], policy: 'Local' }),
    service('c', { ips: ['192.0.2.3'], policy: 'Local' }),
    slice('a', [{ node: 'node-b' }]),
    slice('b', [{ node: 'node-a' }]),
    slice('c', [{ node: 'node-b' }]),
  ];
  const state = desiredState(groupByKind(objects), { nodeName: 'node-a' });

  it('lists every service with its decision', () => {
    expect(state.services.map((s) => [s.service, s.announced ? 'announced' : s.reason])).toEqual([
      ['default/a', 'announced'],
      ['default/b', 'announced'],
      ['default/c', 'noLocalEndpoints'],
    ]);
    expect(state.problems).toEqual([]);
  });

  it('announces each host route to every peer and the aggregate to the named peer only', () => {
    expect(state.announcements).toEqual([
      {
        prefix: '192.0.2.0/24',
        peers: ['edge'],
        communities: [],
        largeCommunities: [],
        localPref: undefined,
        services: ['default/a', 'default/b'],
      },
      {
        prefix: '192.0.2.1/32',
        peers: null,
        communities: ['64512:100'],
        largeCommunities: [],
        localPref: 120,
        services: ['default/a'],
      },
      {
        prefix: '192.0.2.2/32',
        peers: null,
        communities: ['64512:100'],
        largeCommunities: [],
        localPref: 120,
        services: ['default/b'],
      },
    ]);
  });

  it('has a session for each BGPPeer selecting the node, in Herald neighbor terms', () => {
    expect(state.node).toEqual({
      name: 'node-a',
      labels: { 'kubernetes.io/hostname': 'node-a', rack: 'r1' },
      ipv4: '10.0.1.5',
      ipv6: undefined,
    });
    expect(state.sessions.map((s) => s.name)).toEqual(['edge', 'tor']);
    const [edge, tor] = state.sessions;
    expect(tor).toMatchObject({
      resource: 'BGPPeer metallb-system/tor',
      localAsn: 64512,
      peerAsn: 64512,
      address: '10.0.0.1',
      port: 179,
      holdTime: 9,
      keepalive: 3,
      password: 'md5',
      ibgp: true,
      families: ['ipv4-unicast'],
      bfdProfile: { name: 'fast', receiveInterval: 50 },
      gracefulRestart: false,
    });
    expect(edge).toMatchObject({
      address: '2001:db8::1',
      ebgpMultihop: 255,
      bindDevice: 'red',
      connectRetry: 10,
      ibgp: false,
      families: ['ipv4-unicast', 'ipv6-unicast'],
    });
  });

  it('has no sessions and announces nothing when the node is unknown', () => {
    const s = desiredState(groupByKind(objects), { nodeName: 'ghost' });
    expect(s.sessions).toEqual([]);
    expect(s.announcements).toEqual([]);
    expect(s.services.every((d) => !d.announced && d.reason === 'nodeNotFound')).toBe(true);
  });
});

describe('seed deployments', () => {
  it('seed 000: the invalid community alias is reported and only the /24 aggregate is announced', () => {
    const s = desiredState(fixture('seed-000-metallb.yaml'), { nodeName: 'access-node-1' });
    expect(s.problems.map((p) => p.message)).toEqual([
      'Community metallb-system/communities: spec.communities[0].value: must be "a:b" or "large:a:b:c", got "64512-64534"',
      'BGPAdvertisement metallb-system/default-host-routes: spec.communities[0]: "no-advertise" is neither a community value nor a Community alias',
    ]);
    expect(s.announcements).toEqual([
      {
        prefix: '192.168.0.0/24',
        peers: null,
        communities: [],
        largeCommunities: [],
        localPref: undefined,
        services: ['default/web'],
      },
    ]);
    expect(s.sessions).toMatchObject([{ address: '10.0.0.1', peerAsn: 65001, localAsn: 65002, ibgp: false }]);
    expect(s.node?.ipv4).toBe('10.205.32.15');
  });

  it('seed 000 with the alias fixed announces each /32 with LOCAL_PREF 100 and the community', () => {
    const raw = fixture('seed-000-metallb.yaml');
    const fixed = raw.communities.map((c) =>
      JSON.parse(JSON.stringify(c).replace('64512-64534', '64512:64534')),
    );
    const s = desiredState({ ...raw, communities: fixed }, { nodeName: 'access-node-1' });
    expect(s.problems).toEqual([]);
    expect(s.announcements.map((a) => [a.prefix, a.communities, a.localPref])).toEqual([
      ['192.168.0.0/24', [], undefined],
      ['192.168.0.11/32', ['64512:64534'], 100],
    ]);
  });

  it('seed 002: both nodes announce both /32s of the range pool (policy Cluster)', () => {
    for (const nodeName of ['ubuntu-dev1', 'ubuntu-dev2']) {
      const s = desiredState(fixture('seed-002-metallb.yaml'), { nodeName });
      expect(s.problems).toEqual([]);
      expect(s.announcements.map((a) => a.prefix)).toEqual(['192.168.0.30/32', '192.168.0.31/32']);
      expect(s.sessions).toMatchObject([
        { name: 'openwrt', address: '192.168.1.2', peerAsn: 65000, localAsn: 65001 },
      ]);
    }
  });

  it('seed 004: the policy written as an annotation is ignored, so every node announces (ECMP)', () => {
    for (const nodeName of ['k8s-node-21', 'k8s-node-30']) {
      const s = desiredState(fixture('seed-004-metallb.yaml'), { nodeName });
      expect(s.announcements.map((a) => a.prefix)).toEqual(['10.254.254.241/32']);
      expect(s.sessions).toMatchObject([{ name: 'leaf2', ebgpMultihop: 255 }]);
    }
  });
});

describe('desiredState reuses what did not change', () => {
  it('answers for the objects it is given: a replaced slice, pool or node changes the answer', () => {
    const raw = groupByKind([
      pool('p', { addresses: ['10.0.0.0/24'] }),
      advertisement('a'),
      node('n1'),
      service('web', { ips: ['10.0.0.1'], policy: 'Local' }),
      slice('web', [{ node: 'n1' }]),
    ]);
    const announced = (r: typeof raw) => desiredState(r, { nodeName: 'n1' }).services[0];
    expect(announced(raw)).toMatchObject({ announced: true });
    expect(announced(raw)).toMatchObject({ announced: true });
    const moved = { ...raw, endpointSlices: [slice('web', [{ node: 'n2' }])] };
    expect(announced(moved)).toMatchObject({ announced: false, reason: 'noLocalEndpoints' });
    const shrunk = { ...raw, ipAddressPools: [pool('p', { addresses: ['10.0.1.0/24'] })] };
    expect(announced(shrunk)).toMatchObject({ announced: false });
    const excluded = {
      ...raw,
      nodes: [node('n1', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } })],
    };
    expect(announced(excluded)).toMatchObject({ announced: false, reason: 'nodeLabeledExcludeBalancers' });
    expect(announced(raw)).toMatchObject({ announced: true });
  });
});
