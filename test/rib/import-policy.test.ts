// Import and export policy in the routing engine: a prefix list keeps out what it should, accepted
// counts follow (received stays pre-policy), `select` shows the rejected path and why, a policy
// change applies in place to the routes already held, and export policy filters Herald's routes.
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/policy/index.js';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import { locRibRoutes } from '../../src/rib/loc-rib-view.js';
import { localRoute } from '../../src/rib/local-routes.js';
import { codecContext, decodeUpdate, encodeUpdate, formatPrefix, parsePrefix } from '../../src/wire/index.js';
import { sessionFacts, testEngine } from '../helpers/engine.js';
import { splitMessages } from '../helpers/messages.js';

const ctx = codecContext({ as4: true });
const facts = sessionFacts({ peerAsn: 65001, localAddress: '192.0.2.100', ctx });

/** `192.168.0.0/24 ge 32` (host routes only), or `le 32` (the /24 too). */
const policies = (range: { ge: number } | { le: number }) =>
  compilePolicies({
    prefixLists: { services: [{ action: 'permit', prefix: '192.168.0.0/24', ...range }] },
    policies: {
      'from-fabric': { terms: [{ match: { prefixList: 'services' }, action: 'accept' }], default: 'reject' },
      'only-services': {
        terms: [{ match: { prefixList: 'services' }, action: 'accept' }],
        default: 'reject',
      },
    },
  });

function announce(...prefixes: string[]): Buffer {
  return encodeUpdate(
    {
      withdrawn: [],
      nlri: prefixes.map(parsePrefix),
      attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '192.0.2.1' },
    },
    ctx,
  ).subarray(19);
}

function setup(exportPolicy?: string) {
  const sent: Buffer[] = [];
  const sink: Sink = { send: (m) => sent.push(...splitMessages(m)) > 0, drained: async () => {}, open: true };
  const engine = testEngine({
    localRoutes: () => [localRoute({ prefix: '192.168.0.7/32' }), localRoute({ prefix: '10.9.0.0/16' })],
  });
  engine.setPolicies(policies({ ge: 32 }));
  const n = engine.addNeighbor({
    address: '192.0.2.1',
    configuredAsns: [65001],
    importPolicy: 'from-fabric',
    exportPolicy,
  });
  n.up(facts, sink);
  return { engine, n, sent };
}

describe('import policy', () => {
  it('keeps out what the prefix list denies; received counts it, accepted does not', () => {
    const { engine, n } = setup();
    n.received(announce('192.168.0.10/32', '192.168.0.0/24', '10.0.0.0/8'));
    expect([n.receivedCount, n.acceptedCount]).toEqual([3, 1]);
    const s = engine.select(parsePrefix('10.0.0.0/8'))!;
    expect(s.paths).toEqual([expect.objectContaining({ best: false, lostAt: 'importPolicy' })]);
    const best = engine.select(parsePrefix('192.168.0.10/32'))!.paths[0];
    expect(best).toMatchObject({ best: true, nextHop: '192.0.2.1' });
    // The policy reads the prefix alone, so paths are judged undecoded; their attributes still read.
    expect(best.attributes).toMatchObject({ nextHop: '192.0.2.1', asPath: [{ type: 2, asns: [65001] }] });
    expect(s.paths[0].attributes).toMatchObject({ nextHop: '192.0.2.1' });
  });

  it('the Loc-RIB listing (table=loc) leaves out what the import policy rejects', () => {
    const { engine, n } = setup();
    n.received(announce('192.168.0.10/32', '10.0.0.0/8'));
    const rows = [...locRibRoutes(engine.neighbors(), 65000, {})];
    expect(rows.map((r) => r.prefix)).toEqual(['192.168.0.10/32']);
  });

  it('a withdrawal of a rejected route lowers received, not accepted', () => {
    const { n } = setup();
    n.received(announce('192.168.0.10/32', '10.0.0.0/8'));
    n.received(
      encodeUpdate({ withdrawn: [parsePrefix('10.0.0.0/8')], nlri: [], attributes: {} }, ctx).subarray(19),
    );
    expect([n.receivedCount, n.acceptedCount]).toEqual([1, 1]);
  });

  it('a changed policy applies in place to the routes held, and followers hear of them', () => {
    const { engine, n } = setup();
    n.received(announce('192.168.0.10/32', '192.168.0.0/24'));
    expect(n.acceptedCount).toBe(1);
    const heard: string[] = [];
    engine.followLocRib((p, s) => heard.push(`${formatPrefix(p)}:${s?.paths[0]?.best ?? false}`));
    engine.setPolicies(policies({ le: 32 }));
    engine.setImportPolicy('192.0.2.1', 'from-fabric');
    expect(n.acceptedCount).toBe(2);
    expect(heard.sort()).toEqual(['192.168.0.0/24:true', '192.168.0.10/32:true']);
  });

  it('no import policy: everything received is accepted', () => {
    const { engine, n } = setup();
    engine.setImportPolicy('192.0.2.1', undefined);
    n.received(announce('10.0.0.0/8'));
    expect([n.receivedCount, n.acceptedCount]).toEqual([1, 1]);
  });
});

describe('export policy', () => {
  it("filters Herald's own routes per neighbor", async () => {
    const { sent } = setup('only-services');
    await new Promise((r) => setImmediate(r));
    const announced = sent
      .map((m) => decodeUpdate(m.subarray(19), ctx))
      .flatMap((u) => u.nlri.map(formatPrefix));
    expect(announced).toEqual(['192.168.0.7/32']);
  });

  it('without one, every route Herald originates goes out', async () => {
    const { sent } = setup();
    await new Promise((r) => setImmediate(r));
    const announced = sent
      .map((m) => decodeUpdate(m.subarray(19), ctx))
      .flatMap((u) => u.nlri.map(formatPrefix));
    expect(announced.sort()).toEqual(['10.9.0.0/16', '192.168.0.7/32']);
  });
});
