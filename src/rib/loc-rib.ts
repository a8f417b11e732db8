// The Loc-RIB of one prefix: every path the neighbors' Adj-RIBs-In hold for it (stale copies of
// restarting peers included), Herald's own route if it originates the prefix, the best path by the
// RFC 4271 §9.1 decision process, the ECMP set (`maximumPaths`, `multipathRelax`) and, for each
// path that is not best, the step of the decision it lost at. Computed from the tables on demand,
// so it is always current; the routing engine asks for it whenever a prefix's paths change. Pure.
import { Afi, type PathAttributes, type Prefix } from '../wire/index.js';
import { type AdjRibIn, v4Addr } from './adj-rib-in.js';
import { decodedAttributes } from './attribute-store.js';
import {
  type Candidate,
  DECISION_STEPS,
  type DecisionStep,
  idNumber,
  type MultipathOptions,
  multipathSet,
  rankPaths,
} from './best-path.js';
import type { PeerLike } from './loc-rib-view.js';
import { type LocalRoute, localPathAttributes } from './local-routes.js';

/**
 * Why a path is not the best: a decision step, that Herald originates the prefix itself, or that
 * the neighbor's import policy rejected it (it takes no part in the decision).
 */
export type LostReason = DecisionStep | 'originatedLocally' | 'importPolicy';

export interface RoutePath {
  /** Neighbor address, or "local" for a route Herald originates. */
  readonly neighbor: string;
  readonly pathId: number;
  readonly stale: boolean;
  readonly attributes: PathAttributes;
  readonly best: boolean;
  /** In the ECMP set (the best path included). */
  readonly multipath: boolean;
  readonly lostAt?: LostReason;
}

export interface PrefixSelection {
  readonly prefix: Prefix;
  /** Best first, then the rest of the ECMP set, then the others in the order they lost. */
  readonly paths: readonly RoutePath[];
}

export interface LocRibOptions extends MultipathOptions {
  readonly localAsn: number;
}

function decodedOf(rib: AdjRibIn, id: number): PathAttributes {
  const set = rib.attributes.get(id);
  return set ? decodedAttributes(set) : {};
}

/** Every path of a prefix in one table, as [path id, attribute set id]. */
export function pathsOf(rib: AdjRibIn, p: Prefix): [pathId: number, set: number][] {
  return p.afi === Afi.IPV4
    ? rib.ipv4.paths(v4Addr(p.bytes, 0, p.length), p.length)
    : rib.ipv6.paths(p.bytes, 0, p.length);
}

interface Gathered {
  readonly neighbor: string;
  readonly pathId: number;
  readonly stale: boolean;
  readonly candidate: Candidate;
}

/** Paths gathered for a prefix: the candidates, and the paths import policy rejected. */
interface GatheredPaths {
  readonly candidates: Gathered[];
  readonly rejected: Gathered[];
}

function peerOf(n: PeerLike, localAsn: number): Candidate['peer'] {
  const s = n.session;
  if (s) return { address: n.address, asn: s.peerAsn, bgpId: idNumber(s.peerBgpId), ebgp: !s.ibgp };
  // Down (stale routes only): the configured ASN stands in; the router id is unknown and loses ties.
  const asns = n.configuredAsns ?? [];
  return {
    address: n.address,
    asn: asns.length === 1 ? asns[0] : undefined,
    ebgp: !(asns.length > 0 && asns.every((a) => a === localAsn)),
  };
}

function gather(neighbors: Iterable<PeerLike>, prefix: Prefix, localAsn: number): GatheredPaths {
  const out: GatheredPaths = { candidates: [], rejected: [] };
  const add = (
    n: PeerLike,
    peer: Candidate['peer'],
    pathId: number,
    stale: boolean,
    received: PathAttributes,
  ) => {
    const attributes = n.imported ? n.imported(prefix, received) : received;
    const g = {
      neighbor: n.address,
      pathId,
      stale,
      candidate: { attributes: attributes ?? received, peer, stale, pathId },
    };
    (attributes ? out.candidates : out.rejected).push(g);
  };
  for (const n of neighbors) {
    const peer = peerOf(n, localAsn);
    const current = pathsOf(n.adjRibIn, prefix);
    for (const [pathId, set] of current) add(n, peer, pathId, false, decodedOf(n.adjRibIn, set));
    if (!n.stale) continue;
    // A stale path the peer has announced again is superseded by the new one.
    const fresh = new Set(current.map(([id]) => id));
    for (const [pathId, set] of pathsOf(n.stale, prefix))
      if (!fresh.has(pathId)) add(n, peer, pathId, true, decodedOf(n.stale, set));
  }
  return out;
}

/**
 * The Loc-RIB entry of `prefix`, or undefined when no path exists. Herald's own route for the
 * prefix, if any, is best (as a locally originated route with FRR's weight would be).
 */
export function selectPrefix(
  prefix: Prefix,
  neighbors: Iterable<PeerLike>,
  local: LocalRoute | undefined,
  options: LocRibOptions,
): PrefixSelection | undefined {
  const { candidates: found, rejected } = gather(neighbors, prefix, options.localAsn);
  if (found.length === 0 && rejected.length === 0 && !local) return undefined;
  const ranking = rankPaths(
    found.map((g) => g.candidate),
    options.localAsn,
  );
  const ecmp = local
    ? []
    : multipathSet(
        found.map((g) => g.candidate),
        ranking,
        options,
      );
  const inSet = new Set(ecmp);
  const path = (g: Gathered, i: number): RoutePath => ({
    neighbor: g.neighbor,
    pathId: g.pathId,
    stale: g.stale,
    attributes: g.candidate.attributes,
    best: !local && i === ranking.best,
    multipath: inSet.has(i),
    ...(local
      ? { lostAt: 'originatedLocally' as const }
      : i === ranking.best
        ? {}
        : { lostAt: ranking.lostAt[i] }),
  });
  const rest = found
    .map((g, i) => ({ g, i }))
    .filter(({ i }) => !inSet.has(i))
    .sort((a, b) => stepOrder(ranking.lostAt[b.i]) - stepOrder(ranking.lostAt[a.i]));
  const paths: RoutePath[] = [
    ...(local
      ? [
          {
            neighbor: 'local',
            pathId: 0,
            stale: false,
            attributes: localPathAttributes(local),
            best: true,
            multipath: true,
          },
        ]
      : []),
    ...ecmp.map((i) => path(found[i], i)),
    ...rest.map(({ g, i }) => path(g, i)),
    ...rejected.map((g) => ({
      neighbor: g.neighbor,
      pathId: g.pathId,
      stale: g.stale,
      attributes: g.candidate.attributes,
      best: false,
      multipath: false,
      lostAt: 'importPolicy' as const,
    })),
  ];
  return { prefix, paths };
}

/** Later decision steps first: a path that lost late came closer to being best. */
function stepOrder(step: LostReason | undefined): number {
  return step === 'originatedLocally' || step === 'importPolicy' || step === undefined
    ? -1
    : DECISION_STEPS.indexOf(step);
}
