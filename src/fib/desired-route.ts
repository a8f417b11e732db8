// What the reconciler is asked to install, normalised: one kernel route per (table, metric,
// prefix), with all of its ECMP next hops. Pure (no sockets).

import type { Prefix } from '../wire/prefix.js';

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
