// Desired next-hop lists, interned: the routes with the same next hops in the same table — nearly
// all of a peer's routes — share one list, and with it one plan (resolved once per change of the
// resolver, gateways parsed to octets once) instead of one per route.

import type { DesiredNextHop } from './desired-route.js';
import { addressBytes } from './netlink/ip.js';
import type { RouteNextHopSpec } from './netlink/route.js';
import type { NextHopResolver } from './next-hop-resolver.js';
import { type KernelNextHop, planRoute, type RoutePlan, type UnusableNextHop } from './route-plan.js';

export interface NextHopSet {
  readonly table: number;
  /** The next hops in the order given (planning keeps the first weight of a duplicate). */
  readonly hops: readonly DesiredNextHop[];
  readonly key: string;
  /** Routes whose desired next hops these are. */
  users: number;
  /** The plan as of the resolver's `generation`. */
  planned?: SharedPlan;
}

export interface SharedPlan {
  readonly generation: number;
  readonly plan: RoutePlan;
  /** `plan.nextHops` as the encoder takes them: gateways as octets (text when not an address). */
  readonly encode: readonly RouteNextHopSpec[];
  /** The route states it gives, one object shared by every route of the set. */
  readonly installed: { state: 'installed'; nextHops: KernelNextHop[]; unusable: UnusableNextHop[] };
  readonly held: { state: 'held'; reason: 'noUsableNextHop'; unusable: UnusableNextHop[] };
}

function hopKey(table: number, hops: readonly DesiredNextHop[]): string {
  let k = `${table}`;
  for (const h of hops) k += `|${h.address}@${h.ifindex ?? 0}*${h.weight ?? 1}`;
  return k;
}

function sameHops(s: NextHopSet, table: number, hops: readonly DesiredNextHop[]): boolean {
  if (s.table !== table || s.hops.length !== hops.length) return false;
  for (let i = 0; i < hops.length; i++) {
    const a = s.hops[i];
    const b = hops[i];
    if (
      a.address !== b.address ||
      (a.ifindex ?? 0) !== (b.ifindex ?? 0) ||
      (a.weight ?? 1) !== (b.weight ?? 1)
    )
      return false;
  }
  return true;
}

function copyHop(h: DesiredNextHop): DesiredNextHop {
  const c: DesiredNextHop = { address: h.address };
  if (h.ifindex !== undefined) c.ifindex = h.ifindex;
  if (h.weight !== undefined) c.weight = h.weight;
  return c;
}

function gatewayOctets(text: string): Uint8Array | string {
  try {
    return addressBytes(text);
  } catch {
    return text; // the encoder refuses it as before, for this route alone
  }
}

export class NextHopSets {
  private readonly byKey = new Map<string, NextHopSet>();
  /** The set acquired last: consecutive routes from one peer nearly always share it. */
  private last?: NextHopSet;

  constructor(
    /** A set comes into use / goes out of use (the next-hop index follows). */
    private readonly added: (s: NextHopSet) => void,
    private readonly removed: (s: NextHopSet) => void,
  ) {}

  /** The shared set for these next hops, counted as used once more. */
  acquire(table: number, hops: readonly DesiredNextHop[]): NextHopSet {
    let s = this.last !== undefined && sameHops(this.last, table, hops) ? this.last : undefined;
    if (s === undefined) {
      const key = hopKey(table, hops);
      s = this.byKey.get(key);
      if (s === undefined) {
        s = { table, hops: hops.map(copyHop), key, users: 0 };
        this.byKey.set(key, s);
        this.added(s);
      }
      this.last = s;
    }
    s.users++;
    return s;
  }

  release(s: NextHopSet): void {
    if (--s.users > 0) return;
    this.byKey.delete(s.key);
    if (this.last === s) this.last = undefined;
    this.removed(s);
  }

  /** The set's plan, made again only when the resolver changed since. */
  static plan(s: NextHopSet, resolver: NextHopResolver): SharedPlan {
    const p = s.planned;
    if (p !== undefined && p.generation === resolver.generation) return p;
    const plan = planRoute(resolver, s.table, s.hops);
    const encode = plan.nextHops.map((h) => ({
      gateway: gatewayOctets(h.gateway),
      ifindex: h.ifindex,
      weight: h.weight,
    }));
    const { nextHops, unusable } = plan;
    s.planned = {
      generation: resolver.generation,
      plan,
      encode,
      installed: { state: 'installed', nextHops, unusable },
      held: { state: 'held', reason: 'noUsableNextHop', unusable },
    };
    return s.planned;
  }
}
