// npm run bench:ingest — full-table ingest: one sender pushes the whole IPv4 table of the MRT
// capture (every UPDATE of its one iBGP peer, AS 3856, raw bytes in recorded order) as fast as the
// socket takes it, to Herald, BIRD 2, GoBGP and FRR in turn. Each receiver runs alone in a fresh
// pair of network namespaces (sender in A, receiver in B) so they never share the 2 cores.
//
// Per receiver: seconds from the first UPDATE octet (the session is Established and idle before
// that) until the receiver reports every route held, polled through its control interface (every
// 20-250 ms: 2 % of the time so far); and resident memory per route: (RSS after all routes are
// held − RSS idle with the session up) / routes. A sink run (the same sender against a socket that
// only reads) first shows how fast the sender and the link are on their own.
//
// Env: BENCH_RECEIVERS=herald,bird,gobgp,frr (order and subset), BENCH_ROUNDS=3 (the table shows
// medians), BENCH_TIMEOUT_S=300 (per receiver run), BENCH_RUN_LIMIT_S=600 (whole run),
// BENCH_HERALD_PROF=1 (V8 CPU profile of Herald over the ingest window, top functions printed; the
// profiled time is not comparable), BENCH_HERALD_NODE_ARGS (extra node flags for Herald, for
// experiments), BENCH_DEBUG=1 (every poll; receiver logs kept in bench/results), HERALD_MRT_DIR.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createLink,
  delay,
  interopUnavailable,
  type LinkTopology,
  waitFor,
} from '../test/interop/harness/index.js';
import { FULL_TABLE_MRT, loadUpdates, type UpdateStream } from './ingest/data.js';
import { cpuSeconds, rssBytes, summarizeProfile } from './ingest/proc.js';
import {
  ASN,
  HOLD_TIME,
  RECEIVER_NAMES,
  type Receiver,
  type ReceiverKind,
  receiverKindsFromEnv,
  startReceiver,
} from './ingest/receivers.js';
import type { SpeakerArgs } from './ingest/speaker.js';
import { type SpeakerEvent, SpeakerProcess } from './ingest/speaker-process.js';

// With Herald in the run, Herald with a 20-entry import prefix list too (BENCH_INGEST_POLICY=0: not).
const KINDS = receiverKindsFromEnv().flatMap((k) =>
  k === 'herald' && process.env.BENCH_INGEST_POLICY !== '0' ? (['herald', 'herald-policy'] as const) : [k],
);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
/** Poll interval: elapsed / 50, within these bounds. */
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 250;
const PROFILE = process.env.BENCH_HERALD_PROF === '1';
/** Each receiver runs this many times (fresh namespaces and daemon each time); the table has medians. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Extra node/V8 flags for Herald, for experiments (e.g. --max-semi-space-size=1); shown in the output. */
const HERALD_NODE_ARGS = process.env.BENCH_HERALD_NODE_ARGS || undefined;
/** Kept outputs (git-ignored): the CPU profile, and receiver logs with BENCH_DEBUG=1. */
const RESULTS = resolve(import.meta.dirname, '../../bench/results');
/** BENCH_DEBUG=1: print every poll, keep the receivers' logs. */
const DEBUG = process.env.BENCH_DEBUG === '1';
/** Pause with the session up before the idle reading, and after the last route before the full one. */
const SETTLE_MS = 2000;
/** The whole run is bounded: past this the process exits and the harness's exit hook cleans up. */
const RUN_LIMIT_MS = Number(process.env.BENCH_RUN_LIMIT_S ?? 600) * 1000;

const MB = 1024 * 1024;
const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9;
const hr = (): bigint => process.hrtime.bigint();

interface SinkResult {
  writeSeconds: number;
  sinkSeconds: number;
  bytes: number;
}

interface Result {
  kind: ReceiverKind;
  error?: string;
  routes?: number;
  /** First UPDATE octet written → end of the first poll that saw all routes (an upper bound). */
  seconds?: number;
  /** … → start of the last poll that saw fewer (a lower bound). */
  lowerSeconds?: number;
  /** The measured interval (CLOCK_MONOTONIC ns): first UPDATE octet → the successful poll. */
  window?: { from: bigint; to: bigint };
  /** First UPDATE octet → the sender's last write() handed to the kernel. */
  writeSeconds?: number;
  polls?: number;
  /** Every poll as [seconds since the first UPDATE octet, routes held] (the chart's line). */
  series: Array<[number, number]>;
  cpuSeconds?: number;
  rssIdle?: number;
  rssDone?: number;
  rssSettled?: number;
  side?: string;
  crossCheck?: string;
  counted?: string;
}

