// What one Established neighbor gets, as out sets for its Adj-RIB-Out: Herald's own routes and,
// where RFC 4271 and its export policy allow, the Loc-RIB's learned routes (learned-export.ts holds
// the rules; this is their fast path). The rewrite of a path is made once per export group and the
// policy is evaluated per route; an unchanged result reuses the group's out set. Pure.
import { evaluate, NO_ATTRIBUTES, type PolicyContext } from '../policy/index.js';
import { familyKey, type PathAttributes, type Prefix } from '../wire/index.js';
import type { ExportGroup, Rewritten } from './export-groups.js';
import {
  attributesRefusal,
  exportablePath,
  exportablePaths,
  exportContext,
  judgeExport,
  type LearnedExport,
  type LearnedExportTarget,
  rewrite,
  type SourceOf,
} from './learned-export.js';
import type { PrefixSelection, RoutePath } from './loc-rib.js';
import { exportAttributes, type LocalRoute, localAttributesKey } from './local-routes.js';
import type { OutSet } from './out-sets.js';

export interface ExportTarget extends LearnedExportTarget {
  readonly group: ExportGroup;
  readonly learnedContext: PolicyContext;
  readonly originatedContext: PolicyContext;
}

/** The export target of a neighbor on its session, in `group`. */
export function exportTarget(t: LearnedExportTarget, group: ExportGroup): ExportTarget {
  return {
    ...t,
    group,
    learnedContext: exportContext('learned', t),
    originatedContext: exportContext('originated', t),
  };
}

/** The learned route `t` gets for `prefix` now, as an out set, or undefined (none: withdraw). */
export function learnedOut(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  t: ExportTarget,
  sourceOf: SourceOf,
): OutSet | undefined {
  const best = exportablePath(prefix, selection, t, sourceOf);
  return typeof best === 'string' ? undefined : pathOut(prefix, best, t, sourceOf);
}

/** Gives each Loc-RIB path the path id it is sent with (RFC 7911). */
export type OutPathId = (path: RoutePath) => number;

/**
 * RFC 7911 add-path send: the learned paths `t` gets for `prefix` now, best first, up to `max`,
 * each as [path id, out set]; none when there is nothing to send.
 */
export function learnedOuts(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  t: ExportTarget,
  sourceOf: SourceOf,
  outPathId: OutPathId,
  max = Number.POSITIVE_INFINITY,
): [pathId: number, out: OutSet][] {
  const out: [number, OutSet][] = [];
  for (const path of exportablePaths(prefix, selection, t, sourceOf)) {
    if (out.length >= max) break;
    const set = pathOut(prefix, path, t, sourceOf);
    if (set) out.push([outPathId(path), set]);
  }
  return out;
}

/** One Loc-RIB path as `t` gets it (rewritten once per export group, then the policy). */
function pathOut(prefix: Prefix, path: RoutePath, t: ExportTarget, sourceOf: SourceOf): OutSet | undefined {
  // Keyed by the interned set: its attributes are decoded only on a miss, and not kept decoded.
  const origin = path.origin ?? { key: path.attributes, read: () => path.attributes };
  const rewritten = t.group.rewrite(origin.key, () => {
    const a = origin.read();
    // The key is the source neighbor's own attribute set, so its ORIGINATOR_ID is the right one.
    return attributesRefusal(a, t) ? undefined : rewrite(prefix, a, t, sourceOf(path.neighbor));
  });
  return judged(prefix, rewritten, t, t.learnedContext);
}

/** Herald's own route as `t` gets it, as an out set, or undefined (not for it, or refused). */
export function localOut(r: LocalRoute, t: ExportTarget): OutSet | undefined {
  if (localRefusal(r, t)) return undefined;
  const rewritten = t.group.rewriteLocal(localAttributesKey(r), () => localAttributes(r, t));
  return judged(r.prefix, rewritten, t, t.originatedContext);
}

/** Why `t` does not get Herald's own route `r` (before attributes and policy), if it does not. */
function localRefusal(r: LocalRoute, t: LearnedExportTarget): string | undefined {
  if (!t.session.families.has(familyKey(r.prefix.afi, 1)))
    return 'the family is not negotiated on this session';
  if (r.peers && !r.peers.includes(t.address)) return 'the announcement names other neighbors';
  return undefined;
}

function localAttributes(r: LocalRoute, t: LearnedExportTarget): PathAttributes | undefined {
  return exportAttributes(r, {
    localAsn: t.localAsn,
    ibgp: t.session.ibgp,
    localAddress: t.session.localAddress ?? '0.0.0.0',
    localAddress6: t.localAddress6,
    ipv4OverIpv6: t.session.ipv4OverIpv6,
  });
}

/** Herald's own route through `t`'s export policy, with the reason (what `herald policy test` shows). */
export function localExport(r: LocalRoute, t: LearnedExportTarget): LearnedExport {
  const refused = localRefusal(r, t);
  if (refused) return { refused };
  const attributes = localAttributes(r, t);
  if (!attributes) return { refused: 'no usable next hop for this family on this session' };
  return judgeExport(r.prefix, attributes, 'originated', t);
}

function judged(prefix: Prefix, out: Rewritten, t: ExportTarget, ctx: PolicyContext): OutSet | undefined {
  if (!out || !t.exportPolicy) return out ?? undefined;
  // A policy that reads no attribute (its group keeps none decoded) cannot change them either.
  const attributes = out.keepDecoded ? out.attributes : NO_ATTRIBUTES;
  const result = evaluate(t.exportPolicy, { prefix, attributes }, ctx);
  if (!result.accepted) return undefined;
  return result.attributes === attributes ? out : t.group.outFor(result.attributes);
}
