// npm run bench:rib — the routing engine under a full table from two peers, and passing it on:
// Herald, BIRD 2, GoBGP and FRR in turn, each alone in a fresh pair of network namespaces (the raw
// speakers and the extra peers in A, the receiver in B), median of N rounds. Per run, one daemon:
//
//  1. load: two iBGP peers (P1 10.0.0.1, P2 10.0.0.3, AS 3856 like the receiver) send the full
//     table of the MRT capture at once, P2 with one more AS on every AS_PATH (bench/rib/data.ts),
//     every NEXT_HOP rewritten to P1's address (FRR selects no path whose next hop it cannot resolve).
//     Time from the first UPDATE octet until the receiver holds both tables (per-neighbor counts
//     polled every 20-250 ms); bytes per path = (RSS settled − RSS idle with the sessions up) /
//     paths held (2 × prefixes).
//  2. converge: P1 withdraws every prefix (packed withdrawal UPDATEs). Time from the first
//     withdrawal octet until the receiver holds nothing from P1 and a sample of prefixes has its
//     best path from P2; the whole Loc-RIB is counted by best-path source at the end of the run.
//  3. export: four eBGP peers (10.0.0.11-14, AS 4200000001-4; small collectors that count distinct
//     prefixes, bench/rib/collector.ts) connect; the receiver passes them the table by export
//     policy (Herald: `exportPolicy` accepting `routeType: learned`; BIRD: the harness's export
//     filter, every BGP route; GoBGP and FRR: their defaults, which pass iBGP-learned routes on to
//     eBGP peers, FRR with `no bgp ebgp-requires-policy` as the harness writes it). Time from the first of them Established until each holds every
//     prefix; bytes per route per extra peer = (RSS settled − RSS before they connected) /
//     prefixes / 4.
//
// Env: BENCH_RECEIVERS=herald,bird,gobgp,frr (order and subset), BENCH_ROUNDS=2 (a round of all
// four takes ~12 min, GoBGP's the longest), BENCH_TIMEOUT_S=300 (per phase), BENCH_RUN_LIMIT_S=3600 (whole run),
// BENCH_EXTRA_HOLD_S=900 (hold time of the extra peers' sessions: at 90 s Herald's expired while it
// built their Adj-RIBs-Out), BENCH_SAMPLE=50 (prefixes checked for their best path),
// BENCH_HERALD_PROF=1 (V8 CPU profile of Herald, top functions per phase; profiled times are not
// comparable), BENCH_HERALD_NODE_ARGS, BENCH_DEBUG=1 (every poll; logs kept in bench/results),
// HERALD_MRT_DIR.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createLink,
  delay,
  interopUnavailable,
  type LinkTopology,
  type NeighborOptions,
  waitFor,
} from '../test/interop/harness/index.js';
import { FULL_TABLE_MRT, loadUpdates, type UpdateStream } from './ingest/data.js';
import { cpuSeconds, rssBytes, summarizeProfile } from './ingest/proc.js';
import {
  ASN,
  HOLD_TIME,
  RECEIVER_NAMES,
  type Receiver,
  startReceiver,
  withLearnedExport,
} from './ingest/receivers.js';
import type { SpeakerEvent, SpeakerProcess } from './ingest/speaker-process.js';
import { startCollector, startSender } from './lib/speakers.js';
import { prependOneAs, samplePrefixes, withdrawAll } from './rib/data.js';
import { type NeighborCount, type RibProbe, ribProbe } from './rib/probe.js';

const RIB_KINDS = ['herald', 'bird', 'gobgp', 'frr'] as const;
type Kind = (typeof RIB_KINDS)[number];
const KINDS: Kind[] = (process.env.BENCH_RECEIVERS ?? RIB_KINDS.join(','))
  .split(',')
  .map((k) => k.trim())
  .filter((k): k is Kind => (RIB_KINDS as readonly string[]).includes(k));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
