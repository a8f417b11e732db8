// Herald's BFD (src/bfd, run by test/bfd/bfd-runner.ts inside namespace A) against FRR bfdd and
// BIRD in namespace B: the session comes Up with the negotiated parameters on both sides; an
// nftables rule in A drops the peer's BFD packets and Herald detects Down within the detection time;
// without the rule it comes back Up; a parameter change (Poll/Final) does not flap it. Across a
// router, multihop (RFC 5883, minimum TTL 254) comes Up while single-hop (RFC 5881: TTL 255 only)
// does not.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BfdSessionInfo } from '../../src/bfd/manager.js';
import {
  type BirdPeer,
  delay,
  type FrrPeer,
  interopUnavailable,
  nftDrop,
  nftRule,
  startBird,
  startFrr,
  type Topology,
  type TrackedChild,
  useTopology,
  waitFor,
} from './harness/index.js';
import type { BfdPeerConfig } from './harness/peers/frr.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = fileURLToPath(new URL('../bfd/bfd-runner.ts', import.meta.url));

interface RunnerLine {
  t: number;
  event: string;
  from?: string;
  to?: string;
  diag?: number;
  sessions?: BfdSessionInfo[];
}

class Runner {
  constructor(readonly child: TrackedChild) {}
  static start(t: Topology, ns: string, plan: unknown): Runner {
    return new Runner(
      t.spawn(ns, process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(plan)], { cwd: ROOT }),
    );
  }
  lines(): RunnerLine[] {
    return this.child
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as RunnerLine);
  }
  changes(): RunnerLine[] {
    return this.lines().filter((l) => l.event === 'state');
  }
  view(): BfdSessionInfo | undefined {
    return this.lines().findLast((l) => l.event === 'views')?.sessions?.[0];
  }
  async waitState(state: string, timeoutMs: number, after = 0): Promise<RunnerLine> {
    let found: RunnerLine | undefined;
    await waitFor(
      () => {
        if (this.child.exitCode !== null)
          throw new Error(`runner exited: ${this.child.output().slice(-2000)}`);
        found = this.changes().find((l) => l.to === state && l.t > after);
        return found !== undefined;
      },
      { timeoutMs, intervalMs: 20, what: `Herald BFD ${state}` },
    );
    return found!;
  }
}

type Kind = 'frr' | 'bird';

async function startPeer(kind: Kind, ns: string, address: string, bfd: BfdPeerConfig[]) {
  const opts = { ns, routerId: address, asn: 65002, localAddress: address, neighbors: [], bfd };
  return kind === 'frr' ? startFrr(opts) : startBird(opts);
}

/** The peer's own view of the session with `address`: state and negotiated intervals (ms). */
async function peerView(kind: Kind, peer: FrrPeer | BirdPeer, address: string) {
  if (kind === 'frr') {
    const p = (await (peer as FrrPeer).bfdPeers()).find((x) => x.peer === address);
    if (!p) return undefined;
    return {
      state: String(p.status),
      remoteDiscr: Number(p['remote-id']),
      // FRR shows its own configured values and the peer's; negotiated = the larger, and the
      // detection time uses the peer's (Herald's) multiplier.
      txInterval: Math.max(Number(p['transmit-interval']), Number(p['remote-receive-interval'])),
      detection:
        Number(p['remote-detect-multiplier']) *
        Math.max(Number(p['receive-interval']), Number(p['remote-transmit-interval'])),
    };
  }
  const s = (await (peer as BirdPeer).bfdSessions()).find((x) => x.address === address);
  if (!s) return undefined;
  return { state: s.state.toLowerCase(), txInterval: s.interval * 1000, detection: s.timeout * 1000 };
}

const TIMING = { minTx: 300, minRx: 300, multiplier: 3 };
/** The latest view says Up with no Poll Sequence running (views are printed every 100 ms). */
const upAndSettled = (v: BfdSessionInfo | undefined): boolean => v?.state === 'Up' && !v.polling;

