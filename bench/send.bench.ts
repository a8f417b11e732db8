// npm run bench:send — sending a full table (issue 23): each receiver (Herald, BIRD, GoBGP, FRR;
// alone in a fresh pair of namespaces, the peers in A) first learns the full IPv4 table of the MRT
// capture from the ingest bench's sender over one iBGP session (10.0.0.1, AS 3856; untimed), then
// passes it on to eBGP collectors (bench/rib/collector.ts: they count the distinct prefixes they
// are sent):
//
//  (a) send to 1 peer: one collector (10.0.0.11) connects; seconds from its session Established
//      until it holds every prefix (both instants on the collector's clock, CLOCK_MONOTONIC);
//  (b) re-advertise to 4: four more collectors (10.0.0.12-15) connect at once; seconds from the
//      first of them Established until the last holds every prefix.
//
// Every NEXT_HOP of the capture is rewritten to the sender's address, so each daemon can resolve
// it (FRR does not advertise a route whose next hop it cannot resolve); FRR runs with `bgp no-rib`
// so zebra does not install 577k routes into the kernel while it sends (BIRD's kernel protocol
// exports nothing; Herald and GoBGP have no FIB here). Exports: Herald an export policy accepting
// `routeType: learned` on the collectors; BIRD the harness's export filter (every BGP route); GoBGP
// its default (accept); FRR its eBGP default with `no bgp ebgp-requires-policy` (the harness sets
// it). The collectors are in 4-octet private ASes (4200000001…) that no path of the capture holds,
// so no daemon's sender-side loop check holds a route back.
//
// Per receiver and phase: seconds; CPU seconds of the daemon from the collectors' start until the
// last one is full (/proc utime + stime; FRR's zebra on the side); RSS after the table was learned
// and after each phase (2 s later). Before (a) the daemon is left until its CPU is quiet (< 50 ms
// in a second, at most BENCH_SEND_QUIET_S).
//
// Env: BENCH_RECEIVERS=herald,bird,gobgp,frr (order and subset), BENCH_TIMEOUT_S=300 (per wait:
// the table learned, each phase), BENCH_SEND_HOLD_S=90 (the collectors' hold time),
// BENCH_SEND_QUIET_S=60, BENCH_SEND_PREFIXES (only the capture's first N prefixes: a quick check),
// BENCH_RUN_LIMIT_S=1800 (whole run), HERALD_MRT_DIR.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, type LinkTopology, type NeighborOptions, waitFor } from '../test/interop/harness/index.js';
import { FULL_TABLE_MRT, loadUpdates } from './ingest/data.js';
import { cpuSeconds, rssBytes } from './ingest/proc.js';
import {
  ASN,
  HOLD_TIME,
  RECEIVER_NAMES,
  type Receiver,
  type ReceiverKind,
  receiverKindsFromEnv,
  startReceiver,
  withLearnedExport,
} from './ingest/receivers.js';
import type { SpeakerEvent, SpeakerProcess } from './ingest/speaker-process.js';
import { interopReady, onFreshLink } from './lib/fresh-link.js';
import { emitResult, runLimit } from './lib/output.js';
import { type ProcWindow, ReceiverSampler, sideCpuText } from './lib/proc-sampler.js';
import { startCollector, startSender } from './lib/speakers.js';
import { fmt } from './lib/stats.js';

