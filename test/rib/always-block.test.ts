// Always-block in the routing engine: a route inside a blocked CIDR is kept as received but never
// accepted, for a neighbor with an accept-all import policy and one without any; the count of
// blocked routes follows announcements, withdrawals and a changed block list, in place.
import { describe, expect, it } from 'vitest';
import { alwaysBlockTerm, compilePolicies } from '../../src/policy/index.js';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import { codecContext, encodeUpdate, parsePrefix } from '../../src/wire/index.js';
import { sessionFacts, testEngine } from '../helpers/engine.js';

const ctx = codecContext({ as4: true });
const sink: Sink = { send: () => true, drained: async () => {}, open: true };

function announce(...prefixes: string[]): Buffer {
  const attributes = { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '192.0.2.1' } as const;
  return encodeUpdate({ withdrawn: [], nlri: prefixes.map(parsePrefix), attributes }, ctx).subarray(19);
}

function setup() {
  const engine = testEngine();
  engine.setPolicies(compilePolicies({ policies: { open: { default: 'accept' } } }));
  engine.setAlwaysBlock(alwaysBlockTerm(['10.244.0.0/16']));
  const withPolicy = engine.addNeighbor({
    address: '192.0.2.1',
    configuredAsns: [65001],
    importPolicy: 'open',
  });
  const without = engine.addNeighbor({ address: '192.0.2.2', configuredAsns: [65001] });
  for (const n of [withPolicy, without]) {
    n.up(sessionFacts({ peerAsn: 65001, localAddress: '192.0.2.100', ctx }), sink);
    n.received(announce('10.244.1.0/24', '10.244.0.0/16', '192.168.0.0/24'));
  }
  return { engine, withPolicy, without };
}

const counts = (n: ReturnType<typeof setup>['without']) => [n.receivedCount, n.acceptedCount, n.blockedCount];

describe('always-block in the engine', () => {
  it('never accepts a blocked route, whatever the import policy; received still counts it', () => {
    const { engine, withPolicy, without } = setup();
    expect(counts(withPolicy)).toEqual([3, 1, 2]);
    expect(counts(without)).toEqual([3, 1, 2]);
    const s = engine.select(parsePrefix('10.244.1.0/24'))!;
    expect(s.paths.every((p) => !p.best && p.lostAt === 'importPolicy')).toBe(true);
    expect(engine.select(parsePrefix('192.168.0.0/24'))!.paths.some((p) => p.best)).toBe(true);
    expect(engine.policyTest('192.0.2.2', parsePrefix('10.244.1.0/24'), 'import')?.paths).toMatchObject([
      { accepted: false, decidedBy: 'always-block' },
    ]);
  });

  it('follows withdrawals, and a changed or cleared block list in place', () => {
    const { engine, without } = setup();
    without.received(
      encodeUpdate({ withdrawn: [parsePrefix('10.244.0.0/16')], nlri: [], attributes: {} }, ctx).subarray(19),
    );
    expect(counts(without)).toEqual([2, 1, 1]);
    engine.setAlwaysBlock(alwaysBlockTerm(['192.168.0.0/16']));
    expect(counts(without)).toEqual([2, 1, 1]);
    expect(engine.select(parsePrefix('10.244.1.0/24'))!.paths.some((p) => p.best)).toBe(true);
    engine.setAlwaysBlock(undefined);
    expect(counts(without)).toEqual([2, 2, 0]);
  });
});
