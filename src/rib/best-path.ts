// The BGP decision process (RFC 4271 §9.1) over the candidate paths of one prefix: which one is
// best, with the refinements deployed speakers share (RFC 4456 route reflection, RFC 5065
// confederations). Pure: decoded attributes in, an index out.
//
// §9.1.2 excludes a path with an AS loop from Phase 2: the import rules drop such a path on
// receipt (import-rules.ts, with the neighbor's allowAsIn and its own local AS), so every
// candidate here is eligible — as in FRR, which checks loops on receipt only. Checked again here,
// a path allowAsIn let in, or one our own import policy prepended with our ASN, would be
// excluded whenever the prefix had another path. NEXT_HOP resolvability (§9.1.2.1) is not
// checked: every next hop counts as reachable.
//
// `selectBest` follows RFC 4271 §9.1.2.2 literally, as a sequence of eliminations over the whole
// set, so its answer does not depend on the order of the candidates. `comparePaths` is the same
// rules pairwise (for ordering and tests); because MULTI_EXIT_DISC is only comparable between
// paths from the same neighbor AS, it is not transitive when several neighbor ASes are mixed, and
// it must not be used to pick the best path of such a set.
import { AsPathSegmentType, type PathAttributes, parseAddress } from '../wire/index.js';
import { DEFAULT_LOCAL_PREF } from './local-routes.js';

/** The session a candidate was learned on. */
export interface CandidatePeer {
  /** Peer address (IPv4 or IPv6 text): the last tie-break. */
  readonly address: string;
  /** Peer ASN, when known: the neighbor AS of a path learned over eBGP with no AS_SEQUENCE first. */
  readonly asn?: number;
  /** The peer's BGP Identifier (router id), as a number or dotted quad; unknown ones lose ties. */
  readonly bgpId?: number | string;
  readonly ebgp: boolean;
}

export interface Candidate {
  readonly attributes: PathAttributes;
  readonly peer: CandidatePeer;
  /** Kept from before the peer's graceful restart (RFC 4724): shown, and compared like any other. */
  readonly stale: boolean;
  /** RFC 7911 path id: a last, local tie-break between paths of one peer (no RFC orders them). */
  readonly pathId?: number;
}

/** A BGP Identifier (dotted quad or number) as a number; 2^32 ("unknown", loses ties) when absent or bad. */
export function idNumber(id: number | string | undefined): number {
  if (typeof id === 'number') return id >>> 0;
  if (id === undefined) return 2 ** 32;
  const parts = id.split('.');
  if (parts.length !== 4) return 2 ** 32;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return 2 ** 32;
    n = n * 256 + v;
  }
  return n;
}

/** A peer address as a comparable key: IPv4 before IPv6, then numerically; bad text last. */
function addressKey(address: string): string {
  try {
    const bytes = parseAddress(address);
    return `${bytes.length === 4 ? 4 : 6}${Buffer.from(bytes).toString('hex')}`;
  } catch {
    return `9${address}`;
  }
}

/** RFC 4271 §9.1.1: the degree of preference. */
export function localPref(c: Candidate): number {
  // §5.1.5: LOCAL_PREF "received from an external peer ... MUST be ignored" — the codec discards
  // it on receipt (RFC 7606 §7.5), so one on an eBGP path was set by its import policy: §9.1.1's
  // "degree of preference based on preconfigured policy information". Else the default.
  return c.attributes.localPref ?? DEFAULT_LOCAL_PREF;
}

