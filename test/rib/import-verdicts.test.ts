// The count of paths the import policy rejects (accepted = received − rejected) is kept as paths
// come and go, without re-judging whole prefixes: after any run of announcements, implicit
// replacements, withdrawals and policy changes, IPv4 and IPv6 (MP_REACH) alike, it must equal
// the policy run afresh over what the model says is held.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicies, evaluate, type PolicyContext } from '../../src/policy/index.js';
import {
  codecContext,
  encodeUpdate,
  type PathAttributes,
  type Prefix,
  parsePrefix,
} from '../../src/wire/index.js';
import { nullSink, sessionFacts, testEngine } from '../helpers/engine.js';

const ctx = codecContext({ as4: true });
const facts = sessionFacts({ peerAsn: 65001, localAddress: '192.0.2.100', ctx });
const NEIGHBOR = '192.0.2.1';

const POOL = [
  '10.0.0.0/8',
  '10.1.0.0/16',
  '10.1.2.0/24',
  '10.2.3.4/32',
  '192.168.0.0/16',
  '192.168.1.0/24',
  '192.168.1.1/32',
  '203.0.113.0/24',
  '2001:db8::/32',
  '2001:db8:1::/48',
  '2001:db9::/32',
];

const compiled = compilePolicies({
  prefixLists: {
    mixed: [
      { action: 'deny', prefix: '10.1.0.0/16', le: 24 },
      { action: 'permit', prefix: '10.0.0.0/8', le: 32 },
      { action: 'permit', prefix: '192.168.0.0/16', ge: 24 },
      { action: 'permit', prefix: '2001:db8::/32', le: 48 },
    ],
    long: [{ action: 'permit', prefix: '0.0.0.0/0', ge: 24 }],
  },
  policies: {
    // Reads an attribute (MED) and the prefix.
    prefixAndMed: {
      terms: [
        { match: { med: { min: 3 } }, action: 'reject' },
        { match: { prefixList: 'mixed' }, action: 'accept' },
      ],
      default: 'reject',
    },
    // Reads the prefix only.
    noLong: { terms: [{ match: { prefixList: 'long' }, action: 'reject' }], default: 'accept' },
    // Reads the prefix, the family and the context (IPv4 judged on numbers), with a continue term.
    contextual: {
      terms: [
        { match: { family: 'ipv6-unicast' }, action: 'accept' },
        { match: { neighborAsn: 65001, prefixList: 'long' }, action: 'continue' },
        { match: { neighbor: NEIGHBOR, prefixList: 'mixed' }, action: 'reject' },
      ],
      default: 'accept',
    },
  },
});
const POLICIES = [...compiled.policies.keys(), undefined];

const isV6 = (text: string) => text.includes(':');

function announce(prefixes: readonly string[], med: number): Buffer {
  const v4 = prefixes.filter((t) => !isV6(t)).map((t) => parsePrefix(t));
  const v6 = prefixes.filter(isV6).map((t) => parsePrefix(t));
  const attributes: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [65001] }], med };
  if (v4.length > 0) attributes.nextHop = '192.0.2.1';
  if (v6.length > 0) attributes.mpReach = { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: v6 };
  return encodeUpdate({ withdrawn: [], nlri: v4, attributes }, ctx).subarray(19);
}

function withdraw(prefixes: readonly string[]): Buffer {
  const v4 = prefixes.filter((t) => !isV6(t)).map((t) => parsePrefix(t));
  const v6 = prefixes.filter(isV6).map((t) => parsePrefix(t));
  const attributes: PathAttributes =
    v6.length > 0 ? { mpUnreach: { afi: 2, safi: 1, withdrawn: v6 } } : ({} as PathAttributes);
  return encodeUpdate({ withdrawn: v4, nlri: [], attributes }, ctx).subarray(19);
}

const policyContext: PolicyContext = {
  direction: 'import',
  routeType: 'learned',
  neighborAddress: NEIGHBOR,
  neighborAsn: 65001,
  localAsn: 65000,
  nextHopSelf: { ipv4: '192.0.2.100' },
};

/** What the policy accepts of the model's routes, judged one by one from scratch. */
function expectedAccepted(held: ReadonlyMap<string, number>, name: string | undefined): number {
  const policy = name === undefined ? undefined : compiled.policies.get(name)!;
  let accepted = 0;
  for (const [text, med] of held) {
    const prefix: Prefix = parsePrefix(text);
    if (!policy || evaluate(policy, { prefix, attributes: { med } }, policyContext).accepted) accepted++;
  }
  return accepted;
}

const subset = fc.subarray(POOL, { minLength: 1 });
const op = fc.oneof(
  fc.record({ kind: fc.constant('announce' as const), prefixes: subset, med: fc.nat({ max: 4 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), prefixes: subset }),
  fc.record({ kind: fc.constant('policy' as const), name: fc.constantFrom(...POLICIES) }),
);

describe('rejected paths counted as they change', () => {
  it('accepted equals the policy run afresh over what is held, after any sequence', () => {
    fc.assert(
      fc.property(fc.constantFrom(...POLICIES), fc.array(op, { maxLength: 25 }), (first, ops) => {
        const engine = testEngine();
        engine.setPolicies(compiled);
        const n = engine.addNeighbor({ address: NEIGHBOR, configuredAsns: [65001], importPolicy: first });
        n.up(facts, nullSink);
        const held = new Map<string, number>();
        let policy = first;
        for (const o of ops) {
          if (o.kind === 'announce') {
            n.received(announce(o.prefixes, o.med));
            for (const t of o.prefixes) held.set(t, o.med);
          } else if (o.kind === 'withdraw') {
            n.received(withdraw(o.prefixes));
            for (const t of o.prefixes) held.delete(t);
          } else {
            policy = o.name;
            engine.setImportPolicy(NEIGHBOR, policy);
          }
          expect([n.receivedCount, n.acceptedCount]).toEqual([held.size, expectedAccepted(held, policy)]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a new session starts from zero; the stale copy and its sweep do not change the count', () => {
    const engine = testEngine();
    engine.setPolicies(compiled);
    const n = engine.addNeighbor({
      address: NEIGHBOR,
      configuredAsns: [65001],
      importPolicy: 'prefixAndMed',
    });
    n.up(facts, nullSink);
    n.received(announce(['10.0.0.0/8', '10.1.0.0/16', '2001:db9::/32'], 0));
    expect([n.receivedCount, n.acceptedCount]).toEqual([3, 1]);
    n.down(120);
    n.up({ ...facts, gracefulRestart: { forwarding: new Set(facts.families) } }, nullSink);
    n.received(announce(['10.1.0.0/16', '2001:db8::/32'], 0));
    expect([n.receivedCount, n.acceptedCount]).toEqual([2, 1]);
    n.sweepStale();
    expect([n.receivedCount, n.acceptedCount]).toEqual([2, 1]);
  });
});
