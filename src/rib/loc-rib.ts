// The Loc-RIB of one prefix: every path the neighbors' Adj-RIBs-In hold for it (stale copies of
// restarting peers included), Herald's own route if it originates the prefix, the best path by the
// RFC 4271 §9.1 decision process, the ECMP set (`maximumPaths`, `multipathRelax`) and, for each
// path that is not best, the step of the decision it lost at. Computed from the tables on demand,
// so it is always current; the routing engine asks for it whenever a prefix's paths change. Pure.
import { Afi, type PathAttributes, type Prefix } from '../wire/index.js';
import { type AdjRibIn, v4Addr } from './adj-rib-in.js';
import { type AttributeSet, attributesOf, decodedAttributes } from './attribute-store.js';
import {
  type Candidate,
  comparePaths,
  DECISION_STEPS,
  type DecisionOptions,
  type DecisionStep,
  type MultipathOptions,
  multipathSet,
  rankPaths,
} from './best-path.js';
import type { PathList } from './ipv4-table.js';
import { candidatePeer, type PeerLike } from './loc-rib-view.js';
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
  /** The path's attributes (after import policy); decoded when first read. */
  readonly attributes: PathAttributes;
  /** Its next hop, known without decoding the attributes. */
  readonly nextHop?: string;
  readonly best: boolean;
  /** In the ECMP set (the best path included). */
  readonly multipath: boolean;
  readonly lostAt?: LostReason;
  /**
   * What the attributes come from — an interned attribute set, or the import policy's result —
   * for caches keyed by identity (export), and a decode that keeps nothing (a cache miss).
   */
  readonly origin?: { readonly key: object; read(): PathAttributes };
}

export interface PrefixSelection {
  readonly prefix: Prefix;
  /** Best first, then the rest of the ECMP set, then the others in the order they lost. */
  readonly paths: readonly RoutePath[];
}

export interface LocRibOptions extends MultipathOptions, DecisionOptions {
  readonly localAsn: number;
}

/** Every path of a prefix in one table, as [path id, attribute set id]. */
export function pathsOf(rib: AdjRibIn, p: Prefix): PathList {
  return p.afi === Afi.IPV4
    ? rib.ipv4.paths(v4Addr(p.bytes, 0, p.length), p.length)
    : rib.ipv6.paths(p.bytes, 0, p.length);
}

/** One path found for the prefix, its attributes decoded only when first read. */
class Gathered implements RoutePath {
  private decoded?: PathAttributes;
  best = false;
  multipath = false;
  lostAt?: LostReason;

  constructor(
    readonly source: PeerLike,
    readonly pathId: number,
    readonly stale: boolean,
    private readonly set: AttributeSet | undefined,
    /** The import policy's result, when the neighbor has one (then already decoded). */
    private readonly imported?: PathAttributes,
  ) {
    this.decoded = imported;
  }

  /** Made on first read (export reads it once per neighbor), null when there is nothing to key by. */
  private originMemo?: RoutePath['origin'] | null;

  get origin(): RoutePath['origin'] {
    if (this.originMemo === undefined) {
      const key = this.imported ?? this.set;
      this.originMemo = key
        ? { key, read: () => this.decoded ?? (this.set ? attributesOf(this.set) : {}) }
        : null;
    }
    return this.originMemo ?? undefined;
  }

  get neighbor(): string {
    return this.source.address;
  }

  get nextHop(): string | undefined {
    return this.decoded ? (this.decoded.mpReach?.nextHop ?? this.decoded.nextHop) : this.set?.nextHop;
  }

  get attributes(): PathAttributes {
    this.decoded ??= this.set ? decodedAttributes(this.set) : {};
    return this.decoded;
  }

  /** Marks the path's place in the selection (a follower that needs only the next hop never decodes). */
  view(best: boolean, multipath: boolean, lostAt?: LostReason): RoutePath {
    this.best = best;
    this.multipath = multipath;
    this.lostAt = lostAt;
    return this;
  }
}

/** Paths gathered for a prefix: the candidates, and the paths import policy rejected. */
interface GatheredPaths {
  readonly candidates: Gathered[];
  rejected: Gathered[];
}

function gather(neighbors: Iterable<PeerLike>, prefix: Prefix): GatheredPaths {
  const out: GatheredPaths = { candidates: [], rejected: NONE_REJECTED };
  for (const n of neighbors) {
    const current = flatPathsOf(n.adjRibIn, prefix, CURRENT);
    for (let i = 0; i < current; i++)
      addPath(out, prefix, n, n.adjRibIn, CURRENT[2 * i], CURRENT[2 * i + 1], false);
    if (!n.stale) continue;
    // A stale path the peer has announced again is superseded by the new one.
    const stale = flatPathsOf(n.stale, prefix, STALE);
    for (let i = 0; i < stale; i++) {
      const pathId = STALE[2 * i];
      if (!hasPathId(CURRENT, current, pathId))
        addPath(out, prefix, n, n.stale, pathId, STALE[2 * i + 1], true);
    }
  }
  return out;
}

