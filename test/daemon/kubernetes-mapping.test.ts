// The pure half of Kubernetes mode: a snapshot's announcements as local routes (peer names →
// neighbor addresses, the everyone-else variant, IPv6 next hop, LOCAL_PREF kept for iBGP) and its
// BGPPeer sessions as neighbor configs with the config file's defaults and clear problems; the
// RouteMemo that hands out the last snapshot's route objects for unchanged announcements.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { kubernetesRoutes, RouteMemo } from '../../src/daemon/kubernetes-routes.js';
import { resolvePeerAddresses, sessionNeighbors } from '../../src/daemon/kubernetes-sessions.js';
import type { Announcement, PeerSession } from '../../src/k8s/index.js';
import { exportAttributes } from '../../src/rib/local-routes.js';
import { formatPrefix } from '../../src/wire/index.js';

const announcement = (prefix: string, o: Partial<Announcement> = {}): Announcement => ({
  prefix,
  peers: null,
  communities: [],
  largeCommunities: [],
  services: ['default/web'],
  ...o,
});

const targets = {
  peerAddress: new Map([
    ['tor-a', '10.0.0.1'],
    ['tor-b', '10.0.0.2'],
  ]),
  neighbors: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
};

describe('kubernetesRoutes', () => {
  it('an announcement for every peer is a route for every neighbor, with its attributes', () => {
    const { routes, problems } = kubernetesRoutes(
      [
        announcement('192.0.2.10/32', {
          communities: ['64512:1'],
          largeCommunities: ['1:2:3'],
          localPref: 150,
        }),
      ],
      targets,
    );
    expect(problems).toEqual([]);
    expect(routes).toHaveLength(1);
    const r = routes[0].route;
    expect(formatPrefix(r.prefix)).toBe('192.0.2.10/32');
    expect(r.peers).toBeUndefined();
    expect(r.nextHop).toBeUndefined(); // next-hop self: each session's own address
    expect(r.communities).toEqual([64512 * 65536 + 1]);
    expect(r.largeCommunities).toEqual([{ global: 1, local1: 2, local2: 3 }]);
    const session = { localAsn: 64512, localAddress: '10.0.0.9', ipv4OverIpv6: false };
    expect(exportAttributes(r, { ...session, ibgp: true })?.localPref).toBe(150);
    expect(exportAttributes(r, { ...session, ibgp: false })?.localPref).toBeUndefined();
  });

  it('named BGPPeers become neighbor addresses; the everyone variant goes to the others', () => {
    const { routes } = kubernetesRoutes(
      [
        announcement('192.0.2.10/32', { communities: ['64512:1'] }),
        announcement('192.0.2.10/32', { peers: ['tor-a'], communities: ['64512:1', '64512:2'] }),
      ],
      targets,
    );
    expect(routes.map((r) => [formatPrefix(r.route.prefix), r.route.peers, r.spec.communities])).toEqual([
      ['192.0.2.10/32', ['10.0.0.2', '10.0.0.3'], ['64512:1']],
      ['192.0.2.10/32', ['10.0.0.1'], ['64512:1', '64512:2']],
    ]);
  });

  it('peers without a session on this node get nothing', () => {
    const { routes } = kubernetesRoutes([announcement('192.0.2.10/32', { peers: ['elsewhere'] })], targets);
    expect(routes).toEqual([]);
  });

  it('IPv6 prefixes too go out with next-hop self (the node IPv6 address is no third-party next hop)', () => {
    const { routes } = kubernetesRoutes(
      [announcement('2001:db8::10/128'), announcement('192.0.2.10/32')],
      targets,
    );
    expect(routes.map((r) => r.route.nextHop)).toEqual([undefined, undefined]);
  });

  it('a route too large for an UPDATE is a problem, not a route', () => {
    const communities = Array.from({ length: 1100 }, (_, i) => `64512:${i}`);
    const { routes, problems } = kubernetesRoutes([announcement('192.0.2.10/32', { communities })], targets);
    expect(routes).toEqual([]);
    expect(problems[0].message).toMatch(/^192\.0\.2\.10\/32: .*not announced$/);
  });
});

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.1\nneighbors:\n  - { address: 10.0.0.5, peerAsn: 65005, holdTime: 30 }\n',
);

const session = (name: string, o: Partial<PeerSession> = {}): PeerSession => ({
  name,
  resource: `BGPPeer metallb-system/${name}`,
  localAsn: 64512,
  peerAsn: 65000,
  address: '10.0.0.1',
  port: 179,
  gracefulRestart: false,
  families: ['ipv4-unicast'],
  ...o,
});

