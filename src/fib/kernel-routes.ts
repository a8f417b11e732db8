// The kernel-route reconciler: keeps the kernel's routes of Herald's protocol equal to a desired
// set, over rtnetlink. It owns two netlink sockets — one for requests (no multicast, so acks never
// queue behind notifications) and one joined to the link and route groups — and:
//  - at start dumps links and the routes of its tables (and main, for next-hop resolution), and
//    removes a previous run's leftovers of its protocol, or keeps them for a graceful restart
//    until `sweep()`;
//  - installs, replaces and deletes in batches (RouteBatches: many route messages per datagram,
//    several datagrams in flight, a yield to the event loop after each round);
//  - resolves next hops against the kernel's other routes (NextHopResolver) and holds back
//    routes with no usable next hop, with the reason;
//  - re-dumps and diffs after a receive-buffer overrun and after a link changes state ("IPv4
//    routes through a link that goes down are flushed without an RTM_DELROUTE");
//  - on `stop()` removes everything it installed (or keeps it: a graceful restart).
//
// What the kernel says is the truth: a route counts as installed once its batch is acknowledged
// without an error for it, and a dump replaces the whole picture.

import { EventEmitter } from 'node:events';
import { NetlinkSocket, NetlinkSocketError, type RequestError } from '../sys/netlink-socket.js';
import type { Prefix } from '../wire/prefix.js';
import type { DesiredNextHop, DesiredRoute } from './desired-route.js';
import { Flag, Group, MessageType, RouteProtocol, Scope, Table } from './netlink/constants.js';
import { NetlinkDecodeError } from './netlink/errors.js';
import type { Message } from './netlink/header.js';
import type { Family } from './netlink/ip.js';
import { decodeLink, encodeLink, linkIsUp } from './netlink/link.js';
import { decodeRoute, encodeRoute, encodeRouteDump, type Route, type RouteSpec } from './netlink/route.js';
import { NetlinkWriter } from './netlink/writer.js';
import { NextHopResolver } from './next-hop-resolver.js';
import { type NextHopSet, NextHopSets } from './next-hop-sets.js';
import { type Batch, type BatchOptions, noteOp, RouteBatches } from './route-batches.js';
import {
  type AddressKey,
  addressKeyOf,
  addressKeyOfRoute,
  asPrefix,
  dstOfKey,
  familyOfPrefix,
  formatKey,
} from './route-key.js';
import { type KernelNextHop, kernelSignature, type UnusableNextHop } from './route-plan.js';
import { HERALD_RT_PROTOCOL } from './rt-protocol.js';

export interface KernelRoutesOptions extends BatchOptions {
  /** rtm_protocol of Herald's routes (default HERALD_RT_PROTOCOL, 72). */
  protocol?: number;
  /** Table for desired routes that name none (default main, 254). */
  table?: number;
  /** Metric for desired routes that name none (default 20). */
  metric?: number;
  /** Tables whose leftovers are handled at start (default: [table]). Tables of desired routes join. */
  tables?: readonly number[];
  /** Graceful restart: keep the previous run's routes until `sweep()` (default false: remove them). */
  keepOnStart?: boolean;
  /** Let a default route resolve next hops (default false). */
  allowDefault?: boolean;
  /** Receive buffer of the notification socket (default 32 MiB). */
  receiveBufferBytes?: number;
}

/** Where one route stands (`status()`, `held()`, the events). */
export type RouteState =
  | { state: 'pending' }
  | { state: 'installed'; nextHops: KernelNextHop[]; unusable: UnusableNextHop[] }
  /** No usable next hop: not in the kernel. */
  | { state: 'held'; reason: 'noUsableNextHop'; unusable: UnusableNextHop[] }
  /** The kernel refused it; `conflictingRoute` when another protocol owns the same prefix and metric. */
  | { state: 'failed'; reason: 'kernelRejected' | 'conflictingRoute'; code: string; message?: string };

export type RouteStatus = RouteState & { prefix: string; table: number; metric: number };

