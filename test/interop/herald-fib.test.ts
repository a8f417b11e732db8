// Kernel routes end to end: FRR and BIRD (different ASes) send the same fabric prefixes; Herald,
// with fib enabled, maximumPaths 2 and multipathRelax, installs one ECMP route with both next hops
// into its namespace's main table (protocol 72), keeps out what fib.prefixList denies, follows a
// withdrawal down to one next hop, explains the ECMP set in GET /api/v1/routes/{prefix}, and
// removes everything it installed on a clean stop. Needs root, FRR and BIRD.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { gatewaysOf, kernelRoutes, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65000;

describe('Herald kernel routes', () => {
  const topo = useTopology();

  it('installs an ECMP route across FRR and BIRD, filtered, follows withdrawals, cleans up on stop', async () => {
    const t = await topo.link();
    await t.addAddress(t.b.ns, t.b.ifname, '10.0.0.3/24');
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      maximumPaths: 2,
      multipathRelax: true,
      fib: { enabled: true, prefixList: 'fabric' },
      prefixLists: { fabric: [{ action: 'permit', prefix: '10.99.0.0/16', le: 24 }] },
      neighbors: [
        { address: t.b.ipv4, peerAsn: 65010, passive: true },
        { address: '10.0.0.3', peerAsn: 65011, passive: true },
      ],
    });
    const routes = [{ prefix: '10.99.0.0/16' }, { prefix: '10.98.0.0/16' }];
    const frr = await startPeer('frr', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: 65010,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN }],
      routes,
    });
    await startPeer('bird', {
      ns: t.b.ns,
      routerId: '10.0.0.3',
      asn: 65011,
      localAddress: '10.0.0.3',
      listenPort: 1179,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, port: 179 }],
      routes,
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    await herald.waitState('10.0.0.3', 'Established', 20_000);

    // One route, two next hops, Herald's protocol; the /16 the prefix list denies stays out.
    const ecmp = await waitFor(
      async () => {
        const r = (await kernelRoutes(t.a.ns)).find((k) => k.dst === '10.99.0.0/16');
        return gatewaysOf(r).length === 2 ? r : undefined;
      },
      { timeoutMs: 15_000, what: 'the ECMP kernel route' },
    );
    expect(gatewaysOf(ecmp)).toEqual([t.b.ipv4, '10.0.0.3'].sort());
    expect(['72', 'herald']).toContain(String(ecmp.protocol));
    expect((await kernelRoutes(t.a.ns)).find((k) => k.dst === '10.98.0.0/16')).toBeUndefined();

    // The operator's view agrees: both paths in the ECMP set.
    const view = await herald.api<{ paths: { neighbor: string; multipath: boolean }[] }>(
      'GET',
      '/api/v1/routes/10.99.0.0/16',
    );
    expect(
      view.body.paths
        .filter((p) => p.multipath)
        .map((p) => p.neighbor)
        .sort(),
    ).toEqual([t.b.ipv4, '10.0.0.3'].sort());
    const fib = await herald.api<{ routes: { installed: number } }>('GET', '/api/v1/fib');
    expect(fib.body.routes.installed).toBe(1);

    // FRR withdraws: one next hop left.
    await frr.withdraw(['10.99.0.0/16']);
    await waitFor(
      async () => {
        const r = (await kernelRoutes(t.a.ns)).find((k) => k.dst === '10.99.0.0/16');
        return gatewaysOf(r).join() === '10.0.0.3' ? r : undefined;
      },
      { timeoutMs: 15_000, what: 'the route down to BIRD alone' },
    );

    // A clean stop removes what Herald installed.
    await herald.stop();
    const left = (await kernelRoutes(t.a.ns)).filter(
      (k) => String(k.protocol) === '72' || k.protocol === 'herald',
    );
    expect(left).toEqual([]);
  }, 90_000);
});
