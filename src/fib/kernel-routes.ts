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
import { type RouteGroup, RouteTable } from './route-table.js';
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
  /** Every route, by id (route-table.ts). */
  private readonly routes = new RouteTable();
  private readonly batches: RouteBatches;
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
    this.batches = new RouteBatches(
      {
        socket: () => this.cmd,
        paused: () => this.stopped || this.resyncing !== undefined,
        current: (id) => this.routes.isCurrent(id),
        write: (w, id, batch) => this.write(w, id, batch),
        applied: (batch, errors) => this.applied(batch, errors),
        requestFailed: (err) => this.scheduleResync(`request failed: ${err.message}`),
      },
      this.routes,
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
    this.setRoute(route);
  }

  /** Sets one desired route; returns its id. */
  private setRoute(route: DesiredRoute): number {
    const table = route.table ?? this.defaultTable;
    if (!this.tables.has(table)) {
      // A table first used now (a VRF's): its routes resolve next hops and its leftovers are ours.
      this.tables.add(table);
      this.scheduleResync(`table ${table}`);
    }
    const p = asPrefix(route.prefix);
    const group = this.groupId(familyOfPrefix(p), table, route.metric ?? this.defaultMetric, p.length);
    const key = addressKeyOf(p);
    const routes = this.routes;
    let id = routes.find(group, key);
    if (id < 0) id = routes.add(group, key, undefined, false);
    const before = routes.desired[id];
    const after = this.hopSets.acquire(table, route.nextHops);
    routes.desired[id] = after;
    if (before !== undefined) this.hopSets.release(before);
    // The same next hops, planned already and not changed since (a resolver change re-plans the
    // routes it affects): nothing to do.
    if (before === after && !this.batches.dirty.has(id) && settledState(routes.state[id])) return id;
    this.touch(id);
    return id;
  }

  /** Route `id` is to go (it stays until the kernel's copy is deleted). */
  private undesire(id: number): void {
    const s = this.routes.desired[id];
    if (s === undefined) return;
    this.hopSets.release(s);
    this.routes.desired[id] = undefined;
    this.touch(id);
  }

  /** Withdraws one route (no-op if unknown). */
  delete(prefix: string | Prefix, table = this.defaultTable, metric = this.defaultMetric): void {
    const id = this.find(prefix, table, metric);
    if (id >= 0) this.undesire(id);
  }

  /** Makes the desired set exactly `routes` (a complete snapshot). */
  replaceAll(routes: Iterable<DesiredRoute>): void {
    const keep = new Set<number>();
    for (const r of routes) keep.add(this.setRoute(r));
    for (const id of [...this.routes.ids()]) if (!keep.has(id)) this.undesire(id);
  }

  /** After a graceful restart, once the desired set is complete: removes the kept routes not desired again. */
  sweep(): Promise<void> {
    this.keeping = false;
    for (const id of [...this.routes.ids()]) if (this.routes.isStale(id)) this.touch(id);
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
    const id = this.find(prefix, table, metric);
    return id < 0 || this.routes.desired[id] === undefined ? undefined : this.statusOf(id);
  }

  /** The routing table of the VRF device `name`, as the kernel last said (undefined: no such VRF). */
  vrfTable(name: string): number | undefined {
    return this.resolver.vrfTable(name);
  }

  /** Desired routes not in the kernel, with why. */
  held(): RouteStatus[] {
    const out: RouteStatus[] = [];
    const { desired, state } = this.routes;
    for (const id of this.routes.ids()) {
      const s = state[id].state;
      if (desired[id] !== undefined && (s === 'held' || s === 'failed')) out.push(this.statusOf(id));
    }
    return out;
  }

  counts(): { desired: number; installed: number; held: number; failed: number; pending: number } {
    const c = { desired: 0, installed: 0, held: 0, failed: 0, pending: 0 };
    const { desired, state } = this.routes;
    for (const id of this.routes.ids()) {
      if (desired[id] === undefined) continue;
      c.desired++;
      c[state[id].state]++;
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
      for (const id of [...this.routes.ids()]) {
        this.undesire(id);
        this.touch(id);
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
  private groupId(family: Family, table: number, metric: number, length: number): number {
    return this.routes.groupId(
      family,
      table,
      family === 6 && metric === 0 ? IP6_RT_PRIO_USER : metric,
      length,
    );
  }

  /** The id of a route, or -1. */
  private find(prefix: string | Prefix, table: number, metric: number): number {
    const p = asPrefix(prefix);
    return this.routes.find(this.groupId(familyOfPrefix(p), table, metric, p.length), addressKeyOf(p));
  }

  /** The group id and key of a route as the kernel reports it (its metric as is). */
  private reported(r: Route): [number, AddressKey] {
    return [
      this.groupId(r.family, r.table, r.priority ?? 0, r.dstLength),
      addressKeyOfRoute(r.family, r.dst, r.dstLength),
    ];
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
      const { desired } = this.routes;
      for (const id of this.routes.ids()) {
        const set = desired[id];
        if (set !== undefined && changed.has(set)) this.touch(id);
      }
    });
  }

  // ------------------------------------------------------------------------------ kernel view

  private touch(id: number): void {
    this.batches.touch(id);
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
        const id = this.routes.find(group, key);
        if (id < 0) return void this.scheduleResync('foreign change to a Herald route');
        this.routes.installed[id] = m.type === MessageType.NEWROUTE ? kernelSignature(r) : undefined;
        this.touch(id);
        return;
      }
      const changed =
        m.type === MessageType.NEWROUTE ? this.resolver.addRoute(r) : this.resolver.deleteRoute(r);
      if (changed) this.scheduleReresolve();
      // The other protocol's route that refused ours (EEXIST: same table, prefix and metric) is
      // gone: ours goes in now, as zebra's and BIRD's would, not at the prefix's next change.
      if (m.type === MessageType.DELROUTE && this.tables.has(r.table)) {
        const [group, key] = this.reported(r);
        const id = this.routes.find(group, key);
        if (id >= 0 && this.routes.desired[id] !== undefined && this.routes.state[id].state === 'failed')
          this.touch(id);
      }
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
      /** Herald's routes in the kernel: group id → prefix key → signature. */
      const ours = new Map<number, Map<AddressKey, string>>();
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
      const routes = this.routes;
      for (const id of routes.ids()) {
        const inGroup = ours.get(routes.groupIdOf(id));
        const key = routes.key(id);
        routes.installed[id] = inGroup?.get(key);
        inGroup?.delete(key);
        this.batches.dirty.add(id);
      }
      for (const [group, inGroup] of ours) {
        for (const [key, signature] of inGroup)
          this.batches.dirty.add(routes.add(group, key, signature, true));
      }
      for (const m of this.queued.splice(0)) this.onNotification(m);
      for (const slot of this.byNextHop.values()) slot.last = '';
      this.scheduleReresolve();
      let count = 0;
      for (const id of routes.ids()) if (routes.installed[id] !== undefined) count++;
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
  private write(w: NetlinkWriter, id: number, ops: Batch): void {
    const routes = this.routes;
    const group = routes.group(id);
    const installed = routes.installed[id];
    const desired = routes.desired[id];
    // The spec of this message (one object for all: the encoder copies what it reads), next hops
    // filled in for an install (a delete names none).
    const base = this.spec;
    base.family = group.family;
    base.dst = dstOfKey(routes.key(id), this.dst4, this.dst16);
    base.dstLength = group.length;
    base.table = group.table;
    base.priority = group.metric;
    base.nextHops = undefined;
    if (desired === undefined) {
      if (installed !== undefined && !(routes.isStale(id) && this.keeping)) {
        encodeRoute(w, MessageType.DELROUTE, 0, 0, base);
        noteOp(ops, id, undefined);
      } else if (installed === undefined) {
        routes.forget(id);
      }
      return;
    }
    const shared = NextHopSets.plan(desired, this.resolver);
    const { plan } = shared;
    if (plan.nextHops.length === 0) {
      this.setState(id, shared.held);
      if (installed !== undefined) {
        encodeRoute(w, MessageType.DELROUTE, 0, 0, base);
        noteOp(ops, id, undefined);
      }
      return;
    }
    if (plan.signature === installed) {
      routes.setStale(id, false);
      this.setState(id, shared.installed);
      return;
    }
    // Replace only our own route; a new one must not overwrite another protocol's route with the
    // same prefix and metric (NLM_F_REPLACE would): EXCL makes the kernel refuse it instead.
    const flags = Flag.CREATE | (installed !== undefined ? Flag.REPLACE : Flag.EXCL);
    const mark = w.mark();
    try {
      base.nextHops = shared.encode;
      encodeRoute(w, MessageType.NEWROUTE, flags, 0, base);
    } catch (err) {
      w.rollback(mark);
      this.setState(id, {
        state: 'failed',
        reason: 'kernelRejected',
        code: 'EINVAL',
        message: (err as Error).message,
      });
      return;
    }
    routes.state[id] = shared.installed;
    noteOp(ops, id, plan.signature);
  }

  private applied(ops: Batch, errors: RequestError[]): void {
    const failed = new Map<number, RequestError>();
    for (const err of errors) failed.set(err.index, err);
    const routes = this.routes;
    ops.routes.forEach((id, i) => {
      if (!routes.isCurrent(id)) return;
      const signature = ops.signatures[i];
      const err = failed.get(i);
      if (signature === undefined) {
        // Deleted (ESRCH: it was already gone).
        if (err === undefined || err.errno === ESRCH) {
          routes.installed[id] = undefined;
          routes.setStale(id, false);
          if (routes.desired[id] === undefined && !this.batches.dirty.has(id)) routes.forget(id);
        } else {
          const g = routes.group(id);
          this.emit(
            'error',
            new Error(`deleting ${formatKey(routes.key(id), g.length)}: ${err.code} ${err.message ?? ''}`),
          );
        }
        return;
      }
      if (err === undefined) {
        routes.installed[id] = signature;
        routes.setStale(id, false);
        return;
      }
      const conflict = err.errno === EEXIST;
      this.setState(id, {
        state: 'failed',
        reason: conflict ? 'conflictingRoute' : 'kernelRejected',
        code: err.code,
        ...(err.message !== undefined ? { message: err.message } : {}),
      });
    });
  }

  private setState(id: number, s: RouteState): void {
    const before = this.routes.state[id];
    this.routes.state[id] = s;
    if (before === s) return;
    if ((s.state === 'held' || s.state === 'failed') && JSON.stringify(before) !== JSON.stringify(s)) {
      this.emit('routeState', this.statusOf(id));
    }
  }

  private statusOf(id: number): RouteStatus {
    const g: RouteGroup = this.routes.group(id);
    return {
      prefix: formatKey(this.routes.key(id), g.length),
      table: g.table,
      metric: g.metric,
      ...this.routes.state[id],
    };
  }
}

/** Planned already, with nothing pending: installed (or being acknowledged), or held back. */
function settledState(s: RouteState): boolean {
  return s.state === 'installed' || s.state === 'held';
}
