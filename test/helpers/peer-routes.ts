// A neighbor's routes for session tests: a routing engine holding only the given local routes,
// whose failures fail the test instead of being logged.
import type { LocalRoute } from '../../src/rib/local-routes.js';
import type { NeighborRibs } from '../../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import type { Clock } from '../../src/session/clock.js';

export interface PeerRoutesOptions {
  readonly address: string;
  readonly asn: number;
  readonly peerAsn: number;
  readonly clock: Clock;
  readonly localRoutes?: readonly LocalRoute[];
}

export function peerRoutes(o: PeerRoutesOptions): NeighborRibs {
  const engine = new RoutingEngine({
    clock: o.clock,
    localRoutes: () => o.localRoutes ?? [],
    localAsn: () => o.asn,
    report: {
      routesNotSent: () => {},
      internalError: (_address, e) => {
        throw e;
      },
    },
  });
  return engine.addNeighbor({ address: o.address, configuredAsns: [o.peerAsn] });
}