describe('sessionNeighbors', () => {
  it('maps a BGPPeer onto a neighbor with the config defaults', () => {
    const out = sessionNeighbors(
      [
        session('tor', {
          holdTime: 9,
          connectRetry: 7,
          localAddress: '10.0.0.9',
          password: 'k',
          ebgpMultihop: 255,
          gracefulRestart: true,
          bindDevice: 'vrf-red',
          port: 1179,
        }),
      ],
      config,
      '192.0.2.1',
    );
    expect(out.problems).toEqual([]);
    expect(out.peerAddress).toEqual(new Map([['tor', '10.0.0.1']]));
    expect(out.neighbors).toEqual([
      expect.objectContaining({
        address: '10.0.0.1',
        peerAsn: 65000,
        port: 1179,
        passive: false,
        holdTime: 9,
        keepalive: 3,
        connectRetry: 7,
        delayOpen: 0,
        localAddress: '10.0.0.9',
        password: 'k',
        ebgpMultihop: 255,
        // BGPPeer.vrf: the session's VRF (bound to it, routes into its table).
        vrf: 'vrf-red',
        families: ['ipv4-unicast'],
        gracefulRestart: { enabled: true, restartTime: 120 },
        description: 'BGPPeer metallb-system/tor',
      }),
    ]);
  });

  it('dynamicASN internal is our own AS, external any other; what Herald cannot do is a problem naming the field', () => {
    const out = sessionNeighbors(
      [
        session('ibgp', { peerAsn: undefined, dynamicAsn: 'internal' }),
        session('ext', { address: '10.0.0.2', peerAsn: undefined, dynamicAsn: 'external' }),
        session('other-as', { address: '10.0.0.3', localAsn: 64999 }),
        session('unnumbered', {
          address: undefined,
          interface: 'eth1',
          families: ['ipv4-unicast', 'ipv6-unicast'],
        }),
        session('unnumbered-dup', { address: undefined, interface: 'eth1' }),
        session('unnumbered-multihop', { address: undefined, interface: 'eth2', ebgpMultihop: 255 }),
        session('override', { address: '10.0.0.4', localAsnOverride: 65100 }),
        session('bad-timers', { address: '10.0.0.6', holdTime: 30, keepalive: 30 }),
        session('dup', { address: '10.0.0.1' }),
      ],
      config,
      '192.0.2.1',
    );
    expect(out.neighbors.map((n) => [n.address, n.peerAsn, n.localAsn])).toEqual([
      ['10.0.0.1', 64512, undefined],
      ['10.0.0.2', 'external', undefined],
      // A myASN other than the config's asn: the session speaks as that AS.
      ['10.0.0.3', 65000, 64999],
      // localASN (local-as … no-prepend replace-as): the peer sees that AS alone.
      ['10.0.0.4', 65000, 65100],
    ]);
    // BGP unnumbered: an interface neighbor, found on its link; its address stands in until then.
    expect(out.interfaceNeighbors.map((n) => [n.interface, n.peerAsn, n.families])).toEqual([
      ['eth1', 65000, ['ipv4-unicast', 'ipv6-unicast']],
    ]);
    expect(out.peerAddress.get('unnumbered')).toBe('%eth1');
    expect(
      resolvePeerAddresses(out.peerAddress, (i) => (i === 'eth1' ? 'fe80::2%eth1' : undefined)).get(
        'unnumbered',
      ),
    ).toBe('fe80::2%eth1');
    expect(resolvePeerAddresses(out.peerAddress, () => undefined).has('unnumbered')).toBe(false);
    expect(out.problems.map((p) => p.message)).toEqual([
      'BGPPeer metallb-system/unnumbered-dup: spec.interface: eth1 is already the session of BGPPeer metallb-system/unnumbered; session left out',
      'BGPPeer metallb-system/unnumbered-multihop: spec.ebgpMultihop: does not apply to an interface neighbor (its session is link-local); session left out',
      'BGPPeer metallb-system/bad-timers: spec.keepalive: must be less than holdTime (30); session left out',
      'BGPPeer metallb-system/dup: spec.peerAddress: 10.0.0.1 is already the session of BGPPeer metallb-system/ibgp; session left out',
    ]);
  });

  it('a config-file neighbor on the same address wins; echo mode is reported, the session kept with its router id', () => {
    const out = sessionNeighbors(
      [
        session('cfg', { address: '10.0.0.5' }),
        session('bfd', {
          address: '10.0.0.7',
          routerId: '192.0.2.99',
          bfdProfile: { name: 'fast', echoMode: true, passiveMode: false } as PeerSession['bfdProfile'],
        }),
      ],
      config,
      '192.0.2.1',
    );
    expect(out.neighbors.map((n) => n.address)).toEqual(['10.0.0.5', '10.0.0.7']);
    expect(out.peerAddress).toEqual(
      new Map([
        ['cfg', '10.0.0.5'],
        ['bfd', '10.0.0.7'],
      ]),
    );
    expect(out.problems.map((p) => p.field)).toEqual(['spec.peerAddress', 'spec.bfdProfile']);
    expect(out.neighbors.map((n) => n.routerId)).toEqual([undefined, '192.0.2.99']);
    expect(out.problems[0].message).toContain('is a neighbor in the config file');
    expect(out.problems[1].message).toContain('echo mode is not supported');
  });

  it("a BGPPeer's bfdProfile becomes the neighbor's BFD session, MetalLB's defaults for absent fields", () => {
    const profile = (p: Partial<NonNullable<PeerSession['bfdProfile']>>) =>
      ({ name: 'p', echoMode: false, passiveMode: false, ...p }) as PeerSession['bfdProfile'];
    const out = sessionNeighbors(
      [
        session('fast', {
          address: '10.0.0.8',
          bfdProfile: profile({
            receiveInterval: 200,
            transmitInterval: 250,
            detectMultiplier: 4,
            passiveMode: true,
            minimumTtl: 250,
          }),
        }),
        session('defaults', { address: '10.0.0.9', bfdProfile: profile({}) }),
        session('multihop', {
          address: '10.1.0.1',
          ebgpMultihop: 3,
          bfdProfile: profile({ minimumTtl: 250 }),
        }),
        session('none', { address: '10.0.0.10' }),
      ],
      config,
      '192.0.2.1',
    );
    expect(out.problems).toEqual([]);
    const bfd = Object.fromEntries(out.neighbors.map((n) => [n.address, n.bfd]));
    // Single hop: RFC 5881 accepts TTL 255 only, so the profile's minimumTtl does not apply.
    expect(bfd['10.0.0.8']).toEqual({
      minRx: 200,
      minTx: 250,
      multiplier: 4,
      passive: true,
      multihop: false,
      strict: false,
    });
    expect(bfd['10.0.0.9']).toEqual({
      minRx: 300,
      minTx: 300,
      multiplier: 3,
      passive: false,
      multihop: false,
      strict: false,
    });
    expect(bfd['10.1.0.1']).toMatchObject({ multihop: true, minTtl: 250 });
    expect(bfd['10.0.0.10']).toBeUndefined();
  });
});

