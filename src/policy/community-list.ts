// Named community lists: a set of standard (RFC 1997), large (RFC 8092) and extended (RFC 4360)
// community values, plus optional regular expressions over any community's text ("65000:100",
// "no-export", "1:2:3", "rt:65000:1"). A route matches "any" when it carries at least one member,
// "all" when it carries every member; `remove` actions drop the communities a list holds. Pure.
import {
  formatCommunity,
  formatExtendedCommunity,
  formatLargeCommunity,
  type LargeCommunity,
  type PathAttributes,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
} from '../wire/index.js';
import type { RawCommunityList } from './policy-schema.js';

export type CommunityMatch = 'any' | 'all';

export interface CommunityList {
  readonly name: string;
  matches(attrs: PathAttributes, mode: CommunityMatch): boolean;
  hasStandard(c: number): boolean;
  hasLarge(c: LargeCommunity): boolean;
  hasExtended(c: bigint): boolean;
}

export function sameLarge(a: LargeCommunity, b: LargeCommunity): boolean {
  return a.global === b.global && a.local1 === b.local1 && a.local2 === b.local2;
}

/** Parses each of `texts` with `parse`; problems name `${path}[i]`. */
export function parseAll<T>(
  texts: readonly string[] | undefined,
  parse: (text: string) => T,
  path: string,
  problems: string[],
): T[] {
  const out: T[] = [];
  (texts ?? []).forEach((t, i) => {
    try {
      out.push(parse(t));
    } catch (err) {
      problems.push(`${path}[${i}]: ${(err as Error).message}`);
    }
  });
  return out;
}

export function compileCommunityList(
  name: string,
  raw: RawCommunityList,
  path: string,
  problems: string[],
): CommunityList {
  const standard = new Set(parseAll(raw.communities, parseCommunity, `${path}.communities`, problems));
  const large = parseAll(raw.largeCommunities, parseLargeCommunity, `${path}.largeCommunities`, problems);
  const extended = new Set(
    parseAll(raw.extendedCommunities, parseExtendedCommunity, `${path}.extendedCommunities`, problems),
  );
  const regexes = parseAll(raw.regex, (t) => new RegExp(t), `${path}.regex`, problems);
  const given = [raw.communities, raw.largeCommunities, raw.extendedCommunities, raw.regex];
  if (given.every((list) => (list ?? []).length === 0)) {
    problems.push(
      `${path}: lists no community (give communities, largeCommunities, extendedCommunities or regex)`,
    );
  }
  const byRegex = (text: string) => regexes.some((re) => re.test(text));
  const hasStandard = (c: number) => standard.has(c) || (regexes.length > 0 && byRegex(formatCommunity(c)));
  const hasLarge = (c: LargeCommunity) =>
    large.some((m) => sameLarge(m, c)) || (regexes.length > 0 && byRegex(formatLargeCommunity(c)));
  const hasExtended = (c: bigint) =>
    extended.has(c) || (regexes.length > 0 && byRegex(formatExtendedCommunity(c)));

  /** Whether the route carries the member value/expression (for "all"). */
  const carriesAll = (a: PathAttributes): boolean => {
    for (const c of standard) if (!a.communities?.includes(c)) return false;
    for (const c of large) if (!a.largeCommunities?.some((x) => sameLarge(x, c))) return false;
    for (const c of extended) if (!a.extendedCommunities?.includes(c)) return false;
    return regexes.every(
      (re) =>
        a.communities?.some((c) => re.test(formatCommunity(c))) ||
        a.largeCommunities?.some((c) => re.test(formatLargeCommunity(c))) ||
        a.extendedCommunities?.some((c) => re.test(formatExtendedCommunity(c))),
    );
  };
  const carriesAny = (a: PathAttributes): boolean =>
    a.communities?.some(hasStandard) ||
    a.largeCommunities?.some(hasLarge) ||
    a.extendedCommunities?.some(hasExtended) ||
    false;

  return {
    name,
    matches: (a, mode) => (mode === 'all' ? carriesAll(a) : carriesAny(a)),
    hasStandard,
    hasLarge,
    hasExtended,
  };
}
