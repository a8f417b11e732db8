// Graceful restart (RFC 4724) with real peers: when Herald restarts, peers keep forwarding to its
// routes (they never disappear) until it is back and has sent them again with End-of-RIB; when a
// peer restarts, Herald keeps its routes as stale and replaces them once the peer is back.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { type DaemonKind, delay, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65201;
const PEER_ASN = 65202;
const ROUTE = '198.51.100.20/32';

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('graceful restart with %s', (kind) => {
  const topo = useTopology();

  it('Herald restarts: the peer keeps its route throughout, then gets it fresh again', async () => {
    const t = await topo.link();
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [
        { address: t.a.ipv4, asn: HERALD_ASN, passive: true, gracefulRestart: { restartTime: 60 } },
      ],
    });
    const config = {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, gracefulRestart: { enabled: true, restartTime: 60 } },
      ],
      announce: [{ prefix: ROUTE, communities: ['65201:20'] }],
    };
    const first = await startHerald(t, t.a.ns, config);
    await first.waitState(t.b.ipv4, 'Established');
    await waitFor(async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE), {
      timeoutMs: 15_000,
      what: `${kind} receiving ${ROUTE}`,
    });

    // Watch the peer's table while Herald goes away and comes back.
    let missing = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        if (!(await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE)) missing++;
        await delay(150);
      }
    })();
    await first.stop();
    expect(first.logs().some((l) => l.event === 'notificationSent')).toBe(false);
    expect(first.logs().some((l) => l.event === 'gracefulRestartShutdown')).toBe(true);
    await delay(2000);
    const second = await startHerald(t, t.a.ns, config);
    await second.waitState(t.b.ipv4, 'Established', 30_000);
    await waitFor(
      async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE && !r.stale),
      { timeoutMs: 20_000, what: `${kind} holding ${ROUTE} fresh again` },
    );
    await delay(1000);
    watching = false;
    await watcher;
    expect(missing).toBe(0);
    expect((await second.neighbor(t.b.ipv4)).messages.sent.update).toBeGreaterThanOrEqual(2); // route + End-of-RIB
  }, 90_000);

  it('the peer restarts: Herald keeps its routes stale, then replaces them', async () => {
    const t = await topo.link();
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, gracefulRestart: { restartTime: 60 } }],
      routes: [{ prefix: '10.88.0.0/16' }, { prefix: '10.89.0.0/16' }],
    });
    expect(peer.crash && peer.restart).toBeDefined();
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, gracefulRestart: { enabled: true, restartTime: 60 } },
      ],
    });
    await herald.waitState(t.b.ipv4, 'Established', 30_000);
    await waitFor(async () => (await herald.routes({ neighbor: t.b.ipv4 })).length === 2, {
      timeoutMs: 20_000,
      what: 'herald holding the two routes',
    });
    await peer.crash!();
    const stale = await waitFor(
      async () => {
        const rs = await herald.routes({ neighbor: t.b.ipv4 });
        return rs.length === 2 && rs.every((r) => r.stale) ? rs : undefined;
      },
      { timeoutMs: 20_000, what: 'herald keeping the routes stale' },
    );
    expect(stale.map((r) => r.prefix).sort()).toEqual(['10.88.0.0/16', '10.89.0.0/16']);
    await peer.restart!();
    await waitFor(
      async () => {
        const rs = await herald.routes({ neighbor: t.b.ipv4 });
        return rs.length === 2 && rs.every((r) => !r.stale);
      },
      { timeoutMs: 40_000, what: 'herald replacing the stale routes after End-of-RIB' },
    );
    expect((await herald.neighbor(t.b.ipv4)).prefixes.stale).toBe(0);
  }, 90_000);
});
