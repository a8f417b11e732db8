// Policy evaluation cost per route (not part of the test suite): a 20-entry import prefix list of
// the kind a fabric operator writes, over a million IPv4 routes of random lengths /8../32. Prints
// nanoseconds per route for the worst case (no entry matches: all 20 are tried, then the default),
// a permit on the last entry, an AS-path list, and a policy that changes attributes (copy made).
//
//   npx tsx bench/policy.bench.ts          (or build with tsconfig.bench.json and run with node)
import { compilePolicies, evaluate, type PolicyContext, type Route } from '../src/policy/index.js';
import { Afi, AsPathSegmentType } from '../src/wire/index.js';

const ROUTES = 1_000_000;
const ROUNDS = 5;

// Deterministic pseudo-random routes (xorshift32), each with one shared interned attribute set.
let seed = 0x2545f491;
const next = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
};
const attributes = {
  origin: 0 as const,
  asPath: [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [65001, 3356, 15169] }],
  nextHop: '192.0.2.1',
};
const routes: Route[] = [];
for (let i = 0; i < ROUTES; i++) {
  const length = 8 + (next() % 25);
  const a = next();
  const bytes = Uint8Array.of(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255).subarray(
    0,
    (length + 7) >> 3,
  );
  routes.push({ prefix: { afi: Afi.IPV4, length, bytes }, attributes });
}

// 20 entries in 100.64.0.0/10 and 192.168.0.0/16 (no random route of the bench lands in most).
const entries = Array.from({ length: 19 }, (_, i) => ({
  action: 'permit' as const,
  prefix: `100.${64 + i}.0.0/16`,
  ge: 24,
  le: 32,
}));
const compiled = compilePolicies({
  prefixLists: {
    twenty: [...entries, { action: 'permit', prefix: '0.0.0.0/0', ge: 31 }],
    nineteen: entries,
    one: [entries[0]],
  },
  asPathLists: { transit: [{ action: 'permit', regex: '_3356_' }] },
  policies: {
    none: { default: 'accept' },
    'one-entry': { terms: [{ match: { prefixList: 'one' }, action: 'accept' }], default: 'reject' },
    miss: { terms: [{ match: { prefixList: 'nineteen' }, action: 'accept' }], default: 'reject' },
    twenty: { terms: [{ match: { prefixList: 'twenty' }, action: 'accept' }], default: 'reject' },
    'as-path': { terms: [{ match: { asPathList: 'transit' }, action: 'accept' }], default: 'reject' },
    'set-local-pref': { terms: [{ set: { localPref: 200 }, action: 'accept' }], default: 'reject' },
  },
});
const ctx: PolicyContext = {
  direction: 'import',
  routeType: 'learned',
  neighborAddress: '192.0.2.1',
  neighborAsn: 65001,
  localAsn: 65000,
  nextHopSelf: { ipv4: '192.0.2.254' },
};

function measure(name: string): void {
  const policy = compiled.policies.get(name)!;
  let accepted = 0;
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.hrtime.bigint();
    for (const r of routes) if (evaluate(policy, r, ctx).accepted) accepted++;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / ROUTES);
  }
  console.log(`${name.padEnd(16)} ${best.toFixed(1).padStart(6)} ns/route  (${accepted / ROUNDS} accepted)`);
}

for (const name of ['none', 'one-entry', 'miss', 'twenty', 'as-path', 'set-local-pref']) measure(name);
