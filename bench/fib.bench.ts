// npm run bench:fib — the IPv4 table of the MRT capture from one peer into the kernel: Herald
// (`fib: { enabled: true }`), BIRD (kernel protocol, `export all`) and FRR (bgpd + zebra) in turn,
// each alone in a fresh pair of namespaces (the raw sender in A, the daemon in B). The sender's
// UPDATEs carry its own address as NEXT_HOP (rewritten from the capture), so every route resolves
// on the link; hold time 9 s (keepalive every 3 s) so a starved event loop shows.
//
// Per daemon: seconds from the first UPDATE octet until B's kernel holds every route (main-table
// prefixes from /proc/net/fib_triestat, polled every 100-250 ms, minus those there before), routes
// per second, RSS of the daemon's processes (FRR: bgpd + zebra) idle and full (a few seconds after
// the install), settled (the lowest sampled every 250 ms over the SETTLED_S seconds after that: a
// collector that gives memory back late counts) and bytes per route ((settled − idle) / routes),
// the largest gap between two KEEPALIVEs the daemon sent while it installed (seen by the sender),
// and seconds from SIGTERM until the kernel holds none of its routes again (a clean stop removes them).
//
// Env: BENCH_FIB_DAEMONS=herald,bird,frr (order and subset), BENCH_FIB_ROUTES (a smaller table: the
// first messages of the capture up to this many prefixes; default all), BENCH_ROUNDS=1,
// BENCH_TIMEOUT_S=300 (per phase), BENCH_RUN_LIMIT_S=900, HERALD_MRT_DIR, BENCH_HERALD_PROF=1 (a V8
// CPU profile of Herald: the top functions over the install window are printed, the file kept in
// bench/results/), BENCH_HERALD_NODE_ARGS (extra node flags for Herald, for experiments).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createLink,
  delay,
  interopUnavailable,
  type LinkTopology,
  pidAlive,
  waitFor,
} from '../test/interop/harness/index.js';
import { startBirdKernel } from './fib/bird-kernel.js';
import { kernelPrefixes, kernelRoutesOfProtocol } from './fib/kernel.js';
import { FULL_TABLE_MRT, loadUpdates } from './ingest/data.js';
import { cpuSeconds, rssBytes, summarizeProfile } from './ingest/proc.js';
import { ASN, type Receiver, startReceiver } from './ingest/receivers.js';
import type { SpeakerArgs } from './ingest/speaker.js';
import { SpeakerProcess } from './ingest/speaker-process.js';
import { emitResult, runLimit } from './lib/output.js';
import { fmt, median } from './lib/stats.js';

type Daemon = 'herald' | 'bird' | 'frr';
const NAMES: Record<Daemon, string> = { herald: 'Herald', bird: 'BIRD', frr: 'FRR (bgpd+zebra)' };
/** The route protocol each daemon's kernel routes carry (`ip route … proto X`), for the cross-check. */
const KERNEL_PROTO: Record<Daemon, string> = { herald: '72', bird: 'bird', frr: 'bgp' };
const DAEMONS = (process.env.BENCH_FIB_DAEMONS ?? 'herald,bird,frr')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is Daemon => d in NAMES);
const LIMIT = process.env.BENCH_FIB_ROUTES ? Number(process.env.BENCH_FIB_ROUTES) : undefined;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
const HOLD_TIME = 9;
const KEEPALIVE_S = HOLD_TIME / 3;
/** A KEEPALIVE later than this after the previous one counts as late. */
const LATE_S = KEEPALIVE_S + 0.5;
const SETTLE_MS = 2000;
/** Seconds over which the lowest RSS after the install is taken (V8 gives memory back ~10 s after a burst). */
const SETTLED_S = Number(process.env.BENCH_FIB_SETTLED_S ?? 15);
const MB = 1024 * 1024;
const hr = (): bigint => process.hrtime.bigint();
const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
/** Where Herald's CPU profile goes (git-ignored), with BENCH_HERALD_PROF=1. */
const PROFILE_DIR =
  process.env.BENCH_HERALD_PROF === '1'
    ? resolve(import.meta.dirname, '../../bench/results/fib-prof')
    : undefined;