const KINDS = receiverKindsFromEnv().filter((k) => k !== 'herald-policy');
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
const COLLECTOR_HOLD = Number(process.env.BENCH_SEND_HOLD_S ?? 90);
const QUIET_MS = Number(process.env.BENCH_SEND_QUIET_S ?? 60) * 1000;
/** A smaller table for a quick check: the capture up to this many prefixes (default all of it). */
const LIMIT = process.env.BENCH_SEND_PREFIXES ? Number(process.env.BENCH_SEND_PREFIXES) : undefined;
const SETTLE_MS = 2000;
const SENDER = '10.0.0.1';
const COLLECTORS = Array.from({ length: 5 }, (_, i) => ({
  local: `10.0.0.${11 + i}`,
  asn: 4_200_000_001 + i,
}));
const MB = 1024 * 1024;
const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const byTime = (xs: bigint[]): bigint[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

interface Phase {
  seconds: number;
  /** Each collector: its Established → it holds every prefix. */
  perPeerSeconds: number[];
  proc: ProcWindow;
  side: Record<string, ProcWindow>;
  rssSettledBytes: number;
  /** The collectors' own CPU seconds up to 2 s after the phase (they share the machine's cores). */
  collectorCpuSeconds: number;
}

interface Row {
  kind: ReceiverKind;
  name: string;
  counted?: string;
  learnSeconds?: number;
  quietSeconds?: number;
  rssLoadedBytes?: number;
  toOne?: Phase;
  toFour?: Phase;
  crossCheck?: string;
  error?: string;
}

function neighbors(): NeighborOptions[] {
  return [
    { address: SENDER, asn: ASN, passive: true, holdTime: HOLD_TIME, gracefulRestart: false },
    ...COLLECTORS.map((c) => ({
      address: c.local,
      asn: c.asn,
      passive: true,
      holdTime: COLLECTOR_HOLD,
      gracefulRestart: false,
    })),
  ];
}

/** Waits (bounded) until the daemon's processes use under 50 ms of CPU in a second; returns how long. */
async function quiet(pids: number[]): Promise<number> {
  const start = Date.now();
  const cpu = (): number => sum(pids.map(cpuSeconds));
  for (;;) {
    const c0 = cpu();
    await delay(1000);
    if (cpu() - c0 < 0.05 || Date.now() - start >= QUIET_MS) return (Date.now() - start) / 1000;
  }
}

/**
 * Starts collectors, waits (bounded) until each is Established and then full; the phase runs from
 * the first Established to the last full, CPU from just before they start to the last full.
 */
async function phase(
  t: LinkTopology,
  rx: Receiver,
  which: typeof COLLECTORS,
  expected: number,
  what: string,
): Promise<Phase> {
  const sampler = new ReceiverSampler(rx);
  let window: ReturnType<ReceiverSampler['finish']> | undefined;
  const peers: SpeakerProcess[] = which.map((c) =>
    startCollector(t, { ...c, holdTime: COLLECTOR_HOLD, expected, timeoutMs: TIMEOUT_MS }),
  );
  const up: SpeakerEvent[] = [];
  const full: SpeakerEvent[] = [];
  try {
    up.push(...(await Promise.all(peers.map((p) => p.next('established', TIMEOUT_MS)))));
    for (const p of peers) full.push(await p.next('full', TIMEOUT_MS));
    window = sampler.finish();
  } catch (e) {
    const held = peers.map((p) => p.latest('progress')?.held ?? 0).join(', ');
    throw new Error(`${what}: ${(e as Error).message} (collectors hold ${held} of ${expected})`);
  } finally {
    window ??= sampler.finish(); // stops its timer on failure too
  }
  const start = byTime(up.map((e) => e.t))[0];
  const end = byTime(full.map((e) => e.t))[full.length - 1];
  await delay(SETTLE_MS);
  const collectorCpuSeconds = sum(peers.map((p) => cpuSeconds(p.child.pid)));
  const dropped = peers.find((p) => p.trouble());
  if (dropped) throw new Error(`${what}: a collector's session failed: ${dropped.trouble()?.event}`);
  return {
    seconds: seconds(start, end),
    perPeerSeconds: full.map((f, i) => seconds(up[i].t, f.t)),
    ...window,
    collectorCpuSeconds,
    rssSettledBytes: sum(rx.pids.map(rssBytes)),
  };
}

async function runOne(kind: ReceiverKind, file: string, expected: number): Promise<Row> {
  const row: Row = { kind, name: RECEIVER_NAMES[kind] };
  return onFreshLink(row, async (t) => {
    if (t.a.ipv4 !== SENDER) throw new Error(`the link's A address is ${t.a.ipv4}, not ${SENDER}`);
    for (const c of COLLECTORS) await t.addAddress(t.a.ns, t.a.ifname, `${c.local}/24`);
    const rx = await startReceiver(kind, t, {
      neighbors: neighbors(),
      heraldConfig: (c) => withLearnedExport(c, (address) => address !== SENDER),
      frrExtraConfig: { global: ['bgp no-rib'] },
    });
    row.counted = rx.counted;
    try {
      // ---- setup (untimed): the full table from the sender
      const sender = startSender(t, file);
      await sender.next('established', 60_000);
      await waitFor(() => rx.established(), {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: `${kind} Established`,
      });
      sender.go();
      const start = await sender.next('start', 10_000);
      let held = 0;
      await waitFor(
        async () => {
          const bad = sender.trouble();
          if (bad) throw new Error(`sender: ${bad.event}`);
          held = await rx.routes();
          return held >= expected;
        },
        { timeoutMs: TIMEOUT_MS, intervalMs: 100, what: `${kind} holding ${expected} routes` },
      ).catch((e: Error) => {
        throw new Error(`learning the table: ${e.message}; held ${held}`);
      });
      row.learnSeconds = seconds(start.t, process.hrtime.bigint());
      await sender.next('written', 30_000);
      row.quietSeconds = await quiet([...rx.pids, ...rx.sidePids.map((p) => p.pid)]);
      row.rssLoadedBytes = sum(rx.pids.map(rssBytes));

      // ---- (a) one collector, (b) four more at once
      row.toOne = await phase(t, rx, COLLECTORS.slice(0, 1), expected, 'send to 1 peer');
      row.toFour = await phase(t, rx, COLLECTORS.slice(1), expected, 're-advertise to 4');
      if (sender.trouble()) throw new Error(`the sender's session failed: ${sender.trouble()?.event}`);
      row.crossCheck = await rx.crossCheck();
      await rx.stop();
    } catch (e) {
      console.error(`--- ${kind} log tail ---\n${rx.logs().slice(-1500)}\n---`);
      throw e;
    }
  });
}

function describe(r: Row): string {
  if (r.error) return `${r.name}: FAILED ${r.error}`;
  const a = r.toOne as Phase;
  const b = r.toFour as Phase;
  const mb = (n: number | undefined) => fmt(n === undefined ? undefined : n / MB, 1);
  return (
    `${r.name}: to 1 peer ${fmt(a.seconds)} s (CPU ${fmt(a.proc.cpuSeconds, 1)} s${sideCpuText(a.side)}); ` +
    `to 4 more ${fmt(b.seconds)} s [${b.perPeerSeconds.map((x) => fmt(x)).join(' ')}] ` +
    `(CPU ${fmt(b.proc.cpuSeconds, 1)} s${sideCpuText(b.side)}); collectors' CPU ${fmt(a.collectorCpuSeconds, 1)} s, ` +
    `${fmt(b.collectorCpuSeconds, 1)} s; RSS with the table ${mb(r.rssLoadedBytes)} MB, ` +
    `after 1 peer ${mb(a.rssSettledBytes)}, after 5 ${mb(b.rssSettledBytes)} (peak ${mb(b.proc.rssPeakBytes)}); ` +
    `table learned in ${fmt(r.learnSeconds)} s, quiet ${fmt(r.quietSeconds, 0)} s later\n  ${r.crossCheck}`
  );
}

const ratio = (other: number | undefined, herald: number | undefined): number | null =>
  other !== undefined && herald ? other / herald : null;

async function main(): Promise<number> {
  if (!interopReady('send', KINDS)) return 1;
  runLimit('send', Number(process.env.BENCH_RUN_LIMIT_S ?? 1800) * 1000);
  const stream = loadUpdates(FULL_TABLE_MRT, { nextHop: SENDER, limit: LIMIT });
  const expected = stream.endState;
  console.log(
    `${stream.messages} UPDATEs → ${expected} prefixes, next hop ${SENDER}; receivers: ` +
      `${KINDS.map((k) => RECEIVER_NAMES[k]).join(', ')}; collectors' hold time ${COLLECTOR_HOLD} s`,
  );
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-send-'));
  const rows: Row[] = [];
  try {
    const file = join(work, 'updates.bin');
    writeFileSync(file, stream.bytes);
    for (const k of KINDS) {
      const r = await runOne(k, file, expected);
      console.log(describe(r));
      rows.push(r);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const ok = (kind: ReceiverKind) => rows.find((r) => r.kind === kind && !r.error);
  const herald = ok('herald');
  const vs: Record<string, { toOne: number | null; toFour: number | null }> = {};
  for (const r of rows)
    if (r.kind !== 'herald' && !r.error && herald)
      vs[r.kind] = {
        toOne: ratio(r.toOne?.seconds, herald.toOne?.seconds),
        toFour: ratio(r.toFour?.seconds, herald.toFour?.seconds),
      };
  const ahead = (other: Row | undefined): boolean | null =>
    herald?.toOne && herald.toFour && other?.toOne && other.toFour
      ? herald.toOne.seconds < other.toOne.seconds && herald.toFour.seconds < other.toFour.seconds
      : null;
  const targets = { aheadOfBirdOnSend: ahead(ok('bird')), aheadOfGobgpOnSend: ahead(ok('gobgp')) };
  if (herald)
    console.log(
      `\nOther ÷ Herald seconds: ${
        Object.entries(vs)
          .map(
            ([k, v]) => `${RECEIVER_NAMES[k as ReceiverKind]} to 1 ${fmt(v.toOne)}×, to 4 ${fmt(v.toFour)}×`,
          )
          .join('; ') || '-'
      }; targets: ${JSON.stringify(targets)}`,
    );
  emitResult('send', {
    prefixes: expected,
    collectorHoldTime: COLLECTOR_HOLD,
    loadAverage: loadavg(),
    rows,
    vs,
    targets,
  });
  return rows.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
