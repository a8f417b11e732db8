// npm run bench — every comparison bench in one run, one after another (never two at once: the
// machine has 2 cores), each bounded, each repeated; the JSON each prints is kept in
// bench/results/run-all.json and turned into docs/benchmarks.md (machine, versions, commands,
// tables with median, range and ratios, the targets, charts rendered headless from Vega-Lite).
//
//   npx tsx bench/run-all.ts
// Env: BENCH_ONLY=ingest,fib,bfd,k8s,frrk8s,propagation,propagation-warm,propagation-floor,churn,fanin,send
// (also rib, api-routes: long),
// BENCH_REPEATS=3, BENCH_QUICK=1 (small sizes, one repeat: a check that everything runs), BENCH_NO_BUILD=1,
// BENCH_REPORT_ONLY=1 (rewrite the document from bench/results/run-all.json, run nothing),
// BENCH_MERGE=1 (keep the stored results of the benches not run this time: bench/results/run-all.json,
// else docs/benchmarks/results.json, which the harness writes beside the document).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, repoRoot } from './lib/output.js';
import { chartsFor, renderSvg } from './report/charts.js';
import { machine, tables } from './report/markdown.js';
import { type Metric, metricsOf } from './report/metrics.js';

const ROOT = repoRoot();
const QUICK = process.env.BENCH_QUICK === '1';
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? (QUICK ? 1 : 3)));

/** Settings several benches read (the runner's own BENCH_ONLY, BENCH_QUICK, … are not passed on). */
const SHARED_KEYS = [
  'BENCH_RECEIVERS',
  'BENCH_ROUNDS',
  'BENCH_TIMEOUT_S',
  'BENCH_RUN_LIMIT_S',
  'HERALD_MRT_DIR',
];

interface BenchDef {
  name: string;
  /** The bench file's name when not `name` (bench/<file>.bench.ts). */
  file?: string;
  /** Its own settings start with this. */
  prefix: string;
  /** Run compiled from .bench-build (the older benches find their files from there) or with tsx. */
  compiled: boolean;
  env: Record<string, string>;
  quick: Record<string, string>;
  timeoutS: number;
  what: string;
}

