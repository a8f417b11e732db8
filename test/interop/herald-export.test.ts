// Learned routes passed on by export policy, end to end: FRR sends a prefix to Herald; GoBGP, whose
// neighbor entry has an export policy accepting learned routes, receives it with Herald's ASN
// prepended and Herald's address as next hop; BIRD, without an export policy, receives nothing
// learned (RFC 8212), only Herald's own route; a withdrawal at FRR reaches GoBGP. Needs root, FRR,
// BIRD and GoBGP.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { delay, receivedRoute, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65000;

describe('Herald exports learned routes by policy', () => {
  const topo = useTopology();

  it('FRR → Herald → GoBGP with an export policy; BIRD without one gets only Herald’s own route', async () => {
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
      neighbors: [
        { address: t.b.ipv4, peerAsn: 65010, passive: true },
        { address: '10.0.0.3', peerAsn: 65020, passive: true, exportPolicy: 'pass-learned' },
        { address: '10.0.0.4', peerAsn: 65030, passive: true },
      ],
      announce: [{ prefix: '198.51.100.77/32' }],
    });
    const frr = await startPeer('frr', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: 65010,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN }],
      routes: [{ prefix: '10.77.0.0/16' }],
    });
    const gobgp = await startPeer('gobgp', {
      ns: t.b.ns,
      routerId: '10.0.0.3',
      asn: 65020,
      localAddress: '10.0.0.3',
      listenPort: 1179,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, port: 179 }],
    });
    const bird = await startPeer('bird', {
      ns: t.b.ns,
      routerId: '10.0.0.4',
      asn: 65030,
      localAddress: '10.0.0.4',
      listenPort: 2179,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, port: 179 }],
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
});
