// The kernel-route reconciler: keeps the kernel's routes of Herald's protocol equal to a desired
// set, over rtnetlink. It owns two netlink sockets — one for requests (no multicast, so acks never
// queue behind notifications) and one joined to the link and route groups — and:
//  - at start dumps links and the routes of its tables (and main, for next-hop resolution), and
//    removes a previous run's leftovers of its protocol, or keeps them for a graceful restart
//    until `sweep()`;
//  - installs, replaces and deletes in batches: many route messages per datagram, the last one
//    acknowledged, several datagrams in flight, a yield to the event loop after each round;
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
import { type DesiredNextHop, type DesiredRoute, type RouteId, routeId, routeKey } from './desired-route.js';
import { Flag, Group, MessageType, RouteProtocol, Scope, Table } from './netlink/constants.js';
import { NetlinkDecodeError } from './netlink/errors.js';
import type { Message } from './netlink/header.js';
import { decodeLink, encodeLink, linkIsUp } from './netlink/link.js';
import { decodeRoute, encodeRoute, encodeRouteDump, type Route } from './netlink/route.js';
import { NetlinkWriter } from './netlink/writer.js';
import { NextHopResolver } from './next-hop-resolver.js';
import { type KernelNextHop, kernelSignature, planRoute, type UnusableNextHop } from './route-plan.js';
import { HERALD_RT_PROTOCOL } from './rt-protocol.js';

export interface KernelRoutesOptions {
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
  /** Bytes of route messages per datagram (default 16 KiB, about 250 IPv4 routes). */
  datagramBytes?: number;
  /** Datagrams sent before waiting for their acks and yielding (default 8). */
  maxInFlight?: number;
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

interface Entry {
  id: RouteId;
  desired?: readonly DesiredNextHop[];
  /** Signature of the route the kernel holds (undefined: none). */
  installed?: string;
  /** A previous run's route kept for a graceful restart, not yet desired again. */
  stale: boolean;
  state: RouteState;
}

interface Op {
  entry: Entry;
  /** Signature written (undefined: deleted). */
  signature?: string;
}

const ESRCH = 3;
const EEXIST = 17;
const RESYNC_DELAY_MS = 50;
/** Synchronous work per batch round (encoding, and the kernel applying routes inside send()). */
const ROUND_BUDGET_MS = 8;

export class KernelRoutes extends EventEmitter<KernelRoutesEvents> {
  readonly protocol: number;
  private readonly defaultTable: number;
  private readonly defaultMetric: number;
  private readonly tables: Set<number>;
  private readonly resolver: NextHopResolver;
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  /** Next-hop key → routes using it, and its last resolution signature. */
  private readonly byNextHop = new Map<string, { routes: Set<string>; last: string }>();
  private cmd?: NetlinkSocket;
  private mon?: NetlinkSocket;
  private readonly writer: NetlinkWriter;
  private keeping: boolean;
  private pumping?: Promise<void>;
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
    this.writer = new NetlinkWriter(Buffer.alloc((opts.datagramBytes ?? 16 * 1024) + 8192));
  }

  /** Opens the sockets, reads the kernel's state and handles leftovers. Throws when netlink is unavailable. */
  async start(): Promise<void> {
    this.mon = NetlinkSocket.open({
      groups: [Group.LINK, Group.IPV4_ROUTE, Group.IPV6_ROUTE],
      receiveBufferBytes: this.opts.receiveBufferBytes ?? 32 * 1024 * 1024,
    });
    this.cmd = NetlinkSocket.open({ receiveBufferBytes: 4 * 1024 * 1024 });
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
    const id = routeId(route.prefix, route.table ?? this.defaultTable, route.metric ?? this.defaultMetric);
    if (!this.tables.has(id.table)) {
      // A table first used now (a VRF's): its routes resolve next hops and its leftovers are ours.
      this.tables.add(id.table);
      this.scheduleResync(`table ${id.table}`);
    }
    let e = this.entries.get(id.key);
    if (e === undefined) {
      e = { id, stale: false, state: { state: 'pending' } };
      this.entries.set(id.key, e);
    } else if (e.desired) {
      this.unindex(e);
    }
    e.desired = route.nextHops;
    this.index(e);
    this.touch(e.id.key);
  }