const RUN_LIMIT_MS = Number(process.env.BENCH_RUN_LIMIT_S ?? 3600) * 1000;
const EXTRA_HOLD_TIME = Number(process.env.BENCH_EXTRA_HOLD_S ?? 900);
const SAMPLE = Math.max(1, Number(process.env.BENCH_SAMPLE ?? 50));
const PROFILE = process.env.BENCH_HERALD_PROF === '1';
const HERALD_NODE_ARGS = process.env.BENCH_HERALD_NODE_ARGS || undefined;
const DEBUG = process.env.BENCH_DEBUG === '1';
const RESULTS = resolve(import.meta.dirname, '../../bench/results');
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 250;
/**
 * The window each RSS reading that counts is the lowest of (idle, after a phase). 6 s, not 2: a
 * daemon that gives memory back after a burst may do so a second or two after it (Herald checks
 * each second), and over 2 s the extra peers' figure swung 9-43 B/route between runs, as the trim
 * landed inside the window or after it; over 6 s, 20-22.
 */
const SETTLE_MS = 6000;

const P2 = '10.0.0.3';
const EXTRA = ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14'];
/** 4-octet private ASes that no path of the capture holds: no daemon's sender-side AS_PATH loop check (GoBGP's) holds a route back. */
const EXTRA_ASN = 4_200_000_001;
/** Every NEXT_HOP of the capture becomes P1's address, which every daemon resolves (FRR selects no path whose next hop it cannot). */
const NEXT_HOP = '10.0.0.1';

const MB = 1024 * 1024;
const hr = (): bigint => process.hrtime.bigint();
const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
/** CLOCK_MONOTONIC readings (bigint: Math.min/max do not take them). */
const byTime = (xs: bigint[]): bigint[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const earliest = (xs: bigint[]): bigint => byTime(xs)[0];
const latest = (xs: bigint[]): bigint => byTime(xs)[xs.length - 1];
const jsonish = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));

interface Inputs {
  stream: UpdateStream;
  /** P1: the capture; then its withdrawals. P2: the capture with one more AS. */
  full: string;
  withdraw: string;
  longer: string;
  withdrawMessages: number;
  longerMessages: number;
  sample: string[];
}

interface Window {
  from: bigint;
  to: bigint;
}

interface Phase {
  seconds: number;
  /** Start of the last poll short of the goal (a lower bound). */
  lower?: number;
  polls?: number;
  cpu: number;
  window: Window;
}

interface RunResult {
  kind: Kind;
  error?: string;
  rssIdle?: number;
  rssLoaded?: number;
  rssConverged?: number;
  rssExported?: number;
  rssExportPeak?: number;
  load?: Phase;
  converge?: Phase;
  exported?: Phase;
  /** Each extra peer: its Established → it holds every prefix. */
  exportPerPeer?: number[];
  /** The sample's best paths, before and after the withdrawal. */
  sampleLoaded?: string;
  sampleConverged?: string;
  locRib?: string;
  how?: string;
}

const bytesPerPath = (r: RunResult, prefixes: number): number | undefined =>
  r.rssLoaded !== undefined && r.rssIdle !== undefined
    ? (r.rssLoaded - r.rssIdle) / (2 * prefixes)
    : undefined;
const bytesPerExtra = (r: RunResult, prefixes: number): number | undefined =>
  r.rssExported !== undefined && r.rssConverged !== undefined
    ? (r.rssExported - r.rssConverged) / prefixes / EXTRA.length
    : undefined;

function neighbors(t: LinkTopology): NeighborOptions[] {
  const ibgp = (address: string): NeighborOptions => ({
    address,
    asn: ASN,
    passive: true,
    holdTime: HOLD_TIME,
    gracefulRestart: false,
  });
  return [
    ibgp(t.a.ipv4),
    ibgp(P2),
    ...EXTRA.map((address, i) => ({
      address,
      asn: EXTRA_ASN + i,
      passive: true,
      holdTime: EXTRA_HOLD_TIME,
      gracefulRestart: false,
    })),
  ];
}

/**
 * The RSS a phase leaves: the lowest of `rss()` sampled every 100 ms for `ms`. A garbage-collected
 * daemon (Herald, GoBGP) shrinks when its collector runs, at a moment of its own choosing; a single
 * sample taken before or after it made the same phase differ by tens of MB between runs. The C
 * daemons give the same figure either way.
 */
async function settledRss(rss: () => number, ms: number): Promise<number> {
  let low = rss();
  for (const end = Date.now() + ms; Date.now() < end; ) {
    await delay(100);
    low = Math.min(low, rss());
  }
  return low;
}

/** Highest RSS of `pids` (summed) seen every 50 ms until stopped. */
function rssPeak(pids: number[]): () => number {
  let peak = sum(pids.map(rssBytes));
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, sum(pids.map(rssBytes)));
    } catch {}
  }, 50);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/**
 * Polls the receiver's per-neighbor counts until `done` holds (and `confirm`, asked only then, if
 * given); bounded by TIMEOUT_MS. Times count from `start` (a speaker's clock, CLOCK_MONOTONIC).
 */
