// Herald against real GoBGP, BIRD and FRR in network namespaces: sessions come up with Herald
// dialling and with Herald passive, Herald's announcements arrive with exactly the attributes it
// sent (read from the peer's own CLI), 1,000 routes the peer announces land in Herald's
// Adj-RIB-In with the same attributes (read through Herald's API), withdrawals work both ways, and
// an iBGP session over IPv6 carries IPv6 routes and LOCAL_PREF. Needs root and the three daemons
// (scripts/install-test-deps.sh installs them).
import { describe, expect, it } from 'vitest';
import type { RouteView } from '../../src/rib/route-view.js';
import { formatCommunity, parseCommunity } from '../../src/wire/index.js';
import { startHerald } from './harness/herald.js';
import {
  type DaemonKind,
  type Family,
  type LinkTopology,
  type ReceivedRoute,
  type RouteSpec,
  type RunningPeer,
  startPeer,
  useTopology,
  waitFor,
} from './harness/index.js';

const HERALD_ASN = 4200000001;
const PEER_ASN = 65002;

/** Peer routes with varied attributes: 20 distinct attribute sets, as real tables share them. */
function peerRoutes(count: number): RouteSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const g = i % 20;
    return {
      prefix: `10.${100 + (i >> 8)}.${i & 0xff}.0/24`,
      med: g % 4,
      asPath: g % 3 === 0 ? [64600 + g] : undefined,
      // No NO_EXPORT here: RFC 1997 forbids sending such routes over eBGP (FRR honours it).
      communities: [`${PEER_ASN}:${g}`, ...(g % 7 === 0 ? ['graceful-shutdown'] : [])],
      largeCommunities: g % 5 === 0 ? [`${PEER_ASN}:${g}:1`] : undefined,
    };
  });
}

const canon = (list: readonly string[] | undefined) =>
  (list ?? []).map((c) => formatCommunity(parseCommunity(c))).sort();

async function waitRoute(peer: RunningPeer, family: Family, prefix: string): Promise<ReceivedRoute> {
  return waitFor(async () => (await peer.receivedRoutes(family)).find((r) => r.prefix === prefix), {
    timeoutMs: 20_000,
    what: `${peer.kind} receiving ${prefix}`,
  });
}