/** RFC 4271 §9.1.2.2 a: AS_PATH length, an AS_SET counting 1; RFC 5065 §5.3: confederation segments 0. */
export function asPathLength(a: PathAttributes): number {
  let n = 0;
  for (const seg of a.asPath ?? []) {
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) n += seg.asns.length;
    else if (seg.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 4271 §9.1.2.2 c: "neighborAS(n) is a function that returns the neighbor AS from which the
 * route was received": the leftmost AS of the AS_PATH (after the confederation segments, RFC 5065);
 * a path that is empty there or starts with an AS_SET was originated or aggregated inside, so
 * "it is the local AS" for iBGP, and the peer's AS for eBGP.
 */
export function neighborAs(c: Candidate, localAsn: number): number {
  for (const seg of c.attributes.asPath ?? []) {
    if (seg.type === AsPathSegmentType.AS_CONFED_SEQUENCE || seg.type === AsPathSegmentType.AS_CONFED_SET)
      continue;
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) return seg.asns[0];
    break;
  }
  return c.peer.ebgp ? (c.peer.asn ?? -1) : localAsn;
}

/** RFC 4271 §9.1.2.2 c: "Routes that do not have the MULTI_EXIT_DISC attribute are considered to have the lowest possible MULTI_EXIT_DISC value." */
function med(c: Candidate): number {
  return c.attributes.med ?? 0;
}

/** RFC 4271 §9.1.2.2 f with RFC 4456 §9: ORIGINATOR_ID "SHOULD be treated as the BGP Identifier". */
function routerId(c: Candidate): number {
  return idNumber(c.attributes.originatorId ?? c.peer.bgpId);
}

/** Keeps the indices whose key is smallest (`key` returns numbers or strings, never mixed). */
function keepMin<K extends number | string>(alive: number[], key: (i: number) => K): number[] {
  if (alive.length < 2) return alive;
  let best = key(alive[0]);
  let out = [alive[0]];
  for (let k = 1; k < alive.length; k++) {
    const v = key(alive[k]);
    if (v < best) {
      best = v;
      out = [alive[k]];
    } else if (v === best) out.push(alive[k]);
  }
  return out;
}

/** The decision step that removed a path, in RFC 4271 §9.1 order (with RFC 4456's cluster list). */
export const DECISION_STEPS = [
  'localPref',
  'asPathLength',
  'origin',
  'med',
  'ebgpOverIbgp',
  'routerId',
  'clusterListLength',
  'peerAddress',
  'pathId',
] as const;
export type DecisionStep = (typeof DECISION_STEPS)[number];

/** Knobs of the decision process (top-level config keys; both off by default). */
export interface DecisionOptions {
  /**
   * Compare MULTI_EXIT_DISC between paths from different neighbor ASes too (FRR's `bgp
   * always-compare-med`). RFC 4271 §9.1.2.2 c compares it only within one neighbor AS.
   */
  readonly alwaysCompareMed?: boolean;
  /**
   * Group the paths by neighbor AS, select the best of each group, then select among those (FRR's
   * `bgp deterministic-med`). RFC 4271's set-wide elimination (the default) is already independent
   * of the order of the paths and selects the same best path; this runs the grouped procedure.
   */
  readonly deterministicMed?: boolean;
}

const RFC_DECISION: DecisionOptions = {};

/** The best path's index (-1 when none is eligible) and, for every other path, the step it lost at. */
export interface Ranking {
  readonly best: number;
  readonly lostAt: readonly (DecisionStep | undefined)[];
}

/**
 * The index of the path the decision process selects, or -1 when none is eligible. Candidates
 * that tie on every rule are decided by their order (only possible for duplicates).
 */
export function selectBest(
  candidates: readonly Candidate[],
  localAsn: number,
  options: DecisionOptions = RFC_DECISION,
): number {
  if (candidates.length <= 1) return candidates.length - 1;
  return rankPaths(candidates, localAsn, options).best;
}

/** RFC 4271 §9.1.2.2, step by step over the whole set, recording where each path dropped out. */
export function rankPaths(
  candidates: readonly Candidate[],
  localAsn: number,
  options: DecisionOptions = RFC_DECISION,
): Ranking {
  // With MED compared across ASes every path is in one group: grouping changes nothing.
  if (options.deterministicMed && !options.alwaysCompareMed) return rankGrouped(candidates, localAsn);
  const lostAt: (DecisionStep | undefined)[] = new Array(candidates.length).fill(undefined);
  let alive: number[] = candidates.map((_, i) => i);
  if (alive.length === 0) return { best: -1, lostAt };
  const c = candidates;
  const step = (name: DecisionStep, keep: number[]) => {
    if (keep.length === alive.length) return;
    const kept = new Set(keep);
    for (const i of alive) if (!kept.has(i)) lostAt[i] = name;
    alive = keep;
  };
  // §9.1.1 (Phase 1): highest degree of preference.
  step(
    'localPref',
    keepMin(alive, (i) => -localPref(c[i])),
  );
  // §9.1.2.2 a: "smallest number of AS numbers present in their AS_PATH attributes".
  step(
    'asPathLength',
    keepMin(alive, (i) => asPathLength(c[i].attributes)),
  );
  // §9.1.2.2 b: "lowest Origin number" (IGP 0 < EGP 1 < INCOMPLETE 2).
  step(
    'origin',
    keepMin(alive, (i) => c[i].attributes.origin ?? 2),
  );
  // §9.1.2.2 c: remove m when some n from the same neighbor AS has a lower MED; with
  // alwaysCompareMed, when any n has a lower MED.
  if (alive.length > 1 && options.alwaysCompareMed)
    step(
      'med',
      keepMin(alive, (i) => med(c[i])),
    );
  else if (alive.length > 1) {
    const groupMin = new Map<number, number>();
    for (const i of alive) {
      const as = neighborAs(c[i], localAsn);
      const m = groupMin.get(as);
      if (m === undefined || med(c[i]) < m) groupMin.set(as, med(c[i]));
    }
    step(
      'med',
      alive.filter((i) => med(c[i]) === groupMin.get(neighborAs(c[i], localAsn))),
    );
  }
  // §9.1.2.2 d: "If at least one of the candidate routes was received via EBGP, remove from
  // consideration all routes that were received via IBGP."
  if (alive.some((i) => c[i].peer.ebgp))
    step(
      'ebgpOverIbgp',
      alive.filter((i) => c[i].peer.ebgp),
    );
  // §9.1.2.2 e: "less-preferred interior cost" — skipped: no IGP, every next hop costs the same.
  // §9.1.2.2 f: "the lowest BGP Identifier value" (ORIGINATOR_ID when present, RFC 4456 §9).
  step(
    'routerId',
    keepMin(alive, (i) => routerId(c[i])),
  );
  // RFC 4456 §9: "a BGP Speaker SHOULD prefer a route with the shorter CLUSTER_LIST length",
  // inserted between steps f and g.
  step(
    'clusterListLength',
    keepMin(alive, (i) => c[i].attributes.clusterList?.length ?? 0),
  );
  // §9.1.2.2 g: "Prefer the route received from the lowest peer address."
  step(
    'peerAddress',
    keepMin(alive, (i) => addressKey(c[i].peer.address)),
  );
  // Add-path paths of one peer: the lowest path id (a local choice).
  step(
    'pathId',
    keepMin(alive, (i) => c[i].pathId ?? 0),
  );
  // RFC 4724 keeps stale paths as they were ("retain the routes ... and mark them as stale"),
  // without lowering their preference: stale plays no part above.
  for (const i of alive.slice(1)) lostAt[i] = 'pathId';
  return { best: alive[0], lostAt };
}

/**
 * Deterministic MED: the paths of each neighbor AS ranked among themselves, then the group bests
 * ranked against each other. A path keeps the step it lost at inside its group, a group best the
 * step it lost at among the bests.
 */
function rankGrouped(candidates: readonly Candidate[], localAsn: number): Ranking {
  const lostAt: (DecisionStep | undefined)[] = new Array(candidates.length).fill(undefined);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < candidates.length; i++) {
    const as = neighborAs(candidates[i], localAsn);
    const g = groups.get(as);
    if (g) g.push(i);
    else groups.set(as, [i]);
  }
  const bests: number[] = [];
  const groupOf = new Map<number, number[]>();
  for (const members of groups.values()) {
    const r = rankPaths(
      members.map((i) => candidates[i]),
      localAsn,
    );
    members.forEach((i, k) => {
      lostAt[i] = r.lostAt[k];
    });
    bests.push(members[r.best]);
    groupOf.set(members[r.best], members);
  }
  if (bests.length === 0) return { best: -1, lostAt };
  const final = rankPaths(
    bests.map((i) => candidates[i]),
    localAsn,
  );
  bests.forEach((i, k) => {
    const groupLost = final.lostAt[k];
    lostAt[i] = groupLost;
    if (groupLost === undefined) return;
    // The others of a group whose best lost lost no later than it did: a path that lost its group
    // at the router id is no tie with the overall best (the ECMP set reads ties from these steps).
    for (const m of groupOf.get(i) ?? []) {
      const own = lostAt[m];
      if (m !== i && own !== undefined && DECISION_STEPS.indexOf(groupLost) < DECISION_STEPS.indexOf(own))
        lostAt[m] = groupLost;
    }
  });
  return { best: bests[final.best], lostAt };
}

