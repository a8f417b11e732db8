// Graceful restart (RFC 4724) with real peers: when Herald restarts, peers keep forwarding to its
// routes (they never disappear) until it is back and has sent them again with End-of-RIB; when a
// peer restarts, Herald keeps its routes as stale and replaces them once the peer is back.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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

// A health-checked route is not announced before its first result; End-of-RIB after a restart must
// wait for that result, or the peer deletes the stale route at End-of-RIB and gets it back later.
describe.sequential.each<DaemonKind>(['gobgp', 'frr'])('graceful restart with a health check, %s', (kind) => {
  const topo = useTopology();

  it('Herald restarts: End-of-RIB waits for the first check result, the route never goes', async () => {
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
      announce: [{ prefix: ROUTE, healthCheck: { command: 'sleep 1.5', interval: 5, timeout: 5 } }],
    };
    const has = async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE);
    const first = await startHerald(t, t.a.ns, config);
    await first.waitState(t.b.ipv4, 'Established');
    await waitFor(has, { timeoutMs: 15_000, what: `${kind} receiving ${ROUTE}` });

    let missing = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        if (!(await has())) missing++;
        await delay(100);
      }
    })();
    try {
      await first.stop();
      await delay(1000);
      const second = await startHerald(t, t.a.ns, config);
      await second.waitState(t.b.ipv4, 'Established', 30_000);
      await waitFor(
        async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE && !r.stale),
        { timeoutMs: 20_000, what: `${kind} holding ${ROUTE} fresh again` },
      );
      await delay(1000);
      // The gate was released by the check, not by its deadline.
      expect(second.logs().some((l) => l.event === 'initialStateSettled' && l.pending)).toBe(false);
      expect(second.logs().some((l) => l.event === 'healthCheckChanged' && l.state === 'up')).toBe(true);
    } finally {
      watching = false;
      await watcher;
    }
    expect(missing).toBe(0);
  }, 90_000);
});

// The hard stop: with graceful restart on, `herald stop --withdraw` (through the API) and SIGUSR2
// send Cease and the peer drops the route at once, instead of keeping it stale for the restart time.
const HERALD_BIN = fileURLToPath(new URL('../../bin/herald', import.meta.url));

describe.sequential.each<[DaemonKind, 'cli' | 'SIGUSR2']>([
  ['gobgp', 'cli'],
  ['frr', 'SIGUSR2'],
])('hard stop with %s through %s', (kind, how) => {
  const topo = useTopology();

  it('the peer withdraws the route at once, graceful restart notwithstanding', async () => {
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
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, gracefulRestart: { enabled: true, restartTime: 60 } },
      ],
      announce: [{ prefix: ROUTE }],
    });
    await herald.waitState(t.b.ipv4, 'Established');
    const has = async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE);
    await waitFor(has, { timeoutMs: 15_000, what: `${kind} receiving ${ROUTE}` });
    if (how === 'cli') {
      const { stdout } = await promisify(execFile)(
        HERALD_BIN,
        ['stop', '--withdraw', '--api', `unix:${herald.socket}`],
        { timeout: 10_000 },
      );
      expect(stdout).toContain('withdrawn');
    } else process.kill(herald.process.pid, 'SIGUSR2');
    expect(await Promise.race([herald.process.exited, delay(10_000).then(() => 'running')])).toBe(0);
    expect(herald.logs().some((l) => l.event === 'notificationSent')).toBe(true);
    expect(herald.logs().some((l) => l.event === 'gracefulRestartShutdown')).toBe(false);
    // Well within the 60 s a graceful stop would keep it.
    await waitFor(async () => !(await has()), { timeoutMs: 5000, what: `${kind} dropping ${ROUTE}` });
  }, 60_000);
});

// stateDir: a route announced through the API is restored before the first End-of-RIB, so the peer
// keeps it across a restart instead of deleting it at End-of-RIB.
describe.sequential('graceful restart with stateDir, gobgp', () => {
  const topo = useTopology();

  it('an API route survives a Herald restart at the peer', async () => {
    const t = await topo.link();
    const peer = await startPeer('gobgp', {
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
      stateDir: `${t.dir}/state`,
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, gracefulRestart: { enabled: true, restartTime: 60 } },
      ],
    };
    const has = async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE);
    const first = await startHerald(t, t.a.ns, config);
    await first.waitState(t.b.ipv4, 'Established');
    expect((await first.api('POST', '/api/v1/announcements', { prefix: ROUTE, med: 7 })).status).toBe(201);
    await waitFor(has, { timeoutMs: 15_000, what: `gobgp receiving ${ROUTE}` });
    let missing = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        if (!(await has())) missing++;
        await delay(100);
      }
    })();
    try {
      await first.stop();
      await delay(1000);
      const second = await startHerald(t, t.a.ns, config);
      await second.waitState(t.b.ipv4, 'Established', 30_000);
      await waitFor(
        async () => (await peer.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === ROUTE && !r.stale),
        { timeoutMs: 20_000, what: `gobgp holding ${ROUTE} fresh again` },
      );
      await delay(1000);
      const list = (await second.api<{ prefix: string; source: string }[]>('GET', '/api/v1/announcements'))
        .body;
      expect(list.map((a) => [a.prefix, a.source])).toEqual([[ROUTE, 'api']]);
    } finally {
      watching = false;
      await watcher;
    }
    expect(missing).toBe(0);
  }, 90_000);
});
