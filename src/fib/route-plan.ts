// What one desired route becomes in the kernel: its next hops resolved (usable ones installed as
// one route, RTA_MULTIPATH when several; unusable ones listed with their reason), and a signature
// to compare with what the kernel holds. Pure.

import type { DesiredNextHop } from './desired-route.js';
import { nextHopsOf, type Route } from './netlink/route.js';
import type { NextHopResolver, UnusableReason } from './next-hop-resolver.js';

export interface KernelNextHop {
  gateway: string;
  ifindex: number;
  weight: number;
}

export interface UnusableNextHop {
  address: string;
  reason: UnusableReason;
  detail: string;
}

export interface RoutePlan {
  /** Usable next hops, deduplicated, in a stable order. Empty: the route is held back. */
  nextHops: KernelNextHop[];
  unusable: UnusableNextHop[];
  /** Identity of `nextHops` (compare with `kernelSignature`). */
  signature: string;
}

export function signatureOf(hops: readonly KernelNextHop[]): string {
  return hops
    .map((h) => `${h.gateway}@${h.ifindex}*${h.weight}`)
    .sort()
    .join(',');
}

/** The signature of a route as the kernel reports it. */
export function kernelSignature(r: Route): string {
  return signatureOf(
    nextHopsOf(r).map((nh) => ({
      gateway: nh.gateway ?? nh.via ?? '',
      ifindex: nh.ifindex,
      weight: nh.weight,
    })),
  );
}

export function planRoute(
  resolver: NextHopResolver,
  table: number,
  desired: readonly DesiredNextHop[],
): RoutePlan {
  const seen = new Map<string, KernelNextHop>();
  const unusable: UnusableNextHop[] = [];
  for (const nh of desired) {
    const r = resolver.resolve(nh.address, table, nh.ifindex);
    if (!r.usable) {
      unusable.push({ address: nh.address, reason: r.reason, detail: r.detail });
      continue;
    }
    for (const v of r.via) {
      const k = `${v.gateway}@${v.ifindex}`;
      if (!seen.has(k)) seen.set(k, { gateway: v.gateway, ifindex: v.ifindex, weight: nh.weight ?? 1 });
    }
  }
  const nextHops = [...seen.values()].sort((a, b) =>
    a.gateway < b.gateway ? -1 : a.gateway > b.gateway ? 1 : a.ifindex - b.ifindex,
  );
  return { nextHops, unusable, signature: signatureOf(nextHops) };
}
