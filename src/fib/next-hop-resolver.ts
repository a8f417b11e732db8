// Next-hop resolution against the kernel's own view, fed from netlink (dumps and notifications):
// the links and the routes that are not Herald's. Pure: no sockets; the reconciler feeds it.
//
// A next hop is usable when the longest-prefix match for it — in the route's table, then in main,
// as the kernel looks it up (fib_check_nh: "on error or if no table given do full lookup") — is a
// unicast route over a link that is up. A directly connected match (no gateway) gives the next hop
// itself on that link; a match through gateways (a multihop peer's address behind a static or IGP
// route) gives that route's gateways, because Linux only accepts a gateway it reaches directly
// ("Nexthop has invalid gateway"). Herald's own routes never resolve a next hop (no recursion
// through itself), nor do default routes when `allowDefault` is off.

import { prefixKey } from '../wire/prefix.js';
import { Afi } from '../wire/registry.js';
import { RouteType, Scope, Table } from './netlink/constants.js';
import { addressBytes, type Family, familyOf } from './netlink/ip.js';
import { type Link, linkIsUp } from './netlink/link.js';
import { nextHopsOf, type Route } from './netlink/route.js';

/** Why a next hop cannot be used (shown by the API next to a held-back route). */
export type UnusableReason =
  /** No route in the kernel covers the next hop. */
  | 'noRoute'
  /** The covering route is a blackhole / unreachable / prohibit route. */
  | 'unreachableRoute'
  /** The interface the next hop is reached through is down (or has no carrier). */
  | 'linkDown'
  /** The given ifindex is not a known interface. */
  | 'unknownInterface'
  /** IPv6 link-local next hop without an interface. */
  | 'linkLocalNeedsInterface';

export interface ResolvedNextHop {
  /** The gateway to install (the next hop itself, or the gateway of the route covering it). */
  gateway: string;
  ifindex: number;
}

export type Resolution =
  | { usable: true; via: ResolvedNextHop[] }
  | { usable: false; reason: UnusableReason; detail: string };

interface TableRoutes {
  /** prefixKey → routes with that prefix (several metrics), lowest metric first. */
  byPrefix: Map<string, Route[]>;
  /** Prefix lengths present, longest first. */
  lengths: number[];
}

export interface ResolverOptions {
  /** Herald's own rtm_protocol: its routes are ignored. */
  protocol: number;
  /** Let a default route (0.0.0.0/0, ::/0) resolve next hops. Default false. */
  allowDefault?: boolean;
}

export class NextHopResolver {
  private readonly links = new Map<number, Link>();
  private readonly tables = new Map<string, TableRoutes>();
  /** Bumped on every change that can alter a resolution. */
  generation = 0;

  constructor(private readonly opts: ResolverOptions) {}

  link(index: number): Link | undefined {
    return this.links.get(index);
  }

  /** The table of the VRF device named `name` (IFLA_VRF_TABLE), or undefined when there is none. */
  vrfTable(name: string): number | undefined {
    for (const l of this.links.values()) if (l.name === name && l.kind === 'vrf') return l.vrfTable;
    return undefined;
  }

  /** RTM_NEWLINK. Returns true when the link's usability changed. */
  setLink(l: Link): boolean {
    const before = this.links.get(l.index);
    this.links.set(l.index, l);
    const changed = before === undefined || linkIsUp(before) !== linkIsUp(l);
    if (changed) this.generation++;
    return changed;
  }

  /** RTM_DELLINK. */
  deleteLink(index: number): void {
    if (this.links.delete(index)) this.generation++;
  }

  /** Whether a route is one the resolver keeps (a unicast-or-unreachable route of someone else). */
  private relevant(r: Route): boolean {
    if (r.protocol === this.opts.protocol || r.table === Table.LOCAL) return false;
    return (
      r.type === RouteType.UNICAST ||
      r.type === RouteType.BLACKHOLE ||
      r.type === RouteType.UNREACHABLE ||
      r.type === RouteType.PROHIBIT
    );
  }

  private tableOf(family: Family, table: number, create: boolean): TableRoutes | undefined {
    const k = `${family}/${table}`;
    let t = this.tables.get(k);
    if (t === undefined && create) {
      t = { byPrefix: new Map(), lengths: [] };
      this.tables.set(k, t);
    }
    return t;
  }

  private static key(family: Family, dst: string | undefined, length: number): string {
    const bytes = dst === undefined ? new Uint8Array(family === 4 ? 4 : 16) : addressBytes(dst, family);
    return prefixKey({ afi: family === 4 ? Afi.IPV4 : Afi.IPV6, length, bytes });
  }

  /** RTM_NEWROUTE (someone else's route). Returns true when it was kept. */
  addRoute(r: Route): boolean {
    if (!this.relevant(r)) return false;
    const t = this.tableOf(r.family, r.table, true)!;
    const k = NextHopResolver.key(r.family, r.dst, r.dstLength);
    const list = (t.byPrefix.get(k) ?? []).filter(
      (x) => (x.priority ?? 0) !== (r.priority ?? 0) || x.tos !== r.tos,
    );
    list.push(r);
    list.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
    t.byPrefix.set(k, list);
    if (!t.lengths.includes(r.dstLength)) t.lengths = [...t.lengths, r.dstLength].sort((a, b) => b - a);
    this.generation++;
    return true;
  }

