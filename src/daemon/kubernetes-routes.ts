// The routes of a Kubernetes snapshot as Herald's own routes: each announcement becomes a local
// route with its communities and LOCAL_PREF (sent to iBGP peers only, as every local route), for
// the neighbors it targets. BGPAdvertisement `peers` name BGPPeers; a route carries neighbor
// addresses, so names are mapped through the sessions. The announcement of a prefix for every
// peer (`peers: null`) goes to every neighbor the named variants of that prefix do not cover.
// Pure, but for the optional RouteMemo, which hands out the last snapshot's route objects again.
import type { Announcement, ResourceProblem } from '../k8s/index.js';
import { type LocalRouteSpec, localRoute } from '../rib/local-routes.js';
import { routeSizeProblem } from '../rib/route-size.js';
import type { SourcedRoute } from './announcements.js';

export interface RouteTargets {
  /** BGPPeer name → the neighbor address its session runs on (on this node). */
  readonly peerAddress: ReadonlyMap<string, string>;
  /** Every neighbor address now (config file, BGPPeers, dynamic). */
  readonly neighbors: readonly string[];
}

interface Built {
  sourced: SourcedRoute;
  tooLarge?: string;
}

/**
 * The routes built for the previous snapshot, by spec and targets: an announcement that did not
 * change gives the same route object again, so nothing is parsed again and the routes compare
 * equal by identity where they are replaced (Announcements.replaceKubernetes).
 */
export class RouteMemo {
  private last = new Map<string, Built[]>();
  private next = new Map<string, Built[]>();

  /** `spec` as kubernetesRoutes makes it: prefix, communities, large communities, LOCAL_PREF, next hop. */
  build(spec: LocalRouteSpec, peers: string[] | undefined): Built {
    const same = (b: Built) => sameSpec(b.sourced.spec, spec) && sameList(b.sourced.route.peers, peers);
    let built = this.last.get(spec.prefix)?.find(same);
    if (!built) {
      const route = peers ? { ...localRoute(spec), peers } : localRoute(spec);
      built = { sourced: { spec, route }, tooLarge: routeSizeProblem(route) };
    }
    const list = this.next.get(spec.prefix);
    if (list) list.push(built);
    else this.next.set(spec.prefix, [built]);
    return built;
  }

  /** The snapshot is built: only its routes are remembered. */
  done(): void {
    this.last = this.next;
    this.next = new Map();
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSpec(a: LocalRouteSpec, b: LocalRouteSpec): boolean {
  return (
    a.localPref === b.localPref &&
    a.nextHop === b.nextHop &&
    sameList(a.communities, b.communities) &&
    sameList(a.largeCommunities, b.largeCommunities)
  );
}

/**
 * Local routes for `announcements`, with next-hop self: each session's own address, and on an IPv4
 * session our IPv6 address beside it for IPv6 prefixes (the daemon's ipv6Beside, with the node's
 * IPv6 address as the fallback), as MetalLB and FRR send them. Announcements whose named peers
 * have no session here give no route.
 */
export function kubernetesRoutes(
  announcements: readonly Announcement[],
  targets: RouteTargets,
  memo = new RouteMemo(),
): { routes: SourcedRoute[]; problems: ResourceProblem[] } {
  const routes: SourcedRoute[] = [];
  const problems: ResourceProblem[] = [];
  const named = new Map<string, Set<string>>();
  const addressesOf = (peers: readonly string[]): string[] => {
    if (peers.length !== 1)
      return [...new Set(peers.flatMap((n) => targets.peerAddress.get(n) ?? []))].sort();
    const address = targets.peerAddress.get(peers[0]);
    return address === undefined ? [] : [address];
  };
  const targeted = announcements.map((a) => (a.peers === null ? undefined : addressesOf(a.peers)));
  // The named variants matter only for a prefix that also has a variant for every peer.
  const everyPeer = new Set(announcements.filter((a) => a.peers === null).map((a) => a.prefix));
  announcements.forEach((a, i) => {
    const addresses = targeted[i];
    if (!addresses || !everyPeer.has(a.prefix)) return;
    const set = named.get(a.prefix) ?? new Set<string>();
    for (const address of addresses) set.add(address);
    named.set(a.prefix, set);
  });
  for (let i = 0; i < announcements.length; i++) {
    const a = announcements[i];
    let peers: string[] | undefined;
    if (a.peers !== null) {
      peers = targeted[i] as string[];
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
    };
    const { sourced, tooLarge } = memo.build(spec, peers);
    if (tooLarge) {
      const resource = `services ${a.services.join(', ')}`;
      problems.push({ resource, field: '', message: `${a.prefix}: ${tooLarge}; not announced` });
      continue;
    }
    routes.push(sourced);
  }
  memo.done();
  return { routes, problems };
}
