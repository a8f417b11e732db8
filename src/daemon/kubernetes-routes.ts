// The routes of a Kubernetes snapshot as Herald's own routes: each announcement becomes a local
// route with its communities and LOCAL_PREF (sent to iBGP peers only, as every local route), for
// the neighbors it targets. BGPAdvertisement `peers` name BGPPeers; a route carries neighbor
// addresses, so names are mapped through the sessions. The announcement of a prefix for every
// peer (`peers: null`) goes to every neighbor the named variants of that prefix do not cover. Pure.
import type { Announcement, NodeInfo, ResourceProblem } from '../k8s/index.js';
import { type LocalRouteSpec, localRoute } from '../rib/local-routes.js';
import { routeSizeProblem } from '../rib/route-size.js';
import type { SourcedRoute } from './announcements.js';

export interface RouteTargets {
  /** BGPPeer name → the neighbor address its session runs on (on this node). */
  readonly peerAddress: ReadonlyMap<string, string>;
  /** Every neighbor address now (config file, BGPPeers, dynamic). */
  readonly neighbors: readonly string[];
}

/**
 * Local routes for `announcements`. An IPv6 prefix gets the node's IPv6 address as next hop (so it
 * can be sent over IPv4 sessions too); IPv4 prefixes use each session's own address (next-hop
 * self, as MetalLB). Announcements whose named peers have no session here give no route.
 */
export function kubernetesRoutes(
  announcements: readonly Announcement[],
  targets: RouteTargets,
  node: NodeInfo | undefined,
): { routes: SourcedRoute[]; problems: ResourceProblem[] } {
  const routes: SourcedRoute[] = [];
  const problems: ResourceProblem[] = [];
  const named = new Map<string, Set<string>>();
  const addressesOf = (peers: readonly string[]) =>
    [...new Set(peers.flatMap((name) => targets.peerAddress.get(name) ?? []))].sort();
  for (const a of announcements) {
    if (a.peers === null) continue;
    const set = named.get(a.prefix) ?? new Set<string>();
    for (const address of addressesOf(a.peers)) set.add(address);
    named.set(a.prefix, set);
  }
  for (const a of announcements) {
    let peers: string[] | undefined;
    if (a.peers !== null) {
      peers = addressesOf(a.peers);
      if (peers.length === 0) continue;
    } else {
      const exclude = named.get(a.prefix);
      if (exclude?.size) {
        peers = [...new Set(targets.neighbors)].filter((n) => !exclude.has(n)).sort();
        if (peers.length === 0) continue;
      }
    }
    const spec: LocalRouteSpec = {
      prefix: a.prefix,
      communities: a.communities,
      largeCommunities: a.largeCommunities,
      ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
      ...(a.prefix.includes(':') && node?.ipv6 ? { nextHop: node.ipv6 } : {}),
    };
    const route = peers ? { ...localRoute(spec), peers } : localRoute(spec);
    const tooLarge = routeSizeProblem(route);
    if (tooLarge) {
      const resource = `services ${a.services.join(', ')}`;
      problems.push({ resource, field: '', message: `${a.prefix}: ${tooLarge}; not announced` });
      continue;
    }
    routes.push({ spec, route });
  }
  return { routes, problems };
}
