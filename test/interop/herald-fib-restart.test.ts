// Kernel routes across a graceful restart of Herald, end to end (issue 18): FRR (graceful-restart
// helper) sends two prefixes and Herald, with fib enabled and graceful restart, installs them into
// its namespace's main table (protocol 72). SIGTERM is a graceful stop, which keeps them in the
// kernel (docs/design.md "Kernel routes"); while Herald is down FRR drops one of them. Herald starts
// again: the prefix it learns again never leaves the kernel, the other is swept once FRR has sent
// End-of-RIB (src/daemon/restart-sweep.ts, well before the restart time). Needs root and FRR.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import {
  delay,
  destinations,
  heraldRoutes,
  startPeer,
  useTopology,
  waitFor,
  watchHeraldRoute,
} from './harness/index.js';

const HERALD_ASN = 65000;
const PEER_ASN = 65010;
const KEPT = '10.97.0.0/16';
const GONE = '10.96.0.0/16';
const RESTART_TIME = 60;

const dsts = destinations;

describe('Herald kernel routes across a graceful restart', () => {
  const topo = useTopology();

  it('keeps the routes while down, keeps the re-learned one throughout, sweeps the other after End-of-RIB', async () => {
    const t = await topo.link();
    const frr = await startPeer('frr', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [
        { address: t.a.ipv4, asn: HERALD_ASN, passive: true, gracefulRestart: { restartTime: RESTART_TIME } },
      ],
      routes: [{ prefix: KEPT }, { prefix: GONE }],
    });
    const config = {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      fib: { enabled: true },
      neighbors: [
        {
          address: t.b.ipv4,
          peerAsn: PEER_ASN,
          gracefulRestart: { enabled: true, restartTime: RESTART_TIME },
        },
      ],
    };
    const first = await startHerald(t, t.a.ns, config);
    await first.waitState(t.b.ipv4, 'Established', 20_000);
    const installed = await waitFor(
      async () => {
        const rs = await heraldRoutes(t.a.ns);
        return dsts(rs).join() === [GONE, KEPT].sort().join() ? rs : undefined;
      },
      { timeoutMs: 15_000, what: 'both kernel routes' },
    );
    expect(installed.every((r) => r.gateway === t.b.ipv4)).toBe(true);

    // Watch the kept prefix from here to the end: it must never leave the kernel.
    let watched = { polls: 0, missing: 0 };
    const watch = watchHeraldRoute(t.a.ns, KEPT, t.b.ipv4);

    try {
      // SIGTERM with graceful restart: a graceful stop, the kernel routes stay.
      await first.stop();
      expect(first.process.exitCode).toBe(0);
      expect(first.logs().some((l) => l.event === 'gracefulRestartShutdown')).toBe(true);
      expect(dsts(await heraldRoutes(t.a.ns))).toEqual([GONE, KEPT].sort());

      // Meanwhile FRR stops originating one of them; the kernel still has both while Herald is away.
      await frr.withdraw([GONE]);
      await delay(500);
      expect(dsts(await heraldRoutes(t.a.ns))).toEqual([GONE, KEPT].sort());

      const second = await startHerald(t, t.a.ns, config);
      await second.waitState(t.b.ipv4, 'Established', 30_000);
      await waitFor(async () => dsts(await heraldRoutes(t.a.ns)).join() === KEPT, {
        timeoutMs: 20_000,
        what: `${GONE} swept from the kernel`,
      });
      // Swept at End-of-RIB, not at the restart-time deadline.
      const swept = await waitFor(async () => second.logs().find((l) => l.event === 'kernelRoutesSwept'), {
        timeoutMs: 5_000,
        what: 'the kernelRoutesSwept log line',
      });
      expect(swept.why).toBe('endOfRib');
      const fib = await second.api<{ routes: { installed: number } }>('GET', '/api/v1/fib');
      expect(fib.body.routes.installed).toBe(1);
      await delay(1000);

      // The next SIGTERM is graceful too: the route stays for the next run.
      await second.stop();
      expect(dsts(await heraldRoutes(t.a.ns))).toEqual([KEPT]);
    } finally {
      watched = await watch.stop();
    }
    expect(watched.polls).toBeGreaterThan(10);
    expect(watched.missing).toBe(0);
  }, 120_000);
});
