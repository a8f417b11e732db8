// Export end to end, Herald between FRR (AS 65010, sends 10.77.0.0/16), GoBGP (10.0.0.3, AS 65020)
// and BIRD (10.0.0.4). Learned routes by export policy: GoBGP, whose neighbor entry has an export
// policy accepting learned routes, receives FRR's prefix with Herald's ASN prepended and Herald's
// address as next hop; BIRD, without an export policy, receives nothing learned (RFC 8212), only
// Herald's own route; a withdrawal at FRR reaches GoBGP. A neighbor's own localAsn and routerId
// (BIRD's per-protocol `local as`, MetalLB's per-BGPPeer myASN and routerID): FRR expects Herald as
// AS 64900 with router id 192.0.2.201 and gets Herald's route with AS_PATH "64900"; BIRD is iBGP
// through its neighbor's localAsn 64950 (LOCAL_PREF, an empty AS_PATH); GoBGP peers with the
// config's asn and gets FRR's route with only that AS prepended. Needs root, FRR, BIRD and GoBGP.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { delay, type LinkTopology, receivedRoute, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65000;

/** Herald's three peers, each dialling the AS it expects Herald to be (BIRD in `birdAsn`). */
async function threePeers(
  t: LinkTopology,
  herald: { frr: number; gobgp: number; bird: number; birdAsn: number },
) {
  const frr = await startPeer('frr', {
    ns: t.b.ns,
    routerId: t.b.ipv4,
    asn: 65010,
    localAddress: t.b.ipv4,
    neighbors: [{ address: t.a.ipv4, asn: herald.frr }],
    routes: [{ prefix: '10.77.0.0/16' }],
  });
  const gobgp = await startPeer('gobgp', {
    ns: t.b.ns,
    routerId: '10.0.0.3',
    asn: 65020,
    localAddress: '10.0.0.3',
    listenPort: 1179,
    neighbors: [{ address: t.a.ipv4, asn: herald.gobgp, port: 179 }],
  });
  const bird = await startPeer('bird', {
    ns: t.b.ns,
    routerId: '10.0.0.4',
    asn: herald.birdAsn,
    localAddress: '10.0.0.4',
    listenPort: 2179,
    neighbors: [{ address: t.a.ipv4, asn: herald.bird, port: 179 }],
  });
  return { frr, gobgp, bird };
}

/** A link with 10.0.0.3 and 10.0.0.4 in B beside B's own address, and Herald in A. */
async function heraldOnLink(
  topo: ReturnType<typeof useTopology>,
  neighbors: (t: LinkTopology) => Record<string, unknown>[],
  announce: Record<string, unknown>[],
) {
  const t = await topo.link();
  await t.addAddress(t.b.ns, t.b.ifname, '10.0.0.3/24');
  await t.addAddress(t.b.ns, t.b.ifname, '10.0.0.4/24');
  const herald = await startHerald(t, t.a.ns, {
    asn: HERALD_ASN,
    routerId: t.a.ipv4,
    listen: { address: t.a.ipv4, port: 179 },
    policies: {
      'pass-learned': { terms: [{ match: { routeType: 'learned' }, action: 'accept' }], default: 'accept' },
    },
    neighbors: neighbors(t),
    announce,
  });
  return { t, herald };
}

describe('Herald exports learned routes by policy', () => {
  const topo = useTopology();

  it('FRR → Herald → GoBGP with an export policy; BIRD without one gets only Herald’s own route', async () => {
    const { t, herald } = await heraldOnLink(
      topo,
      (t) => [
        { address: t.b.ipv4, peerAsn: 65010, passive: true },
        { address: '10.0.0.3', peerAsn: 65020, passive: true, exportPolicy: 'pass-learned' },
        { address: '10.0.0.4', peerAsn: 65030, passive: true },
      ],
      [{ prefix: '198.51.100.77/32' }],
    );
    const { frr, gobgp, bird } = await threePeers(t, {
      frr: HERALD_ASN,
      gobgp: HERALD_ASN,
      bird: HERALD_ASN,
      birdAsn: 65030,
    });
    for (const a of [t.b.ipv4, '10.0.0.3', '10.0.0.4']) await herald.waitState(a, 'Established', 20_000);

    const passed = await waitFor(() => receivedRoute(gobgp, '10.77.0.0/16'), {
      timeoutMs: 15_000,
      what: 'GoBGP receiving the learned route',
    });
    expect(passed).toMatchObject({ asPath: `${HERALD_ASN} 65010`, nextHop: t.a.ipv4 });
    await waitFor(() => receivedRoute(bird, '198.51.100.77/32'), {
      timeoutMs: 15_000,
      what: 'BIRD receiving our route',
    });
    await delay(1000);
    expect(await receivedRoute(bird, '10.77.0.0/16')).toBeUndefined();

    await frr.withdraw(['10.77.0.0/16']);
    await waitFor(async () => ((await receivedRoute(gobgp, '10.77.0.0/16')) ? undefined : true), {
      timeoutMs: 15_000,
      what: 'the withdrawal reaching GoBGP',
    });
  }, 90_000);

  it('a neighbor with its own localAsn and routerId: the session speaks as them; iBGP and eBGP follow its AS', async () => {
    const { t, herald } = await heraldOnLink(
      topo,
      (t) => [
        { address: t.b.ipv4, peerAsn: 65010, localAsn: 64900, routerId: '192.0.2.201', passive: true },
        { address: '10.0.0.3', peerAsn: 65020, passive: true, exportPolicy: 'pass-learned' },
        { address: '10.0.0.4', peerAsn: 64950, localAsn: 64950, passive: true },
      ],
      [{ prefix: '198.51.100.77/32', localPref: 200 }],
    );
    const { frr, gobgp, bird } = await threePeers(t, {
      frr: 64900,
      gobgp: HERALD_ASN,
      bird: 64950,
      birdAsn: 64950,
    });
    for (const a of [t.b.ipv4, '10.0.0.3', '10.0.0.4']) await herald.waitState(a, 'Established', 20_000);

    const atFrr = JSON.parse(await frr.cli([`show bgp neighbors ${t.a.ipv4} json`]))[t.a.ipv4];
    expect(atFrr).toMatchObject({ remoteAs: 64900, remoteRouterId: '192.0.2.201', nbrExternalLink: true });
    const ours = await waitFor(() => receivedRoute(frr, '198.51.100.77/32'), {
      timeoutMs: 15_000,
      what: 'FRR receiving our route',
    });
    expect(ours.asPath).toBe('64900');
    expect(ours.localPref).not.toBe(200);

    const internal = await waitFor(() => receivedRoute(bird, '198.51.100.77/32'), {
      timeoutMs: 15_000,
      what: 'BIRD (iBGP through localAsn) receiving our route',
    });
    expect(internal).toMatchObject({ asPath: '', localPref: 200 });

    const passed = await waitFor(() => receivedRoute(gobgp, '10.77.0.0/16'), {
      timeoutMs: 15_000,
      what: 'GoBGP receiving the route learned over the 64900 session',
    });
    expect(passed).toMatchObject({ asPath: `${HERALD_ASN} 65010`, nextHop: t.a.ipv4 });

    expect((await herald.neighbor(t.b.ipv4)).localAsn).toBe(64900);
    expect((await herald.neighbor('10.0.0.3')).localAsn).toBe(HERALD_ASN);
    expect((await herald.neighbor('10.0.0.4')).localAsn).toBe(64950);
  }, 90_000);
});
