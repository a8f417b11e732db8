// Kernel routes after Herald crashes, end to end (issue 18): Herald with fib enabled learns prefixes
// from FRR and installs them (protocol 72); SIGKILL leaves them in the kernel (no cleanup runs).
//  - Without graceful restart, the next run removes those leftovers at start — before any session
//    is up (its connection attempts are refused meanwhile) — and leaves a route of another protocol
//    alone; once the session is up it installs what FRR still sends.
//  - With graceful restart, the next run keeps them (docs/design.md "Kernel routes": the previous
//    run's routes stay until End-of-RIB; Herald keeps them whether that run stopped gracefully or
//    crashed), the re-learned one never leaves the kernel and the other is swept at End-of-RIB.
//  - A full withdrawal (FRR withdraws everything, then FRR's bgpd dies) removes every route of
//    Herald's protocol, and GET /api/v1/fib counts none.
// Herald dials FRR (connectRetry 1 s; FRR is passive — as a graceful-restart helper it waits for
// the restarting side to connect anyway), so a reject rule on Herald's outgoing SYNs holds the
// session down while the start is observed. Needs root and FRR.
import { describe, expect, it } from 'vitest';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import {
  destinations,
  exec,
  heraldRoutes,
  interopUnavailable,
  type KernelRoute,
  kernelRoutes,
  killProcess,
  type LinkTopology,
  nftDrop,
  startFrr,
  useTopology,
  waitFor,
  watchHeraldRoute,
} from './harness/index.js';

const HERALD_ASN = 65000;
const PEER_ASN = 65010;
const KEPT = '10.97.0.0/16';
const GONE = '10.96.0.0/16';
/** A route of another protocol in Herald's namespace (ip route ... proto static). */
const STATIC = '10.95.0.0/16';
const RESTART_TIME = 60;

const dsts = destinations;

interface FibView {
  routes: { desired: number; installed: number; held: number; failed: number; pending: number } | null;
}

function heraldConfig(t: LinkTopology, gracefulRestart: boolean): Record<string, unknown> {
  return {
    asn: HERALD_ASN,
    routerId: t.a.ipv4,
    listen: false,
    fib: { enabled: true },
    neighbors: [
      {
        address: t.b.ipv4,
        peerAsn: PEER_ASN,
        connectRetry: 1,
        ...(gracefulRestart ? { gracefulRestart: { enabled: true, restartTime: RESTART_TIME } } : {}),
      },
    ],
  };
}

/** FRR, passive (Herald dials: an FRR helper waits for the restarting peer anyway), originating `routes`. */
function startFrrPeer(t: LinkTopology, gracefulRestart: boolean, routes = [KEPT, GONE]) {
  return startFrr({
    ns: t.b.ns,
    routerId: t.b.ipv4,
    asn: PEER_ASN,
    localAddress: t.b.ipv4,
    neighbors: [
      {
        address: t.a.ipv4,
        asn: HERALD_ASN,
        passive: true,
        gracefulRestart: gracefulRestart ? { restartTime: RESTART_TIME } : false,
      },
    ],
    routes: routes.map((prefix) => ({ prefix })),
  });
}

/** Waits until Herald's kernel routes are exactly `want`, each via FRR; returns them. */
function waitHeraldRoutes(t: LinkTopology, want: string[], what: string): Promise<KernelRoute[]> {
  return waitFor(
    async () => {
      const rs = await heraldRoutes(t.a.ns);
      return dsts(rs).join() === [...want].sort().join() ? rs : undefined;
    },
    { timeoutMs: 20_000, what },
  );
}

/** Refuses Herald's connection attempts to FRR (its SYNs, rejected on the way out) until removed. */
function refuseSessions(t: LinkTopology) {
  return nftDrop(t.a.ns, `ip daddr ${t.b.ipv4} tcp dport 179 tcp flags & (syn | ack) == syn`, {
    chain: 'output',
    verdict: 'reject',
  });
}

/** SIGKILL: no stop path runs, so nothing is removed from the kernel. */
async function crash(h: HeraldInstance): Promise<void> {
  await killProcess(h.process.pid);
  await waitFor(() => h.process.signalCode === 'SIGKILL', { timeoutMs: 5_000, what: 'herald killed' });
}

/** Starts Herald again with its connections to FRR refused; resolves once its kernel routes started. */
async function startUnreachable(t: LinkTopology, config: Record<string, unknown>) {
  const refuse = await refuseSessions(t);
  const second = await startHerald(t, t.a.ns, config);
  const started = await waitFor(() => second.logs().find((l) => l.event === 'kernelRoutesStarted'), {
    timeoutMs: 5_000,
    what: 'the kernelRoutesStarted log line',
  });
  return { refuse, second, started };
}