  /** Withdraws one route (no-op if unknown). */
  delete(prefix: string | Prefix, table = this.defaultTable, metric = this.defaultMetric): void {
    const e = this.entries.get(routeId(prefix, table, metric).key);
    if (e?.desired === undefined) return;
    this.unindex(e);
    e.desired = undefined;
    this.touch(e.id.key);
  }

  /** Makes the desired set exactly `routes` (a complete snapshot). */
  replaceAll(routes: Iterable<DesiredRoute>): void {
    const keep = new Set<string>();
    for (const r of routes) {
      this.set(r);
      keep.add(routeId(r.prefix, r.table ?? this.defaultTable, r.metric ?? this.defaultMetric).key);
    }
    for (const e of this.entries.values()) {
      if (e.desired !== undefined && !keep.has(e.id.key)) this.delete(e.id.prefix, e.id.table, e.id.metric);
    }
  }

  /** After a graceful restart, once the desired set is complete: removes the kept routes not desired again. */
  sweep(): Promise<void> {
    this.keeping = false;
    for (const e of this.entries.values()) if (e.stale) this.touch(e.id.key);
    return this.settled();
  }

  /** Resolves when every change so far is in the kernel (or held / failed). */
  async settled(): Promise<void> {
    for (;;) {
      if (this.resyncing) await this.resyncing;
      else if (this.pumping) await this.pumping;
      else if (this.dirty.size > 0 && !this.stopped && this.cmd) {
        this.kick();
        if (!this.pumping && !this.resyncing) return;
      } else if (this.resyncTimer) await new Promise((r) => setTimeout(r, RESYNC_DELAY_MS));
      else return;
    }
  }

  status(
    prefix: string | Prefix,
    table = this.defaultTable,
    metric = this.defaultMetric,
  ): RouteStatus | undefined {
    const e = this.entries.get(routeId(prefix, table, metric).key);
    return e?.desired === undefined ? undefined : statusOf(e);
  }

  /** The routing table of the VRF device `name`, as the kernel last said (undefined: no such VRF). */
  vrfTable(name: string): number | undefined {
    return this.resolver.vrfTable(name);
  }

  /** Desired routes not in the kernel, with why. */
  held(): RouteStatus[] {
    const out: RouteStatus[] = [];
    for (const e of this.entries.values()) {
      if (e.desired !== undefined && (e.state.state === 'held' || e.state.state === 'failed'))
        out.push(statusOf(e));
    }
    return out;
  }

  counts(): { desired: number; installed: number; held: number; failed: number; pending: number } {
    const c = { desired: 0, installed: 0, held: 0, failed: 0, pending: 0 };
    for (const e of this.entries.values()) {
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
      for (const e of this.entries.values()) {
        e.desired = undefined;
        this.touch(e.id.key);
      }
      await this.settled();
      // What a lost ack or a concurrent writer may have left: one filtered dump, then deletes.
      await this.readKernel('stop');
      await this.settled();
    }
    this.stopped = true;
    await Promise.all([this.cmd?.close(), this.mon?.close()]);
  }

  // ------------------------------------------------------------------------------ next-hop index

  private static nhKey(table: number, nh: DesiredNextHop): string {
    return `${table}|${nh.address}|${nh.ifindex ?? 0}`;
  }

  private index(e: Entry): void {
    for (const nh of e.desired ?? []) {
      const k = KernelRoutes.nhKey(e.id.table, nh);
      let slot = this.byNextHop.get(k);
      if (slot === undefined) {
        slot = { routes: new Set(), last: this.resolutionOf(e.id.table, nh) };
        this.byNextHop.set(k, slot);
      }
      slot.routes.add(e.id.key);
    }
  }