export interface KernelRoutesEvents {
  /** A route moved into `held` or `failed` (not emitted for every install: use counts()). */
  routeState: [RouteStatus];
  /** The kernel view was re-read (`reason`: overrun, link, request failure) and diffed. */
  resync: [{ reason: string; ours: number; durationMs: number }];
  /** The notification socket overran; a resync follows. */
  overrun: [];
  error: [Error];
}

/** The routes of one family, table, metric and prefix length, by network address. */
interface RouteGroup {
  readonly family: Family;
  readonly table: number;
  readonly metric: number;
  readonly length: number;
  readonly routes: Map<AddressKey, Entry>;
}

/** Where a route stands before its first write is acknowledged (shared: it carries nothing). */
const PENDING: RouteState = Object.freeze({ state: 'pending' });

/** Entry flags. */
const STALE = 1;
const QUEUED = 2;
const IN_FLIGHT = 4;
const FORGOTTEN = 8;

/**
 * One route (kept small: a full table holds hundreds of thousands). A class whose constructor sets
 * every field, so V8 gives each one exactly its slots (an object literal that later gains a
 * property grows an out-of-object property array), and its four flags in one number: 72 octets a
 * route instead of 112.
 */
class Entry {
  /** Shared with every route with the same next hops. */
  desired: NextHopSet | undefined = undefined;
  state: RouteState = PENDING;
  private flags: number;

  constructor(
    readonly group: RouteGroup,
    readonly key: AddressKey,
    /** Signature of the route the kernel holds (undefined: none). */
    public installed: string | undefined,
    stale: boolean,
  ) {
    this.flags = stale ? STALE : 0;
  }

  private flag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  /** A previous run's route kept for a graceful restart, not yet desired again. */
  get stale(): boolean {
    return (this.flags & STALE) !== 0;
  }
  set stale(on: boolean) {
    this.flag(STALE, on);
  }

  /** Waiting to be written (DirtyQueue). */
  get queued(): boolean {
    return (this.flags & QUEUED) !== 0;
  }
  set queued(on: boolean) {
    this.flag(QUEUED, on);
  }

  /** Its message is sent, not yet acknowledged (RouteBatches). */
  get inFlight(): boolean {
    return (this.flags & IN_FLIGHT) !== 0;
  }
  set inFlight(on: boolean) {
    this.flag(IN_FLIGHT, on);
  }

  /** Dropped from its group: a message still queued for it is not written. */
  get forgotten(): boolean {
    return (this.flags & FORGOTTEN) !== 0;
  }
  forget(): void {
    this.flag(FORGOTTEN, true);
  }
}

/** The kernel stores an IPv6 route given metric 0 with metric 1024 (IP6_RT_PRIO_USER). */
const IP6_RT_PRIO_USER = 1024;
const ESRCH = 3;
const EEXIST = 17;
const RESYNC_DELAY_MS = 50;

export class KernelRoutes extends EventEmitter<KernelRoutesEvents> {
  readonly protocol: number;
  private readonly defaultTable: number;
  private readonly defaultMetric: number;
  private readonly tables: Set<number>;
  private readonly resolver: NextHopResolver;
  /** "family|table|metric|length" → its routes. */
  private readonly groups = new Map<string, RouteGroup>();
  private lastGroup?: RouteGroup;
  private readonly batches: RouteBatches<Entry>;
  private readonly hopSets = new NextHopSets(
    (s) => this.index(s),
    (s) => this.unindex(s),
  );
  /** Next-hop key → the next-hop sets using it, and its last resolution signature. */
  private readonly byNextHop = new Map<string, { sets: Set<NextHopSet>; last: string }>();
  /** Scratch for one route message's spec (`write`). */
  private readonly spec: RouteSpec;
  /** Scratch for destination octets (the encoder copies them). */
  private readonly dst4 = new Uint8Array(4);
  private readonly dst16 = new Uint8Array(16);
  private cmd?: NetlinkSocket;
  private mon?: NetlinkSocket;
  private keeping: boolean;
  private resyncTimer?: NodeJS.Timeout;
  private resyncReason = '';
  private resyncing?: Promise<void>;
  private dumping = false;
  private readonly queued: Message[] = [];
  private reresolveScheduled = false;
  private stopped = false;

