// Read-only views of RIB tables as the API and CLI show them: one plain object per route with
// human-format attributes. Attribute sets are decoded once per query, not once per route.
import {
  Afi,
  formatAsPath,
  formatCommunity,
  formatExtendedCommunity,
  formatLargeCommunity,
  formatOrigin,
  formatPrefix,
  type PathAttributes,
  type Prefix,
} from '../wire/index.js';
import type { AdjRibIn } from './adj-rib-in.js';
import { type AttributeSet, attributesOf } from './attribute-store.js';

export interface RouteView {
  prefix: string;
  pathId?: number;
  neighbor: string;
  nextHop: string | null;
  asPath: string;
  origin: string | null;
  med: number | null;
  localPref: number | null;
  communities: string[];
  largeCommunities: string[];
  extCommunities: string[];
  best: boolean;
  stale: boolean;
}

export interface RouteFilter {
  afi?: 'ipv4' | 'ipv6';
  /** Exact prefix text ("10.0.0.0/8"). */
  prefix?: string;
}

export function viewAttributes(
  a: PathAttributes,
): Omit<RouteView, 'prefix' | 'pathId' | 'neighbor' | 'best' | 'stale'> {
  return {
    nextHop: a.mpReach?.nextHop ?? a.nextHop ?? null,
    asPath: formatAsPath(a.asPath ?? []),
    origin: a.origin === undefined ? null : formatOrigin(a.origin),
    med: a.med ?? null,
    localPref: a.localPref ?? null,
    communities: (a.communities ?? []).map(formatCommunity),
    largeCommunities: (a.largeCommunities ?? []).map(formatLargeCommunity),
    extCommunities: (a.extendedCommunities ?? []).map(formatExtendedCommunity),
  };
}

/** An IPv4 prefix held as numbers (the RIB's keys), as a Prefix. */
export function ipv4Prefix(addr: number, length: number): Prefix {
  const n = (length + 7) >> 3;
  const bytes = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) bytes[i] = (addr >>> (24 - 8 * i)) & 0xff;
  return { afi: Afi.IPV4, length, bytes };
}

/** The distinct prefixes of one family in a table (add-path siblings once). */
export function prefixesOf(rib: AdjRibIn, family: number): Prefix[] {
  const seen = new Set<string>();
  const out: Prefix[] = [];
  const add = (p: Prefix) => {
    const key = `${Buffer.from(p.bytes).toString('hex')}/${p.length}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  if (family >> 8 === Afi.IPV4)
    rib.ipv4.forEach((addr, length) => {
      add(ipv4Prefix(addr, length));
    });
  else
    rib.ipv6.forEach((bytes, length) => {
      add({ afi: Afi.IPV6, length, bytes: Uint8Array.from(bytes) });
    });
  return out;
}

/** Routes of one Adj-RIB-In (and its stale copy during a graceful restart), filtered. */
export function* adjRibInRoutes(
  neighbor: string,
  rib: AdjRibIn,
  filter: RouteFilter,
  stale = false,
): Generator<RouteView> {
  // Keyed by the set itself, not its id: ids are reused once freed, and UPDATEs may arrive while a
  // listing streams.
  const cache = new Map<AttributeSet | undefined, ReturnType<typeof viewAttributes>>();
  const attrs = (id: number) => {
    const set = rib.attributes.get(id);
    let v = cache.get(set);
    if (!v) {
      v = viewAttributes(set ? attributesOf(set) : {});
      cache.set(set, v);
    }
    return v;
  };
  const row = (prefix: string, pathId: number, id: number): RouteView[] =>
    filter.prefix && filter.prefix !== prefix
      ? []
      : [{ prefix, ...(pathId ? { pathId } : {}), neighbor, ...attrs(id), best: false, stale }];
  if (filter.afi !== 'ipv6') {
    for (const [addr, length, pathId, id] of rib.ipv4.entries())
      yield* row(formatPrefix(ipv4Prefix(addr, length)), pathId, id);
  }
  if (filter.afi !== 'ipv4') {
    for (const [bytes, length, pathId, id] of rib.ipv6.entries()) {
      yield* row(formatPrefix({ afi: Afi.IPV6, length, bytes }), pathId, id);
    }
  }
}
