// RFC 7911 add-path with real peers: Herald configured with `addPath: receive` negotiates it with a
// peer that sends path identifiers, and decodes that peer's routes with their path ids.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { type DaemonKind, startPeer, useTopology, waitFor } from './harness/index.js';

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('add-path with %s', (kind) => {
  const topo = useTopology();

  it('negotiates receive/send and takes routes carrying path identifiers', async () => {
    const t = await topo.link();
    await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: 65302,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: 65301, passive: true, addPath: 'send' }],
      routes: [{ prefix: '10.55.0.0/16', communities: ['65302:1'] }, { prefix: '10.56.0.0/16' }],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: 65301,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: 65302, addPath: 'receive' }],
    });
    await herald.waitState(t.b.ipv4, 'Established');
    expect((await herald.neighbor(t.b.ipv4)).capabilities).toContain('add-path');
    const routes = await waitFor(
      async () => {
        const rs = await herald.routes({ neighbor: t.b.ipv4 });
        return rs.length === 2 ? rs : undefined;
      },
      { timeoutMs: 20_000, what: 'herald holding the two add-path routes' },
    );
    expect(routes.map((r) => r.prefix).sort()).toEqual(['10.55.0.0/16', '10.56.0.0/16']);
    // Path identifiers were on the wire: each route has one (the API shows non-zero ids).
    expect(routes.every((r) => typeof r.pathId === 'number' && r.pathId > 0)).toBe(true);
    expect(routes.find((r) => r.prefix === '10.55.0.0/16')).toMatchObject({
      nextHop: t.b.ipv4,
      communities: ['65302:1'],
    });
  }, 60_000);
});
