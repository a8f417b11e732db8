// A routing engine for tests, and the facts of an Established IPv4 session, so RIB tests build
// neighbors without sockets.
import type { Sink } from '../../src/rib/adj-rib-out.js';
import type { LocalRoute } from '../../src/rib/local-routes.js';
import type { SessionFacts } from '../../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { ManualClock } from '../../src/session/clock.js';
import { type CodecContext, codecContext, IPV4_UNICAST, IPV6_UNICAST } from '../../src/wire/index.js';

export interface TestEngineOptions {
  localAsn?: number;
  localRoutes?: () => readonly LocalRoute[];
  maximumPaths?: number;
  multipathRelax?: boolean;
}

/** An engine whose internal errors fail the test. */
export function testEngine(o: TestEngineOptions = {}): RoutingEngine {
  return new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: o.localRoutes ?? (() => []),
    localAsn: () => o.localAsn ?? 65000,
    multipath: () => ({ maximumPaths: o.maximumPaths ?? 1, multipathRelax: o.multipathRelax ?? false }),
    report: {
      routesNotSent: () => {},
      internalError: (_address, e) => {
        throw e;
      },
    },
  });
}

/** An IPv4-unicast session with a 4-octet-AS codec context. */
export function sessionFacts(o: {
  peerAsn: number;
  localAsn?: number;
  peerBgpId?: string;
  localAddress?: string;
  ctx?: CodecContext;
}): SessionFacts {
  const ibgp = o.peerAsn === (o.localAsn ?? 65000);
  const ctx = o.ctx ?? codecContext({ as4: true, ibgp });
  return {
    peerAsn: o.peerAsn,
    peerBgpId: o.peerBgpId ?? '192.0.2.1',
    ibgp,
    families: new Set([IPV4_UNICAST, IPV6_UNICAST]),
    send: ctx,
    receive: ctx,
    localAddress: o.localAddress,
    ipv4OverIpv6: false,
    enhancedRouteRefresh: false,
  };
}

/** A sink that accepts everything (routes sent are not looked at). */
export const nullSink: Sink = { send: () => true, drained: async () => {}, open: true };
