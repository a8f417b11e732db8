// npm run bench:propagation — one route in, out to 10 peers (issue 23): each receiver (Herald,
// BIRD, FRR, GoBGP; alone in a fresh pair of namespaces, the peers in A) has an iBGP sender
// (10.0.0.1, AS 3856) and 10 eBGP collectors (10.0.0.11-20, AS 65001-65010) that take learned
// routes (Herald: an export policy accepting `routeType: learned`; the others' defaults or the
// harness's export filter). Each trial the sender writes one UPDATE announcing a new /24; the
// latency is from that write to its arrival at each collector (both clocks CLOCK_MONOTONIC);
// p50/p99 over all trials × collectors. A few warm-up trials go first, for every daemon alike, and
// are not counted: with 20 trials the first (cold: code paths run for the first time, in the
// daemon and in the collectors) is 5 % of the arrivals and would be the p99 on its own.
// BENCH_PROP_WARM=1 measures the steady state instead: 300 warm-up routes first (a JIT compiles a
// path once it has run a few hundred times; until then Herald's single-route fan-out runs
// unoptimized), reported as the bench 'propagation-warm'.
//
// Env: BENCH_RECEIVERS=herald,bird,frr,gobgp, BENCH_PROP_TRIALS=20, BENCH_PROP_WARMUP=3 (at most 500),
// BENCH_PROP_WARM=1,
// BENCH_PROP_WAIT_S=40 (per trial: FRR and GoBGP may hold eBGP advertisements for their
// advertisement interval), BENCH_RUN_LIMIT_S=900, BENCH_HERALD_NODE_ARGS (e.g. --perf-basic-prof).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLink,
  delay,
  interopUnavailable,
  type NeighborOptions,
  waitFor,
} from '../test/interop/harness/index.js';
import {
  ASN,
  RECEIVER_NAMES,
  type Receiver,
  receiverKindsFromEnv,
  startReceiver,
  withLearnedExport,
} from './ingest/receivers.js';
import { SpeakerProcess } from './ingest/speaker-process.js';
import { emitResult, runLimit } from './lib/output.js';
import { startSender } from './lib/speakers.js';
import { distribution, firstArrivals, fmt } from './lib/stats.js';
import type { CollectorArgs } from './rib/collector.js';

const KINDS = receiverKindsFromEnv();
const TRIALS = Math.min(250, Math.max(1, Number(process.env.BENCH_PROP_TRIALS ?? 20)));
const WARM = process.env.BENCH_PROP_WARM === '1';
const WARMUP = Math.min(500, Math.max(0, Number(process.env.BENCH_PROP_WARMUP ?? (WARM ? 300 : 3))));
const WAIT_MS = Number(process.env.BENCH_PROP_WAIT_S ?? 40) * 1000;
const HERALD_NODE_ARGS = process.env.BENCH_HERALD_NODE_ARGS || undefined;
const PEERS = Array.from({ length: 10 }, (_, i) => ({ address: `10.0.0.${11 + i}`, asn: 65001 + i }));
const ms = (from: bigint, to: bigint): number => Number(to - from) / 1e6;

/** One UPDATE (RFC 4271 §4.3): the i-th /24 of 100.64.0.0/10, iBGP attributes, next hop the sender. */
function update(i: number): Buffer {
  const attrs = Buffer.from([
    0x40,
    1,
    1,
    0, // ORIGIN IGP
    0x40,
    2,
    0, // AS_PATH empty (iBGP)
    0x40,
    3,
    4,
    10,
    0,
    0,
    1, // NEXT_HOP 10.0.0.1
    0x40,
    5,
    4,
    0,
    0,
    0,
    100, // LOCAL_PREF 100
  ]);
  const nlri = Buffer.from([24, 100, 64 + (i >> 8), i & 255]);
  const body = Buffer.concat([Buffer.from([0, 0, 0, attrs.length]), attrs, nlri]);
  const head = Buffer.alloc(19, 0xff);
  head.writeUInt16BE(19 + body.length, 16);
  head[18] = 2;
  return Buffer.concat([head, body]);
}

interface Row {
  kind: string;
  name: string;
  latenciesMs: number[];
  error?: string;
}

