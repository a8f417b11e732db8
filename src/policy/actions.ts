// Compiles a term's `set` block into setters. Each writes into a copy of the attributes the
// evaluator made for this term, never into the route's own arrays, and reports whether it changed
// anything, so a route a policy leaves as it was keeps its attribute object. Pure.
import {
  Afi,
  AsPathSegmentType,
  type LargeCommunity,
  type Origin,
  originatedNextHopProblem,
  type PathAttributes,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
} from '../wire/index.js';
import { type CommunityList, parseAll, sameLarge } from './community-list.js';
import { canonicalAddress, lookup, type NamedLists } from './conditions.js';
import { setNextHop } from './next-hop.js';
import { ORIGIN_NAMES, type RawTermSet } from './policy-schema.js';
import type { Setter } from './types.js';

const MAX_U32 = 0xffffffff;

/** replace → remove → add on one community list; undefined when the result is empty. */
function editList<T>(
  current: readonly T[] | undefined,
  replace: readonly T[] | undefined,
  remove: ((v: T) => boolean) | undefined,
  add: readonly T[],
  same: (a: T, b: T) => boolean,
): readonly T[] | undefined {
  let list: T[] = [...(replace ?? current ?? [])];
  if (remove) list = list.filter((v) => !remove(v));
  for (const v of add) if (!list.some((x) => same(x, v))) list.push(v);
  return list.length === 0 ? undefined : list;
}

function sameList<T>(
  a: readonly T[] | undefined,
  b: readonly T[] | undefined,
  same: (x: T, y: T) => boolean,
) {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => same(x, b[i]));
}

interface CommunityKind<K extends 'communities' | 'largeCommunities' | 'extendedCommunities', T> {
  readonly key: K;
  readonly parse: (text: string) => T;
  readonly same: (a: T, b: T) => boolean;
  readonly inList: (list: CommunityList) => (v: T) => boolean;
}

const STANDARD: CommunityKind<'communities', number> = {
  key: 'communities',
  parse: parseCommunity,
  same: (a, b) => a === b,
  inList: (l) => l.hasStandard,
};
const LARGE: CommunityKind<'largeCommunities', LargeCommunity> = {
  key: 'largeCommunities',
  parse: parseLargeCommunity,
  same: sameLarge,
  inList: (l) => l.hasLarge,
};
const EXTENDED: CommunityKind<'extendedCommunities', bigint> = {
  key: 'extendedCommunities',
  parse: parseExtendedCommunity,
  same: (a, b) => a === b,
  inList: (l) => l.hasExtended,
};

function communitySetter<K extends 'communities' | 'largeCommunities' | 'extendedCommunities', T>(
  kind: CommunityKind<K, T>,
  edit: { replace?: string[]; remove?: string; add?: string[] },
  path: string,
  lists: NamedLists,
  problems: string[],
): Setter {
  const replace =
    edit.replace === undefined ? undefined : parseAll(edit.replace, kind.parse, `${path}.replace`, problems);
  const add = parseAll(edit.add, kind.parse, `${path}.add`, problems);
  const list =
    edit.remove === undefined
      ? undefined
      : lookup(lists.communityLists, edit.remove, 'community list', `${path}.remove`, problems);
  const remove = list && kind.inList(list);
  return (out) => {
    const current = out[kind.key] as readonly T[] | undefined;
    const next = editList(current, replace, remove, add, kind.same);
    if (sameList(current, next, kind.same)) return false;
    (out as Record<K, readonly T[] | undefined>)[kind.key] = next;
    return true;
  };
}

/** RFC 4271 §5.1.2 prepend: into a leading AS_SEQUENCE, else as a new AS_SEQUENCE in front. */
function prepend(out: PathAttributes, asn: number, count: number): void {
  const copies = new Array<number>(count).fill(asn);
  const path = out.asPath ?? [];
  const first = path[0];
  out.asPath =
    first?.type === AsPathSegmentType.AS_SEQUENCE
      ? [{ type: first.type, asns: [...copies, ...first.asns] }, ...path.slice(1)]
      : [{ type: AsPathSegmentType.AS_SEQUENCE, asns: copies }, ...path];
}

function medSetter(med: number | string): Setter {
  if (typeof med === 'number') {
    return (out) => {
      if (out.med === med) return false;
      out.med = med;
      return true;
    };
  }
  const delta = Number(med);
  return (out) => {
    // A route without MED counts as MED 0 (FRR's `set metric +N` does the same).
    const next = Math.min(MAX_U32, Math.max(0, (out.med ?? 0) + delta));
    if (out.med === next) return false;
    out.med = next;
    return true;
  };
}

function nextHopSetter(nextHop: string, path: string, problems: string[]): Setter {
  if (nextHop === 'self' || nextHop === 'peer') {
    return (out, route, ctx) => {
      // "peer": the neighbor on import; on export, the address the neighbor sees us at (as FRR).
      const self =
        route.prefix.afi === Afi.IPV6 ? ctx.nextHopSelf.ipv6 : (ctx.nextHopSelf.ipv4 ?? ctx.nextHopSelf.ipv6);
      const address = nextHop === 'peer' && ctx.direction === 'import' ? ctx.neighborAddress : self;
      return address !== undefined && setNextHop(out, route.prefix, address);
    };
  }
  const address = canonicalAddress(nextHop, path, problems);
  const problem = address && originatedNextHopProblem(address);
  if (problem) problems.push(`${path}: ${problem}`);
  return (out, route) => address !== undefined && setNextHop(out, route.prefix, address);
}

export function compileSet(
  set: RawTermSet | undefined,
  path: string,
  lists: NamedLists,
  problems: string[],
): Setter[] {
  if (set === undefined) return [];
  const out: Setter[] = [];
  if (set.localPref !== undefined) {
    const lp = set.localPref;
    out.push((a) => {
      if (a.localPref === lp) return false;
      a.localPref = lp;
      return true;
    });
  }
  if (set.med !== undefined) out.push(medSetter(set.med));
  if (set.nextHop !== undefined) out.push(nextHopSetter(set.nextHop, `${path}.nextHop`, problems));
  if (set.communities)
    out.push(communitySetter(STANDARD, set.communities, `${path}.communities`, lists, problems));
  if (set.largeCommunities) {
    out.push(communitySetter(LARGE, set.largeCommunities, `${path}.largeCommunities`, lists, problems));
  }
  if (set.extendedCommunities) {
    const at = `${path}.extendedCommunities`;
    out.push(communitySetter(EXTENDED, set.extendedCommunities, at, lists, problems));
  }
  if (set.asPathPrepend !== undefined) {
    const { count, asn } = set.asPathPrepend;
    out.push((a, _r, ctx) => {
      prepend(a, asn ?? ctx.localAsn, count);
      return true;
    });
  }
  if (set.origin !== undefined) {
    const origin = ORIGIN_NAMES.indexOf(set.origin) as Origin;
    out.push((a) => {
      if (a.origin === origin) return false;
      a.origin = origin;
      return true;
    });
  }
  return out;
}
