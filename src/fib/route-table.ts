// The reconciler's routes, without an object per route: a full table holds hundreds of thousands,
// and an object and a Map entry each cost ~110 octets a route (bench:fib). A route is a small
// integer id; its fields live in parallel arrays indexed by it, and each group of routes (one
// family, table, metric and prefix length) finds an id by network address: an IPv4 group in an
// Ipv4Table (eight octets a slot), an IPv6 one in a Map by hex text. About 50 octets a route.
//
// An id forgotten while the write pipeline still holds it (queued, or its message in flight) is
// reused only once the pipeline let go of it (`releaseIfDone`), so a stale id never names a new route.

import { Ipv4Table } from '../rib/ipv4-table.js';
import type { RouteState } from './kernel-routes.js';
import type { Family } from './netlink/ip.js';
import type { NextHopSet } from './next-hop-sets.js';
import type { AddressKey } from './route-key.js';

/** The routes of one family, table, metric and prefix length. */
export interface RouteGroup {
  readonly family: Family;
  readonly table: number;
  readonly metric: number;
  readonly length: number;
  /** IPv4: address (as unsigned) → id. */
  readonly v4?: Ipv4Table;
  /** IPv6: address in hex → id. */
  readonly v6?: Map<string, number>;
}

/** Route flags. */
const STALE = 1;
const QUEUED = 2;
const IN_FLIGHT = 4;
const FORGOTTEN = 8;
const LIVE = 16;

const INITIAL_IDS = 1024;

/** Where a route stands before its first write is acknowledged (shared: it carries nothing). */
export const PENDING: RouteState = Object.freeze({ state: 'pending' });

export class RouteTable {
  private readonly groups: RouteGroup[] = [];
  private readonly groupIds = new Map<string, number>();
  private lastGroup = -1;

  private groupOf = new Uint32Array(INITIAL_IDS);
  private flags = new Uint8Array(INITIAL_IDS);
  /** An IPv4 route's address (its key). */
  private key4 = new Int32Array(INITIAL_IDS);
  /** An IPv6 route's address in hex (its key), by id. */
  private readonly key6 = new Map<number, string>();
  /** The next hops wanted (undefined: the route is to go), shared with every route with the same ones. */
  readonly desired: (NextHopSet | undefined)[] = [];
  /** Signature of the route the kernel holds (undefined: none). */
  readonly installed: (string | undefined)[] = [];
  readonly state: RouteState[] = [];
  /** Ids free for reuse. */
  private readonly free: number[] = [];
  /** Ids handed out so far (live or free). */
  private end = 0;
  size = 0;

  /** The id of the group of a family, table, metric and prefix length (made when missing). */
  groupId(family: Family, table: number, metric: number, length: number): number {
    const last = this.groups[this.lastGroup];
    if (
      last !== undefined &&
      last.length === length &&
      last.family === family &&
      last.table === table &&
      last.metric === metric
    )
      return this.lastGroup;
    const k = `${family}|${table}|${metric}|${length}`;
    let id = this.groupIds.get(k);
    if (id === undefined) {
      id = this.groups.length;
      this.groups.push(
        family === 4
          ? { family, table, metric, length, v4: new Ipv4Table() }
          : { family, table, metric, length, v6: new Map() },
      );
      this.groupIds.set(k, id);
    }
    this.lastGroup = id;
    return id;
  }

  /** The route of `key` in the group, or -1. */
  find(groupId: number, key: AddressKey): number {
    const g = this.groups[groupId];
    const id = g.v4 ? g.v4.get((key as number) >>> 0, g.length) : g.v6!.get(key as string);
    return id ?? -1;
  }

  /** A new route in the group (none there yet), not desired. */
  add(groupId: number, key: AddressKey, installed: string | undefined, stale: boolean): number {
    const id = this.free.pop() ?? this.end++;
    if (id >= this.flags.length) this.grow();
    this.groupOf[id] = groupId;
    this.flags[id] = LIVE | (stale ? STALE : 0);
    if (typeof key === 'number') this.key4[id] = key;
    else this.key6.set(id, key);
    this.desired[id] = undefined;
    this.installed[id] = installed;
    this.state[id] = PENDING;
    const g = this.groups[groupId];
    if (g.v4) g.v4.set((key as number) >>> 0, g.length, 0, id);
    else g.v6!.set(key as string, id);
    this.size++;
    return id;
  }

  private grow(): void {
    const n = this.flags.length * 2;
    this.groupOf = grown(this.groupOf, new Uint32Array(n));
    this.flags = grown(this.flags, new Uint8Array(n));
    this.key4 = grown(this.key4, new Int32Array(n));
  }

  group(id: number): RouteGroup {
    return this.groups[this.groupOf[id]];
  }

  groupIdOf(id: number): number {
    return this.groupOf[id];
  }

  key(id: number): AddressKey {
    return this.group(id).family === 4 ? this.key4[id] : (this.key6.get(id) as string);
  }

  /** Takes the route out of its group; its id is reused once the write pipeline let go of it. */
  forget(id: number): void {
    if (!this.isCurrent(id)) return;
    const g = this.group(id);
    if (g.v4) g.v4.delete(this.key4[id] >>> 0, g.length);
    else g.v6!.delete(this.key6.get(id) as string);
    this.flags[id] = (this.flags[id] & ~LIVE) | FORGOTTEN;
    this.desired[id] = undefined;
    this.installed[id] = undefined;
    this.state[id] = PENDING;
    this.size--;
    this.releaseIfDone(id);
  }

  /** A forgotten id neither queued nor in flight becomes free. */
  releaseIfDone(id: number): void {
    if ((this.flags[id] & (FORGOTTEN | QUEUED | IN_FLIGHT)) !== FORGOTTEN) return;
    this.flags[id] = 0;
    this.key6.delete(id);
    this.free.push(id);
  }

  /** The id names a route still in its group (not forgotten). */
  isCurrent(id: number): boolean {
    return (this.flags[id] & LIVE) !== 0;
  }

  /** Every current route's id, in id order (do not add routes while iterating). */
  *ids(): IterableIterator<number> {
    for (let id = 0; id < this.end; id++) if ((this.flags[id] & LIVE) !== 0) yield id;
  }

  /** A previous run's route kept for a graceful restart, not yet desired again. */
  isStale(id: number): boolean {
    return (this.flags[id] & STALE) !== 0;
  }
  setStale(id: number, on: boolean): void {
    this.mark(id, STALE, on);
  }

  /** Waiting to be written (DirtyQueue). */
  isQueued(id: number): boolean {
    return (this.flags[id] & QUEUED) !== 0;
  }
  setQueued(id: number, on: boolean): void {
    this.mark(id, QUEUED, on);
    if (!on) this.releaseIfDone(id);
  }

  /** Its message is sent, not yet acknowledged (RouteBatches). */
  isInFlight(id: number): boolean {
    return (this.flags[id] & IN_FLIGHT) !== 0;
  }
  setInFlight(id: number, on: boolean): void {
    this.mark(id, IN_FLIGHT, on);
    if (!on) this.releaseIfDone(id);
  }

  private mark(id: number, bit: number, on: boolean): void {
    this.flags[id] = on ? this.flags[id] | bit : this.flags[id] & ~bit;
  }
}

/** `to` with `from` copied into its start. */
function grown<T extends Uint8Array | Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