interface Run {
  daemon: Daemon;
  error?: string;
  routes?: number;
  installSeconds?: number;
  routesPerSecond?: number;
  cpuSeconds?: number;
  rssIdle?: number;
  rssFull?: number;
  /** The lowest RSS over SETTLED_S seconds after `rssFull`. */
  rssSettled?: number;
  /** (rssSettled − rssIdle) / routes. */
  bytesPerRoute?: number;
  /** Largest gap between KEEPALIVEs from the daemon that overlaps the install window. */
  maxKeepaliveGap?: number;
  keepalivesDuringInstall?: number;
  removeSeconds?: number;
  crossCheck?: string;
  /** [seconds since the first UPDATE octet, routes in the kernel]. */
  series: Array<[number, number]>;
  /** The install window (CLOCK_MONOTONIC ns), for the CPU profile. */
  window?: { from: bigint; to: bigint };
}

async function start(daemon: Daemon, t: LinkTopology): Promise<Receiver> {
  const neighbors = [
    { address: t.a.ipv4, asn: ASN, passive: true, holdTime: HOLD_TIME, gracefulRestart: false },
  ];
  switch (daemon) {
    case 'herald':
      return startReceiver('herald', t, {
        neighbors,
        heraldProfileDir: PROFILE_DIR,
        heraldNodeArgs: process.env.BENCH_HERALD_NODE_ARGS || undefined,
        heraldConfig: (c) => {
          c.fib = { enabled: true };
        },
      });
    case 'frr':
      return startReceiver('frr', t, { neighbors });
    case 'bird':
      return startBirdKernel(t, HOLD_TIME);
  }
}

function speakerArgs(t: LinkTopology, file: string): SpeakerArgs {
  return {
    mode: 'send',
    address: t.b.ipv4,
    port: 179,
    localAddress: t.a.ipv4,
    asn: ASN,
    bgpId: t.a.ipv4,
    holdTime: HOLD_TIME,
    file,
    connectTimeoutMs: 60_000,
    keepaliveEvents: true,
  };
}

/** Polls the kernel's route count (every elapsed/50 ms, 100-250 ms) until `done(count)`; bounded. */
async function follow(
  ns: string,
  from: bigint,
  done: (count: number) => boolean,
  series: Array<[number, number]>,
  what: string,
): Promise<bigint> {
  for (;;) {
    const count = await kernelPrefixes(ns);
    const at = hr();
    series.push([seconds(from, at), count]);
    if (done(count)) return at;
    const elapsed = seconds(from, at) * 1000;
    if (elapsed > TIMEOUT_MS) throw new Error(`${what}: timed out after ${TIMEOUT_MS / 1000} s (${count})`);
    await delay(Math.min(250, Math.max(100, elapsed / 50)));
  }
}