async function pollUntil(
  what: string,
  probe: RibProbe,
  senders: SpeakerProcess[],
  start: bigint,
  done: (c: Map<string, NeighborCount>) => boolean,
  confirm?: () => Promise<boolean>,
): Promise<Omit<Phase, 'cpu'>> {
  let previous = start;
  for (let polls = 1; ; polls++) {
    const asked = hr();
    const counts = await probe.neighbors();
    let at = hr();
    if (DEBUG)
      console.error(
        `  ${what} poll ${polls}: ${seconds(start, at).toFixed(3)} s: ` +
          [...counts].map(([a, c]) => `${a} ${c.routes}`).join(', '),
      );
    if (done(counts) && (!confirm || (await confirm()))) {
      at = confirm ? hr() : at;
      return {
        seconds: seconds(start, at),
        lower: seconds(start, previous),
        polls,
        window: { from: start, to: at },
      };
    }
    previous = asked;
    for (const s of senders) {
      const bad = s.trouble();
      if (bad) throw new Error(`${what}: sender: ${bad.event} ${jsonish(bad)}`);
    }
    const elapsedMs = seconds(start, at) * 1000;
    if (elapsedMs > TIMEOUT_MS)
      throw new Error(
        `${what}: timed out after ${TIMEOUT_MS / 1000} s: ` +
          [...counts].map(([a, c]) => `${a} ${c.routes}`).join(', '),
      );
    await delay(Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, elapsedMs / 50)));
  }
}

/** "50/50 from 10.0.0.1" or the spread of sources. */
function describeSample(from: Array<string | undefined>): string {
  const by = new Map<string, number>();
  for (const f of from) by.set(f ?? 'none', (by.get(f ?? 'none') ?? 0) + 1);
  return [...by].map(([n, c]) => `${c}/${from.length} from ${n}`).join(', ');
}

