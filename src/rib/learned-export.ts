// Which learned route a neighbor gets for a prefix, and with which attributes: the Loc-RIB's best
// path, unless RFC 4271's rules or the well-known communities forbid it, rewritten for the session
// (RFC 4271 §5.1) and passed through the neighbor's export policy. Learned routes go to an eBGP
// neighbor only when its export policy accepts them (RFC 8212: "routes ... MUST NOT be advertised
// to an EBGP peer without an explicit export policy"). Pure.
import { evaluate, type Policy, type PolicyContext, wellKnownExportBlocked } from '../policy/index.js';
import {
  Afi,
  type AsPathSegment,
  AsPathSegmentType,
  type PathAttributes,
  type Prefix,
  Safi,
} from '../wire/index.js';
import type { OutRoute } from './adj-rib-out.js';
import type { PrefixSelection, RoutePath } from './loc-rib.js';
import { DEFAULT_LOCAL_PREF } from './local-routes.js';
import type { SessionFacts } from './neighbor-ribs.js';

export interface LearnedExportTarget {
  readonly address: string;
  readonly session: SessionFacts;
  readonly localAsn: number;
  /** Our IPv6 address for IPv6 routes over an IPv4 session, if any. */
  readonly localAddress6?: string;
  readonly exportPolicy?: Policy;
  /** An iBGP neighbor that is our route-reflector client (RFC 4456 §6). */
  readonly routeReflectorClient?: boolean;
  /** The CLUSTER_ID we prepend when reflecting (RFC 4456 §8; the router id unless configured). */
  readonly clusterId?: string;
}

/** What the export rules need to know of the neighbor a path came from. */
export interface PathSource {
  readonly ibgp: boolean;
  /** Our route-reflector client. */
  readonly client: boolean;
  /** Its BGP Identifier (ORIGINATOR_ID of a reflected route), when known. */
  readonly bgpId?: string;
}

/** The source of paths learned from a neighbor (by address); `undefined` for "local". */
export type SourceOf = (address: string) => PathSource | undefined;

/**
 * RFC 4456 §6: a route from an iBGP peer goes to another iBGP peer only when one of them is a
 * client — from a client to every peer, from a non-client to the clients only.
 */
export function reflects(source: PathSource, target: { routeReflectorClient?: boolean }): boolean {
  return source.client || target.routeReflectorClient === true;
}

/** Whether learned routes can go to this target at all (the engine follows the Loc-RIB for it). */
export function takesLearnedRoutes(target: Pick<LearnedExportTarget, 'session' | 'exportPolicy'>): boolean {
  return target.session.ibgp || target.exportPolicy !== undefined;
}

/**
 * RFC 4271 §5.1: what a route looks like on the way out. To an eBGP peer: our ASN prepended
 * (§5.1.2), NEXT_HOP set to our address (§5.1.3), no LOCAL_PREF (§5.1.5), no MED from another AS
 * (§5.1.4: "MUST NOT be propagated to other neighboring ASes"), no ORIGINATOR_ID / CLUSTER_LIST
 * (RFC 4456 §8: iBGP only). To an iBGP peer: the AS_PATH and next hop unchanged, LOCAL_PREF set.
 */
export function rewrite(
  prefix: Prefix,
  a: PathAttributes,
  t: LearnedExportTarget,
  source?: PathSource,
): PathAttributes | undefined {
  // Copies leave out what changes instead of `delete`-ing it: V8 turns an object with a deleted
  // property into a slow dictionary (~450 octets), and an out set keeps its copy while in use.
  const { mpReach: _reach, mpUnreach: _unreach, nextHop: _hop, ...kept } = a;
  const received = a.mpReach?.nextHop ?? a.nextHop;
  let nextHop = received;
  let out: PathAttributes;
  if (t.session.ibgp) {
    out = { ...kept, localPref: a.localPref ?? DEFAULT_LOCAL_PREF };
    if (source?.ibgp) reflect(out, source, t);
  } else {
    const {
      localPref: _pref,
      med: _med,
      originatorId: _originator,
      clusterList: _clusters,
      ...external
    } = kept;
    out = external;
    out.asPath = prependAs(t.localAsn, a.asPath);
    const local = t.session.localAddress;
    nextHop =
      prefix.afi === Afi.IPV4
        ? local?.includes(':')
          ? undefined
          : local
        : local?.includes(':')
          ? local
          : t.localAddress6;
  }
  if (!nextHop) return undefined;
  if (prefix.afi === Afi.IPV4 && !nextHop.includes(':')) {
    out.nextHop = nextHop;
    return out;
  }
  out.mpReach = { afi: prefix.afi, safi: Safi.UNICAST, nextHop, nlri: [] };
  return out;
}

/**
 * RFC 4271 §5.1.2: our ASN as the leftmost of the AS_PATH (in a new AS_SEQUENCE when the first
 * segment is a set or full). `concat`, not spread: a spread array keeps spare slots (19 for a short
 * path), and an out set keeps this copy while routes use it.
 */
function prependAs(asn: number, asPath: readonly AsPathSegment[] = []): AsPathSegment[] {
  const first = asPath[0];
  const joins = first?.type === AsPathSegmentType.AS_SEQUENCE && first.asns.length < 255;
  const head: AsPathSegment[] = [
    { type: AsPathSegmentType.AS_SEQUENCE, asns: joins ? [asn].concat(first.asns) : [asn] },
  ];
  return head.concat(joins ? asPath.slice(1) : asPath);
}