const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);
const cmpKey = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The same rules pairwise: negative when `a` is preferred, positive when `b` is, 0 on a full tie.
 * MED is compared only when both come from the same
 * neighbor AS, so this is not a total order over mixed neighbor ASes (see the file comment).
 */
export function comparePaths(
  a: Candidate,
  b: Candidate,
  localAsn: number,
  options: DecisionOptions = RFC_DECISION,
): number {
  return (
    sign(localPref(b) - localPref(a)) ||
    sign(asPathLength(a.attributes) - asPathLength(b.attributes)) ||
    sign((a.attributes.origin ?? 2) - (b.attributes.origin ?? 2)) ||
    (options.alwaysCompareMed || neighborAs(a, localAsn) === neighborAs(b, localAsn)
      ? sign(med(a) - med(b))
      : 0) ||
    (a.peer.ebgp !== b.peer.ebgp ? (a.peer.ebgp ? -1 : 1) : 0) ||
    sign(routerId(a) - routerId(b)) ||
    sign((a.attributes.clusterList?.length ?? 0) - (b.attributes.clusterList?.length ?? 0)) ||
    cmpKey(addressKey(a.peer.address), addressKey(b.peer.address)) ||
    sign((a.pathId ?? 0) - (b.pathId ?? 0))
  );
}

