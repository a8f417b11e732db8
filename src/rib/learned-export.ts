// Which learned route a neighbor gets for a prefix, and with which attributes: the Loc-RIB's best
// path, unless RFC 4271's rules or the well-known communities forbid it, rewritten for the session
// (RFC 4271 §5.1) and passed through the neighbor's export policy. Learned routes go to an eBGP
// neighbor only when its export policy accepts them (RFC 8212: "routes ... MUST NOT be advertised
// to an EBGP peer without an explicit export policy"). Pure.
import { evaluate, type Policy, type PolicyContext, wellKnownExportBlocked } from '../policy/index.js';
import { Afi, AsPathSegmentType, type PathAttributes, type Prefix, Safi } from '../wire/index.js';
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
}

/** Whether a neighbor (by address) is an iBGP one; `undefined` for "local". */
export type IbgpOf = (address: string) => boolean | undefined;

/** Whether learned routes can go to this target at all (the engine follows the Loc-RIB for it). */
export function takesLearnedRoutes(target: { ibgp: boolean; exportPolicy?: Policy }): boolean {
  return target.ibgp || target.exportPolicy !== undefined;
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
): PathAttributes | undefined {
  const out: PathAttributes = { ...a };
  delete out.mpReach;
  delete out.mpUnreach;
  const received = a.mpReach?.nextHop ?? a.nextHop;
  let nextHop = received;
  if (t.session.ibgp) {
    out.localPref = a.localPref ?? DEFAULT_LOCAL_PREF;
  } else {
    delete out.localPref;
    delete out.med;
    delete out.originatorId;
    delete out.clusterList;
    const first = a.asPath?.[0];
    out.asPath =
      first?.type === AsPathSegmentType.AS_SEQUENCE && first.asns.length < 255
        ? [
            { type: AsPathSegmentType.AS_SEQUENCE, asns: [t.localAsn, ...first.asns] },
            ...(a.asPath ?? []).slice(1),
          ]
        : [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [t.localAsn] }, ...(a.asPath ?? [])];
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
  delete out.nextHop;
  out.mpReach = { afi: prefix.afi, safi: Safi.UNICAST, nextHop, nlri: [] };
  return out;
}

/** What a neighbor gets of a learned route, and why: the route (and the policy term), or why not. */
export type LearnedExport = { route: OutRoute; decidedBy?: string } | { refused: string };

/** The learned route `target` gets for `prefix` now, or undefined (none, or withdrawn). */
export function learnedRouteFor(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  ibgpOf: IbgpOf,
): OutRoute | undefined {
  const e = learnedExport(prefix, selection, target, ibgpOf);
  return 'route' in e ? e.route : undefined;
}

/** `learnedRouteFor` with the reason (what `herald policy test` shows). */
export function learnedExport(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  ibgpOf: IbgpOf,
): LearnedExport {
  const best = exportablePath(prefix, selection, target, ibgpOf);
  if (typeof best === 'string') return { refused: best };
  const refused = attributesRefusal(best.attributes, target);
  if (refused) return { refused };
  const attributes = rewrite(prefix, best.attributes, target);
  if (!attributes) return { refused: 'no usable next hop for this family on this session' };
  return judgeExport(prefix, attributes, 'learned', target);
}

/** The Loc-RIB path `target` may get for `prefix` (before rewrite and policy), or why none. */
export function exportablePath(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  target: LearnedExportTarget,
  ibgpOf: IbgpOf,
): RoutePath | string {
  const best = selection?.paths[0];
  if (!best?.best) return 'no best path in the Loc-RIB';
  if (best.neighbor === 'local') return 'Herald originates this prefix (sent as its own route)';
  if (best.neighbor === target.address) return 'the best path was learned from this neighbor';
  if (!target.session.families.has((prefix.afi << 8) | Safi.UNICAST))
    return 'the family is not negotiated on this session';
  const fromIbgp = ibgpOf(best.neighbor) ?? false;
  // RFC 4271 §9.2: routes learned from an internal peer are not advertised to other internal
  // peers (no route reflection configured).
  if (fromIbgp && target.session.ibgp) return 'learned over iBGP; not passed to iBGP (RFC 4271 §9.2)';
  if (!target.session.ibgp && !target.exportPolicy)
    return 'no export policy: learned routes go to eBGP neighbors only by policy (RFC 8212)';
  return best;
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
