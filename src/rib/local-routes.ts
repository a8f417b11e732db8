// Routes Herald originates (from the config's `announce:` list and at run time), and the
// attributes each peer gets for them: next-hop self by default, our ASN (plus prepends) for eBGP,
// LOCAL_PREF only for iBGP (RFC 4271 §5.1.5). Pure.
import type { LargeCommunity, PathAttributes, Prefix } from '../wire/index.js';
import {
  Afi,
  AsPathSegmentType,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
  parsePrefix,
  prefixKey,
  Safi,
} from '../wire/index.js';

export interface LocalRoute {
  readonly prefix: Prefix;
  /** Explicit next hop; default: the session's local address (next-hop self). */
  readonly nextHop?: string;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  readonly extendedCommunities: readonly bigint[];
  readonly localPref?: number;
  readonly med?: number;
  readonly asPathPrepend: number;
  /** Only these neighbors (addresses) get the route; absent: every neighbor. */
  readonly peers?: readonly string[];
}

export interface LocalRouteSpec {
  prefix: string;
  nextHop?: string;
  communities?: readonly string[];
  largeCommunities?: readonly string[];
  extendedCommunities?: readonly string[];
  localPref?: number;
  med?: number;
  asPathPrepend?: number;
}

/** The first of each value (by `key`), in order. */
function unique<T>(list: readonly T[], key: (v: T) => unknown = (v) => v): T[] {
  const seen = new Set<unknown>();
  return list.filter((v) => !seen.has(key(v)) && seen.add(key(v)));
}

/**
 * Parses a spec (config entry or API body); throws with a message naming the bad value. A community
 * given twice (`no-export` and `65535:65281`) is sent once, as FRR and BIRD do; RFC 8092 §5:
 * "Duplicate BGP Large Community values MUST NOT be transmitted."
 */
export function localRoute(spec: LocalRouteSpec): LocalRoute {
  return {
    prefix: parsePrefix(spec.prefix),
    nextHop: spec.nextHop,
    communities: unique((spec.communities ?? []).map(parseCommunity)),
    largeCommunities: unique((spec.largeCommunities ?? []).map(parseLargeCommunity), (c) =>
      [c.global, c.local1, c.local2].join(':'),
    ),
    extendedCommunities: unique((spec.extendedCommunities ?? []).map(parseExtendedCommunity)),
    localPref: spec.localPref,
    med: spec.med,
    asPathPrepend: spec.asPathPrepend ?? 0,
  };
}

export function localRouteKey(r: LocalRoute): string {
  return prefixKey(r.prefix);
}

/** The attributes of an originated route as the Loc-RIB shows it: empty AS path, IGP origin. */
export function localPathAttributes(r: LocalRoute): PathAttributes {
  return {
    origin: 0,
    asPath: [],
    ...(r.nextHop !== undefined ? { nextHop: r.nextHop } : {}),
    ...(r.med !== undefined ? { med: r.med } : {}),
    ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
    communities: r.communities,
    largeCommunities: r.largeCommunities,
    extendedCommunities: r.extendedCommunities,
  };
}

/** What the session offers for computing export attributes. */
export interface ExportSession {
  readonly localAsn: number;
  readonly ibgp: boolean;
  /** Our address on this session (IPv4 or IPv6). */
  readonly localAddress: string;
  /** Our IPv6 address for IPv6 routes on an IPv4 session, if we have one. */
  readonly localAddress6?: string;
  /** RFC 8950 negotiated for IPv4 unicast: IPv4 routes may carry an IPv6 next hop. */
  readonly ipv4OverIpv6: boolean;
}

/** RFC 4271 §5.1.5: "the default ... LOCAL_PREF" most speakers use. */
export const DEFAULT_LOCAL_PREF = 100;

/**
 * The attributes `route` is sent with on `session`, or undefined when no usable next hop exists
 * for its family there (an IPv6 route on an IPv4-only session without an IPv6 address).
 */
export function exportAttributes(route: LocalRoute, session: ExportSession): PathAttributes | undefined {
  const v6Session = session.localAddress.includes(':');
  const afi = route.prefix.afi;
  const asns = new Array<number>((session.ibgp ? 0 : 1) + route.asPathPrepend).fill(session.localAsn);
  const attrs: PathAttributes = {
    origin: 0,
    asPath: asns.length > 0 ? [{ type: AsPathSegmentType.AS_SEQUENCE, asns }] : [],
  };
  if (route.med !== undefined) attrs.med = route.med;
  if (session.ibgp) attrs.localPref = route.localPref ?? DEFAULT_LOCAL_PREF;
  if (route.communities.length > 0) attrs.communities = route.communities;
  if (route.largeCommunities.length > 0) attrs.largeCommunities = route.largeCommunities;
  if (route.extendedCommunities.length > 0) attrs.extendedCommunities = route.extendedCommunities;

  if (afi === Afi.IPV4) {
    const nh = route.nextHop ?? (v6Session ? undefined : session.localAddress);
    if (nh && !nh.includes(':')) {
      attrs.nextHop = nh;
      return attrs;
    }
    // RFC 8950: an IPv6 next hop for IPv4 routes, in MP_REACH_NLRI, only when negotiated.
    const nh6 = nh ?? (v6Session ? session.localAddress : undefined);
    if (!nh6 || !session.ipv4OverIpv6) return undefined;
    attrs.mpReach = { afi: Afi.IPV4, safi: Safi.UNICAST, nextHop: nh6, nlri: [] };
    return attrs;
  }
  const nh6 = route.nextHop ?? (v6Session ? session.localAddress : session.localAddress6);
  if (!nh6?.includes(':')) return undefined;
  attrs.mpReach = { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: nh6, nlri: [] };
  return attrs;
}

const attributeKeys = new WeakMap<LocalRoute, string>();

/**
 * What a route's attributes on the way out depend on, apart from the session: its family and the
 * announcement's attributes, not its prefix. Routes with the same key share one out set, so 100,000
 * /32s announced alike go out packed in a few hundred UPDATEs.
 */
export function localAttributesKey(r: LocalRoute): string {
  let key = attributeKeys.get(r);
  if (key === undefined) {
    key = JSON.stringify([
      r.prefix.afi,
      r.nextHop ?? null,
      r.communities,
      r.largeCommunities,
      r.extendedCommunities.map(String),
      r.localPref ?? null,
      r.med ?? null,
      r.asPathPrepend,
    ]);
    attributeKeys.set(r, key);
  }
  return key;
}
