// Compiles a term's `match` block into a list of conditions, each a closure over what it needs
// (a compiled list, a canonical address, a range), so evaluating one is a call and a comparison.
// Every list a condition names must exist; problems name the config path. Pure.
import { Afi, formatAddress, type Origin, parseAddress } from '../wire/index.js';
import type { AsPathList } from './as-path-list.js';
import type { CommunityList } from './community-list.js';
import { nextHopOf } from './next-hop.js';
import { ORIGIN_NAMES, type RawTermMatch } from './policy-schema.js';
import type { PrefixList } from './prefix-list.js';
import type { Condition, Ipv4Condition, PolicyContext } from './types.js';

/** The compiled lists conditions and actions may name. */
export interface NamedLists {
  readonly prefixLists: ReadonlyMap<string, PrefixList>;
  readonly asPathLists: ReadonlyMap<string, AsPathList>;
  readonly communityLists: ReadonlyMap<string, CommunityList>;
}

/** The list called `name` in `lists`, or a problem "path: no <kind> named "x"". */
export function lookup<T>(
  lists: ReadonlyMap<string, T>,
  name: string,
  kind: string,
  path: string,
  problems: string[],
): T | undefined {
  const list = lists.get(name);
  if (list === undefined) problems.push(`${path}: no ${kind} named "${name}"`);
  return list;
}

/** Canonical address text (as the codec prints next hops), or a problem. */
export function canonicalAddress(text: string, path: string, problems: string[]): string | undefined {
  try {
    return formatAddress(parseAddress(text));
  } catch (err) {
    problems.push(`${path}: ${(err as Error).message}`);
    return undefined;
  }
}

function inRange(
  range: { min?: number; max?: number },
  path: string,
  problems: string[],
): (v: number | undefined) => boolean {
  const min = range.min ?? 0;
  const max = range.max ?? 0xffffffff;
  if (min > max) problems.push(`${path}.max: must be at least min (${min})`);
  return (v) => v !== undefined && v >= min && v <= max;
}

/** A term's compiled `match`: its conditions, and on IPv4 numbers when none reads an attribute. */
export interface CompiledMatch {
  readonly conditions: Condition[];
  readonly ipv4Conditions?: Ipv4Condition[];
}

export function compileMatch(
  match: RawTermMatch | undefined,
  path: string,
  lists: NamedLists,
  problems: string[],
): CompiledMatch {
  const out: Condition[] = [];
  const ipv4: Ipv4Condition[] = [];
  if (match === undefined) return { conditions: out, ipv4Conditions: ipv4 };
  /** A condition on the context alone, in both forms. */
  const onContext = (test: (ctx: PolicyContext) => boolean) => {
    out.push((_r, _a, ctx) => test(ctx));
    ipv4.push((_a, _l, ctx) => test(ctx));
  };
  if (match.prefixList !== undefined) {
    const pl = lookup(lists.prefixLists, match.prefixList, 'prefix list', `${path}.prefixList`, problems);
    if (pl) {
      out.push((r) => pl.matches(r.prefix));
      ipv4.push((address, length) => pl.matchesIpv4(address, length));
    }
  }
  if (match.asPathList !== undefined) {
    const al = lookup(lists.asPathLists, match.asPathList, 'AS-path list', `${path}.asPathList`, problems);
    if (al) out.push((_r, a) => al.matches(a.asPath));
  }
  if (match.communities !== undefined) {
    const { list, match: mode } = match.communities;
    const cl = lookup(lists.communityLists, list, 'community list', `${path}.communities.list`, problems);
    const all = mode === 'all' ? 'all' : 'any';
    if (cl) out.push((_r, a) => cl.matches(a, all));
  }
  if (match.nextHop !== undefined) {
    const nh = canonicalAddress(match.nextHop, `${path}.nextHop`, problems);
    out.push((r, a) => nextHopOf(r.prefix, a) === nh);
  }
  if (match.nextHopPrefixList !== undefined) {
    const at = `${path}.nextHopPrefixList`;
    const pl = lookup(lists.prefixLists, match.nextHopPrefixList, 'prefix list', at, problems);
    if (pl) {
      out.push((r, a) => {
        const nh = nextHopOf(r.prefix, a);
        return nh !== undefined && pl.matchesAddress(parseAddress(nh));
      });
    }
  }
  if (match.neighbor !== undefined) {
    const address = canonicalAddress(match.neighbor, `${path}.neighbor`, problems);
    onContext((ctx) => ctx.neighborAddress === address);
  }
  if (match.neighborAsn !== undefined) {
    const asn = match.neighborAsn;
    onContext((ctx) => ctx.neighborAsn === asn);
  }
  if (match.routeType !== undefined) {
    const type = match.routeType;
    onContext((ctx) => ctx.routeType === type);
  }
  if (match.family !== undefined) {
    const afi = match.family === 'ipv6-unicast' ? Afi.IPV6 : Afi.IPV4;
    out.push((r) => r.prefix.afi === afi);
    const isIpv4 = afi === Afi.IPV4;
    ipv4.push(() => isIpv4);
  }
  if (match.origin !== undefined) {
    const origin = ORIGIN_NAMES.indexOf(match.origin) as Origin;
    out.push((_r, a) => a.origin === origin);
  }
  if (match.localPref !== undefined) {
    const ok = inRange(match.localPref, `${path}.localPref`, problems);
    out.push((_r, a) => ok(a.localPref));
  }
  if (match.med !== undefined) {
    const ok = inRange(match.med, `${path}.med`, problems);
    out.push((_r, a) => ok(a.med));
  }
  // A condition made only for `out` reads an attribute.
  const attributeReads = out.length - ipv4.length;
  return { conditions: out, ipv4Conditions: attributeReads === 0 ? ipv4 : undefined };
}
