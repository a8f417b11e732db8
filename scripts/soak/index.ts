// `npm run soak` (issue 16, "Faults and load"): the real daemon (bin/herald → dist/, so build first)
// in network namespaces this script creates and removes, under bounded faults and load. Each
// scenario prints its figures and PASS/FAIL lines; the exit code is 0 only if all passed.
//
//   SOAK=flaps,stall,flood,maxprefix,restart (default all)   scale: see knobs.ts (SOAK_* variables)
//
// Needs root (namespaces), BIRD and FRR (scripts/install-test-deps.sh), tshark for `restart`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Report } from './report.js';
import { flaps } from './scenarios/flaps.js';
import { stall } from './scenarios/stall.js';
import { flood } from './scenarios/flood.js';
import { maxPrefix } from './scenarios/max-prefix.js';
import { restart } from './scenarios/restart.js';

const SCENARIOS: Record<string, () => Promise<Report>> = {
  flaps,
  stall,
  flood,
  maxprefix: maxPrefix,
  restart,
};

/** Hard bound on the whole run, whatever a scenario does. */
const MAX_MINUTES = Number(process.env.SOAK_MAX_MINUTES ?? 30);

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error('[soak] needs root (network namespaces)');
    return 2;
  }
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) {
    console.error('[soak] dist/ is missing: run `npm run build` first');
    return 2;
  }
  const wanted = (process.env.SOAK ?? Object.keys(SCENARIOS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((w) => !SCENARIOS[w]);
  if (unknown.length) {
    console.error(`[soak] unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
    return 2;
  }
  const results: Array<{ name: string; report?: Report; error?: unknown; seconds: number }> = [];
  for (const name of wanted) {
    const t0 = performance.now();
    console.log(`[soak] ── ${name}`);
    try {
      const report = await SCENARIOS[name]();
      results.push({ name, report, seconds: report.seconds });
    } catch (error) {
      console.error(`[soak:${name}] FAIL (error) ${(error as Error).stack ?? error}`);
      results.push({ name, error, seconds: (performance.now() - t0) / 1000 });
    }
  }
  console.log('[soak] ── summary');
  for (const r of results) {
    const ok = r.report?.passed === true;
    console.log(`[soak] ${ok ? 'PASS' : 'FAIL'} ${r.name} (${r.seconds.toFixed(0)} s)`);
  }
  return results.every((r) => r.report?.passed) ? 0 : 1;
}

const guard = setTimeout(() => {
  console.error(`[soak] FAIL: still running after ${MAX_MINUTES} min; stopping`);
  process.exit(3); // the harness's exit hooks remove namespaces and processes
}, MAX_MINUTES * 60_000);
guard.unref();
main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
