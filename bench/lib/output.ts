// Where a bench's results go: one JSON file per bench under bench/results/ (git-ignored; the
// runner bench/run-all.ts collects them into docs/benchmarks.md) and the same object as the last
// line of stdout, as the older benches print theirs.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout's root: the first directory upwards holding package.json (works compiled or not). */
export function repoRoot(from = import.meta.dirname): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'bin', 'herald'))) return d;
    if (dirname(d) === d) throw new Error(`no checkout above ${from}`);
  }
}

export const RESULTS_DIR = join(repoRoot(), 'bench', 'results');

/** Writes bench/results/<bench>.json and prints the object as one JSON line. */
export function emitResult(bench: string, result: Record<string, unknown>): void {
  const doc = { bench, finishedAt: new Date().toISOString(), node: process.version, ...result };
  const text = JSON.stringify(doc);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${bench}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(text);
}

/** Bounds a whole bench run: past `ms` the process exits (the harness's exit hook cleans up). */
export function runLimit(bench: string, ms: number): void {
  const t = setTimeout(() => {
    console.error(`bench:${bench}: over the ${ms / 1000} s limit, giving up`);
    process.exit(1);
  }, ms);
  t.unref();
}