  private unindex(e: Entry): void {
    for (const nh of e.desired ?? []) {
      const k = KernelRoutes.nhKey(e.id.table, nh);
      const slot = this.byNextHop.get(k);
      slot?.routes.delete(e.id.key);
      if (slot?.routes.size === 0) this.byNextHop.delete(k);
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
      for (const [k, slot] of this.byNextHop) {
        const [table, address, ifindex] = k.split('|');
        const now = this.resolutionOf(Number(table), { address, ifindex: Number(ifindex) || undefined });
        if (now === slot.last) continue;
        slot.last = now;
        for (const key of slot.routes) this.touch(key);
      }
    });
  }

  // ------------------------------------------------------------------------------ kernel view

  private touch(key: string): void {
    this.dirty.add(key);
    this.kick();
  }

  private kick(): void {
    if (this.pumping || this.resyncing || this.stopped || !this.cmd) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.dirty.size > 0 && !this.resyncing) this.kick();
    });
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
        const e = this.entries.get(
          routeKey(r.table, r.priority ?? 0, `${r.dst ?? defaultDst(r)}/${r.dstLength}`),
        );
        if (e === undefined) return void this.scheduleResync('foreign change to a Herald route');
        e.installed = m.type === MessageType.NEWROUTE ? kernelSignature(r) : undefined;
        this.touch(e.id.key);
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
      if (this.pumping) await this.pumping;
      const t0 = performance.now();
      const cmd = this.cmd!;
      const ours = new Map<string, string>();
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
                    ours.set(
                      routeKey(r.table, r.priority ?? 0, `${r.dst ?? defaultDst(r)}/${r.dstLength}`),
                      kernelSignature(r),
                    );
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
      for (const e of this.entries.values()) {
        e.installed = ours.get(e.id.key);
        ours.delete(e.id.key);
        this.dirty.add(e.id.key);
      }
      for (const [key, signature] of ours) {
        const [table, metric, prefix] = key.split('|');
        const id = routeId(prefix, Number(table), Number(metric));
        this.entries.set(key, { id, installed: signature, stale: true, state: { state: 'pending' } });
        this.dirty.add(key);
      }
      for (const m of this.queued.splice(0)) this.onNotification(m);
      for (const slot of this.byNextHop.values()) slot.last = '';
      this.scheduleReresolve();
      let count = 0;
      for (const e of this.entries.values()) if (e.installed !== undefined) count++;
      this.emit('resync', { reason, ours: count, durationMs: performance.now() - t0 });
    };
    const p = (this.resyncing ?? Promise.resolve()).then(run).finally(() => {
      if (this.resyncing === p) this.resyncing = undefined;
      this.kick();
    });
    this.resyncing = p;
    return p;
  }

  private request(build: (w: NetlinkWriter) => void): Buffer {
    const w = new NetlinkWriter(Buffer.alloc(256));
    build(w);
    return w.buf.subarray(0, w.pos);
  }

  // ------------------------------------------------------------------------------ batches

  private async pump(): Promise<void> {
    const limit = this.opts.datagramBytes ?? 16 * 1024;
    const maxInFlight = this.opts.maxInFlight ?? 8;
    while (this.dirty.size > 0 && !this.stopped && !this.resyncing) {
      const sends: Promise<void>[] = [];
      const keys = this.dirty.values();
      // One round: up to maxInFlight datagrams or ROUND_BUDGET_MS of work, then wait and yield.
      const deadline = performance.now() + ROUND_BUDGET_MS;
      let more = true;
      while (more && sends.length < maxInFlight && performance.now() < deadline) {
        const w = this.writer;
        w.rollback(0);
        const ops: Op[] = [];
        for (let n = 1; w.pos < limit; n++) {
          if ((n & 63) === 0 && performance.now() >= deadline) break;
          const k = keys.next();
          if (k.done) {
            more = false;
            break;
          }
          this.dirty.delete(k.value);
          const e = this.entries.get(k.value);
          if (e !== undefined) this.write(w, e, ops);
        }
        if (ops.length === 0) continue;
        const datagram = Buffer.from(w.buf.subarray(0, w.pos));
        sends.push(
          this.cmd!.request(datagram).then(
            (errors) => this.applied(ops, errors),
            (err: Error) => {
              for (const op of ops) this.dirty.add(op.entry.id.key);
              this.scheduleResync(`request failed: ${err.message}`);
            },
          ),
        );
      }
      await Promise.all(sends);
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Plans one route and writes the message that brings the kernel there (if any). */
  private write(w: NetlinkWriter, e: Entry, ops: Op[]): void {
    const { id } = e;
    const base = {
      family: id.family,
      dst: id.dst,
      dstLength: id.dstLength,
      table: id.table,
      protocol: this.protocol,
      priority: id.metric,
    };
    if (e.desired === undefined) {
      if (e.installed !== undefined && !(e.stale && this.keeping)) {
        encodeRoute(w, MessageType.DELROUTE, 0, 0, base);
        ops.push({ entry: e });
      } else if (e.installed === undefined) {
        this.entries.delete(id.key);
      }
      return;
    }
    const plan = planRoute(this.resolver, id.table, e.desired);
    if (plan.nextHops.length === 0) {
      this.setState(e, { state: 'held', reason: 'noUsableNextHop', unusable: plan.unusable });
      if (e.installed !== undefined) {
        encodeRoute(w, MessageType.DELROUTE, 0, 0, base);
        ops.push({ entry: e });
      }
      return;
    }
    if (plan.signature === e.installed) {
      e.stale = false;
      this.setState(e, { state: 'installed', nextHops: plan.nextHops, unusable: plan.unusable });
      return;
    }
    // Replace only our own route; a new one must not overwrite another protocol's route with the
    // same prefix and metric (NLM_F_REPLACE would): EXCL makes the kernel refuse it instead.
    const flags = Flag.CREATE | (e.installed !== undefined ? Flag.REPLACE : Flag.EXCL);
    const mark = w.mark();
    try {
      encodeRoute(w, MessageType.NEWROUTE, flags, 0, {
        ...base,
        scope: Scope.UNIVERSE,
        nextHops: plan.nextHops,
      });
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
    e.state = { state: 'installed', nextHops: plan.nextHops, unusable: plan.unusable };
    ops.push({ entry: e, signature: plan.signature });
  }

  private applied(ops: Op[], errors: RequestError[]): void {
    const failed = new Map<number, RequestError>();
    for (const err of errors) failed.set(err.index, err);
    ops.forEach((op, i) => {
      const e = op.entry;
      const err = failed.get(i);
      if (op.signature === undefined) {
        // Deleted (ESRCH: it was already gone).
        if (err === undefined || err.errno === ESRCH) {
          e.installed = undefined;
          e.stale = false;
          if (e.desired === undefined && !this.dirty.has(e.id.key)) this.entries.delete(e.id.key);
        } else {
          this.emit('error', new Error(`deleting ${e.id.prefix}: ${err.code} ${err.message ?? ''}`));
        }
        return;
      }
      if (err === undefined) {
        e.installed = op.signature;
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
    if ((s.state === 'held' || s.state === 'failed') && JSON.stringify(before) !== JSON.stringify(s)) {
      this.emit('routeState', statusOf(e));
    }
  }
}

function statusOf(e: Entry): RouteStatus {
  return { prefix: e.id.prefix, table: e.id.table, metric: e.id.metric, ...e.state };
}

function defaultDst(r: Route): string {
  return r.family === 4 ? '0.0.0.0' : '::';
}
