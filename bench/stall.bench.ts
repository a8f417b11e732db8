// Event-loop stalls under the BFD bench's load (issues 16 and 20): Herald, configured as in
// bench:bfd's row under load (a passive iBGP neighbor sending the full table again and again, an
// eBGP neighbor with BFD), runs with a CPU profiler (stall/cpu-profile-preload.cjs) while
// bench/bfd/load.ts feeds and lists the table.
// Printed: per second the largest event-loop delay Herald's /metrics reported (prom-client's
// monitorEventLoopDelay), its garbage collections of 10 ms or more, and the longest busy stretches
// of its CPU profile with their stacks.
//
//   HERALD_MRT_DIR=/work/shared/data/mrt npx tsx bench/stall.bench.ts
//
// Env: STALL_SECONDS=90 (how long the load runs), STALL_TOP=8 (stretches printed), STALL_MIN_MS=80.
// Build dist first (npx tsc -p tsconfig.build.json): Herald runs from it.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLink, delay, interopUnavailable } from '../test/interop/harness/index.js';
import { httpText } from './api/measure.js';
import { BfdLoad, LOAD_NEIGHBOR, type LoadSummary, mrtFile } from './bfd/load.js';
import { startSide } from './bfd/sides.js';
import { emitResult, runLimit } from './lib/output.js';
import { type CpuProfile, longestStretches } from './stall/profile-stretches.js';

const SECONDS = Number(process.env.STALL_SECONDS ?? 90);
const TOP = Number(process.env.STALL_TOP ?? 8);
const MIN_MS = Number(process.env.STALL_MIN_MS ?? 80);
const PRELOAD = join(import.meta.dirname, 'stall', 'cpu-profile-preload.cjs');
const LAG = /^herald_nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m;

async function main(): Promise<number> {
  const why = interopUnavailable([]);
  if (why) {
    console.error(`bench:stall needs the interop environment: ${why}`);
    return 1;
  }
  runLimit('stall', (SECONDS + 240) * 1000);
  const t = await createLink();
  // outside the topology's directory, which destroy() removes
  const profDir = mkdtempSync(join(tmpdir(), 'herald-stall-'));
  const lags: number[] = [];
  let load: LoadSummary | undefined;
  try {
    const h = await startSide('herald', t, {
      ns: t.a.ns,
      local: '10.0.0.1',
      peers: [{ peer: '10.0.0.2' }],
      timers: { intervalMs: 300, multiplier: 3 },
      bgpNeighbor: LOAD_NEIGHBOR,
      env: { NODE_OPTIONS: `--require ${PRELOAD}`, STALL_PROFILE_DIR: profDir },
    });
    const herald = h.herald!;
    const loader = await BfdLoad.start(t.b.ns, t.b.ifname, herald, '10.0.0.1');
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      await delay(1000);
      const text = await httpText(herald.socket, '/metrics').catch(() => '');
      const m = LAG.exec(text);
      lags.push(m ? Math.round(Number(m[1]) * 1000) : -1);
    }
    load = await loader.stop();
    await h.stop();
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  if (!load) return 1;
  console.log(`event-loop delay max per ~1 s read (ms, -1: no answer): ${lags.join(' ')}`);
  console.log(
    `load: ${load.tables} tables (${load.tableSeconds.map((s) => s.toFixed(1)).join(', ')} s), ` +
      `${load.fullListings}/${load.listings} full listings, largest delay ${Math.round(load.loopDelayMaxMs)} ms` +
      (load.errors.length ? `; errors: ${load.errors.join(' | ')}` : ''),
  );
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    console.error(`no CPU profile in ${profDir}`);
    return 1;
  }
  console.log(`profile: ${join(profDir, file)} (open in Chrome DevTools)`);
  const gcFile = readdirSync(profDir).find((f) => f.startsWith('gc-'));
  const gcs: { at: number; ms: number; kind: string }[] = gcFile
    ? JSON.parse(readFileSync(join(profDir, gcFile), 'utf8'))
    : [];
  for (const kind of new Set(gcs.map((g) => g.kind))) {
    const ms = gcs.filter((g) => g.kind === kind).map((g) => g.ms);
    console.log(
      `gc ${kind} ≥ 10 ms: ${ms.length}, longest ${Math.max(...ms)} ms, total ${ms.reduce((a, b) => a + b, 0)} ms`,
    );
  }
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
  const stretches = longestStretches(profile, MIN_MS, TOP);
  for (const s of stretches) {
    console.log(`\n${s.durationMs} ms busy from ${(s.startMs / 1000).toFixed(1)} s:`);
    for (const c of s.common) console.log(`  ${(c.share * 100).toFixed(0).padStart(3)}%  ${c.frame}`);
    console.log(`  self: ${s.self.map((x) => `${x.frame} ${(x.share * 100).toFixed(0)}%`).join('; ')}`);
  }
  emitResult('stall', {
    seconds: SECONDS,
    mrt: mrtFile(),
    loopDelayMaxMs: Math.max(...lags),
    lagsMs: lags,
    load,
    stretches,
    gcs,
  });
  return 0;
}

process.exitCode = await main();