async function runOnce(kind: Kind, inputs: Inputs, profileDir?: string): Promise<RunResult> {
  const result: RunResult = { kind };
  const expected = inputs.stream.endState;
  const t = await createLink();
  let rx: Receiver | undefined;
  const children: SpeakerProcess[] = [];
  try {
    for (const a of [P2, ...EXTRA]) await t.addAddress(t.a.ns, t.a.ifname, `${a}/24`);
    const P1 = t.a.ipv4;
    rx = await startReceiver(kind, t, {
      neighbors: neighbors(t),
      heraldConfig: (c) => withLearnedExport(c, (address) => EXTRA.includes(address)),
      heraldProfileDir: kind === 'herald' ? profileDir : undefined,
      heraldNodeArgs: HERALD_NODE_ARGS,
    });
    const probe = ribProbe(
      t,
      rx,
      neighbors(t).map((n) => n.address),
    );
    result.how = probe.how;
    const pids = rx.pids;
    const cpu = (): number => sum(pids.map(cpuSeconds));
    const rss = (): number => sum(pids.map(rssBytes));

    // ---- 1. load: both tables at once
    const s1 = startSender(t, inputs.full, { local: P1, more: [inputs.withdraw] });
    const s2 = startSender(t, inputs.longer, { local: P2 });
    children.push(s1, s2);
    await Promise.all([s1.next('established', 60_000), s2.next('established', 60_000)]);
    await waitFor(
      async () => {
        const c = await probe.neighbors();
        return (c.get(P1)?.established && c.get(P2)?.established) ?? false;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `${kind}: P1 and P2 Established` },
    );
    result.rssIdle = await settledRss(rss, SETTLE_MS);
    const idle = await probe.neighbors();
    if ((idle.get(P1)?.routes ?? 0) + (idle.get(P2)?.routes ?? 0) !== 0)
      throw new Error(`${kind} holds routes before the first UPDATE`);
    let cpu0 = cpu();
    s1.go();
    s2.go();
    const [a1, a2] = await Promise.all([s1.next('start', 10_000), s2.next('start', 10_000)]);
    const loadStart = earliest([a1.t, a2.t]);
    const load = await pollUntil(
      'load',
      probe,
      [s1, s2],
      loadStart,
      (c) => (c.get(P1)?.routes ?? 0) >= expected && (c.get(P2)?.routes ?? 0) >= expected,
    );
    result.load = { ...load, cpu: cpu() - cpu0 };
    await Promise.all([s1.next('written', 30_000), s2.next('written', 30_000)]);
    result.rssLoaded = await settledRss(rss, SETTLE_MS);
    const before = await probe.bestFrom(inputs.sample);
    result.sampleLoaded = describeSample(before);
    if (before.some((b) => b !== P1))
      throw new Error(`with both tables the sample's best paths are not all P1's: ${result.sampleLoaded}`);

    // ---- 2. converge: P1 withdraws everything
    cpu0 = cpu();
    s1.go();
    const w = await s1.next('start-1', 10_000);
    const converge = await pollUntil(
      'converge',
      probe,
      [s1, s2],
      w.t,
      (c) => c.get(P1)?.routes === 0 && (c.get(P2)?.routes ?? 0) >= expected,
      async () => (await probe.bestFrom(inputs.sample)).every((b) => b === P2),
    );
    result.converge = { ...converge, cpu: cpu() - cpu0 };
    result.sampleConverged = describeSample(await probe.bestFrom(inputs.sample));
    await s1.next('written-1', 30_000);
    result.rssConverged = await settledRss(rss, SETTLE_MS);

    // ---- 3. export: four more peers get the table
    cpu0 = cpu();
    const peak = rssPeak(pids);
    const extra = EXTRA.map((local, i) =>
      startCollector(t, {
        local,
        asn: EXTRA_ASN + i,
        holdTime: EXTRA_HOLD_TIME,
        expected,
        timeoutMs: TIMEOUT_MS,
      }),
    );
    children.push(...extra);
    const up = await Promise.all(extra.map((c) => c.next('established', TIMEOUT_MS)));
    const exportStart = earliest(up.map((e) => e.t));
    const full: SpeakerEvent[] = [];
    try {
      for (const c of extra) full.push(await c.next('full', TIMEOUT_MS));
    } catch (e) {
      const now = hr();
      const held = extra
        .map((c) => {
          const p = c.latest('progress');
          return `${p?.held ?? 0}${p ? ` (last change ${seconds(p.t, now).toFixed(0)} s before)` : ''}`;
        })
        .join(', ');
      throw new Error(`export: ${(e as Error).message} (extra peers hold ${held} of ${expected})`);
    }
    const exportEnd = latest(full.map((e) => e.t));
    result.exported = {
      seconds: seconds(exportStart, exportEnd),
      cpu: cpu() - cpu0,
      window: { from: exportStart, to: exportEnd },
    };
    result.exportPerPeer = full.map((f, i) => seconds(up[i].t, f.t));
    result.rssExportPeak = peak();
    result.rssExported = await settledRss(rss, SETTLE_MS);

    // ---- the whole Loc-RIB, after the timed phases
    const loc = await probe.locRib();
    result.locRib =
      `${loc.prefixes} prefixes, best from ` +
      Object.entries(loc.bestBy)
        .map(([n, c]) => `${n}: ${c}`)
        .join(', ');
    if ((loc.bestBy[P2] ?? 0) < expected || (loc.bestBy[P1] ?? 0) !== 0)
      throw new Error(`the Loc-RIB is not all P2's: ${result.locRib}`);

    await Promise.all(children.map((c) => c.stop()));
    await rx.stop();
    if (DEBUG) {
      mkdirSync(RESULTS, { recursive: true });
      const log = join(RESULTS, `${kind}-rib.log`);
      writeFileSync(log, rx.logs());
      console.error(`  ${kind} log kept as ${log}`);
    }
  } catch (e) {
    result.error = (e as Error).message.split('\n')[0];
    const tail = rx?.logs().slice(-1500);
    if (tail) console.error(`--- ${kind} log tail ---\n${tail}\n---`);
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  return result;
}

function median(xs: Array<number | undefined>): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)];
}

interface Summary {
  kind: Kind;
  ok: RunResult[];
  errors: string[];
  load?: number;
  converge?: number;
  exported?: number;
  loadCpu?: number;
  convergeCpu?: number;
  exportCpu?: number;
  rssIdle?: number;
  rssLoaded?: number;
  rssConverged?: number;
  rssExported?: number;
  rssExportPeak?: number;
  bytesPerPath?: number;
  bytesPerExtra?: number;
}

