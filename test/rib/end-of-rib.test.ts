// End-of-RIB (RFC 4724 §2) goes after our routes, and — when the engine is told our own routes are
// still settling after start (a health check without its first result) — only once they settled,
// after the routes that settled meanwhile.
import { describe, expect, it } from 'vitest';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import { type LocalRoute, localRoute } from '../../src/rib/local-routes.js';
import type { SessionFacts } from '../../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { ManualClock } from '../../src/session/clock.js';
import { codecContext, decodeUpdate, formatPrefix, IPV4_UNICAST } from '../../src/wire/index.js';

const ctx = codecContext({ as4: true, ibgp: false });
const facts: SessionFacts = {
  peerAsn: 65001,
  peerBgpId: '192.0.2.1',
  ibgp: false,
  families: new Set([IPV4_UNICAST]),
  send: ctx,
  receive: ctx,
  localAddress: '192.0.2.2',
  ipv4OverIpv6: false,
  enhancedRouteRefresh: false,
};

/** What the peer saw, in order: a prefix announced, or "EoR". */
function setup(settled?: () => Promise<void>) {
  let local: LocalRoute[] = [localRoute({ prefix: '10.0.0.1/32' })];
  const engine = new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: () => local,
    localAsn: () => 65000,
    settled,
    report: {
      routesNotSent: () => {},
      internalError: (_a, e) => {
        throw e;
      },
    },
  });
  const seen: string[] = [];
  const sink: Sink = {
    send: (m) => {
      const u = decodeUpdate(m.subarray(19), ctx);
      if (u.endOfRib !== undefined) seen.push('EoR');
      else seen.push(...u.nlri.map(formatPrefix));
      return true;
    },
    drained: async () => {},
    open: true,
  };
  engine.addNeighbor({ address: '192.0.2.1', configuredAsns: [65001] }).up(facts, sink);
  const setLocal = (routes: LocalRoute[]) => {
    local = routes;
    engine.localRoutesChanged();
  };
  return { seen, setLocal };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('End-of-RIB after start', () => {
  it('follows the routes at once when nothing is settling', async () => {
    const { seen } = setup();
    await settle();
    expect(seen).toEqual(['10.0.0.1/32', 'EoR']);
  });

  it('waits for the initial state, and comes after the routes that settled meanwhile', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const { seen, setLocal } = setup(() => gate);
    await settle();
    expect(seen).toEqual(['10.0.0.1/32']);
    // A health check's first result announces a second route, then releases the gate.
    setLocal([localRoute({ prefix: '10.0.0.1/32' }), localRoute({ prefix: '10.0.0.2/32' })]);
    open();
    await settle();
    expect(seen).toEqual(['10.0.0.1/32', '10.0.0.2/32', 'EoR']);
  });
});