  constructor(private readonly opts: KernelRoutesOptions = {}) {
    super();
    this.protocol = opts.protocol ?? HERALD_RT_PROTOCOL;
    if (this.protocol <= RouteProtocol.STATIC || this.protocol > 255) {
      throw new RangeError(`route protocol ${this.protocol}: must be 5..255`);
    }
    this.defaultTable = opts.table ?? Table.MAIN;
    this.defaultMetric = opts.metric ?? 20;
    this.tables = new Set(opts.tables ?? [this.defaultTable]);
    this.keeping = opts.keepOnStart ?? false;
    this.resolver = new NextHopResolver({ protocol: this.protocol, allowDefault: opts.allowDefault });
    this.spec = {
      family: 4,
      dst: this.dst4,
      dstLength: 0,
      table: 0,
      protocol: this.protocol,
      scope: Scope.UNIVERSE,
      priority: 0,
      nextHops: undefined,
    };
    this.batches = new RouteBatches<Entry>(
      {
        socket: () => this.cmd,
        paused: () => this.stopped || this.resyncing !== undefined,
        current: (e) => !e.forgotten,
        write: (w, e, batch) => this.write(w, e, batch),
        applied: (batch, errors) => this.applied(batch, errors),
        requestFailed: (err) => this.scheduleResync(`request failed: ${err.message}`),
      },
      opts,
    );
  }

  /** Opens the sockets, reads the kernel's state and handles leftovers. Throws when netlink is unavailable. */
  async start(): Promise<void> {
    this.cmd = NetlinkSocket.open({ receiveBufferBytes: 4 * 1024 * 1024 });
    this.mon = NetlinkSocket.open({
      groups: [Group.LINK, Group.IPV4_ROUTE, Group.IPV6_ROUTE],
      receiveBufferBytes: this.opts.receiveBufferBytes ?? 32 * 1024 * 1024,
      // Our own changes come back as one notification per route: dropped in the kernel.
      ignorePortId: this.cmd.portId,
    });
    this.mon.on('notification', (m) => (this.dumping ? this.queued.push(m) : this.onNotification(m)));
    this.mon.on('overrun', () => {
      this.emit('overrun');
      this.scheduleResync('overrun');
    });
    this.mon.on('error', (e) => this.emit('error', e));
    this.cmd.on('error', (e) => this.emit('error', e));
    await this.readKernel('start');
  }

  // ------------------------------------------------------------------------------ desired routes

  /** Adds or replaces one desired route. */
  set(route: DesiredRoute): void {
    this.setEntry(route);
  }

  private setEntry(route: DesiredRoute): Entry {
    const table = route.table ?? this.defaultTable;
    if (!this.tables.has(table)) {
      // A table first used now (a VRF's): its routes resolve next hops and its leftovers are ours.
      this.tables.add(table);
      this.scheduleResync(`table ${table}`);
    }
    const p = asPrefix(route.prefix);
    const group = this.group(familyOfPrefix(p), table, route.metric ?? this.defaultMetric, p.length);
    const key = addressKeyOf(p);
    let e = group.routes.get(key);
    if (e === undefined) {
      e = new Entry(group, key, undefined, false);
      group.routes.set(key, e);
    }
    const before = e.desired;
    e.desired = this.hopSets.acquire(table, route.nextHops);
    if (before !== undefined) this.hopSets.release(before);
    // The same next hops, planned already and not changed since (a resolver change re-plans the
    // routes it affects): nothing to do.
    if (before === e.desired && !this.batches.dirty.has(e) && settledState(e)) return e;
    this.touch(e);
    return e;
  }

  /** Withdraws one route (no-op if unknown). */
  delete(prefix: string | Prefix, table = this.defaultTable, metric = this.defaultMetric): void {
    const e = this.find(prefix, table, metric);
    if (e?.desired === undefined) return;
    this.hopSets.release(e.desired);
    e.desired = undefined;
    this.touch(e);
  }