function speakerArgs(t: LinkTopology, file: string, mode: 'send' | 'sink'): SpeakerArgs {
  return mode === 'send'
    ? {
        mode,
        address: t.b.ipv4,
        port: 179,
        localAddress: t.a.ipv4,
        asn: ASN,
        bgpId: t.a.ipv4,
        holdTime: HOLD_TIME,
        file,
        connectTimeoutMs: 60_000,
      }
    : {
        mode,
        address: t.b.ipv4,
        port: 179,
        asn: ASN,
        bgpId: t.b.ipv4,
        holdTime: HOLD_TIME,
        file,
        connectTimeoutMs: 60_000,
      };
}

async function runSink(file: string): Promise<SinkResult> {
  const t = await createLink();
  try {
    const sink = new SpeakerProcess(t.b.ns, speakerArgs(t, file, 'sink'));
    await sink.next('listening', 10_000);
    const sender = new SpeakerProcess(t.a.ns, speakerArgs(t, file, 'send'));
    await sender.next('established', 30_000);
    await sink.next('established', 10_000);
    sender.go();
    const start = await sender.next('start', 10_000);
    const written = await sender.next('written', 60_000);
    const sunk = await sink.next('sunk', 60_000);
    return {
      writeSeconds: seconds(start.t, written.t),
      sinkSeconds: seconds(start.t, sunk.t),
      bytes: Number(sunk.bytes),
    };
  } finally {
    await t.destroy();
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

async function runReceiver(
  kind: ReceiverKind,
  file: string,
  expected: number,
  profileDir?: string,
): Promise<Result> {
  const t = await createLink();
  let rx: Receiver | undefined;
  const result: Result = { kind, series: [[0, 0]] };
  try {
    rx = await startReceiver(kind, t, {
      heraldProfileDir: profileDir,
      heraldNodeArgs: HERALD_NODE_ARGS,
    });
    result.counted = rx.counted;
    const sender = new SpeakerProcess(t.a.ns, speakerArgs(t, file, 'send'));
    await sender.next('established', 60_000);
    const r = rx;
    await waitFor(() => r.established(), { timeoutMs: 30_000, intervalMs: 100, what: `${kind} Established` });
    await delay(SETTLE_MS);
    const before = await rx.routes();
    if (before !== 0) throw new Error(`${kind} holds ${before} routes before the first UPDATE`);
    result.rssIdle = sum(rx.pids.map(rssBytes));
    const sideIdle = rx.sidePids.map((p) => rssBytes(p.pid));
    const cpu0 = sum(rx.pids.map(cpuSeconds));

    sender.go();
    const start = await sender.next('start', 10_000);
    let polls = 0;
    let routes = 0;
    let done: bigint | undefined;
    let previous = start.t; // start of the last poll that saw fewer routes
    for (;;) {
      const asked = hr();
      routes = await rx.routes();
      polls++;
      const at = hr();
      result.series.push([seconds(start.t, at), routes]);
      if (DEBUG)
        console.error(
          `  poll ${polls}: ${seconds(start.t, asked).toFixed(3)} → ${seconds(start.t, at).toFixed(3)} s: ${routes}`,
        );
      if (routes >= expected) {
        done = at;
        break;
      }
      previous = asked;
      const bad = sender.trouble();
      if (bad)
        throw new Error(
          `sender: ${bad.event} ${JSON.stringify(bad, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
        );
      const elapsedMs = seconds(start.t, at) * 1000;
      if (elapsedMs > TIMEOUT_MS) {
        throw new Error(`timed out after ${TIMEOUT_MS / 1000} s with ${routes} of ${expected} routes`);
      }
      // about 2 % resolution: frequent polls while it may be quick, fewer (cheaper) ones later
      await delay(Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, elapsedMs / 50)));
    }
    result.lowerSeconds = seconds(start.t, previous);
    result.rssDone = sum(rx.pids.map(rssBytes));
    result.cpuSeconds = sum(rx.pids.map(cpuSeconds)) - cpu0;
    result.seconds = seconds(start.t, done);
    result.window = { from: start.t, to: done };
    result.polls = polls;
    const written: SpeakerEvent = await sender.next('written', 10_000);
    result.writeSeconds = seconds(start.t, written.t);
    await delay(SETTLE_MS);
    result.rssSettled = sum(rx.pids.map(rssBytes));
    result.routes = await rx.routes();
    if (rx.sidePids.length > 0) {
      result.side = rx.sidePids
        .map(
          (p, i) =>
            `${p.label} RSS ${(sideIdle[i] / MB).toFixed(1)} → ${(rssBytes(p.pid) / MB).toFixed(1)} MB`,
        )
        .join(', ');
    }
    result.crossCheck = await rx.crossCheck();
    await rx.stop();
    if (DEBUG) {
      mkdirSync(RESULTS, { recursive: true });
      const log = join(RESULTS, `${kind}-ingest.log`);
      writeFileSync(log, rx.logs());
      console.error(`  ${kind} log kept as ${log}`);
    }
    await sender.stop();
  } catch (e) {
    result.error = (e as Error).message.split('\n')[0];
    const tail = rx?.logs().slice(-1500);
    if (tail) console.error(`--- ${kind} log tail ---\n${tail}\n---`);
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  return result;
}

const perRoute = (r: Result): number | undefined =>
  r.rssSettled !== undefined && r.rssIdle !== undefined && r.routes
    ? (r.rssSettled - r.rssIdle) / r.routes
    : undefined;
const perRouteAtDone = (r: Result): number | undefined =>
  r.rssDone !== undefined && r.rssIdle !== undefined && r.routes
    ? (r.rssDone - r.rssIdle) / r.routes
    : undefined;

function median(xs: Array<number | undefined>): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)];
}

/** One receiver over all rounds: medians of the successful runs. */
interface Summary {
  kind: ReceiverKind;
  ok: Result[];
  errors: string[];
  routes?: number;
  seconds?: number;
  cpuSeconds?: number;
  rssIdle?: number;
  rssFull?: number;
  bytesPerRoute?: number;
  bytesPerRouteAtDone?: number;
}

function summarize(kind: ReceiverKind, results: Result[]): Summary {
  const mine = results.filter((r) => r.kind === kind);
  const ok = mine.filter((r) => r.error === undefined);
  return {
    kind,
    ok,
    errors: mine.flatMap((r) => (r.error ? [r.error] : [])),
    routes: ok.length ? Math.min(...ok.map((r) => r.routes ?? 0)) : undefined,
    seconds: median(ok.map((r) => r.seconds)),
    cpuSeconds: median(ok.map((r) => r.cpuSeconds)),
    rssIdle: median(ok.map((r) => r.rssIdle)),
    rssFull: median(ok.map((r) => r.rssSettled)),
    bytesPerRoute: median(ok.map(perRoute)),
    bytesPerRouteAtDone: median(ok.map(perRouteAtDone)),
  };
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

const f = (n: number | undefined, d = 2): string => (n === undefined ? '-' : n.toFixed(d));

function report(stream: UpdateStream, sink: SinkResult | undefined, results: Result[], rounds: number): void {
  const all = KINDS.map((k) => summarize(k, results));
  const herald = all.find((s) => s.kind === 'herald' && s.ok.length > 0);
  const header = [
    'receiver',
    'routes',
    'seconds',
    'routes/s',
    'CPU s',
    'RSS idle MB',
    'RSS full MB',
    'B/route',
    '(at done)',
    'Herald speed-up',
    'Herald mem ratio',
  ];
  const rows: string[][] = all.map((s) => {
    if (s.ok.length === 0) return [RECEIVER_NAMES[s.kind], 'FAILED', s.errors[0] ?? ''];
    return [
      RECEIVER_NAMES[s.kind],
      String(s.routes),
      f(s.seconds),
      f(s.routes && s.seconds ? s.routes / s.seconds : undefined, 0),
      f(s.cpuSeconds, 1),
      f(s.rssIdle !== undefined ? s.rssIdle / MB : undefined, 1),
      f(s.rssFull !== undefined ? s.rssFull / MB : undefined, 1),
      f(s.bytesPerRoute, 0),
      f(s.bytesPerRouteAtDone, 0),
      herald?.seconds && s.seconds ? `${(s.seconds / herald.seconds).toFixed(2)}×` : '-',
      herald?.bytesPerRoute !== undefined && s.bytesPerRoute
        ? `${(herald.bytesPerRoute / s.bytesPerRoute).toFixed(2)}×`
        : '-',
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => r.length > 3).map((r) => r[i].length)),
  );
  console.log('');
  console.log(
    `Input: ${stream.messages} UPDATEs, ${(stream.bytes.length / MB).toFixed(1)} MiB, ${stream.announced} announcements, ` +
      `${stream.withdrawn} withdrawals → ${stream.endState} prefixes (peer ${stream.peer}, AS ${stream.peerAs} iBGP)`,
  );
  if (sink) {
    console.log(
      `Sender check (a sink that only reads): all ${(sink.bytes / MB).toFixed(1)} MiB handed to the kernel in ` +
        `${sink.writeSeconds.toFixed(3)} s and read by the sink in ${sink.sinkSeconds.toFixed(3)} s ` +
        `(${((sink.bytes * 8) / sink.sinkSeconds / 1e9).toFixed(2)} Gbit/s)`,
    );
  }
  console.log('');
  console.log(`Median of ${rounds} round(s), each receiver alone in fresh namespaces:`);
  console.log(pad(header, widths));
  for (const row of rows) console.log(row.length > 3 ? pad(row, widths) : row.join('  '));
  console.log('');
  console.log(
    'seconds: first UPDATE octet sent → end of the first poll that saw all routes (polls every ' +
      `${POLL_MIN_MS}-${POLL_MAX_MS} ms; "≥" is the start of the last poll short of it). ` +
      `B/route: (RSS ${SETTLE_MS / 1000} s after all routes held − RSS idle with the session up) / routes; ` +
      '"(at done)" uses the RSS at the successful poll. Herald speed-up = receiver seconds / Herald seconds; ' +
      'Herald mem ratio = Herald B/route / receiver B/route.',
  );
  for (const s of all) {
    const name = RECEIVER_NAMES[s.kind];
    const runs = s.ok
      .map(
        (r) =>
          `${f(r.seconds)} s (≥ ${f(r.lowerSeconds)}, ${r.polls} polls, sender done writing ${f(r.writeSeconds)} s)`,
      )
      .join('; ');
    console.log(
      `${name}: runs ${runs || '-'}${s.errors.length ? `; FAILED ${s.errors.length}: ${s.errors.join(' | ')}` : ''}`,
    );
    const last = s.ok[s.ok.length - 1];
    if (last) {
      console.log(
        `  RSS counts ${last.counted}${last.side ? `; ${last.side}` : ''}; B/route per run ` +
          `${s.ok.map((r) => f(perRoute(r), 0)).join(', ')}; cross-check: ${last.crossCheck}`,
      );
    }
  }
  const bird = all.find((s) => s.kind === 'bird' && s.ok.length > 0);
  const gobgp = all.find((s) => s.kind === 'gobgp' && s.ok.length > 0);
  const policy = all.find((s) => s.kind === 'herald-policy' && s.ok.length > 0);
  const targets: Record<string, boolean | null> = {
    fasterThanBird: herald?.seconds && bird?.seconds ? herald.seconds < bird.seconds : null,
    atLeast3xFasterThanGobgp: herald?.seconds && gobgp?.seconds ? gobgp.seconds / herald.seconds >= 3 : null,
    under100BytesPerRoute: herald?.bytesPerRoute !== undefined ? herald.bytesPerRoute < 100 : null,
    policyWithin10Percent: herald?.seconds && policy?.seconds ? policy.seconds <= herald.seconds * 1.1 : null,
  };
  if (herald) {
    const mark = (v: boolean | null): string => (v === null ? 'n/a' : v ? 'met' : 'MISSED');
    console.log('');
    console.log(
      `Targets: Herald faster than BIRD: ${mark(targets.fasterThanBird)}` +
        (bird?.seconds && herald.seconds
          ? ` (${herald.seconds.toFixed(2)} s vs ${bird.seconds.toFixed(2)} s)`
          : '') +
        `; ≥ 3× faster than GoBGP: ${mark(targets.atLeast3xFasterThanGobgp)}` +
        (gobgp?.seconds && herald.seconds ? ` (${(gobgp.seconds / herald.seconds).toFixed(2)}×)` : '') +
        `; < 100 B/route above idle: ${mark(targets.under100BytesPerRoute)} (${f(herald.bytesPerRoute, 0)} B/route` +
        `${bird?.bytesPerRoute ? `; BIRD ${f(bird.bytesPerRoute, 0)}` : ''})` +
        `; with a 20-entry import prefix list ≤ 10% slower: ${mark(targets.policyWithin10Percent)}` +
        (policy?.seconds && herald.seconds ? ` (${policy.seconds.toFixed(2)} s)` : ''),
    );
  }
  const h = all.find((s) => s.kind === 'herald');
  const vs: Record<string, unknown> = {};
  for (const s of all) {
    if (s.kind === 'herald' || s.ok.length === 0 || !herald) continue;
    vs[s.kind] = {
      seconds: s.seconds,
      bytesPerRoute: s.bytesPerRoute,
      speedup: herald.seconds && s.seconds ? s.seconds / herald.seconds : null,
      memRatio:
        herald.bytesPerRoute !== undefined && s.bytesPerRoute ? herald.bytesPerRoute / s.bytesPerRoute : null,
    };
  }
  console.log(
    JSON.stringify({
      bench: 'ingest',
      receiver: 'herald',
      rounds,
      profiled: PROFILE,
      heraldNodeArgs: HERALD_NODE_ARGS ?? null,
      routes: h?.routes ?? null,
      expected: stream.endState,
      seconds: h?.seconds ?? null,
      secondsPerRound: h?.ok.map((r) => r.seconds) ?? [],
      cpuSeconds: h?.cpuSeconds ?? null,
      rssIdleBytes: h?.rssIdle ?? null,
      rssFullBytes: h?.rssFull ?? null,
      bytesPerRoute: h?.bytesPerRoute ?? null,
      errors: h?.errors ?? [],
      vs,
      targets,
      sink: sink ?? null,
      // routes held at each poll of the last successful round, per receiver
      series: Object.fromEntries(
        all.filter((s) => s.ok.length > 0).map((s) => [RECEIVER_NAMES[s.kind], s.ok[s.ok.length - 1].series]),
      ),
    }),
  );
}

async function main(): Promise<number> {
  const why = interopUnavailable(KINDS.filter((k): k is 'bird' | 'gobgp' | 'frr' => !k.startsWith('herald')));
  if (why) {
    console.error(`bench:ingest needs the interop environment: ${why}`);
    return 1;
  }
  const limit = setTimeout(() => {
    console.error(`bench:ingest: over the ${RUN_LIMIT_MS / 1000} s limit, giving up`);
    process.exit(1); // the harness's exit hook kills what runs in the namespaces and deletes them
  }, RUN_LIMIT_MS);
  limit.unref();
  const stream = loadUpdates(FULL_TABLE_MRT);
  console.log(
    `${stream.messages} UPDATEs (${(stream.bytes.length / MB).toFixed(1)} MiB) from ${stream.peer} AS ${stream.peerAs} → ` +
      `${stream.endState} prefixes at the end; receivers: ${KINDS.map((k) => RECEIVER_NAMES[k]).join(', ')}; ` +
      `${ROUNDS} round(s)${HERALD_NODE_ARGS ? `; Herald run as node ${HERALD_NODE_ARGS}` : ''}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-ingest-'));
  const file = join(work, 'updates.bin');
  writeFileSync(file, stream.bytes);
  const profileDir = PROFILE ? join(work, 'prof') : undefined;
  try {
    let sink: SinkResult | undefined;
    try {
      sink = await runSink(file);
      console.log(
        `sink: written ${sink.writeSeconds.toFixed(3)} s, received ${sink.sinkSeconds.toFixed(3)} s`,
      );
    } catch (e) {
      console.error(`sink run failed: ${(e as Error).message}`);
    }
    const results: Result[] = [];
    // Rounds go through all receivers in turn, so slow drift of the machine hits each alike.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of KINDS) {
        const r = await runReceiver(kind, file, stream.endState, profileDir);
        console.log(
          r.error
            ? `[${round}] ${RECEIVER_NAMES[kind]}: FAILED ${r.error}`
            : `[${round}] ${RECEIVER_NAMES[kind]}: ${r.routes} routes in ${r.seconds?.toFixed(2)} s, ` +
                `${(perRoute(r) ?? 0).toFixed(0)} B/route`,
        );
        results.push(r);
      }
    }
    const profiled = results.filter((r) => r.kind.startsWith('herald') && r.window).pop();
    if (profileDir && profiled) {
      // the newest profile is the last Herald run's; only its ingest window counts
      const p = summarizeProfile(profileDir, 20, profiled.window);
      console.log(
        `\n${RECEIVER_NAMES[profiled.kind]} CPU profile, first UPDATE → all routes (${f((p.windowMs ?? 0) / 1000)} s, of which ` +
          `${f(p.busyMs / 1000)} s busy on the main thread), self time:`,
      );
      for (const e of p.entries) {
        console.log(
          `  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}`,
        );
      }
      try {
        mkdirSync(RESULTS, { recursive: true });
        copyFileSync(p.file, join(RESULTS, 'herald-ingest.cpuprofile'));
        console.log('  (profile kept as bench/results/herald-ingest.cpuprofile)');
      } catch {}
    }
    report(stream, sink, results, ROUNDS);
    return results.some((r) => r.error) ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