const HERALD_ROUTES = [
  {
    prefix: '198.51.100.10/32',
    communities: ['4200:100', 'no-advertise'],
    largeCommunities: ['4200000001:7:8'],
    med: 42,
  },
  { prefix: '198.51.100.11/32', asPathPrepend: 2 },
];

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('Herald ⇄ %s', (kind) => {
  const topo = useTopology();
  /** The peer on the link's far side (AS PEER_ASN), waiting for Herald (AS HERALD_ASN) to dial. */
  const ebgpPeer = (t: LinkTopology, routes?: RouteSpec[]) =>
    startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true }],
      routes,
    });

  it('eBGP over IPv4, Herald (4-octet ASN) dialling: routes and attributes both ways, withdrawals both ways', async () => {
    const t = await topo.link();
    const routes = peerRoutes(1000);
    const peer = await ebgpPeer(t, routes);
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, holdTime: 30 }],
      announce: HERALD_ROUTES,
    });
    await herald.waitState(t.b.ipv4, 'Established');
    await peer.waitEstablished(t.a.ipv4, 20_000);

    // Herald's announcements, as the peer reports them.
    const r1 = await waitRoute(peer, 'ipv4-unicast', '198.51.100.10/32');
    expect(r1).toMatchObject({ nextHop: t.a.ipv4, asPath: String(HERALD_ASN), med: 42 });
    expect(canon(r1.communities)).toEqual(canon(HERALD_ROUTES[0].communities));
    expect(r1.largeCommunities).toEqual(['4200000001:7:8']);
    const r2 = await waitRoute(peer, 'ipv4-unicast', '198.51.100.11/32');
    expect(r2).toMatchObject({ nextHop: t.a.ipv4, asPath: `${HERALD_ASN} ${HERALD_ASN} ${HERALD_ASN}` });

    // The peer's 1,000 routes in Herald's Adj-RIB-In, with their attributes.
    let got: RouteView[] = [];
    await waitFor(
      async () => {
        // FRR also sends our own routes back (AS path "65002 4200000001"): count the peer's only.
        got = (await herald.routes({ neighbor: t.b.ipv4, afi: 'ipv4' })).filter((r) =>
          r.prefix.startsWith('10.'),
        );
        return got.length === routes.length;
      },
      { timeoutMs: 30_000, what: `herald holding ${routes.length} routes (has ${got.length})` },
    );
    const byPrefix = new Map(got.map((r) => [r.prefix, r]));
    for (const spec of routes) {
      const r = byPrefix.get(spec.prefix);
      expect(r, spec.prefix).toBeDefined();
      expect(r!.nextHop).toBe(t.b.ipv4);
      expect(r!.asPath).toBe([PEER_ASN, ...(spec.asPath ?? [])].join(' '));
      expect(r!.med).toBe(spec.med);
      expect(canon(r!.communities)).toEqual(canon(spec.communities));
      expect(r!.largeCommunities).toEqual(spec.largeCommunities ?? []);
    }
    const n = await herald.neighbor(t.b.ipv4);
    expect(n).toMatchObject({ peerAsn: PEER_ASN, holdTime: 30, prefixes: { advertised: 2 } });
    expect(n.prefixes.received).toBeGreaterThanOrEqual(1000);

    // Withdrawals: the peer's reach Herald, Herald's reach the peer.
    await peer.withdraw(routes.slice(0, 10).map((r) => r.prefix));
    const peerPrefixes = async () =>
      (await herald.routes({ neighbor: t.b.ipv4 })).filter((r) => r.prefix.startsWith('10.'));
    await waitFor(async () => (await peerPrefixes()).length === 990, {
      timeoutMs: 20_000,
      what: 'herald dropping 10 withdrawn routes',
    });
    expect((await herald.api('DELETE', '/api/v1/announcements/198.51.100.11/32')).status).toBe(200);
    await waitFor(
      async () => !(await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === '198.51.100.11/32'),
      {
        timeoutMs: 20_000,
        what: `${kind} dropping the withdrawn route`,
      },
    );
    // A run-time announcement.
    expect(
      (await herald.api('POST', '/api/v1/announcements', { prefix: '203.0.113.0/24', med: 5 })).status,
    ).toBe(201);
    expect(await waitRoute(peer, 'ipv4-unicast', '203.0.113.0/24')).toMatchObject({
      nextHop: t.a.ipv4,
      med: 5,
    });

    await herald.stop();
    const stopped = herald.logs().find((l) => l.event === 'notificationSent');
    expect(stopped).toMatchObject({ code: 6, subcode: 2 });
  }, 120_000);

  it("peerAsn external: the session takes the peer's AS from its OPEN, eBGP rules apply", async () => {
    const t = await topo.link();
    const peer = await ebgpPeer(t);
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: 'external', holdTime: 30 }],
      announce: [{ prefix: '198.51.100.12/32' }],
    });
    await herald.waitState(t.b.ipv4, 'Established');
    expect(await herald.neighbor(t.b.ipv4)).toMatchObject({ peerAsn: PEER_ASN });
    const r = await waitRoute(peer, 'ipv4-unicast', '198.51.100.12/32');
    expect(r).toMatchObject({ nextHop: t.a.ipv4, asPath: String(HERALD_ASN) });
  });

  it('IPv6 routes over an IPv4 session: their next hop is our global IPv6 address on that link', async () => {
    const t = await topo.link();
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      localAddress6: t.b.ipv6,
      neighbors: [
        { address: t.a.ipv4, asn: HERALD_ASN, passive: true, families: ['ipv4-unicast', 'ipv6-unicast'] },
      ],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, families: ['ipv4-unicast', 'ipv6-unicast'] }],
      announce: [{ prefix: '198.51.100.12/32' }, { prefix: '2001:db8:100::/48' }],
    });
    await herald.waitState(t.b.ipv4, 'Established');
    expect(await waitRoute(peer, 'ipv4-unicast', '198.51.100.12/32')).toMatchObject({ nextHop: t.a.ipv4 });
    // It was "no usable next hop for this family on this session": never sent.
    expect(await waitRoute(peer, 'ipv6-unicast', '2001:db8:100::/48')).toMatchObject({
      nextHop: t.a.ipv6,
      asPath: String(HERALD_ASN),
    });
  });

  it('iBGP over IPv6 with Herald passive: IPv6 routes with LOCAL_PREF both ways', async () => {
    const t = await topo.link();
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: 65010,
      localAddress: t.b.ipv4,
      localAddress6: t.b.ipv6,
      neighbors: [{ address: t.a.ipv6, asn: 65010, families: ['ipv6-unicast'] }],
      routes: [{ prefix: '2001:db8:200::/48', localPref: 150, communities: ['65010:6', 'no-export'] }],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: 65010,
      routerId: t.a.ipv4,
      listen: { address: '::', port: 179 },
      neighbors: [{ address: t.b.ipv6, peerAsn: 65010, passive: true, families: ['ipv6-unicast'] }],
      announce: [{ prefix: '2001:db8:100::/48', localPref: 300, communities: ['65010:9'] }],
    });
    await herald.waitState(t.b.ipv6, 'Established', 40_000);
    const mine = await waitRoute(peer, 'ipv6-unicast', '2001:db8:100::/48');
    expect(mine).toMatchObject({ nextHop: t.a.ipv6, asPath: '', localPref: 300 });
    expect(canon(mine.communities)).toEqual(['65010:9']);
    const theirs = await waitFor(
      async () =>
        (await herald.routes({ neighbor: t.b.ipv6, afi: 'ipv6' })).find(
          (r) => r.prefix === '2001:db8:200::/48',
        ),
      { timeoutMs: 20_000, what: 'herald receiving the IPv6 route' },
    );
    expect(theirs).toMatchObject({
      nextHop: t.b.ipv6,
      asPath: '',
      localPref: 150,
      communities: ['65010:6', 'no-export'],
    });
  }, 90_000);
});