  /** RTM_DELROUTE. */
  deleteRoute(r: Route): boolean {
    if (!this.relevant(r)) return false;
    const t = this.tableOf(r.family, r.table, false);
    if (t === undefined) return false;
    const k = NextHopResolver.key(r.family, r.dst, r.dstLength);
    const list = t.byPrefix.get(k);
    if (list === undefined) return false;
    const rest = list.filter((x) => (x.priority ?? 0) !== (r.priority ?? 0) || x.tos !== r.tos);
    if (rest.length === list.length) return false;
    if (rest.length > 0) t.byPrefix.set(k, rest);
    else t.byPrefix.delete(k);
    this.generation++;
    return true;
  }

  /** Forgets every route (before a re-dump). Links are kept. */
  clearRoutes(): void {
    this.tables.clear();
    this.generation++;
  }

  /** Removes the routes whose every next hop leaves through `ifindex` (IPv4 flushes them silently when a link goes down). */
  dropRoutesVia(ifindex: number): void {
    for (const t of this.tables.values()) {
      for (const [k, list] of t.byPrefix) {
        const rest = list.filter(
          (r) => !nextHopsOf(r).every((nh) => nh.ifindex === ifindex) || nextHopsOf(r).length === 0,
        );
        if (rest.length !== list.length) {
          this.generation++;
          if (rest.length > 0) t.byPrefix.set(k, rest);
          else t.byPrefix.delete(k);
        }
      }
    }
  }

  private lookup(family: Family, table: number, bytes: Uint8Array): Route | undefined {
    const t = this.tableOf(family, table, false);
    if (t === undefined) return undefined;
    const afi = family === 4 ? Afi.IPV4 : Afi.IPV6;
    for (const length of t.lengths) {
      if (length === 0 && !this.opts.allowDefault) break;
      const list = t.byPrefix.get(prefixKey({ afi, length, bytes }));
      if (list !== undefined) return list[0];
    }
    return undefined;
  }

  private linkUp(ifindex: number): boolean {
    const l = this.links.get(ifindex);
    return l !== undefined && linkIsUp(l);
  }

  private readonly cache = new Map<string, Resolution>();
  private cacheGeneration = -1;

  /** Resolves one next hop for a route in `table` (memoised until the next change). */
  resolve(address: string, table: number, ifindex?: number): Resolution {
    if (this.cacheGeneration !== this.generation) {
      this.cache.clear();
      this.cacheGeneration = this.generation;
    }
    const k = `${table}|${address}|${ifindex ?? 0}`;
    let r = this.cache.get(k);
    if (r === undefined) {
      r = this.resolveNow(address, table, ifindex);
      this.cache.set(k, r);
    }
    return r;
  }

  private resolveNow(address: string, table: number, ifindex?: number): Resolution {
    const family = familyOf(address);
    if (ifindex !== undefined && ifindex !== 0) {
      // An explicit interface: the next hop is on that link (as a BGP session's interface says).
      const l = this.links.get(ifindex);
      if (l === undefined) return { usable: false, reason: 'unknownInterface', detail: `ifindex ${ifindex}` };
      if (!linkIsUp(l)) return { usable: false, reason: 'linkDown', detail: l.name ?? `ifindex ${ifindex}` };
      return { usable: true, via: [{ gateway: address, ifindex }] };
    }
    if (family === 6 && /^fe[89ab]/i.test(address)) {
      return { usable: false, reason: 'linkLocalNeedsInterface', detail: address };
    }
    const bytes = addressBytes(address, family);
    const match =
      this.lookup(family, table, bytes) ??
      (table !== Table.MAIN ? this.lookup(family, Table.MAIN, bytes) : undefined);
    if (match === undefined) return { usable: false, reason: 'noRoute', detail: `no route to ${address}` };
    const where = `${match.dst ?? (family === 4 ? '0.0.0.0' : '::')}/${match.dstLength}`;
    if (match.type !== RouteType.UNICAST) {
      return {
        usable: false,
        reason: 'unreachableRoute',
        detail: `${address} is covered by ${where} (type ${match.type})`,
      };
    }
    const hops = nextHopsOf(match);
    const via: ResolvedNextHop[] = [];
    let down = '';
    for (const nh of hops) {
      if (!this.linkUp(nh.ifindex)) {
        down = this.links.get(nh.ifindex)?.name ?? `ifindex ${nh.ifindex}`;
        continue;
      }
      const gw = nh.gateway ?? nh.via;
      // Connected (scope link, no gateway): the next hop itself is on the link.
      if (gw === undefined || match.scope === Scope.LINK) via.push({ gateway: address, ifindex: nh.ifindex });
      else via.push({ gateway: gw, ifindex: nh.ifindex });
    }
    if (via.length === 0) {
      return down
        ? { usable: false, reason: 'linkDown', detail: `${address} via ${where} on ${down}` }
        : { usable: false, reason: 'noRoute', detail: `${where} has no next hop` };
    }
    return { usable: true, via };
  }
}