const BENCHES: BenchDef[] = [
  {
    name: 'ingest',
    prefix: 'BENCH_INGEST_',
    compiled: true,
    env: { BENCH_RECEIVERS: 'herald,bird,gobgp,frr', BENCH_ROUNDS: '1' },
    quick: {},
    timeoutS: 600,
    what: 'full IPv4 table (577,703 prefixes) from one peer into Herald, BIRD, GoBGP, FRR',
  },
  {
    name: 'fib',
    prefix: 'BENCH_FIB_',
    compiled: true,
    env: {},
    quick: { BENCH_FIB_ROUTES: '100000' },
    timeoutS: 900,
    what: 'the table into the kernel: Herald (fib), BIRD (kernel protocol), FRR (zebra)',
  },
  {
    name: 'bfd',
    prefix: 'BENCH_BFD_',
    compiled: false,
    env: { BENCH_BFD_TRIALS: '20' },
    quick: { BENCH_BFD_TRIALS: '3', BENCH_BFD_CPU_SESSIONS: '20', BENCH_BFD_CPU_S: '10' },
    timeoutS: 1500,
    what: 'BFD detection time (nftables cut) and the CPU of 50 sessions at 100 ms',
  },
  {
    name: 'k8s',
    prefix: 'BENCH_K8S_',
    compiled: false,
    env: {},
    quick: { BENCH_K8S_SIZES: '1000', BENCH_K8S_TRIALS: '5', BENCH_K8S_SETTLE_S: '3' },
    timeoutS: 600,
    what: 'Kubernetes mode against the fake API server: bulk services, slice change → UPDATE, idle RSS',
  },
  {
    name: 'frrk8s',
    prefix: 'BENCH_FRRK8S_',
    compiled: false,
    env: {},
    quick: { BENCH_FRRK8S_TRIALS: '5', BENCH_FRRK8S_SETTLE_S: '2' },
    timeoutS: 600,
    what: 'FRR-K8s mode: 100 FRRConfigurations, 10 peers, 1,000 prefixes: RSS and a merged change → UPDATE',
  },
  {
    name: 'propagation',
    prefix: 'BENCH_PROP_',
    compiled: true,
    env: { BENCH_RECEIVERS: 'herald,bird,frr,gobgp', BENCH_PROP_TRIALS: '50' },
    quick: { BENCH_PROP_TRIALS: '5', BENCH_PROP_WARMUP: '1' },
    timeoutS: 900,
    what: 'one route in → out to 10 eBGP peers, p50/p99 (Herald, BIRD, FRR, GoBGP)',
  },
  {
    name: 'propagation-warm',
    file: 'propagation',
    prefix: 'BENCH_PROP_',
    compiled: true,
    env: { BENCH_RECEIVERS: 'herald,bird,frr,gobgp', BENCH_PROP_TRIALS: '50', BENCH_PROP_WARM: '1' },
    quick: { BENCH_PROP_TRIALS: '5', BENCH_PROP_WARMUP: '20' },
    timeoutS: 1500,
    what: 'the same after 300 warm-up routes: the steady state, once a JIT has compiled the path',
  },
  {
    name: 'propagation-floor',
    prefix: 'BENCH_PROP_',
    compiled: true,
    env: { BENCH_PROP_TRIALS: '50' },
    quick: { BENCH_PROP_TRIALS: '5', BENCH_PROP_WARMUP: '1' },
    timeoutS: 300,
    what: "the same path through a relay that parses nothing, in Node and in Go: the runtimes' floor",
  },
  {
    name: 'churn',
    prefix: 'BENCH_CHURN_',
    compiled: true,
    env: { BENCH_RECEIVERS: 'herald,bird,gobgp,frr' },
    quick: { BENCH_CHURN_S: '10', BENCH_CHURN_PREFIXES: '2000' },
    timeoutS: 1200,
    what: '10,000 prefixes withdrawn and re-announced every second for 60 s (Herald, BIRD, GoBGP, FRR)',
  },
  {
    name: 'fanin',
    prefix: 'BENCH_FANIN_',
    compiled: true,
    env: { BENCH_RECEIVERS: 'herald,bird,gobgp,frr' },
    quick: { BENCH_FANIN_PEERS: '20', BENCH_FANIN_ROUTES: '200' },
    timeoutS: 1500,
    what: '100 peers × 1,000 distinct routes at once, until all 100,000 paths are held (Herald, BIRD, GoBGP, FRR)',
  },
  {
    name: 'send',
    prefix: 'BENCH_SEND_',
    compiled: true,
    env: { BENCH_RECEIVERS: 'herald,bird,gobgp,frr' },
    quick: { BENCH_SEND_PREFIXES: '100000' },
    timeoutS: 1800,
    what: 'the full IPv4 table learned over iBGP, then sent to 1 eBGP peer and re-advertised to 4 more (Herald, BIRD, GoBGP, FRR)',
  },
  {
    name: 'rib',
    prefix: 'BENCH_RIB_',
    compiled: true,
    env: { BENCH_ROUNDS: '1', BENCH_RECEIVERS: 'herald,bird,gobgp,frr' },
    quick: {},
    timeoutS: 3600,
    what: 'two full tables, withdrawal, 4 extra peers (Herald, BIRD, GoBGP, FRR)',
  },
  {
    name: 'api-routes',
    prefix: 'BENCH_API_',
    compiled: true,
    env: {},
    quick: {},
    timeoutS: 900,
    what: 'the full table listed through each control interface',
  },
];

const ONLY = (
  process.env.BENCH_ONLY ??
  'ingest,fib,bfd,k8s,frrk8s,propagation,propagation-warm,propagation-floor,churn,fanin,send'
)
  .split(',')
  .map((s) => s.trim());
const SELECTED = BENCHES.filter((b) => ONLY.includes(b.name));

/** The bench's settings: its defaults, the quick ones, and any of those keys set by the caller. */
function benchEnv(b: BenchDef): Record<string, string> {
  const env: Record<string, string> = { ...b.env, ...(QUICK ? b.quick : {}) };
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && (k in env || k.startsWith(b.prefix) || SHARED_KEYS.includes(k))) env[k] = v;
  return env;
}