async function runOne(daemon: Daemon, file: string, expected: number): Promise<Run> {
  const result: Run = { daemon, series: [] };
  const t = await createLink();
  let rx: Receiver | undefined;
  try {
    rx = await start(daemon, t);
    const r = rx;
    const sender = new SpeakerProcess(t.a.ns, speakerArgs(t, file));
    await sender.next('established', 60_000);
    await waitFor(() => r.established(), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `${daemon} Established`,
    });
    await delay(SETTLE_MS);
    const baseline = await kernelPrefixes(t.b.ns);
    const pids = [...rx.pids, ...rx.sidePids.map((p) => p.pid)];
    result.rssIdle = sum(pids.map(rssBytes));
    const cpu0 = sum(pids.map(cpuSeconds));

    sender.go();
    const go = await sender.next('start', 10_000);
    const series: Array<[number, number]> = [];
    const doneAt = await follow(t.b.ns, go.t, (c) => c - baseline >= expected, series, `${daemon} install`);
    result.series = series.map(([s, c]) => [s, c - baseline]);
    result.installSeconds = seconds(go.t, doneAt);
    result.window = { from: go.t, to: doneAt };
    result.routes = series[series.length - 1][1] - baseline;
    result.routesPerSecond = result.routes / result.installSeconds;
    result.cpuSeconds = sum(pids.map(cpuSeconds)) - cpu0;
    // KEEPALIVEs from the daemon: the gaps that overlap the install window (the first one that
    // ends after it starts, up to the first one after it ended)
    await delay(KEEPALIVE_S * 1000 + 500);
    const kas = sender.all('keepalive').map((e) => e.t);
    let maxGap = 0;
    let during = 0;
    for (let i = 1; i < kas.length; i++) {
      if (kas[i] < go.t || kas[i - 1] > doneAt) continue;
      maxGap = Math.max(maxGap, seconds(kas[i - 1], kas[i]));
      if (kas[i] <= doneAt) during++;
    }
    result.maxKeepaliveGap = maxGap;
    result.keepalivesDuringInstall = during;
    if (sender.trouble()) throw new Error(`sender: ${sender.trouble()?.event} during the install`);
    await delay(SETTLE_MS - 500);
    result.rssFull = sum(pids.map(rssBytes));
    result.rssSettled = result.rssFull;
    for (let i = 0; i < SETTLED_S * 4; i++) {
      await delay(250);
      result.rssSettled = Math.min(result.rssSettled, sum(pids.map(rssBytes)));
    }
    result.bytesPerRoute = (result.rssSettled - result.rssIdle) / result.routes;
    result.crossCheck =
      `ip route proto ${KERNEL_PROTO[daemon]}: ${await kernelRoutesOfProtocol(t.b.ns, KERNEL_PROTO[daemon])}; ` +
      (await rx.crossCheck());

    // A clean stop: SIGTERM to every process of the daemon; how long until its routes are gone.
    const stopAt = hr();
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    const gone = await follow(t.b.ns, stopAt, (c) => c <= baseline, [], `${daemon} removal`);
    result.removeSeconds = seconds(stopAt, gone);
    // Profiled: let Herald exit on its own (it writes the profile then; a second SIGTERM from
    // rx.stop() would end it at once, before the main thread's profile is written).
    if (PROFILE_DIR && daemon === 'herald')
      await waitFor(() => pids.every((pid) => !pidAlive(pid)), {
        timeoutMs: 120_000,
        intervalMs: 100,
        what: 'Herald to exit and write its profile',
      });
    await rx.stop();
    await sender.stop();
  } catch (e) {
    result.error = (e as Error).message.split('\n')[0];
    const tail = rx?.logs().slice(-1500);
    if (tail) console.error(`--- ${daemon} log tail ---\n${tail}\n---`);
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  return result;
}

function summarize(daemon: Daemon, runs: Run[]) {
  const ok = runs.filter((r) => r.daemon === daemon && !r.error);
  const m = (k: keyof Run) => median(ok.map((r) => r[k] as number | undefined)) ?? null;
  return {
    daemon,
    name: NAMES[daemon],
    runs: ok.length,
    errors: runs.filter((r) => r.daemon === daemon && r.error).map((r) => r.error),
    routes: m('routes'),
    installSeconds: m('installSeconds'),
    routesPerSecond: m('routesPerSecond'),
    cpuSeconds: m('cpuSeconds'),
    rssIdleBytes: m('rssIdle'),
    rssFullBytes: m('rssFull'),
    rssSettledBytes: m('rssSettled'),
    bytesPerRoute: m('bytesPerRoute'),
    maxKeepaliveGapSeconds: m('maxKeepaliveGap'),
    keepalivesDuringInstall: m('keepalivesDuringInstall'),
    removeSeconds: m('removeSeconds'),
    crossCheck: ok[ok.length - 1]?.crossCheck ?? null,
    series: ok[ok.length - 1]?.series ?? [],
  };
}

