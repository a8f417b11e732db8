// The Loc-RIB as operators know it from `show ip bgp`: for each prefix, every candidate path from
// every peer's Adj-RIB-In (add-path paths and graceful-restart stale paths included), the one the
// decision process selects marked `best` and yielded first. Streamed: nothing is collected per
// prefix beyond the prefix's own candidates, so a full table across several peers costs memory for
// decoded attribute sets only (cached per peer and set id, as route-view.ts does, up to a bound).
//
// How each prefix is emitted exactly once without remembering which were: the Adj-RIBs-In are
// walked in a fixed order of sources (each peer's current table, then its stale one); a route is
// skipped when an earlier source holds its prefix (it was emitted there) or when its own source
// holds the prefix under a smaller path id (it is emitted at that one). Otherwise the prefix's
// paths are looked up in this and every later source and the whole group is yielded.
import { Afi, formatPrefix, type PathAttributes, type Prefix, parsePrefix } from '../wire/index.js';
import { type AdjRibIn, v4Addr } from './adj-rib-in.js';
import { type AttributeSet, attributesOf } from './attribute-store.js';
import {
  type Candidate,
  type CandidatePeer,
  type DecisionOptions,
  idNumber,
  selectBest,
} from './best-path.js';
import type { PathList } from './ipv4-table.js';
import { ipv4Prefix, type RouteFilter, type RouteView, viewAttributes } from './route-view.js';

/** What the Loc-RIB view needs of a neighbor: `Peer` (src/session/peer.ts) has these members. */
export interface PeerLike {
  readonly address: string;
  readonly adjRibIn: AdjRibIn;
  /** The routes kept across the peer's graceful restart (RFC 4724 §4.2), if any. */
  readonly stale?: AdjRibIn;
  /** The established session; absent while the peer is down (its stale routes may remain). */
  readonly session?: { readonly peerAsn: number; readonly peerBgpId: string; readonly ibgp: boolean };
  /** The ASNs configured for the neighbor: the peer ASN and iBGP/eBGP while there is no session. */
  readonly configuredAsns?: readonly number[];
  /** The AS its session speaks as (absent: the engine's). */
  readonly localAsn?: number;
  /**
   * The attributes a received path has after the neighbor's import policy, or undefined when the
   * policy rejects it (absent: every path is accepted as received).
   */
  readonly imported?: (prefix: Prefix, attributes: PathAttributes) => PathAttributes | undefined;
  /**
   * Present when the import policy reads and changes no attribute: whether it accepts a path for
   * `prefix` (then the Loc-RIB judges paths without decoding their attributes).
   */
  readonly importByPrefix?: (prefix: Prefix) => boolean;
}

interface Decoded {
  readonly attributes: PathAttributes;
  readonly view: ReturnType<typeof viewAttributes>;
}

/** One Adj-RIB-In to read paths from. */
interface Source {
  readonly rib: AdjRibIn;
  readonly stale: boolean;
  readonly neighbor: string;
  readonly peer: CandidatePeer;
  /** For a stale table, the peer's current one: a path it holds again supersedes the stale copy. */
  readonly current?: AdjRibIn;
  readonly imported?: PeerLike['imported'];
  readonly cache: Map<AttributeSet | undefined, Decoded>;
  readonly cacheLimit: number;
}

/** One path of the prefix being emitted. */
interface Path {
  readonly source: Source;
  readonly pathId: number;
  readonly decoded: Decoded;
}

/** The session a neighbor's paths were learned on, as the decision process sees it. */
export function candidatePeer(p: PeerLike, localAsn: number): CandidatePeer {
  const s = p.session;
  if (s) return { address: p.address, asn: s.peerAsn, bgpId: idNumber(s.peerBgpId), ebgp: !s.ibgp };
  // Down (stale routes only): the configured ASN stands in; the router id is unknown and loses ties.
  const asns = p.configuredAsns ?? [];
  const sessionAsn = p.localAsn ?? localAsn;
  return {
    address: p.address,
    asn: asns.length === 1 ? asns[0] : undefined,
    ebgp: !(asns.length > 0 && asns.every((a) => a === sessionAsn)),
  };
}

/**
 * Decoded attribute sets kept across all sources. Full tables from several peers hold hundreds of
 * thousands of distinct sets each, and unlike an Adj-RIB-In walk every peer's cache is live for the
 * whole walk; past this many a source's cache starts over (a set is then decoded again).
 */
export const CACHE_LIMIT = 1 << 18;

function decoded(src: Source, id: number): Decoded {
  // Keyed by the set, not its id: ids are reused once freed, and UPDATEs may arrive mid-listing.
  const set = src.rib.attributes.get(id);
  let d = src.cache.get(set);
  if (!d) {
    const attributes = set ? attributesOf(set) : {};
    d = { attributes, view: viewAttributes(attributes) };
    if (src.cache.size >= src.cacheLimit) src.cache.clear();
    src.cache.set(set, d);
  }
  return d;
}

const byPathId = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0];

/** The paths of one prefix from `sources[from..]`, given a lookup of [path id, set id] pairs. */
function gather(
  sources: readonly Source[],
  from: number,
  lookup: (rib: AdjRibIn) => PathList,
  has: (rib: AdjRibIn, pathId: number) => boolean,
  prefix: () => Prefix,
): Path[] {
  const out: Path[] = [];
  for (let t = from; t < sources.length; t++) {
    const src = sources[t];
    const paths = lookup(src.rib);
    const found = paths.length > 1 ? [...paths].sort(byPathId) : paths;
    for (const [pathId, id] of found) {
      if (src.current && has(src.current, pathId)) continue;
      const d = decoded(src, id);
      if (!src.imported) {
        out.push({ source: src, pathId, decoded: d });
        continue;
      }
      // The neighbor's import policy: rejected paths are not in the Loc-RIB, changed ones show as changed.
      const attributes = src.imported(prefix(), d.attributes);
      if (!attributes) continue;
      out.push({
        source: src,
        pathId,
        decoded: attributes === d.attributes ? d : { attributes, view: viewAttributes(attributes) },
      });
    }
  }
  return out;
}