function command(b: BenchDef): { cmd: string; args: string[]; shown: string } {
  const env = benchEnv(b);
  const envText = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  if (b.compiled) {
    const file = `.bench-build/bench/${b.file ?? b.name}.bench.js`;
    return { cmd: process.execPath, args: [file], shown: `${envText}node ${file}` };
  }
  const file = `bench/${b.file ?? b.name}.bench.ts`;
  return { cmd: process.execPath, args: ['--import', 'tsx', file], shown: `${envText}npx tsx ${file}` };
}

/** Runs one bench once, bounded; resolves with the JSON result it printed last (or an error). */
function runOnce(b: BenchDef): Promise<Record<string, unknown>> {
  const { cmd, args } = command(b);
  const env = { ...process.env, ...benchEnv(b) };
  return new Promise((resolve) => {
    // its own process group, so a timeout stops the bench and what it started, and nothing else
    const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    let last: Record<string, unknown> | undefined;
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      partial += d.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.startsWith('{"bench"')) continue;
        try {
          last = JSON.parse(l) as Record<string, unknown>;
        } catch {}
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const pid = child.pid;
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {}
      setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
      }, 15_000).unref();
    }, b.timeoutS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const why = timedOut ? `timed out after ${b.timeoutS} s` : code !== 0 ? `exit code ${code}` : undefined;
      resolve({ ...(last ?? { bench: b.name }), ...(why ? { runError: why } : {}) });
    });
  });
}

function build(): void {
  for (const project of ['tsconfig.build.json', 'tsconfig.bench.json']) {
    console.error(`building (${project}) …`);
    // type errors elsewhere in the tree do not stop tsc from emitting; the files must be there
    const r = spawnSyncText('npx', ['tsc', '-p', project]);
    if (r) console.error(r.slice(0, 2000));
  }
  for (const f of [
    'dist/cli/main.js',
    ...SELECTED.filter((b) => b.compiled).map((b) => `.bench-build/bench/${b.file ?? b.name}.bench.js`),
  ])
    if (!existsSync(join(ROOT, f))) throw new Error(`build did not produce ${f}`);
}

function spawnSyncText(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
}

interface Collected {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  repeats: number;
  commands: Record<string, string>;
  results: Record<string, Array<Record<string, unknown>>>;
}

/** A target over the runs that checked it: met or missed in all of them, else how many met it. */
function targetMark(verdicts: unknown[]): string {
  const checked = verdicts.filter((v) => v === true || v === false);
  const met = checked.filter((v) => v === true).length;
  if (checked.length === 0) return 'not measured';
  if (met === checked.length) return 'met';
  if (met === 0) return '**missed**';
  return `**met in ${met} of ${checked.length} runs**`;
}

function targetsText(results: Collected['results']): string[] {
  const out: string[] = [];
  for (const [name, runs] of Object.entries(results)) {
    const checked = runs
      .map((r) => r.targets as Record<string, unknown> | undefined)
      .filter((t) => t !== undefined);
    const errors = runs.filter((r) => r.runError).map((r) => r.runError);
    if (errors.length) out.push(`- ${name}: ${errors.length} run(s) failed (${errors.join('; ')})`);
    if (checked.length === 0) continue;
    const keys = [...new Set(checked.flatMap((t) => Object.keys(t)))];
    out.push(`- ${name}: ${keys.map((k) => `${k} ${targetMark(checked.map((t) => t[k]))}`).join(', ')}`);
  }
  return out;
}

