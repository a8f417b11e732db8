// What the reconciler is asked to install, normalised: one kernel route per (table, metric,
// prefix), with all of its ECMP next hops. Pure (no sockets).

import { formatPrefix, type Prefix, parsePrefix } from '../wire/prefix.js';
import { Table } from './netlink/constants.js';
import { type Family, familyOf } from './netlink/ip.js';

export interface DesiredNextHop {
  /** Next-hop address (IPv4 or IPv6; an IPv6 next hop of an IPv4 route is installed with RTA_VIA). */
  address: string;
  /** Output interface: required for IPv6 link-local next hops; otherwise found by resolution. */
  ifindex?: number;
  /** ECMP weight 1–256 (default 1). */
  weight?: number;
}

export interface DesiredRoute {
  /**
   * "10.0.0.0/8", "2001:db8::/32" (host bits are cleared), or the codec's Prefix as the RIB holds
   * it (cheaper: no text to parse).
   */
  prefix: string | Prefix;
  /** One next hop, or several for an ECMP route (installed as one route with RTA_MULTIPATH). */
  nextHops: readonly DesiredNextHop[];
  /** Kernel table (default: the reconciler's table, main unless configured). */
  table?: number;
  /** Route metric, RTA_PRIORITY (default: the reconciler's metric). */
  metric?: number;
}

/** A route's identity in the kernel: family, table, metric and prefix (tos is always 0). */
export interface RouteId {
  key: string;
  family: Family;
  /** Network address (host bits cleared). */
  dst: string;
  dstLength: number;
  table: number;
  metric: number;
  /** Canonical "addr/len". */
  prefix: string;
}

export function routeKey(table: number, metric: number, prefix: string): string {
  return `${table}|${metric}|${prefix}`;
}

/** The kernel stores an IPv6 route given metric 0 with metric 1024 (IP6_RT_PRIO_USER). */
const IP6_RT_PRIO_USER = 1024;

export function routeId(prefix: string | Prefix, table: number = Table.MAIN, metricIn = 0): RouteId {
  const canonical = formatPrefix(typeof prefix === 'string' ? parsePrefix(prefix) : prefix);
  const slash = canonical.lastIndexOf('/');
  const dst = canonical.slice(0, slash);
  const family = familyOf(dst);
  const metric = family === 6 && metricIn === 0 ? IP6_RT_PRIO_USER : metricIn;
  return {
    key: routeKey(table, metric, canonical),
    family,
    dst,
    dstLength: Number(canonical.slice(slash + 1)),
    table,
    metric,
    prefix: canonical,
  };
}