/**
 * RFC 4456 §8: a reflected route carries the ORIGINATOR_ID ("the BGP Identifier of the originator
 * of the route in the local AS ... SHOULD NOT be modified by a route reflector" once set) and the
 * CLUSTER_LIST with our CLUSTER_ID prepended ("If the CLUSTER_LIST is empty, it MUST create a new
 * one"). Nothing else changes (§10: the RR "SHOULD NOT modify" the path attributes).
 */
function reflect(out: PathAttributes, source: PathSource, t: LearnedExportTarget): void {
  const originator = out.originatorId ?? source.bgpId;
  if (originator !== undefined) out.originatorId = originator;
  if (t.clusterId !== undefined) out.clusterList = [t.clusterId, ...(out.clusterList ?? [])];
}

/** What a neighbor gets of a learned route, and why: the route (and the policy term), or why not. */
export type LearnedExport = { route: OutRoute; decidedBy?: string } | { refused: string };

/** The learned route `target` gets for `prefix` now, or undefined (none, or withdrawn). */
export function learnedRouteFor(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  sourceOf: SourceOf,
): OutRoute | undefined {
  const e = learnedExport(prefix, selection, target, sourceOf);
  return 'route' in e ? e.route : undefined;
}

/** `learnedRouteFor` with the reason (what `herald policy test` shows). */
export function learnedExport(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  sourceOf: SourceOf,
): LearnedExport {
  const best = exportablePath(prefix, selection, target, sourceOf);
  if (typeof best === 'string') return { refused: best };
  const refused = attributesRefusal(best.attributes, target);
  if (refused) return { refused };
  const attributes = rewrite(prefix, best.attributes, target, sourceOf(best.neighbor));
  if (!attributes) return { refused: 'no usable next hop for this family on this session' };
  return judgeExport(prefix, attributes, 'learned', target);
}

/** The Loc-RIB path `target` may get for `prefix` (before rewrite and policy), or why none. */
export function exportablePath(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  sourceOf: SourceOf,
): RoutePath | string {
  const best = selection?.paths[0];
  if (!best?.best) return 'no best path in the Loc-RIB';
  if (best.neighbor === 'local') return 'Herald originates this prefix (sent as its own route)';
  if (best.neighbor === target.address) return 'the best path was learned from this neighbor';
  return pathRefusal(prefix, best, target, sourceOf) ?? best;
}

/**
 * RFC 7911 add-path send: the Loc-RIB paths `target` may get for `prefix`, best first, up to `max`
 * (before rewrite and policy). Paths that lost to the import policy
 * are not candidates; neither are the target's own paths.
 */
export function exportablePaths(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  sourceOf: SourceOf,
): RoutePath[] {
  const paths = selection?.paths;
  if (!paths?.[0]?.best || paths[0].neighbor === 'local') return [];
  const out: RoutePath[] = [];
  for (const p of paths) {
    if (p.lostAt === 'importPolicy' || p.lostAt === 'originatedLocally') continue;
    if (p.neighbor === target.address || pathRefusal(prefix, p, target, sourceOf)) continue;
    out.push(p);
  }
  return out;
}

/** Why `target` may not get a learned path (the rules of RFC 4271 §9.2 and RFC 8212), if not. */
function pathRefusal(
  prefix: Prefix,
  path: RoutePath,
  target: LearnedExportTarget,
  sourceOf: SourceOf,
): string | undefined {
  if (!target.session.families.has((prefix.afi << 8) | Safi.UNICAST))
    return 'the family is not negotiated on this session';
  const source = sourceOf(path.neighbor);
  // RFC 4271 §9.2: routes learned from an internal peer are not advertised to other internal
  // peers — unless one of the two is our route-reflector client (RFC 4456 §6).
  if (source?.ibgp && target.session.ibgp && !reflects(source, target))
    return 'learned over iBGP from a non-client; passed only to route-reflector clients (RFC 4271 §9.2, RFC 4456 §6)';
  if (!target.session.ibgp && !target.exportPolicy)
    return 'no export policy: learned routes go to eBGP neighbors only by policy (RFC 8212)';
  return undefined;
}

/** Why a path's attributes keep it from `target` (a well-known community), if they do. */
export function attributesRefusal(a: PathAttributes, target: LearnedExportTarget): string | undefined {
  const blocked = wellKnownExportBlocked(a, { ibgp: target.session.ibgp });
  return blocked && `carries the well-known community ${blocked}`;
}

/** What "next hop self" is on a session: our address there, and our IPv6 one on an IPv4 session. */
export function nextHopSelf(
  session: Pick<SessionFacts, 'localAddress'> | undefined,
  localAddress6?: string,
): PolicyContext['nextHopSelf'] {
  const local = session?.localAddress;
  return local?.includes(':') ? { ipv6: local } : { ipv4: local, ipv6: localAddress6 };
}

/** A route (ours or learned) through the neighbor's export policy, with the term that decided. */
export function judgeExport(
  prefix: Prefix,
  attributes: PathAttributes,
  routeType: PolicyContext['routeType'],
  target: LearnedExportTarget,
): LearnedExport {
  if (!target.exportPolicy) return { route: { prefix, attributes } };
  const judged = evaluate(target.exportPolicy, { prefix, attributes }, exportContext(routeType, target));
  return judged.accepted
    ? { route: { prefix, attributes: judged.attributes }, decidedBy: judged.decidedBy }
    : { refused: `rejected by the export policy (${judged.decidedBy})` };
}

/** The export policy's view of the neighbor a route goes to. */
export function exportContext(
  routeType: PolicyContext['routeType'],
  target: LearnedExportTarget,
): PolicyContext {
  return {
    direction: 'export',
    routeType,
    neighborAddress: target.address,
    neighborAsn: target.session.peerAsn,
    localAsn: target.localAsn,
    nextHopSelf: nextHopSelf(target.session, target.localAddress6),
  };
}