  /** Makes the desired set exactly `routes` (a complete snapshot). */
  replaceAll(routes: Iterable<DesiredRoute>): void {
    const keep = new Set<Entry>();
    for (const r of routes) keep.add(this.setEntry(r));
    for (const e of this.allEntries()) {
      if (e.desired !== undefined && !keep.has(e)) {
        this.hopSets.release(e.desired);
        e.desired = undefined;
        this.touch(e);
      }
    }
  }

  /** After a graceful restart, once the desired set is complete: removes the kept routes not desired again. */
  sweep(): Promise<void> {
    this.keeping = false;
    for (const e of this.allEntries()) if (e.stale) this.touch(e);
    return this.settled();
  }

  /** Resolves when every change so far is in the kernel (or held / failed). */
  async settled(): Promise<void> {
    for (;;) {
      if (this.resyncing) await this.resyncing;
      else if (this.batches.pumping) await this.batches.pumping;
      else if (this.batches.dirty.size > 0 && !this.stopped && this.cmd) {
        this.batches.kick();
        if (!this.batches.pumping && !this.resyncing) return;
      } else if (this.resyncTimer) await new Promise((r) => setTimeout(r, RESYNC_DELAY_MS));
      else return;
    }
  }

  status(
    prefix: string | Prefix,
    table = this.defaultTable,
    metric = this.defaultMetric,
  ): RouteStatus | undefined {
    const e = this.find(prefix, table, metric);
    return e?.desired === undefined ? undefined : statusOf(e);
  }

  /** The routing table of the VRF device `name`, as the kernel last said (undefined: no such VRF). */
  vrfTable(name: string): number | undefined {
    return this.resolver.vrfTable(name);
  }

  /** Desired routes not in the kernel, with why. */
  held(): RouteStatus[] {
    const out: RouteStatus[] = [];
    for (const e of this.allEntries()) {
      if (e.desired !== undefined && (e.state.state === 'held' || e.state.state === 'failed'))
        out.push(statusOf(e));
    }
    return out;
  }

  counts(): { desired: number; installed: number; held: number; failed: number; pending: number } {
    const c = { desired: 0, installed: 0, held: 0, failed: 0, pending: 0 };
    for (const e of this.allEntries()) {
      if (e.desired === undefined) continue;
      c.desired++;
      c[e.state.state]++;
    }
    return c;
  }