/** The rows of one prefix: the best path first, then the others in source and path id order. */
function* rows(
  prefix: string,
  paths: Path[],
  localAsn: number,
  decision: DecisionOptions,
): Generator<RouteView> {
  const candidates: Candidate[] = paths.map((p) => ({
    attributes: p.decoded.attributes,
    peer: p.source.peer,
    stale: p.source.stale,
    pathId: p.pathId,
  }));
  const best = selectBest(candidates, localAsn, decision);
  const row = (p: Path, isBest: boolean): RouteView => ({
    prefix,
    ...(p.pathId ? { pathId: p.pathId } : {}),
    neighbor: p.source.neighbor,
    ...p.decoded.view,
    best: isBest,
    stale: p.source.stale,
  });
  if (best >= 0) yield row(paths[best], true);
  for (let i = 0; i < paths.length; i++) if (i !== best) yield row(paths[i], false);
}

function v4Text(addr: number, length: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${length}`;
}

/**
 * The Loc-RIB of `peers` (walked in their iteration order), filtered: every prefix once, its paths
 * together, the best first. At most about `cacheLimit` decoded attribute sets are kept. Tables may
 * change while a listing streams: a route is shown as it is when reached (a prefix changed meanwhile
 * may be missed or repeated), never with another set's attributes.
 */
export function* locRibRoutes(
  peers: Iterable<PeerLike>,
  localAsn: number,
  filter: RouteFilter,
  cacheLimit = CACHE_LIMIT,
  decision: DecisionOptions = {},
): Generator<RouteView> {
  const list = [...peers];
  const tables = list.reduce((n, p) => n + (p.stale ? 2 : 1), 0);
  const perSource = Math.max(1, Math.floor(cacheLimit / Math.max(1, tables)));
  const sources: Source[] = [];
  for (const p of list) {
    const peer = candidatePeer(p, localAsn);
    const common = { neighbor: p.address, peer, cacheLimit: perSource, imported: p.imported };
    sources.push({ rib: p.adjRibIn, stale: false, cache: new Map(), ...common });
    if (p.stale)
      sources.push({ rib: p.stale, stale: true, current: p.adjRibIn, cache: new Map(), ...common });
  }

  if (filter.prefix !== undefined) {
    // One prefix: look it up in every table rather than walk them.
    let p: ReturnType<typeof parsePrefix>;
    try {
      p = parsePrefix(filter.prefix);
    } catch {
      return;
    }
    if (formatPrefix(p) !== filter.prefix) return;
    if (filter.afi && filter.afi !== (p.afi === Afi.IPV4 ? 'ipv4' : 'ipv6')) return;
    const paths =
      p.afi === Afi.IPV4
        ? gather(
            sources,
            0,
            (rib) => rib.ipv4.paths(v4Addr(p.bytes, 0, p.length), p.length),
            (rib, id) => rib.ipv4.get(v4Addr(p.bytes, 0, p.length), p.length, id) !== undefined,
            () => p,
          )
        : gather(
            sources,
            0,
            (rib) => rib.ipv6.paths(p.bytes, 0, p.length),
            (rib, id) => rib.ipv6.get(p.bytes, 0, p.length, id) !== undefined,
            () => p,
          );
    if (paths.length > 0) yield* rows(filter.prefix, paths, localAsn, decision);
    return;
  }

  if (filter.afi !== 'ipv6') {
    for (let s = 0; s < sources.length; s++) {
      const table = sources[s].rib.ipv4;
      for (const [addr, length, pathId] of table.entries()) {
        if (earlierV4(sources, s, addr, length)) continue;
        // Path ids are unsigned: 0 is always the smallest; others are checked against their siblings.
        if (pathId !== 0 && table.paths(addr, length).some(([id]) => id < pathId)) continue;
        const paths = gather(
          sources,
          s,
          (rib) => rib.ipv4.paths(addr, length),
          (rib, id) => rib.ipv4.get(addr, length, id) !== undefined,
          () => ipv4Prefix(addr, length),
        );
        yield* rows(v4Text(addr, length), paths, localAsn, decision);
      }
    }
  }
  if (filter.afi !== 'ipv4') {
    for (let s = 0; s < sources.length; s++) {
      const table = sources[s].rib.ipv6;
      for (const [bytes, length, pathId] of table.entries()) {
        if (earlierV6(sources, s, bytes, length)) continue;
        if (pathId !== 0 && table.paths(bytes, 0, length).some(([id]) => id < pathId)) continue;
        const paths = gather(
          sources,
          s,
          (rib) => rib.ipv6.paths(bytes, 0, length),
          (rib, id) => rib.ipv6.get(bytes, 0, length, id) !== undefined,
          () => ({ afi: Afi.IPV6, length, bytes }),
        );
        yield* rows(formatPrefix({ afi: Afi.IPV6, length, bytes }), paths, localAsn, decision);
      }
    }
  }
}

/** Whether a source before `s` holds the IPv4 prefix (it was emitted there). */
function earlierV4(sources: readonly Source[], s: number, addr: number, length: number): boolean {
  for (let t = 0; t < s; t++) if (sources[t].rib.ipv4.hasPrefix(addr, length)) return true;
  return false;
}

function earlierV6(sources: readonly Source[], s: number, bytes: Uint8Array, length: number): boolean {
  for (let t = 0; t < s; t++) if (sources[t].rib.ipv6.hasPrefix(bytes, 0, length)) return true;
  return false;
}