function summarize(kind: Kind, results: RunResult[], prefixes: number): Summary {
  const mine = results.filter((r) => r.kind === kind);
  const ok = mine.filter((r) => r.error === undefined);
  const m = (f: (r: RunResult) => number | undefined): number | undefined => median(ok.map(f));
  return {
    kind,
    ok,
    errors: mine.flatMap((r) => (r.error ? [r.error] : [])),
    load: m((r) => r.load?.seconds),
    converge: m((r) => r.converge?.seconds),
    exported: m((r) => r.exported?.seconds),
    loadCpu: m((r) => r.load?.cpu),
    convergeCpu: m((r) => r.converge?.cpu),
    exportCpu: m((r) => r.exported?.cpu),
    rssIdle: m((r) => r.rssIdle),
    rssLoaded: m((r) => r.rssLoaded),
    rssConverged: m((r) => r.rssConverged),
    rssExported: m((r) => r.rssExported),
    rssExportPeak: m((r) => r.rssExportPeak),
    bytesPerPath: m((r) => bytesPerPath(r, prefixes)),
    bytesPerExtra: m((r) => bytesPerExtra(r, prefixes)),
  };
}

const f = (n: number | undefined, d = 2): string => (n === undefined ? '-' : n.toFixed(d));
const mb = (n: number | undefined): string => f(n === undefined ? undefined : n / MB, 1);
const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function report(inputs: Inputs, results: RunResult[]): number {
  const prefixes = inputs.stream.endState;
  const all = KINDS.map((k) => summarize(k, results, prefixes));
  const header = [
    'receiver',
    'load 2 tables s',
    'converge s',
    'export to 4 s',
    'RSS idle MB',
    '2 tables MB',
    'B/path',
    'converged MB',
    '+4 peers MB',
    '(peak)',
    'B/route/extra peer',
  ];
  const rows = all.map((s) =>
    s.ok.length === 0
      ? [RECEIVER_NAMES[s.kind], 'FAILED', s.errors[0] ?? '']
      : [
          RECEIVER_NAMES[s.kind],
          f(s.load),
          f(s.converge),
          f(s.exported),
          mb(s.rssIdle),
          mb(s.rssLoaded),
          f(s.bytesPerPath, 0),
          mb(s.rssConverged),
          mb(s.rssExported),
          mb(s.rssExportPeak),
          f(s.bytesPerExtra, 0),
        ],
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => r.length > 3).map((r) => r[i].length)),
  );
  const st = inputs.stream;
  console.log('');
  console.log(
    `Input: ${st.messages} UPDATEs (${(st.bytes.length / MB).toFixed(1)} MiB) → ${prefixes} prefixes per peer; ` +
      `P2's copy ${inputs.longerMessages} UPDATEs (one more AS on every path); P1's withdrawal ` +
      `${inputs.withdrawMessages} UPDATEs; ${2 * prefixes} paths with both tables.`,
  );
  console.log(`Median of ${ROUNDS} round(s), each receiver alone in fresh namespaces:`);
  console.log(pad(header, widths));
  for (const r of rows) console.log(r.length > 3 ? pad(r, widths) : r.join('  '));
  console.log('');
  console.log(
    'load: first UPDATE octet (of either peer) → the poll that saw both tables held; converge: first ' +
      "withdrawal octet → the poll that saw nothing held from P1 and the sample's best paths all P2's; " +
      'export: first extra peer Established → the last one holding every prefix (its own clock). ' +
      `each RSS is the lowest sampled every 100 ms over the ${SETTLE_MS / 1000} s after its phase (a garbage collection in that window counts). ` +
      'B/path = (RSS after load − RSS idle) / paths; B/route/extra peer = ' +
      '(RSS after export − RSS converged) / prefixes / 4; (peak) = highest RSS sampled every 50 ms during export.',
  );
  for (const s of all) {
    const name = RECEIVER_NAMES[s.kind];
    console.log(
      `${name}: CPU s load ${f(s.loadCpu)}, converge ${f(s.convergeCpu)}, export ${f(s.exportCpu)}; runs: ` +
        s.ok
          .map(
            (r) =>
              `load ${f(r.load?.seconds)} (≥ ${f(r.load?.lower)}), converge ${f(r.converge?.seconds)} ` +
              `(≥ ${f(r.converge?.lower)}), export ${f(r.exported?.seconds)} [${(r.exportPerPeer ?? []).map((x) => f(x)).join(' ')}], ` +
              `${f(bytesPerPath(r, prefixes), 0)} B/path, ${f(bytesPerExtra(r, prefixes), 0)} B/route/extra`,
          )
          .join('; ') +
        (s.errors.length ? `; FAILED ${s.errors.length}: ${s.errors.join(' | ')}` : ''),
    );
    const last = s.ok[s.ok.length - 1];
    if (last)
      console.log(
        `  counts: ${last.how}; sample of ${inputs.sample.length} loaded: ${last.sampleLoaded}; ` +
          `converged: ${last.sampleConverged}; Loc-RIB at the end: ${last.locRib}`,
      );
  }
  const herald = all.find((s) => s.kind === 'herald' && s.ok.length > 0);
  const other = (kind: Kind) => all.find((s) => s.kind === kind && s.ok.length > 0);
  const bird = other('bird');
  const gobgp = other('gobgp');
  /** The other daemon's time ÷ Herald's, and Herald's bytes ÷ the other's: above 1× on time, below on bytes, Herald is ahead. */
  const versus = (o: Summary | undefined) => ({
    load: ratio(o?.load, herald?.load),
    converge: ratio(o?.converge, herald?.converge),
    exported: ratio(o?.exported, herald?.exported),
    bytesPerPath: ratio(herald?.bytesPerPath, o?.bytesPerPath),
    bytesPerExtra: ratio(herald?.bytesPerExtra, o?.bytesPerExtra),
  });
  const vs = Object.fromEntries(
    all.filter((o) => o.kind !== 'herald' && o.ok.length > 0).map((o) => [o.kind, versus(o)]),
  );
  const vsBird = versus(bird);
  const vsGobgp = versus(gobgp);
  const ahead = (v: ReturnType<typeof versus>): boolean | null =>
    [v.load, v.converge, v.exported].some((x) => x === undefined) || v.bytesPerPath === undefined
      ? null
      : [v.load, v.converge, v.exported].every((x) => (x as number) > 1) && (v.bytesPerPath as number) < 1;
  const targets: Record<string, boolean | null> = {
    convergeFasterThanBird:
      herald?.converge !== undefined && bird?.converge !== undefined ? herald.converge < bird.converge : null,
    atMost100BytesPerPath: herald?.bytesPerPath !== undefined ? herald.bytesPerPath <= 100 : null,
    atMost32BytesPerRoutePerExtraPeer:
      herald?.bytesPerExtra !== undefined ? herald.bytesPerExtra <= 32 : null,
    // Issue 23: ahead of GoBGP on every row (load, converge, export, memory per path).
    aheadOfGobgp: herald && gobgp ? ahead(vsGobgp) : null,
  };
  if (herald) {
    const mark = (v: boolean | null): string => (v === null ? 'n/a' : v ? 'met' : 'MISSED');
    const x = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(2)}×`);
    console.log('');
    for (const [kind, v] of Object.entries(vs))
      console.log(
        `${RECEIVER_NAMES[kind as Kind]} time / Herald time: load ${x(v.load)}, converge ${x(v.converge)}, export ${x(v.exported)}; ` +
          `Herald bytes / ${RECEIVER_NAMES[kind as Kind]} bytes: per path ${x(v.bytesPerPath)}, per route per extra peer ${x(v.bytesPerExtra)}`,
      );
    console.log(
      `Targets: converge faster than BIRD: ${mark(targets.convergeFasterThanBird)} ` +
        `(${f(herald.converge)} s vs ${f(bird?.converge)} s); ≤ 100 B/path: ${mark(targets.atMost100BytesPerPath)} ` +
        `(${f(herald.bytesPerPath, 0)}); extra peer's Adj-RIB-Out ≤ 32 B/route: ` +
        `${mark(targets.atMost32BytesPerRoutePerExtraPeer)} (${f(herald.bytesPerExtra, 0)}); ahead of GoBGP on load, ` +
        `converge, export and bytes per path: ${mark(targets.aheadOfGobgp)}`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'rib',
      rounds: ROUNDS,
      profiled: PROFILE,
      heraldNodeArgs: HERALD_NODE_ARGS ?? null,
      prefixes,
      receivers: Object.fromEntries(
        all.map((s) => [
          s.kind,
          {
            loadSeconds: s.load ?? null,
            convergeSeconds: s.converge ?? null,
            exportSeconds: s.exported ?? null,
            bytesPerPath: s.bytesPerPath ?? null,
            bytesPerRoutePerExtraPeer: s.bytesPerExtra ?? null,
            rssIdleBytes: s.rssIdle ?? null,
            rssLoadedBytes: s.rssLoaded ?? null,
            rssConvergedBytes: s.rssConverged ?? null,
            rssExportedBytes: s.rssExported ?? null,
            errors: s.errors,
          },
        ]),
      ),
      vsBird,
      vsGobgp,
      vs,
      targets,
    }),
  );
  return results.some((r) => r.error) ? 1 : 0;
}