  /**
   * Stops. Without `keep`, first removes every route of Herald's protocol it knows of (a clean
   * shutdown); with `keep` (graceful restart) leaves them for the next run to adopt.
   */
  async stop(opts: { keep?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    if (!opts.keep && this.cmd) {
      await this.settled();
      this.keeping = false;
      for (const e of this.allEntries()) {
        if (e.desired !== undefined) this.hopSets.release(e.desired);
        e.desired = undefined;
        this.touch(e);
      }
      await this.settled();
      // What a lost ack or a concurrent writer may have left: one filtered dump, then deletes.
      await this.readKernel('stop');
      await this.settled();
    }
    this.stopped = true;
    await Promise.all([this.cmd?.close(), this.mon?.close()]);
  }

  // ------------------------------------------------------------------------------ route entries

  /** The group of a family, table, metric and prefix length (created when missing). */
  private group(family: Family, table: number, metricIn: number, length: number): RouteGroup {
    const metric = family === 6 && metricIn === 0 ? IP6_RT_PRIO_USER : metricIn;
    const last = this.lastGroup;
    if (
      last !== undefined &&
      last.length === length &&
      last.family === family &&
      last.table === table &&
      last.metric === metric
    )
      return last;
    const k = `${family}|${table}|${metric}|${length}`;
    let g = this.groups.get(k);
    if (g === undefined) {
      g = { family, table, metric, length, routes: new Map() };
      this.groups.set(k, g);
    }
    this.lastGroup = g;
    return g;
  }

  private find(prefix: string | Prefix, table: number, metric: number): Entry | undefined {
    const p = asPrefix(prefix);
    return this.group(familyOfPrefix(p), table, metric, p.length).routes.get(addressKeyOf(p));
  }

  /** The group and key of a route as the kernel reports it (its metric as is). */
  private reported(r: Route): [RouteGroup, AddressKey] {
    return [
      this.group(r.family, r.table, r.priority ?? 0, r.dstLength),
      addressKeyOfRoute(r.family, r.dst, r.dstLength),
    ];
  }

  private *allEntries(): IterableIterator<Entry> {
    for (const g of this.groups.values()) yield* g.routes.values();
  }

  private forget(e: Entry): void {
    if (e.group.routes.get(e.key) !== e) return;
    e.group.routes.delete(e.key);
    e.forget();
  }

  // ------------------------------------------------------------------------------ next-hop index

  private static nhKey(table: number, nh: DesiredNextHop): string {
    return `${table}|${nh.address}|${nh.ifindex ?? 0}`;
  }

  private index(s: NextHopSet): void {
    for (const nh of s.hops) {
      const k = KernelRoutes.nhKey(s.table, nh);
      let slot = this.byNextHop.get(k);
      if (slot === undefined) {
        slot = { sets: new Set(), last: this.resolutionOf(s.table, nh) };
        this.byNextHop.set(k, slot);
      }
      slot.sets.add(s);
    }
  }

  private unindex(s: NextHopSet): void {
    for (const nh of s.hops) {
      const k = KernelRoutes.nhKey(s.table, nh);
      const slot = this.byNextHop.get(k);
      slot?.sets.delete(s);
      if (slot?.sets.size === 0) this.byNextHop.delete(k);
    }
  }

  private resolutionOf(table: number, nh: DesiredNextHop): string {
    return JSON.stringify(this.resolver.resolve(nh.address, table, nh.ifindex));
  }

  /** After the resolver changed: routes whose next hops now resolve differently become dirty. */
  private scheduleReresolve(): void {
    if (this.reresolveScheduled) return;
    this.reresolveScheduled = true;
    setImmediate(() => {
      this.reresolveScheduled = false;
      const changed = new Set<NextHopSet>();
      for (const [k, slot] of this.byNextHop) {
        const [table, address, ifindex] = k.split('|');
        const now = this.resolutionOf(Number(table), { address, ifindex: Number(ifindex) || undefined });
        if (now === slot.last) continue;
        slot.last = now;
        for (const s of slot.sets) changed.add(s);
      }
      if (changed.size === 0) return;
      for (const e of this.allEntries()) if (e.desired !== undefined && changed.has(e.desired)) this.touch(e);
    });
  }

  // ------------------------------------------------------------------------------ kernel view

  private touch(e: Entry): void {
    this.batches.touch(e);
  }

  private onNotification(m: Message): void {
    try {
      if (m.type === MessageType.NEWLINK || m.type === MessageType.DELLINK) {
        const l = decodeLink(m);
        const before = this.resolver.link(l.index);
        if (m.type === MessageType.DELLINK) this.resolver.deleteLink(l.index);
        else this.resolver.setLink(l);
        const wasUp = before !== undefined && linkIsUp(before);
        const isUp = m.type === MessageType.NEWLINK && linkIsUp(l);
        if (wasUp !== isUp) {
          if (!isUp) this.resolver.dropRoutesVia(l.index);
          this.scheduleReresolve();
          // The kernel flushes IPv4 routes through a link that went down without telling: re-read.
          if (before !== undefined) this.scheduleResync(`link ${l.name ?? l.index} ${isUp ? 'up' : 'down'}`);
        }
        return;
      }
      if (m.type !== MessageType.NEWROUTE && m.type !== MessageType.DELROUTE) return;
      // Our own changes come back as notifications too (sent from the request socket's port id):
      // skipped before decoding, as a full table brings one per route.
      if (m.pid !== 0 && m.pid === this.cmd?.portId) return;
      const r = decodeRoute(m);
      if (r.protocol === this.protocol) {
        // Someone else edited a route of Herald's protocol.
        if (!this.tables.has(r.table)) return;
        const [group, key] = this.reported(r);
        const e = group.routes.get(key);
        if (e === undefined) return void this.scheduleResync('foreign change to a Herald route');
        e.installed = m.type === MessageType.NEWROUTE ? kernelSignature(r) : undefined;
        this.touch(e);
        return;
      }
      const changed =
        m.type === MessageType.NEWROUTE ? this.resolver.addRoute(r) : this.resolver.deleteRoute(r);
      if (changed) this.scheduleReresolve();
    } catch (err) {
      if (err instanceof NetlinkDecodeError && err.code === 'unsupportedFamily') return;
      this.emit('error', err as Error);
    }
  }

  private scheduleResync(reason: string): void {
    if (this.stopped) return;
    this.resyncReason ||= reason;
    if (this.resyncTimer) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      const why = this.resyncReason;
      this.resyncReason = '';
      void this.readKernel(why).catch((e) => this.emit('error', e as Error));
    }, RESYNC_DELAY_MS);
  }

  /**
   * Dumps links and the routes of the relevant tables (after any running batch), rebuilds the
   * resolver and the installed set, and marks every route dirty to diff it.
   */
  private readKernel(reason: string): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.batches.pumping) await this.batches.pumping;
      const t0 = performance.now();
      const cmd = this.cmd!;
      /** Herald's routes in the kernel: entry group → prefix key → signature. */
      const ours = new Map<RouteGroup, Map<AddressKey, string>>();
      /** One string per distinct signature (a kept full table has a handful). */
      const signatures = new Map<string, string>();
      this.dumping = true;
      try {
        for (let attempt = 0; ; attempt++) {
          ours.clear();
          this.resolver.clearRoutes();
          try {
            await cmd.dump(
              this.request((w) => encodeLink(w, MessageType.GETLINK, Flag.DUMP, 0, { index: 0 })),
              (m) => this.resolver.setLink(decodeLink(m)),
            );
            for (const table of new Set([Table.MAIN, ...this.tables])) {
              await cmd.dump(
                this.request((w) => encodeRouteDump(w, 0, { table })),
                (m) => {
                  let r: Route;
                  try {
                    r = decodeRoute(m);
                  } catch (err) {
                    if (err instanceof NetlinkDecodeError && err.code === 'unsupportedFamily') return;
                    throw err;
                  }
                  if (r.protocol !== this.protocol) this.resolver.addRoute(r);
                  else if (this.tables.has(r.table)) {
                    const [g, key] = this.reported(r);
                    const inGroup = ours.get(g) ?? new Map<AddressKey, string>();
                    ours.set(g, inGroup);
                    const sig = kernelSignature(r);
                    if (!signatures.has(sig)) signatures.set(sig, sig);
                    inGroup.set(key, signatures.get(sig)!);
                  }
                },
              );
            }
            break;
          } catch (err) {
            if (attempt < 3 && err instanceof NetlinkSocketError && err.reason === 'dumpInterrupted')
              continue;
            throw err;
          }
        }
      } finally {
        this.dumping = false;
      }
      for (const e of this.allEntries()) {
        const inGroup = ours.get(e.group);
        e.installed = inGroup?.get(e.key);
        inGroup?.delete(e.key);
        this.batches.dirty.add(e);
      }
      for (const [group, inGroup] of ours) {
        for (const [key, signature] of inGroup) {
          const e = new Entry(group, key, signature, true);
          group.routes.set(key, e);
          this.batches.dirty.add(e);
        }
      }
      for (const m of this.queued.splice(0)) this.onNotification(m);
      for (const slot of this.byNextHop.values()) slot.last = '';
      this.scheduleReresolve();
      let count = 0;
      for (const e of this.allEntries()) if (e.installed !== undefined) count++;
      this.emit('resync', { reason, ours: count, durationMs: performance.now() - t0 });
    };
    const p = (this.resyncing ?? Promise.resolve()).then(run).finally(() => {
      if (this.resyncing === p) this.resyncing = undefined;
      this.batches.kick();
    });
    this.resyncing = p;
    return p;
  }

  private request(build: (w: NetlinkWriter) => void): Buffer {
    const w = new NetlinkWriter(Buffer.alloc(256));
    build(w);
    return w.buf.subarray(0, w.pos);
  }

  // ------------------------------------------------------------------------------ messages

  /** Plans one route and writes the message that brings the kernel there (if any). */
  private write(w: NetlinkWriter, e: Entry, ops: Batch<Entry>): void {
    const { group } = e;
    // The spec of this message (one object for all: the encoder copies what it reads), next hops
    // filled in for an install (a delete names none).
    const base = this.spec;
    base.family = group.family;
    base.dst = dstOfKey(e.key, this.dst4, this.dst16);
    base.dstLength = group.length;
    base.table = group.table;
    base.priority = group.metric;
    base.nextHops = undefined;
    if (e.desired === undefined) {
      if (e.installed !== undefined && !(e.stale && this.keeping)) {
        encodeRoute(w, MessageType.DELROUTE, 0, 0, base);
        noteOp(ops, e, undefined);
      } else if (e.installed === undefined) {
        this.forget(e);
      }
      return;
    }
    const shared = NextHopSets.plan(e.desired, this.resolver);
    const { plan } = shared;
    if (plan.nextHops.length === 0) {
      this.setState(e, shared.held);
      if (e.installed !== undefined) {
        encodeRoute(w, MessageType.DELROUTE, 0, 0, base);
        noteOp(ops, e, undefined);
      }
      return;
    }
    if (plan.signature === e.installed) {
      e.stale = false;
      this.setState(e, shared.installed);
      return;
    }
    // Replace only our own route; a new one must not overwrite another protocol's route with the
    // same prefix and metric (NLM_F_REPLACE would): EXCL makes the kernel refuse it instead.
    const flags = Flag.CREATE | (e.installed !== undefined ? Flag.REPLACE : Flag.EXCL);
    const mark = w.mark();
    try {
      base.nextHops = shared.encode;
      encodeRoute(w, MessageType.NEWROUTE, flags, 0, base);
    } catch (err) {
      w.rollback(mark);
      this.setState(e, {
        state: 'failed',
        reason: 'kernelRejected',
        code: 'EINVAL',
        message: (err as Error).message,
      });
      return;
    }
    e.state = shared.installed;
    noteOp(ops, e, plan.signature);
  }

  private applied(ops: Batch<Entry>, errors: RequestError[]): void {
    const failed = new Map<number, RequestError>();
    for (const err of errors) failed.set(err.index, err);
    ops.entries.forEach((e, i) => {
      const signature = ops.signatures[i];
      const err = failed.get(i);
      if (signature === undefined) {
        // Deleted (ESRCH: it was already gone).
        if (err === undefined || err.errno === ESRCH) {
          e.installed = undefined;
          e.stale = false;
          if (e.desired === undefined && !this.batches.dirty.has(e)) this.forget(e);
        } else {
          this.emit(
            'error',
            new Error(`deleting ${formatKey(e.key, e.group.length)}: ${err.code} ${err.message ?? ''}`),
          );
        }
        return;
      }
      if (err === undefined) {
        e.installed = signature;
        e.stale = false;
        return;
      }
      const conflict = err.errno === EEXIST;
      this.setState(e, {
        state: 'failed',
        reason: conflict ? 'conflictingRoute' : 'kernelRejected',
        code: err.code,
        ...(err.message !== undefined ? { message: err.message } : {}),
      });
    });
  }

  private setState(e: Entry, s: RouteState): void {
    const before = e.state;
    e.state = s;
    if (before === s) return;
    if ((s.state === 'held' || s.state === 'failed') && JSON.stringify(before) !== JSON.stringify(s)) {
      this.emit('routeState', statusOf(e));
    }
  }
}

function statusOf(e: Entry): RouteStatus {
  return {
    prefix: formatKey(e.key, e.group.length),
    table: e.group.table,
    metric: e.group.metric,
    ...e.state,
  };
}

/** Planned already, with nothing pending: installed (or being acknowledged), or held back. */
function settledState(e: Entry): boolean {
  return e.state.state === 'installed' || e.state.state === 'held';
}