describe.skipIf(interopUnavailable(['frr']) !== undefined)('Herald kernel routes after a crash', () => {
  const topo = useTopology();

  it('without graceful restart: removes a crashed run’s leftovers at start, not other protocols’ routes', async () => {
    const t = await topo.link();
    await exec(t.a.ns, 'ip', ['route', 'add', STATIC, 'via', t.b.ipv4, 'proto', 'static']);
    const frr = await startFrrPeer(t, false);
    const config = heraldConfig(t, false);
    const first = await startHerald(t, t.a.ns, config);
    await first.waitState(t.b.ipv4, 'Established', 20_000);
    const installed = await waitHeraldRoutes(t, [KEPT, GONE], 'both kernel routes');
    expect(installed.every((r) => r.gateway === t.b.ipv4)).toBe(true);

    // Crash: the routes stay behind.
    await crash(first);
    expect(first.logs().some((l) => l.event === 'daemonStopping')).toBe(false);
    expect(dsts(await heraldRoutes(t.a.ns))).toEqual([GONE, KEPT].sort());

    // While Herald is down FRR stops originating one; and the next run cannot reach FRR for now.
    await frr.withdraw([GONE]);
    const { refuse, second, started } = await startUnreachable(t, config);
    expect(started.keep).toBe(false);
    // It found both leftovers at start...
    const resync = second.logs().find((l) => l.event === 'kernelRoutesResynced' && l.reason === 'start');
    expect(resync?.ours).toBe(2);
    // ...and removes them with no session up: the start alone does it.
    await waitHeraldRoutes(t, [], 'the leftovers removed at start');
    await waitFor(async () => (await refuse.packets()) > 0, {
      timeoutMs: 10_000,
      what: 'a connection attempt refused',
    });
    expect((await second.neighbor(t.b.ipv4)).state).not.toBe('Established');
    expect(dsts(await heraldRoutes(t.a.ns))).toEqual([]);
    const other = (await kernelRoutes(t.a.ns)).find((k) => k.dst === STATIC);
    expect(other?.protocol).toBe('static');
    expect(other?.gateway).toBe(t.b.ipv4);

    // The session comes up: what FRR still sends is installed again, the other stays out.
    await refuse.remove();
    await second.waitState(t.b.ipv4, 'Established', 20_000);
    const again = await waitHeraldRoutes(t, [KEPT], `${KEPT} installed again`);
    expect(again[0].gateway).toBe(t.b.ipv4);
    const fib = await second.api<FibView>('GET', '/api/v1/fib');
    expect(fib.body.routes?.installed).toBe(1);
    expect((await kernelRoutes(t.a.ns)).find((k) => k.dst === STATIC)?.protocol).toBe('static');
  }, 60_000);

  it('with graceful restart: keeps a crashed run’s routes at start, sweeps the one not re-learned at End-of-RIB', async () => {
    const t = await topo.link();
    const frr = await startFrrPeer(t, true);
    const config = heraldConfig(t, true);
    const first = await startHerald(t, t.a.ns, config);
    await first.waitState(t.b.ipv4, 'Established', 20_000);
    await waitHeraldRoutes(t, [KEPT, GONE], 'both kernel routes');

    // Watch the re-learned prefix from before the crash to the end: it must never leave the kernel.
    let watched = { polls: 0, missing: 0 };
    const watch = watchHeraldRoute(t.a.ns, KEPT, t.b.ipv4);

    try {
      await crash(first);
      expect(first.logs().some((l) => l.event === 'daemonStopping')).toBe(false);
      expect(dsts(await heraldRoutes(t.a.ns))).toEqual([GONE, KEPT].sort());

      await frr.withdraw([GONE]);
      const { refuse, second, started } = await startUnreachable(t, config);
      expect(started.keep).toBe(true);
      // Started, and it has tried to connect since: both kept while no End-of-RIB can come.
      await waitFor(async () => (await refuse.packets()) > 0, {
        timeoutMs: 10_000,
        what: 'a connection attempt refused',
      });
      expect(dsts(await heraldRoutes(t.a.ns))).toEqual([GONE, KEPT].sort());
      expect(second.logs().some((l) => l.event === 'kernelRoutesSwept')).toBe(false);

      await refuse.remove();
      await second.waitState(t.b.ipv4, 'Established', 20_000);
      await waitHeraldRoutes(t, [KEPT], `${GONE} swept from the kernel`);
      const swept = await waitFor(() => second.logs().find((l) => l.event === 'kernelRoutesSwept'), {
        timeoutMs: 5_000,
        what: 'the kernelRoutesSwept log line',
      });
      expect(swept.why).toBe('endOfRib');
      const fib = await second.api<FibView>('GET', '/api/v1/fib');
      expect(fib.body.routes?.installed).toBe(1);
    } finally {
      watched = await watch.stop();
    }
    expect(watched.polls).toBeGreaterThan(10);
    expect(watched.missing).toBe(0);
  }, 60_000);

  it('a full withdrawal removes every route of Herald’s protocol', async () => {
    const t = await topo.link();
    const prefixes = [KEPT, GONE, '10.94.0.0/16'];
    const frr = await startFrrPeer(t, false, prefixes);
    const herald = await startHerald(t, t.a.ns, heraldConfig(t, false));
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    await waitHeraldRoutes(t, prefixes, 'three kernel routes');
    expect((await herald.api<FibView>('GET', '/api/v1/fib')).body.routes?.installed).toBe(3);

    // FRR withdraws them all.
    await frr.withdraw(prefixes);
    await waitHeraldRoutes(t, [], 'every route withdrawn');
    const fib = (await herald.api<FibView>('GET', '/api/v1/fib')).body.routes;
    expect(fib).toEqual({ desired: 0, installed: 0, held: 0, failed: 0, pending: 0 });

    // Again, and this time FRR's bgpd dies (no NOTIFICATION; no graceful restart): all gone too.
    await frr.announce(prefixes.map((prefix) => ({ prefix })));
    await waitHeraldRoutes(t, prefixes, 'three kernel routes again');
    await frr.crash();
    await waitHeraldRoutes(t, [], 'every route gone with the session');
    expect((await herald.neighbor(t.b.ipv4)).state).not.toBe('Established');
    expect((await herald.api<FibView>('GET', '/api/v1/fib')).body.routes).toEqual({
      desired: 0,
      installed: 0,
      held: 0,
      failed: 0,
      pending: 0,
    });
  }, 60_000);
});