function printProfile(profileDir: string, r: RunResult): void {
  const phases: Array<[string, Phase | undefined]> = [
    ['load', r.load],
    ['converge', r.converge],
    ['export', r.exported],
  ];
  for (const [name, phase] of phases) {
    if (!phase) continue;
    const p = summarizeProfile(profileDir, 15, phase.window);
    console.log(
      `\nHerald CPU profile, ${name} (${f((p.windowMs ?? 0) / 1000)} s, ${f(p.busyMs / 1000)} s busy on the main thread), self time:`,
    );
    for (const e of p.entries)
      console.log(
        `  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}`,
      );
  }
  try {
    mkdirSync(RESULTS, { recursive: true });
    copyFileSync(summarizeProfile(profileDir, 1).file, join(RESULTS, 'herald-rib.cpuprofile'));
    console.log('  (profile kept as bench/results/herald-rib.cpuprofile)');
  } catch {}
}

async function main(): Promise<number> {
  const why = interopUnavailable(KINDS.filter((k): k is Exclude<Kind, 'herald'> => k !== 'herald'));
  if (why) {
    console.error(`bench:rib needs the interop environment: ${why}`);
    return 1;
  }
  const limit = setTimeout(() => {
    console.error(`bench:rib: over the ${RUN_LIMIT_MS / 1000} s limit, giving up`);
    process.exit(1); // the harness's exit hook kills what runs in the namespaces and deletes them
  }, RUN_LIMIT_MS);
  limit.unref();
  const stream = loadUpdates(FULL_TABLE_MRT, { nextHop: NEXT_HOP });
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-rib-'));
  try {
    const longer = prependOneAs(stream);
    const withdraw = withdrawAll(stream);
    const inputs: Inputs = {
      stream,
      full: join(work, 'full.bin'),
      longer: join(work, 'longer.bin'),
      withdraw: join(work, 'withdraw.bin'),
      longerMessages: countMessages(longer),
      withdrawMessages: withdraw.messages,
      sample: samplePrefixes(stream, SAMPLE),
    };
    writeFileSync(inputs.full, stream.bytes);
    writeFileSync(inputs.longer, longer);
    writeFileSync(inputs.withdraw, withdraw.bytes);
    console.log(
      `${stream.endState} prefixes per peer (${stream.messages} UPDATEs); receivers: ` +
        `${KINDS.map((k) => RECEIVER_NAMES[k]).join(', ')}; ${ROUNDS} round(s)` +
        `${HERALD_NODE_ARGS ? `; Herald run as node ${HERALD_NODE_ARGS}` : ''}${PROFILE ? '; Herald profiled' : ''}`,
    );
    const profileDir = PROFILE ? join(work, 'prof') : undefined;
    const results: RunResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of KINDS) {
        const r = await runOnce(kind, inputs, profileDir);
        console.log(
          r.error
            ? `[${round}] ${RECEIVER_NAMES[kind]}: FAILED ${r.error}`
            : `[${round}] ${RECEIVER_NAMES[kind]}: load ${f(r.load?.seconds)} s, converge ${f(r.converge?.seconds)} s, ` +
                `export ${f(r.exported?.seconds)} s; ${f(bytesPerPath(r, stream.endState), 0)} B/path, ` +
                `${f(bytesPerExtra(r, stream.endState), 0)} B/route/extra peer`,
        );
        results.push(r);
      }
    }
    const profiled = results.filter((r) => r.kind === 'herald' && r.error === undefined).pop();
    if (profileDir && profiled) printProfile(profileDir, profiled);
    return report(inputs, results);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function countMessages(b: Buffer): number {
  let n = 0;
  for (let pos = 0; pos < b.length; pos += b.readUInt16BE(pos + 16)) n++;
  return n;
}

process.exitCode = await main();
