// npm run bench:churn — route churn (issue 23): 10,000 prefixes flapping every second for a minute.
// Each receiver (Herald, BIRD, GoBGP, FRR; alone in a fresh pair of namespaces) has one iBGP
// sender (10.0.0.1, AS 3856, the ingest bench's speaker) that first announces N /24s
// (20.0.0.0/24 upwards) and waits until the receiver holds all N.
//
// "Flapping" here means: every prefix is withdrawn and re-announced once per second. The sender
// writes a tick every 500 ms: ticks alternate between one batch of UPDATEs withdrawing all N
// prefixes and one batch announcing all N again (same attributes), so for S seconds the receiver
// takes N withdrawals + N announcements per second (2 × S ticks, the last one an announcement).
// A tick is a signal to the sender; if the receiver's TCP window is full the sender finishes the
// previous batch first (it never drops or merges one), and `sender behind` says by how much.
// The last tick's batch ends with one more prefix, the end marker, which never exists before: the
// receiver has caught up when it holds exactly N + 1 routes from the sender. (One signal per tick:
// two signals close together may reach the sender as one.)
//
// Per receiver: CPU seconds from the first tick to catch-up (/proc utime + stime; FRR's zebra on
// the side), RSS before the churn, its peak during it, and after (5 s after catch-up); lag = last
// tick → the count through the receiver's control interface first reads N + 1 (polled every 20 ms
// plus the time one poll takes); the count is also read 250 ms after every third tick, to show
// the withdrawals reach the table (min/max); final state exact = still N + 1 after those 5 s; no
// session reset = the sender's one TCP session stayed up (no NOTIFICATION, no close) and the
// receiver says Established at the end.
//
// Env: BENCH_RECEIVERS=herald,bird,gobgp,frr, BENCH_CHURN_S=60, BENCH_CHURN_PREFIXES=10000,
// BENCH_CHURN_CATCHUP_S=120 (bound on the lag), BENCH_RUN_LIMIT_S=1800.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, waitFor } from '../test/interop/harness/index.js';
import {
  RECEIVER_NAMES,
  type Receiver,
  type ReceiverKind,
  receiverKindsFromEnv,
  startReceiver,
} from './ingest/receivers.js';
import type { SpeakerArgs } from './ingest/speaker.js';
import { SpeakerProcess } from './ingest/speaker-process.js';
import { interopReady, onFreshLink } from './lib/fresh-link.js';
import { emitResult, runLimit } from './lib/output.js';
import { announce, withdraw } from './lib/prefix-updates.js';
import { ProcSampler, type ProcWindow, ReceiverSampler, sideCpuText } from './lib/proc-sampler.js';
import { fmt } from './lib/stats.js';

const KINDS = receiverKindsFromEnv();
const SECONDS = Math.max(1, Number(process.env.BENCH_CHURN_S ?? 60));
const PREFIXES = Math.max(1, Number(process.env.BENCH_CHURN_PREFIXES ?? 10_000));
const CATCHUP_MS = Number(process.env.BENCH_CHURN_CATCHUP_S ?? 120) * 1000;
const TICK_MS = 500;
const TICKS = 2 * SECONDS;
const SETTLE_MS = 5000;
const SENDER = '10.0.0.1';
const MB = 1024 * 1024;

interface Row {
  kind: ReceiverKind;
  name: string;
  counted?: string;
  proc?: ProcWindow;
  side?: Record<string, ProcWindow>;
  rssSettledBytes?: number;
  lagSeconds?: number;
  /** Largest delay between a tick's signal and the sender starting that batch. */
  senderBehindSeconds?: number;
  /** The receiver's count read during the churn: near 0 after a withdrawal tick if it keeps up. */
  countDuringChurn?: { min: number; max: number; reads: number };
  keptUp?: boolean;
  finalCount?: number;
  finalExact?: boolean;
  sessionKept?: boolean;
  crossCheck?: string;
  error?: string;
}

/** The sender's files: the initial announcement, then down/up per second, the last with the end marker. */
function writeFiles(dir: string): { file: string; more: string[] } {
  const path = (name: string, bytes: Buffer) => {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    return f;
  };
  const up = path('up.bin', announce(0, PREFIXES, SENDER));
  const down = path('down.bin', withdraw(0, PREFIXES));
  const lastUp = path(
    'up-marker.bin',
    Buffer.concat([announce(0, PREFIXES, SENDER), announce(PREFIXES, 1, SENDER)]),
  );
  const ticks = Array.from({ length: TICKS }, (_, i) => (i === TICKS - 1 ? lastUp : i % 2 === 0 ? down : up));
  return { file: up, more: ticks };
}

async function waitCount(rx: Receiver, want: number, timeoutMs: number, what: string): Promise<void> {
  await waitFor(async () => (await rx.routes()) === want, { timeoutMs, intervalMs: 20, what });
}

/**
 * Sends the ticks on schedule; returns each tick's signal time (hrtime ns) and the receiver's
 * count read 250 ms after every third tick (down and up ticks in turn): evidence that the flaps
 * reach its table, not only its socket.
 */