/** Steps after which equal paths may share the traffic (RFC 4271 §9.1.2.2 e and earlier all tied). */
const MULTIPATH_TIES: ReadonlySet<DecisionStep | undefined> = new Set([
  'routerId',
  'clusterListLength',
  'peerAddress',
  'pathId',
]);

export interface MultipathOptions {
  /** At most this many paths (the best included) form the ECMP set; 1 turns multipath off. */
  readonly maximumPaths: number;
  /** Paths from different neighbor ASes (same AS_PATH length) may be combined ("allow-multiple-as"). */
  readonly multipathRelax: boolean;
}

function asPathKey(a: PathAttributes): string {
  return (a.asPath ?? []).map((s) => `${s.type}:${s.asns.join(',')}`).join(' ');
}

function nextHopOf(a: PathAttributes): string | undefined {
  return a.mpReach?.nextHop ?? a.nextHop;
}

/**
 * The ECMP set: the best path, then the paths that tied with it through every step before the
 * router-id tie-break (as FRR and BIRD do), with the same AS_PATH unless `multipathRelax`, one per
 * next hop, best first, at most `maximumPaths`. Indices into `candidates`.
 */
export function multipathSet(
  candidates: readonly Candidate[],
  ranking: Ranking,
  options: MultipathOptions,
): number[] {
  if (ranking.best < 0) return [];
  const best = candidates[ranking.best];
  const out = [ranking.best];
  if (options.maximumPaths <= 1) return out;
  const hops = new Set([nextHopOf(best.attributes)]);
  const bestPath = asPathKey(best.attributes);
  const order = candidates
    .map((_, i) => i)
    .filter((i) => i !== ranking.best && MULTIPATH_TIES.has(ranking.lostAt[i]))
    .sort((a, b) => DECISION_STEPS.indexOf(ranking.lostAt[b]!) - DECISION_STEPS.indexOf(ranking.lostAt[a]!));
  for (const i of order) {
    if (out.length >= options.maximumPaths) break;
    const a = candidates[i].attributes;
    if (!options.multipathRelax && asPathKey(a) !== bestPath) continue;
    const hop = nextHopOf(a);
    if (hops.has(hop)) continue;
    hops.add(hop);
    out.push(i);
  }
  return out;
}
