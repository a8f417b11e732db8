// The BFD worker (src/bfd/worker.ts behind worker-manager.ts): two workers on loopback come Up and
// report to their listeners; while this thread is blocked, well past the Detection Time, both keep
// transmitting and neither goes Down (what a full-table ingest did to BFD on the daemon's thread);
// a spec the worker's manager refuses reaches the listener's error(); closing one side sends
// AdminDown, which the other side reports as a Down from the neighbor.
import { afterEach, describe, expect, it } from 'vitest';
import { BfdDiag } from '../../src/bfd/registry.js';
import { BfdWorkerManager } from '../../src/bfd/worker-manager.js';
import { loadLibc } from '../../src/sys/libc.js';

const unavailable = loadLibc() instanceof Error ? 'no libc binding' : undefined;
const ports = (a: number, b: number) => ({ singleHop: a, multihop: b });
const A = '127.0.0.1';
const B = '127.0.0.2';
const TIMING = { minTx: 300, minRx: 300, multiplier: 3 };

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

/** Two workers whose sessions face each other on loopback (different ports: one host). */
function pair() {
  const a = new BfdWorkerManager({ listenPorts: ports(47301, 47401), peerPorts: ports(47302, 47402) });
  const b = new BfdWorkerManager({ listenPorts: ports(47302, 47402), peerPorts: ports(47301, 47401) });
  cleanup.push(
    () => a.close(),
    () => b.close(),
  );
  return { a, b };
}

/** Polls `test` every 20 ms, failing after `ms` (bounded wait). */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Keeps this thread busy (no timers, no messages) for `ms`. */
function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* busy */
  }
}

describe.skipIf(unavailable)('BfdWorkerManager', () => {
  it('comes Up, and stays Up with packets flowing while this thread is blocked past the Detection Time', async () => {
    const { a, b } = pair();
    const downs: number[] = [];
    let ups = 0;
    const listener = { up: () => ups++, down: (diag: number) => downs.push(diag) };
    const ha = a.acquire({ ...TIMING, peer: B, local: A }, listener);
    const hb = b.acquire({ ...TIMING, peer: A, local: B }, listener);
    await until(() => ha.state === 'Up' && hb.state === 'Up', 10_000, 'both Up');
    expect(ups).toBe(2);
    await until(() => ha.view().state === 'Up', 3000, 'a snapshot of the Up session');
    expect(ha.view()).toMatchObject({ peer: B, local: A, txInterval: 300, multiplier: 3 });

    const sentBefore = ha.view().counters.packetsOut;
    block(3000); // 3.3 × the 900 ms Detection Time
    // the snapshot taken during the block arrives within a second or so of it
    await until(() => ha.view().counters.packetsOut > sentBefore + 5, 3000, 'packets sent meanwhile');
    expect(downs).toEqual([]);
    expect([ha.state, hb.state]).toEqual(['Up', 'Up']);
  }, 30_000);

  it("reports the worker's refusal to the listener, and the peer's AdminDown as a Down", async () => {
    const { a, b } = pair();
    const errors: string[] = [];
    const downs: Array<{ diag: number; at?: number }> = [];
    const ha = a.acquire({ ...TIMING, peer: B, local: A });
    const hb = b.acquire({ ...TIMING, peer: A, local: B }, { down: (diag, at) => downs.push({ diag, at }) });
    // same (peer, local, interface), but multihop: the worker's BfdManager refuses to merge it
    a.acquire({ ...TIMING, peer: B, local: A, multihop: true }, { error: (m) => errors.push(m) });
    await until(() => errors.length === 1, 5000, 'the error');
    expect(errors[0]).toMatch(/multihop/);

    await until(() => ha.state === 'Up' && hb.state === 'Up', 10_000, 'both Up');
    const before = Date.now();
    ha.release();
    await until(() => downs.length === 1, 5000, "b's Down");
    expect(downs[0].diag).toBe(BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN);
    expect(downs[0].at).toBeGreaterThanOrEqual(before);
  }, 30_000);
});