describe.skipIf(interopUnavailable(['frr', 'bird']) !== undefined)('Herald BFD interop', () => {
  const topo = useTopology();

  describe.each<Kind>(['frr', 'bird'])('⇄ %s', (kind) => {
    it('comes Up negotiated, detects the peer’s silence within the detection time, recovers, and changes parameters without a flap', async () => {
      const t = await topo.link();
      const peer = await startPeer(kind, t.b.ns, t.b.ipv4, [
        { peer: t.a.ipv4, local: t.b.ipv4, minRx: 300, minTx: 300, multiplier: 3 },
      ]);
      const runner = Runner.start(t, t.a.ns, {
        sessions: [{ peer: t.b.ipv4, local: t.a.ipv4, ...TIMING }],
        reconfigure: { minTx: 600, minRx: 600, multiplier: 4 },
      });
      await runner.waitState('Up', 20_000);
      // Negotiated on both sides: 300 ms each way, 3 × 300 ms detection.
      await waitFor(async () => (await peerView(kind, peer, t.a.ipv4))?.state === 'up', {
        timeoutMs: 10_000,
        what: `${kind} sees Up`,
      });
      await waitFor(() => upAndSettled(runner.view()), { timeoutMs: 5000, what: 'Up, Poll Sequence done' });
      expect(runner.view()).toMatchObject({
        state: 'Up',
        remoteState: 'Up',
        txInterval: 300,
        rxInterval: 300,
        detectionTime: 900,
        multiplier: 3,
        remoteMultiplier: 3,
      });
      const theirs = await peerView(kind, peer, t.a.ipv4);
      expect(theirs).toMatchObject({ state: 'up', txInterval: 300, detection: 900 });
      if (kind === 'frr') expect(theirs?.remoteDiscr).toBe(runner.view()?.localDiscr);

      // Drop the peer's BFD packets in A: Herald detects within the detection time.
      const drop = await nftDrop(t.a.ns, `ip saddr ${t.b.ipv4} udp dport 3784`);
      const cutAt = Date.now();
      const down = await runner.waitState('Down', 10_000, cutAt - 1);
      const detectMs = down.t - cutAt;
      console.info(`[bfd ${kind}] detection after the cut: ${detectMs} ms (detection time 900 ms)`);
      expect(down.diag).toBe(1);
      expect(detectMs).toBeLessThan(3000);
      expect(await drop.packets()).toBeGreaterThan(0);

      // Restored: Up again.
      await drop.remove();
      const upAgain = await runner.waitState('Up', 20_000, down.t);
      console.info(`[bfd ${kind}] back Up ${upAgain.t - down.t} ms after Down`);

      // Slower parameters through Poll/Final: no Down on either side.
      await waitFor(() => upAndSettled(runner.view()), { timeoutMs: 5000, what: 'Up, Poll Sequence done' });
      const changesBefore = runner.changes().length;
      runner.child.kill('SIGUSR2');
      await waitFor(() => runner.view()?.txInterval === 600 && runner.view()?.polling === false, {
        timeoutMs: 10_000,
        what: 'new interval in effect',
      });
      await delay(2000);
      expect(runner.changes().length).toBe(changesBefore);
      expect(runner.view()).toMatchObject({ state: 'Up', txInterval: 600, rxInterval: 600, multiplier: 4 });
      expect(runner.view()?.counters.downTransitions).toBe(1);
      await waitFor(async () => (await peerView(kind, peer, t.a.ipv4))?.detection === 4 * 600, {
        timeoutMs: 5000,
        what: `${kind} applies the new parameters`,
      });
      expect((await peerView(kind, peer, t.a.ipv4))?.state).toBe('up');
    }, 90_000);
  });

  it('across a router: multihop (minimum TTL 254) comes Up with FRR, single-hop (TTL 255 only) does not', async () => {
    const t = await topo.chain();
    const peer = (await startPeer('frr', t.b.ns, t.b.ipv4, [
      { peer: t.a.ipv4, local: t.b.ipv4, multihop: true, minRx: 300, minTx: 300, multiplier: 3, minTtl: 254 },
    ])) as FrrPeer;
    const multihop = Runner.start(t, t.a.ns, {
      sessions: [{ peer: t.b.ipv4, local: t.a.ipv4, ...TIMING, multihop: true, minTtl: 254 }],
    });
    await multihop.waitState('Up', 20_000);
    await waitFor(async () => (await peer.bfdPeers()).some((p) => p.status === 'up'), {
      timeoutMs: 10_000,
      what: 'FRR multihop Up',
    });
    await multihop.child.stop();
    await peer.stop();

    // A single-hop session across the router: FRR's packets reach A with TTL 254 and the socket
    // filter drops them before Herald sees them.
    const ttl254 = await nftRule(t.a.ns, `ip saddr ${t.b.ipv4} udp dport 3784 ip ttl 254`, {
      verdict: 'count',
    });
    const frrSingle = (await startPeer('frr', t.b.ns, t.b.ipv4, [
      { peer: t.a.ipv4, local: t.b.ipv4, minRx: 300, minTx: 300, multiplier: 3 },
    ])) as FrrPeer;
    const single = Runner.start(t, t.a.ns, { sessions: [{ peer: t.b.ipv4, local: t.a.ipv4, ...TIMING }] });
    await waitFor(async () => (await ttl254.packets()) >= 3, {
      timeoutMs: 10_000,
      what: 'FRR single-hop packets at A',
    });
    await delay(500);
    expect(single.changes().filter((c) => c.to === 'Up')).toEqual([]);
    expect(single.view()?.counters.packetsIn).toBe(0);
    expect(single.view()?.counters.packetsOut).toBeGreaterThan(0);
    await frrSingle.stop();
  }, 90_000);
});