describe('RouteMemo', () => {
  it('hands out the same route for an unchanged announcement, a new one for any change', () => {
    const memo = new RouteMemo();
    const routes = (list: Announcement[]) => kubernetesRoutes(list, targets, memo).routes.map((r) => r.route);
    const base = [
      announcement('192.0.2.1/32', { communities: ['64512:1'], localPref: 100 }),
      announcement('192.0.2.2/32', { peers: ['tor-a'] }),
    ];
    const [one, two] = routes(base);
    const again = routes(base.map((a) => ({ ...a, communities: [...a.communities] })));
    expect(again[0]).toBe(one);
    expect(again[1]).toBe(two);

    const changed = routes([
      announcement('192.0.2.1/32', { communities: ['64512:2'], localPref: 100 }),
      announcement('192.0.2.2/32', { peers: ['tor-b'] }),
    ]);
    expect(changed[0]).not.toBe(one);
    expect(changed[0].communities).toEqual([64512 * 65536 + 2]);
    expect(changed[1]).not.toBe(two);
    expect(changed[1].peers).toEqual(['10.0.0.2']);

    const pref = routes([announcement('192.0.2.1/32', { communities: ['64512:2'], localPref: 200 })]);
    expect(pref[0]).not.toBe(changed[0]);
    expect(pref[0].localPref).toBe(200);
  });

  it('forgets routes a snapshot no longer has', () => {
    const memo = new RouteMemo();
    const a = announcement('192.0.2.1/32');
    const [first] = kubernetesRoutes([a], targets, memo).routes;
    kubernetesRoutes([announcement('192.0.2.9/32')], targets, memo);
    const [back] = kubernetesRoutes([a], targets, memo).routes;
    expect(formatPrefix(back.route.prefix)).toBe('192.0.2.1/32');
    expect(back.route).not.toBe(first.route);
  });
});