async function runOne(kind: (typeof KINDS)[number], files: string[]): Promise<Row> {
  const row: Row = { kind, name: RECEIVER_NAMES[kind], latenciesMs: [] };
  const t = await createLink();
  let rx: Receiver | undefined;
  try {
    for (const p of PEERS) await t.addAddress(t.a.ns, t.a.ifname, `${p.address}/24`);
    const neighbors: NeighborOptions[] = [
      { address: t.a.ipv4, asn: ASN, passive: true, holdTime: 90, gracefulRestart: false },
      ...PEERS.map((p) => ({
        address: p.address,
        asn: p.asn,
        passive: true,
        holdTime: 90,
        gracefulRestart: false,
      })),
    ];
    rx = await startReceiver(kind, t, {
      neighbors,
      heraldConfig: (c) => withLearnedExport(c, (address) => address !== t.a.ipv4),
      heraldNodeArgs: HERALD_NODE_ARGS,
    });
    const sender = startSender(t, files[0], { more: files.slice(1) });
    // One process holds the 10 collector sessions: 10 node processes on a 2-core machine would
    // queue for the CPUs after each fan-out and put their own scheduling into every daemon's figure.
    const sessions = PEERS.map(
      (p, k): CollectorArgs => ({
        address: t.b.ipv4,
        port: 179,
        localAddress: p.address,
        asn: p.asn,
        bgpId: p.address,
        holdTime: 90,
        connectTimeoutMs: 60_000,
        expected: WARMUP + TRIALS,
        updateEvents: true,
        peer: k,
      }),
    );
    const collector = new SpeakerProcess(t.a.ns, sessions, join(import.meta.dirname, 'rib/collector.js'));
    await sender.next('established', 60_000);
    await waitFor(() => collector.all('established').length === PEERS.length, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'every collector session Established',
    });
    const r = rx;
    await waitFor(() => r.established(), { timeoutMs: 30_000, intervalMs: 100, what: `${kind} Established` });
    await delay(2000);
    // Each collector session's first arrival of trial i (its 'update' event holding i prefixes),
    // tallied as the events are read: the bench waits without polling, so its own CPU stays off the
    // two cores the daemon under test shares with the sender and the collectors.
    const arrivals: bigint[][] = PEERS.map(() => []);
    collector.onEvent((e) => {
      if (e.event !== 'update' || typeof e.peer !== 'number') return;
      const seen = arrivals[e.peer];
      for (let held = Number(e.held); seen.length < held; ) seen.push(e.t);
    });
    for (let i = 1; i <= WARMUP + TRIALS; i++) {
      sender.go();
      const start = await sender.next(i === 1 ? 'start' : `start-${i - 1}`, 10_000);
      await collector.until(
        () => arrivals.every((seen) => seen.length >= i),
        WAIT_MS,
        `trial ${i} at every collector`,
      );
      if (i > WARMUP) for (const seen of arrivals) row.latenciesMs.push(ms(start.t, seen[i - 1]));
      await delay(100 + Math.random() * 100);
    }
    await Promise.all([sender.stop(), collector.stop()]);
    await rx.stop();
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  return row;
}

async function main(): Promise<number> {
  const why = interopUnavailable(KINDS.filter((k): k is 'bird' | 'gobgp' | 'frr' => !k.startsWith('herald')));
  if (why) {
    console.error(`bench:propagation needs the interop environment: ${why}`);
    return 1;
  }
  runLimit('propagation', Number(process.env.BENCH_RUN_LIMIT_S ?? 900) * 1000);
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-prop-'));
  const files = Array.from({ length: WARMUP + TRIALS }, (_, i) => {
    const f = join(work, `u${i + 1}.bin`);
    writeFileSync(f, update(i + 1));
    return f;
  });
  const rows: Row[] = [];
  try {
    for (const k of KINDS) {
      const r = await runOne(k, files);
      const d = distribution(r.latenciesMs);
      console.log(
        r.error
          ? `${r.name}: FAILED ${r.error}`
          : `${r.name}: one route in → 10 peers: p50 ${fmt(d.p50, 1)} ms, p99 ${fmt(d.p99, 1)} ms, max ${fmt(d.max, 1)} ms (${d.n} arrivals); ` +
              `first arrival of a trial p50 ${fmt(firstArrivals(r.latenciesMs, PEERS.length).p50)} ms`,
      );
      rows.push(r);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const herald = rows.find((r) => r.kind === 'herald' && !r.error);
  const gobgp = rows.find((r) => r.kind === 'gobgp' && !r.error);
  const p99 = (r?: Row) => (r ? distribution(r.latenciesMs).p99 : undefined);
  const targets = {
    aheadOfGobgpP99:
      p99(herald) !== undefined && p99(gobgp) !== undefined
        ? (p99(herald) as number) < (p99(gobgp) as number)
        : null,
  };
  emitResult(WARM ? 'propagation-warm' : 'propagation', {
    trials: TRIALS,
    warmup: WARMUP,
    peers: PEERS.length,
    rows: rows.map((r) => ({
      ...r,
      dist: distribution(r.latenciesMs),
      firstArrival: firstArrivals(r.latenciesMs, PEERS.length),
    })),
    targets,
  });
  return rows.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
