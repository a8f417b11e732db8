// `npm run fuzz`: a bounded fuzzing campaign (issue 16). Runs the property-based fuzzers in
// test/fuzz/ — the whole receive path (framer → FSM → ingest → policy → Adj-RIB-Out → encoder)
// seeded from the MRT data and the captured messages, and the REST API from its OpenAPI document — for
// FUZZ_SECONDS in total (default 60; 70 % receive path, 30 % API) with a random seed, printing the
// executions and the seed of each. Replay a failure with FUZZ_SEED=<seed>; then turn its input into
// a named regression test (see docs/reliability.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('FUZZ_SECONDS must be a positive number of seconds');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
console.log(`[fuzz] ${seconds} s${process.env.FUZZ_SEED ? `, seed ${process.env.FUZZ_SEED}` : ''}`);
const started = Date.now();
const r = spawnSync('npx', ['vitest', 'run', 'test/fuzz', '--reporter=default', '--no-file-parallelism'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SECONDS: String(seconds) },
});
console.log(`[fuzz] done in ${Math.round((Date.now() - started) / 1000)} s, exit ${r.status}`);
process.exit(r.status ?? 1);
