// Herald as a route reflector (RFC 4456), end to end: FRR and GoBGP are its clients, BIRD an iBGP
// non-client, all in Herald's AS. A client's route reaches the other client and the non-client
// with ORIGINATOR_ID = the client's router id and CLUSTER_LIST = Herald's cluster id, next hop
// unchanged; the non-client's route reaches the clients only. An anycast prefix announced by FRR
// and BIRD reaches GoBGP as two paths (add-path send, RFC 7911). Needs root, FRR, BIRD and GoBGP.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { delay, receivedRoute, startPeer, useTopology, waitFor } from './harness/index.js';

const ASN = 65000;
const CLUSTER_ID = '10.255.0.1';

describe('Herald reflects routes between its iBGP clients', () => {
  const topo = useTopology();

  it('client → client and non-client with ORIGINATOR_ID and CLUSTER_LIST; non-client → clients only', async () => {
    const t = await topo.link();
    await t.addAddress(t.b.ns, t.b.ifname, '10.0.0.3/24');
    await t.addAddress(t.b.ns, t.b.ifname, '10.0.0.4/24');
    const herald = await startHerald(t, t.a.ns, {
      asn: ASN,
      routerId: t.a.ipv4,
      clusterId: CLUSTER_ID,
      listen: { address: t.a.ipv4, port: 179 },
      neighbors: [
        { address: t.b.ipv4, peerAsn: ASN, passive: true, routeReflectorClient: true },
        { address: '10.0.0.3', peerAsn: ASN, passive: true, routeReflectorClient: true, addPath: 'send' },
        { address: '10.0.0.4', peerAsn: ASN, passive: true },
      ],
    });
    const frr = await startPeer('frr', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: ASN }],
      routes: [{ prefix: '10.77.0.0/16' }, { prefix: '10.9.9.9/32' }],
    });
    const gobgp = await startPeer('gobgp', {
      ns: t.b.ns,
      routerId: '10.0.0.3',
      asn: ASN,
      localAddress: '10.0.0.3',
      listenPort: 1179,
      neighbors: [{ address: t.a.ipv4, asn: ASN, port: 179, addPath: 'receive' }],
    });
    const bird = await startPeer('bird', {
      ns: t.b.ns,
      routerId: '10.0.0.4',
      asn: ASN,
      localAddress: '10.0.0.4',
      listenPort: 2179,
      neighbors: [{ address: t.a.ipv4, asn: ASN, port: 179 }],
      routes: [{ prefix: '10.99.0.0/16' }, { prefix: '10.9.9.9/32' }],
    });
    for (const a of [t.b.ipv4, '10.0.0.3', '10.0.0.4']) await herald.waitState(a, 'Established', 20_000);

    const atClient = await waitFor(() => receivedRoute(gobgp, '10.77.0.0/16'), {
      timeoutMs: 15_000,
      what: 'GoBGP (client) receiving the route of FRR (client)',
    });
    expect(atClient).toMatchObject({
      asPath: '',
      nextHop: t.b.ipv4,
      originatorId: t.b.ipv4,
      clusterList: [CLUSTER_ID],
    });
    await waitFor(() => receivedRoute(bird, '10.77.0.0/16'), {
      timeoutMs: 15_000,
      what: 'BIRD (non-client) receiving the route of FRR (client)',
    });

    // The non-client's route goes to the clients, reflected. (FRR, in the same namespace as BIRD,
    // would drop it for a next hop that is its own address, so GoBGP's copy is the one checked.)
    const fromNonClient = await waitFor(() => receivedRoute(gobgp, '10.99.0.0/16'), {
      timeoutMs: 15_000,
      what: 'GoBGP (client) receiving the route of BIRD (non-client)',
    });
    expect(fromNonClient).toMatchObject({ originatorId: '10.0.0.4', clusterList: [CLUSTER_ID] });

    // The anycast prefix: both paths at GoBGP, each reflected with its own originator.
    const anycast = await waitFor(
      async () => {
        const paths = (await gobgp.receivedRoutes('ipv4-unicast')).filter((r) => r.prefix === '10.9.9.9/32');
        return paths.length === 2 ? paths : undefined;
      },
      { timeoutMs: 15_000, what: 'GoBGP holding two paths of the anycast prefix (add-path)' },
    );
    expect(anycast.map((r) => r.nextHop).sort()).toEqual(['10.0.0.4', t.b.ipv4].sort());
    expect(anycast.map((r) => r.originatorId).sort()).toEqual(['10.0.0.4', t.b.ipv4].sort());

    // FRR's route withdrawn: gone at the other client.
    await frr.withdraw(['10.77.0.0/16']);
    await waitFor(async () => ((await receivedRoute(gobgp, '10.77.0.0/16')) ? undefined : true), {
      timeoutMs: 15_000,
      what: 'the withdrawal reaching GoBGP',
    });
    await delay(500);
    expect(await receivedRoute(bird, '10.77.0.0/16')).toBeUndefined();
    // FRR's anycast path withdrawn: BIRD's stays at GoBGP.
    await frr.withdraw(['10.9.9.9/32']);
    const left = await waitFor(
      async () => {
        const paths = (await gobgp.receivedRoutes('ipv4-unicast')).filter((r) => r.prefix === '10.9.9.9/32');
        return paths.length === 1 ? paths : undefined;
      },
      { timeoutMs: 15_000, what: 'one anycast path left at GoBGP' },
    );
    expect(left[0].nextHop).toBe('10.0.0.4');
  }, 90_000);
});
