// Import policy cost on ingest, in process (no sockets, no namespaces): every UPDATE body of the
// MRT capture is handed to one neighbor of a routing engine, once without an import policy and once
// with issue 17's 20-entry prefix list (bench/ingest/receivers.ts `withImportPrefixList`). Prints
// the best of N rounds per variant and the accepted count. Profile with node --cpu-prof.
//
//   npx tsc -p tsconfig.bench.json && node .bench-build/bench/import-policy.bench.js
//   Env: BENCH_ROUNDS=3, BENCH_VARIANTS=none,policy, HERALD_MRT_DIR.
import { compilePolicies } from '../src/policy/index.js';
import { codecContext } from '../src/wire/index.js';
import { nullSink, sessionFacts, testEngine } from '../test/helpers/engine.js';
import { FULL_TABLE_MRT, loadUpdates } from './ingest/data.js';
import { withImportPrefixList } from './ingest/receivers.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'none,policy').split(',');

const stream = loadUpdates(FULL_TABLE_MRT);
const bodies: Buffer[] = [];
for (let pos = 0; pos < stream.bytes.length; ) {
  const length = stream.bytes.readUInt16BE(pos + 16);
  bodies.push(stream.bytes.subarray(pos + 19, pos + length));
  pos += length;
}

const config: Record<string, unknown> = { neighbors: [{ address: stream.peer }] };
withImportPrefixList(config);
const policies = compilePolicies({
  prefixLists: config.prefixLists as never,
  policies: config.policies as never,
});
const policyName = (config.neighbors as { importPolicy: string }[])[0].importPolicy;

const ctx = codecContext({ as4: stream.as4, ibgp: true });

function run(withPolicy: boolean): { seconds: number; received: number; accepted: number } {
  const engine = testEngine({ localAsn: stream.localAs });
  engine.setPolicies(policies);
  const n = engine.addNeighbor({
    address: stream.peer,
    configuredAsns: [stream.peerAs],
    importRules: { localAsn: stream.localAs, allowAsIn: 0, routerId: '10.0.0.2' },
    importPolicy: withPolicy ? policyName : undefined,
  });
  const facts = { peerAsn: stream.peerAs, localAsn: stream.localAs, peerBgpId: stream.peer, ctx };
  n.up(sessionFacts({ ...facts, localAddress: '10.0.0.2' }), nullSink);
  const t0 = process.hrtime.bigint();
  for (const b of bodies) n.received(b);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, received: n.receivedCount, accepted: n.acceptedCount };
}

console.log(`${bodies.length} UPDATEs, ${stream.endState} prefixes at the end`);
for (const v of VARIANTS) {
  let best = Infinity;
  let last = { received: 0, accepted: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const out = run(v === 'policy');
    best = Math.min(best, out.seconds);
    last = out;
  }
  console.log(
    `${v.padEnd(8)} ${best.toFixed(3)} s (best of ${ROUNDS})  received ${last.received}  accepted ${last.accepted}`,
  );
}