async function churn(sender: SpeakerProcess, rx: Receiver): Promise<{ sent: bigint[]; seen: number[] }> {
  const sent: bigint[] = [];
  const reads: Array<Promise<number>> = [];
  const t0 = Date.now();
  for (let k = 0; k < TICKS; k++) {
    const wait = t0 + k * TICK_MS - Date.now();
    if (wait > 0) await delay(wait);
    const bad = sender.trouble();
    if (bad) throw new Error(`sender: ${bad.event} during the churn`);
    sent.push(process.hrtime.bigint());
    sender.go();
    if (k % 3 === 0 && k < TICKS - 1) reads.push(delay(250).then(() => rx.routes()));
  }
  return { sent, seen: await Promise.all(reads) };
}

async function runOne(kind: ReceiverKind, files: { file: string; more: string[] }): Promise<Row> {
  const row: Row = { kind, name: RECEIVER_NAMES[kind] };
  return onFreshLink(row, async (t) => {
    const rx = await startReceiver(kind, t);
    row.counted = rx.counted;
    const args: SpeakerArgs = {
      mode: 'send',
      address: t.b.ipv4,
      port: 179,
      localAddress: t.a.ipv4,
      asn: 3856,
      bgpId: t.a.ipv4,
      holdTime: 90,
      file: files.file,
      more: files.more,
      connectTimeoutMs: 60_000,
    };
    const sender = new SpeakerProcess(t.a.ns, args);
    await sender.next('established', 60_000);
    await waitFor(() => rx.established(), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `${kind} Established`,
    });
    sender.go();
    await waitCount(rx, PREFIXES, 120_000, `${kind} holding the first ${PREFIXES} prefixes`);
    await delay(2000);
    const sampler = new ReceiverSampler(rx);
    const { sent, seen } = await churn(sender, rx);
    row.countDuringChurn = { min: Math.min(...seen), max: Math.max(...seen), reads: seen.length };
    const last = sent[sent.length - 1];
    let caughtUp = true;
    try {
      await waitCount(rx, PREFIXES + 1, CATCHUP_MS, `${kind} holding ${PREFIXES} + the end marker`);
    } catch {
      caughtUp = false;
    }
    const doneAt = process.hrtime.bigint();
    Object.assign(row, sampler.finish());
    row.keptUp = caughtUp;
    if (caughtUp) row.lagSeconds = Number(doneAt - last) / 1e9;
    row.senderBehindSeconds = Math.max(
      0,
      ...sent.map((at, k) => {
        const start = sender.latest(`start-${k + 1}`);
        return start ? Number(start.t - at) / 1e9 : 0;
      }),
    );
    await delay(SETTLE_MS);
    row.rssSettledBytes = new ProcSampler(rx.pids).finish().rssAfterBytes;
    row.finalCount = await rx.routes();
    row.finalExact = row.finalCount === PREFIXES + 1;
    row.sessionKept =
      sender.trouble() === undefined && sender.all('established').length === 1 && (await rx.established());
    row.crossCheck = await rx.crossCheck();
    await sender.stop();
    await rx.stop();
  });
}

function describe(r: Row): string {
  if (r.error) return `${r.name}: FAILED ${r.error}`;
  const p = r.proc as ProcWindow;
  const side = sideCpuText(r.side);
  return (
    `${r.name}: CPU ${fmt(p.cpuSeconds, 1)} s over ${fmt(p.wallSeconds, 1)} s${side}; ` +
    `RSS ${fmt(p.rssBeforeBytes / MB, 1)} → peak ${fmt(p.rssPeakBytes / MB, 1)} → ${fmt((r.rssSettledBytes ?? 0) / MB, 1)} MB; ` +
    `lag ${r.keptUp ? `${fmt(r.lagSeconds, 2)} s` : 'did not catch up'} (sender behind ≤ ${fmt(r.senderBehindSeconds, 2)} s); ` +
    `count during the churn ${r.countDuringChurn?.min}…${r.countDuringChurn?.max}; ` +
    `final ${r.finalCount} ${r.finalExact ? 'exact' : 'WRONG'}; session ${r.sessionKept ? 'kept' : 'RESET'}\n  ${r.crossCheck}`
  );
}

async function main(): Promise<number> {
  if (!interopReady('churn', KINDS)) return 1;
  runLimit('churn', Number(process.env.BENCH_RUN_LIMIT_S ?? 1800) * 1000);
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-churn-'));
  const rows: Row[] = [];
  try {
    const files = writeFiles(work);
    for (const k of KINDS) {
      const r = await runOne(k, files);
      console.log(describe(r));
      rows.push(r);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const herald = rows.find((r) => r.kind === 'herald');
  emitResult('churn', {
    prefixes: PREFIXES,
    seconds: SECONDS,
    tickMs: TICK_MS,
    loadAverage: loadavg(),
    rows,
    targets: {
      heraldKeptUp: herald && !herald.error ? herald.keptUp === true : null,
      heraldExactAndNoReset:
        herald && !herald.error ? herald.finalExact === true && herald.sessionKept === true : null,
    },
  });
  return rows.some((r) => r.error || !r.keptUp || !r.finalExact || !r.sessionKept) ? 1 : 0;
}

process.exitCode = await main();