async function main(): Promise<number> {
  const why = interopUnavailable(DAEMONS.filter((d): d is 'bird' | 'frr' => d !== 'herald'));
  if (why) {
    console.error(`bench:fib needs the interop environment: ${why}`);
    return 1;
  }
  runLimit('fib', Number(process.env.BENCH_RUN_LIMIT_S ?? 900) * 1000);
  // The sender is 10.0.0.1 in every topology (createLink).
  const stream = loadUpdates(FULL_TABLE_MRT, { limit: LIMIT, nextHop: '10.0.0.1' });
  console.log(
    `${stream.messages} UPDATEs → ${stream.endState} prefixes into the kernel; daemons ${DAEMONS.join(', ')}; ` +
      `${ROUNDS} round(s); hold time ${HOLD_TIME} s`,
  );
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-fib-'));
  const file = join(work, 'updates.bin');
  writeFileSync(file, stream.bytes);
  const runs: Run[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const d of DAEMONS) {
        const r = await runOne(d, file, stream.endState);
        console.log(
          r.error
            ? `[${round}] ${NAMES[d]}: FAILED ${r.error}`
            : `[${round}] ${NAMES[d]}: ${r.routes} routes in the kernel in ${fmt(r.installSeconds)} s ` +
                `(${fmt(r.routesPerSecond, 0)}/s), max keepalive gap ${fmt(r.maxKeepaliveGap)} s, ` +
                `RSS ${fmt((r.rssIdle ?? 0) / MB, 1)} → ${fmt((r.rssFull ?? 0) / MB, 1)} MB, ` +
                `removed in ${fmt(r.removeSeconds)} s; ${r.crossCheck}`,
        );
        runs.push(r);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const profiled = runs.filter((r) => r.daemon === 'herald' && r.window).pop();
  if (PROFILE_DIR && profiled) {
    const p = summarizeProfile(PROFILE_DIR, 25, profiled.window);
    console.log(
      `\nHerald CPU profile over the install window (${fmt((p.windowMs ?? 0) / 1000)} s, ` +
        `${fmt(p.busyMs / 1000)} s busy on the main thread), self time; ${p.file}:`,
    );
    for (const e of p.entries) {
      console.log(
        `  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}`,
      );
    }
  }
  const rows = DAEMONS.map((d) => summarize(d, runs));
  const herald = rows.find((r) => r.daemon === 'herald');
  const bird = rows.find((r) => r.daemon === 'bird');
  const targets = {
    noSlowerThanBird:
      herald?.installSeconds && bird?.installSeconds ? herald.installSeconds <= bird.installSeconds : null,
    // Issue 23: ahead of BIRD on memory per route.
    memoryPerRouteAheadOfBird:
      herald?.bytesPerRoute && bird?.bytesPerRoute ? herald.bytesPerRoute < bird.bytesPerRoute : null,
    keepalivesOnTime:
      herald?.maxKeepaliveGapSeconds !== null && herald?.maxKeepaliveGapSeconds !== undefined
        ? herald.maxKeepaliveGapSeconds <= LATE_S
        : null,
  };
  console.log('');
  console.log(
    'daemon              routes  install s   routes/s  CPU s  RSS idle→full→settled MB  B/route  max KA gap s  remove s',
  );
  for (const r of rows) {
    if (r.runs === 0) {
      console.log(`${r.name.padEnd(18)}  FAILED ${r.errors[0] ?? ''}`);
      continue;
    }
    console.log(
      `${r.name.padEnd(18)}  ${String(r.routes).padStart(6)}  ${fmt(r.installSeconds).padStart(9)}  ` +
        `${fmt(r.routesPerSecond, 0).padStart(9)}  ${fmt(r.cpuSeconds, 1).padStart(5)}  ` +
        `${`${fmt((r.rssIdleBytes ?? 0) / MB, 1)}→${fmt((r.rssFullBytes ?? 0) / MB, 1)}→${fmt((r.rssSettledBytes ?? 0) / MB, 1)}`.padStart(24)}  ` +
        `${fmt(r.bytesPerRoute, 0).padStart(7)}  ` +
        `${fmt(r.maxKeepaliveGapSeconds).padStart(12)}  ${fmt(r.removeSeconds).padStart(8)}`,
    );
  }
  const mark = (v: boolean | null) => (v === null ? 'n/a' : v ? 'met' : 'MISSED');
  console.log(
    `Targets (issue 18): no slower than BIRD: ${mark(targets.noSlowerThanBird)}; keepalives never late ` +
      `(gap ≤ ${LATE_S} s at keepalive ${KEEPALIVE_S} s): ${mark(targets.keepalivesOnTime)}; ` +
      `(issue 23) fewer bytes per route than BIRD: ${mark(targets.memoryPerRouteAheadOfBird)}`,
  );
  emitResult('fib', {
    prefixes: stream.endState,
    limit: LIMIT ?? null,
    rounds: ROUNDS,
    holdTime: HOLD_TIME,
    lateSeconds: LATE_S,
    settledSeconds: SETTLED_S,
    rows,
    targets,
  });
  return runs.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