/** Scratch for `gather`: one prefix's paths in a neighbor's table and in its stale copy, flat. */
const CURRENT: number[] = [];
const STALE: number[] = [];

/** `pathsOf` into the start of `out` as path id, set id, path id, set id…; returns how many paths. */
function flatPathsOf(rib: AdjRibIn, p: Prefix, out: number[]): number {
  if (p.afi === Afi.IPV4) return rib.ipv4.pathsInto(v4Addr(p.bytes, 0, p.length), p.length, out);
  const paths = rib.ipv6.paths(p.bytes, 0, p.length);
  paths.forEach(([pathId, setId], i) => {
    out[2 * i] = pathId;
    out[2 * i + 1] = setId;
  });
  return paths.length;
}

function hasPathId(flat: readonly number[], count: number, pathId: number): boolean {
  for (let i = 0; i < count; i++) if (flat[2 * i] === pathId) return true;
  return false;
}

/** No path rejected (shared until the first one is: most prefixes have none). */
const NONE_REJECTED: Gathered[] = [];

/** Adds path `pathId` (attribute set `setId`) of `table` to `out`, as a candidate or as rejected by import policy. */
function addPath(
  out: GatheredPaths,
  prefix: Prefix,
  n: PeerLike,
  table: AdjRibIn,
  pathId: number,
  setId: number,
  stale: boolean,
): void {
  const set = table.attributes.get(setId);
  const judge = n.imported;
  if (!judge) {
    out.candidates.push(new Gathered(n, pathId, stale, set));
    return;
  }
  const byPrefix = n.importByPrefix;
  if (byPrefix) {
    // The policy changes nothing and reads only the prefix: the attributes stay undecoded.
    const path = new Gathered(n, pathId, stale, set);
    if (byPrefix(prefix)) out.candidates.push(path);
    else rejectPath(out, path);
    return;
  }
  const received = set ? decodedAttributes(set) : {};
  const imported = judge(prefix, received);
  if (imported) out.candidates.push(new Gathered(n, pathId, stale, set, imported));
  else rejectPath(out, new Gathered(n, pathId, stale, set, received));
}

function rejectPath(out: GatheredPaths, path: Gathered): void {
  if (out.rejected === NONE_REJECTED) out.rejected = [];
  out.rejected.push(path);
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
  const { candidates: found, rejected } = gather(neighbors, prefix);
  if (found.length === 0 && rejected.length === 0 && !local) return undefined;
  const refused =
    rejected.length === 0 ? rejected : rejected.map((g) => g.view(false, false, 'importPolicy'));
  if (local) {
    const own: RoutePath = {
      neighbor: 'local',
      pathId: 0,
      stale: false,
      attributes: localPathAttributes(local),
      nextHop: local.nextHop,
      best: true,
      multipath: true,
    };
    return {
      prefix,
      paths: [own, ...found.map((g) => g.view(false, false, 'originatedLocally')), ...refused],
    };
  }
  // One candidate (the common case: a prefix from one neighbor): no decision to make, nothing to decode.
  if (found.length === 1) {
    const best = found[0].view(true, true);
    return { prefix, paths: refused.length === 0 ? [best] : [best, ...refused] };
  }
  const candidates: Candidate[] = found.map((g) => ({
    attributes: g.attributes,
    peer: candidatePeer(g.source, options.localAsn),
    stale: g.stale,
    pathId: g.pathId,
  }));
  const ranking = rankPaths(candidates, options.localAsn, options);
  const ecmp = multipathSet(candidates, ranking, options);
  const inSet = new Set(ecmp);
  const rest = found
    .map((g, i) => ({ g, i }))
    .filter(({ i }) => !inSet.has(i))
    // Among paths that lost at one step, the pairwise rules order them (add-path's N best).
    .sort(
      (a, b) =>
        stepOrder(ranking.lostAt[b.i]) - stepOrder(ranking.lostAt[a.i]) ||
        comparePaths(candidates[a.i], candidates[b.i], options.localAsn, options),
    );
  return {
    prefix,
    paths: [
      ...ecmp.map((i) =>
        found[i].view(i === ranking.best, true, i === ranking.best ? undefined : ranking.lostAt[i]),
      ),
      ...rest.map(({ g, i }) => g.view(false, false, ranking.lostAt[i])),
      ...refused,
    ],
  };
}

/** Later decision steps first: a path that lost late came closer to being best. */
function stepOrder(step: LostReason | undefined): number {
  return step === 'originatedLocally' || step === 'importPolicy' || step === undefined
    ? -1
    : DECISION_STEPS.indexOf(step);
}