async function writeReport(collected: Collected): Promise<void> {
  // in the harness's order, whatever order the runs were merged in
  const order = (n: string) => BENCHES.findIndex((b) => b.name === n);
  const sorted = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => order(a) - order(b)));
  const c = { ...collected, results: sorted(collected.results), commands: sorted(collected.commands) };
  const metrics: Metric[][] = Object.values(c.results).flatMap((runs) => runs.map(metricsOf));
  const lastOf = (name: string) =>
    [...(c.results[name] ?? [])].reverse().find((r) => !r.runError || r.rows || r.detection || r.sizes);
  const charts = chartsFor(Object.fromEntries(Object.keys(c.results).map((n) => [n, lastOf(n)])));
  const rendered = await renderSvg(charts);
  const chartLines: string[] = [];
  if ('skipped' in rendered) {
    console.error(rendered.skipped);
    chartLines.push(`_${rendered.skipped}._`, '');
  } else {
    const dir = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(dir, { recursive: true });
    for (const ch of charts) {
      writeFileSync(join(dir, ch.file), rendered.svgs.get(ch.file) ?? '');
      chartLines.push(`![${ch.title}](benchmarks/${ch.file})`, '');
    }
  }
  const doc = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (bench/run-all.ts) on ${c.finishedAt.slice(0, 10)}; do not edit by hand: ` +
      're-run the harness. Every bench starts the daemons it compares in fresh network namespaces, ' +
      'one after another, on the same machine in the same run.',
    '',
    '## Machine and versions',
    '',
    ...machine(ROOT),
    `- Runs per bench: ${Object.entries(c.results)
      .map(([n, runs]) => `${n} ${runs.length}`)
      .join(
        ', ',
      )}; sizes as in the commands below${c.quick ? ' (some with BENCH_QUICK: reduced sizes, a smoke run)' : ''}; ` +
      `started ${c.startedAt}, finished ${c.finishedAt}`,
    '',
    '## Commands',
    '',
    ...Object.entries(c.commands).map(
      ([n, cmd]) => `- ${n} — ${BENCHES.find((b) => b.name === n)?.what ?? ''}: \`${cmd}\``,
    ),
    '',
    '## Results',
    '',
    ...tables(metrics),
    '## Targets (from the issues)',
    '',
    ...targetsText(c.results),
    '',
    '## Charts',
    '',
    ...chartLines,
    '## Not measured here',
    '',
    '- MetalLB: it needs a Kubernetes cluster and a container runtime, neither of which runs on this ' +
      'machine; the Kubernetes figures are compared with issue 19’s targets instead.',
    '- bench:rib (two full tables, 4 extra peers) and bench:api-routes are long: they run when ' +
      'BENCH_ONLY names them; their figures above come from such a run.',
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), doc);
  // The figures behind the document, kept with it: a later BENCH_MERGE run on a fresh clone re-runs
  // some benches and keeps these for the rest.
  writeFileSync(PUBLISHED, `${JSON.stringify(c, null, 2)}\n`);
  console.error(
    `wrote docs/benchmarks.md${'skipped' in rendered ? '' : ` and ${charts.length} chart(s) in docs/benchmarks/`}`,
  );
}

/** The results docs/benchmarks.md was written from (committed with it). */
const PUBLISHED = join(ROOT, 'docs', 'benchmarks', 'results.json');

/** The last results: this clone's own run, else the published ones (undefined: neither). */
function storedResults(store: string): Collected | undefined {
  const file = [store, PUBLISHED].find((f) => existsSync(f));
  return file === undefined ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as Collected);
}

async function main(): Promise<number> {
  const store = join(RESULTS_DIR, 'run-all.json');
  if (process.env.BENCH_REPORT_ONLY === '1') {
    const stored = storedResults(store);
    if (!stored) throw new Error(`no results to report: neither ${store} nor ${PUBLISHED}`);
    await writeReport(stored);
    return 0;
  }
  if (process.env.BENCH_NO_BUILD !== '1') build();
  const c: Collected = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    quick: QUICK,
    repeats: REPEATS,
    commands: Object.fromEntries(SELECTED.map((b) => [b.name, command(b).shown])),
    results: {},
  };
  const old = process.env.BENCH_MERGE === '1' ? storedResults(store) : undefined;
  if (old) {
    for (const [name, runs] of Object.entries(old.results)) {
      if (SELECTED.some((b) => b.name === name)) continue;
      c.results[name] = runs;
      c.commands[name] = old.commands[name];
    }
    c.startedAt = old.startedAt;
    c.quick ||= old.quick;
  }
  let failed = 0;
  // Repeats go round all benches, so slow drift of the shared machine hits each alike.
  for (let i = 1; i <= REPEATS; i++) {
    for (const b of SELECTED) {
      console.error(`\n=== ${b.name} (run ${i} of ${REPEATS}) ===`);
      const r = await runOnce(b);
      if (r.runError) {
        failed++;
        console.error(`${b.name}: ${r.runError}`);
      }
      c.results[b.name] = [...(c.results[b.name] ?? []), r];
      c.finishedAt = new Date().toISOString();
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(store, `${JSON.stringify(c, null, 2)}\n`);
    }
  }
  await writeReport(c);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
