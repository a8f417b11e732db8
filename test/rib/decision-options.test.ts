// The decision knobs reach the Loc-RIB through the engine, and a change (a reload) decides every
// prefix again: followers (kernel routes, export) hear the new best path.
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/policy/index.js';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import type { DecisionOptions } from '../../src/rib/best-path.js';
import type { PrefixSelection } from '../../src/rib/loc-rib.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { ManualClock } from '../../src/session/clock.js';
import { codecContext, decodeUpdate, parsePrefix } from '../../src/wire/index.js';
import { nullSink, sessionFacts } from '../helpers/engine.js';
import { splitMessages } from '../helpers/messages.js';
import { updateBody } from './conformance-vectors.js';

/** 10.0.0.0/8 from AS `asn` (AS_PATH [asn]) with MULTI_EXIT_DISC `med`, next hop 192.0.2.x. */
function announce(asn: number, med: number, hop: number): Buffer {
  const as = asn.toString(16).padStart(8, '0');
  const nh = `c00002${hop.toString(16).padStart(2, '0')}`;
  return updateBody(
    `40 01 01 00 40 02 06 02 01 ${as} 40 03 04 ${nh} 80 04 04 ${med.toString(16).padStart(8, '0')}`,
    '08 0a',
  );
}

/** An engine whose decision options are `decision()` at each decision. */
function engineDeciding(decision: () => DecisionOptions): RoutingEngine {
  return new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: () => [],
    localAsn: () => 65000,
    decision,
    report: {
      routesNotSent: () => {},
      internalError: (_a, e) => {
        throw e;
      },
    },
  });
}

describe('decision options in the engine', () => {
  it('alwaysCompareMed turned on and revisited: the lower MED of another AS becomes best', () => {
    let decision: DecisionOptions = {};
    const engine = engineDeciding(() => decision);
    const ctx = codecContext({ as4: true, ibgp: false });
    // 192.0.2.1 (AS 65001, MED 50, router id 1.1.1.1) wins on router id unless MEDs are compared.
    const a = engine.addNeighbor({ address: '192.0.2.1', configuredAsns: [65001] });
    a.up(sessionFacts({ peerAsn: 65001, peerBgpId: '1.1.1.1', ctx }), nullSink);
    const b = engine.addNeighbor({ address: '192.0.2.2', configuredAsns: [65002] });
    b.up(sessionFacts({ peerAsn: 65002, peerBgpId: '2.2.2.2', ctx }), nullSink);
    a.received(announce(65001, 50, 1));
    b.received(announce(65002, 0, 2));
    const seen: (PrefixSelection | undefined)[] = [];
    engine.followLocRib((_p, s) => seen.push(s));
    const best = (s: PrefixSelection | undefined) => s?.paths.find((p) => p.best)?.neighbor;

    expect(best(engine.select(parsePrefix('10.0.0.0/8')))).toBe('192.0.2.1');
    decision = { alwaysCompareMed: true };
    engine.revisitAll();
    // Reported once per table holding the prefix (repeats are harmless to followers).
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map(best))).toEqual(new Set(['192.0.2.2']));
    const sel = engine.select(parsePrefix('10.0.0.0/8'))!;
    expect(sel.paths.map((p) => [p.neighbor, p.lostAt])).toEqual([
      ['192.0.2.2', undefined],
      ['192.0.2.1', 'med'],
    ]);
  });

  it('without kernel routes too: a decision changed and revisited reaches the peers the route is exported to', async () => {
    let decision: DecisionOptions = {};
    const engine = engineDeciding(() => decision);
    engine.setPolicies(compilePolicies({ policies: { all: { terms: [], default: 'accept' } } }));
    const ctx = codecContext({ as4: true, ibgp: false });
    const a = engine.addNeighbor({ address: '192.0.2.1', configuredAsns: [65001] });
    a.up(sessionFacts({ peerAsn: 65001, peerBgpId: '1.1.1.1', ctx }), nullSink);
    const b = engine.addNeighbor({ address: '192.0.2.2', configuredAsns: [65002] });
    b.up(sessionFacts({ peerAsn: 65002, peerBgpId: '2.2.2.2', ctx }), nullSink);
    // An iBGP peer taking learned routes: it is told the best path's next hop.
    const ibgp = codecContext({ as4: true, ibgp: true });
    const sent: Buffer[] = [];
    const sink: Sink = {
      send: (m) => sent.push(...splitMessages(m)) > 0,
      drained: async () => {},
      open: true,
    };
    const c = engine.addNeighbor({ address: '192.0.2.3', configuredAsns: [65000], exportPolicy: 'all' });
    c.up(
      sessionFacts({ peerAsn: 65000, peerBgpId: '3.3.3.3', localAddress: '192.0.2.100', ctx: ibgp }),
      sink,
    );
    a.received(announce(65001, 50, 1));
    b.received(announce(65002, 0, 2));
    const settle = () => new Promise((r) => setTimeout(r, 20));
    const nextHops = () =>
      sent
        .map((m) => decodeUpdate(m.subarray(19), ibgp))
        .filter((u) => u.nlri.length > 0)
        .map((u) => u.attributes.nextHop);
    await settle();
    expect(nextHops().at(-1)).toBe('192.0.2.1');
    decision = { alwaysCompareMed: true };
    engine.revisitAll();
    await settle();
    expect(nextHops().at(-1)).toBe('192.0.2.2');
  });
});
