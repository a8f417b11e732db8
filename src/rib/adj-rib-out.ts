// Adj-RIB-Out of one peer: what we have advertised, and the changes still to send. Both are compact
// tables (prefix → out-set number, see out-sets.ts): no object per route. A change is staged (the
// newest one per prefix wins) and a drain sends what differs from what was advertised, grouped by
// attribute set so each UPDATE carries as many prefixes as fit. Writes stop while the session's
// buffer is full and resume on drain: a slow peer costs at most one staged entry per prefix.
// A full sync (session up, ROUTE-REFRESH, policy change) walks the desired routes in batches,
// yielding between them, so keepalives stay on time. Pure apart from the `Sink` it writes to.
import {
  Afi,
  type CodecContext,
  type Ipv4Routes,
  nlriSize,
  type PathAttributes,
  type Prefix,
  packIpv4Update,
  packIpv4Withdrawal,
  packUpdate,
  packWithdrawal,
  prefixKey,
  Safi,
  Writer,
  writeEndOfRib,
} from '../wire/index.js';
import { v4Addr } from './adj-rib-in.js';
import { Ipv4Table } from './ipv4-table.js';
import { Ipv6Table } from './ipv6-table.js';
import { OutSet, OutSetRegistry } from './out-sets.js';
import { sortByKey } from './radix-order.js';
import { ipv4Prefix } from './route-view.js';
import { runSteps, type Steps } from './steps.js';

export interface Sink {
  /**
   * Writes whole messages: one, or `count` of them back to back (a batch of UPDATEs); false when
   * the caller should wait for `drained()`.
   */
  send(messages: Buffer, count?: number): boolean;
  drained(): Promise<void>;
  /** False once the session is gone (pending work is dropped). */
  readonly open: boolean;
}

export interface OutRoute {
  readonly prefix: Prefix;
  readonly attributes: PathAttributes;
}

/** A wanted route that cannot be sent to this peer, and why. */
export interface NotSent {
  readonly prefix: Prefix;
  readonly reason: string;
}

export interface SyncResult {
  announced: number;
  withdrawn: number;
  /** Routes that could not be sent and were not already known as such (to log once). */
  newlyNotSent: NotSent[];
}

/** The desired routes of a full sync: each prefix with what the peer should have (undefined: nothing). */
export type DesiredRoutes = Iterable<readonly [Prefix, OutSet | undefined]>;

/** A stable identity for an attribute set (bigints made printable). */
export function attributeKey(a: PathAttributes): string {
  return JSON.stringify(a, (_k, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
}

/** Staged value: 0 withdraws, n > 0 announces out set n − 1; FORCE sends it even if unchanged. */
const FORCE = 0x80000000;
const ID_BITS = 0x7fffffff;
/** Routes staged by a full sync between two yields to the event loop. */
const WALK_BATCH = 2048;
/** UPDATEs written in a row (none waiting for drain) before yielding to the event loop. */
const MESSAGES_PER_TURN = 32;
/**
 * UPDATEs are gathered into writes of about this many octets: one system call and a few large TCP
 * segments for dozens of messages, instead of one of each per message (a full table is ~90,000).
 */
const BATCH_OCTETS = 64 * 1024;

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function tooLarge(ctx: CodecContext): string {
  return `the path attributes need more than the ${ctx.maxMessageLength}-octet UPDATE this peer accepts`;
}

/**
 * A drain's IPv4 work, read from the staged table: announcements at [0, wanted), grouped by out set
 * (`ids`), then withdrawals at [count − withdrawn, count); path ids only when some is not 0. The
 * columns may be longer than `count` (a small plan uses the Adj-RIB-Out's reused columns).
 */
interface V4Plan extends Ipv4Routes {
  readonly ids: Uint32Array;
  readonly count: number;
  readonly wanted: number;
  readonly withdrawn: number;
}

/** Plans of at most this many routes (one UPDATE's changes, typically) reuse one set of columns. */
const SMALL_PLAN = 16;

interface PlanColumns {
  readonly addrs: Uint32Array;
  readonly lengths: Uint8Array;
  /** Only when some path id is not 0 (a wide table), but always in the reused small columns. */
  readonly pathIds?: Uint32Array;
  readonly ids: Uint32Array;
}

function planColumns(n: number, withPathIds: boolean): PlanColumns {
  return {
    addrs: new Uint32Array(n),
    lengths: new Uint8Array(n),
    pathIds: withPathIds ? new Uint32Array(n) : undefined,
    ids: new Uint32Array(n),
  };
}

export class AdjRibOut {
  private advertised4 = new Ipv4Table();
  private advertised6 = new Ipv6Table();
  private pending4 = new Ipv4Table();
  private pending6 = new Ipv6Table();
  /** Wanted routes held back (attributes too large for the peer), by prefix key. */
  private notSent = new Map<string, NotSent>();
  private readonly writer = Writer.alloc(65535);
  private busy: Promise<unknown> = Promise.resolve();
  private queuedDrain?: Promise<SyncResult>;
  /** Bumped by `clear()`: work begun before it stops. */
  private generation = 0;
  /** Messages written since the event loop last turned. */
  private sinceYield = 0;
  /** Whole messages gathered for the next write (`batched` octets, `batchedCount` messages). */
  private readonly batch = Buffer.allocUnsafe(BATCH_OCTETS + 65535);
  private batched = 0;
  private batchedCount = 0;

  constructor(
    readonly registry: OutSetRegistry = new OutSetRegistry(),
    private readonly yieldTurn: () => Promise<void> = nextTurn,
  ) {}

  /** Octets of the IPv4 tables' slot arrays (advertised and staged): exact. */
  get ipv4ByteSize(): number {
    return this.advertised4.byteSize + this.pending4.byteSize;
  }

  /** IPv6 routes advertised or staged (Map entries: estimated by the caller). */
  get ipv6Size(): number {
    return this.advertised6.size + this.pending6.size;
  }

  get size(): number {
    return this.advertised4.size + this.advertised6.size;
  }

  /** Whether the prefix (any path of it) is advertised, staged, or wanted but held back. */
  holds(prefix: Prefix): boolean {
    if (prefix.afi === Afi.IPV4) {
      const addr = v4Addr(prefix.bytes, 0, prefix.length);
      if (this.advertised4.hasPrefix(addr, prefix.length)) return true;
      if (this.pending4.hasPrefix(addr, prefix.length)) return true;
    } else {
      if (this.advertised6.hasPrefix(prefix.bytes, 0, prefix.length)) return true;
      if (this.pending6.hasPrefix(prefix.bytes, 0, prefix.length)) return true;
    }
    return this.notSent.size > 0 && this.notSent.has(prefixKey(prefix));
  }

  /** The path ids (RFC 7911) of `prefix` advertised or staged. */
  pathIds(prefix: Prefix): Set<number> {
    const ids = new Set<number>();
    const tables =
      prefix.afi === Afi.IPV4
        ? [this.advertised4, this.pending4].map((t) =>
            t.paths(v4Addr(prefix.bytes, 0, prefix.length), prefix.length),
          )
        : [this.advertised6, this.pending6].map((t) => t.paths(prefix.bytes, 0, prefix.length));
    for (const paths of tables) for (const [pathId] of paths) ids.add(pathId);
    return ids;
  }

  /** Routes wanted but not sent, with the reason (shown by the API). */
  unsent(): IterableIterator<NotSent> {
    return this.notSent.values();
  }

  /** What the peer has been sent (routes sharing an out set share one decoded attributes object). */
  *routes(): Generator<OutRoute> {
    const decoded = new Map<number, PathAttributes>();
    const attributesOf = (id: number): PathAttributes | undefined => {
      let a = decoded.get(id);
      if (a === undefined) {
        a = this.registry.get(id)?.attributes;
        if (a) decoded.set(id, a);
      }
      return a;
    };
    for (const [addr, length, pathId, id] of this.advertised4.entries()) {
      const attributes = attributesOf(id);
      if (attributes) yield { prefix: v4PathPrefix(addr, length, pathId), attributes };
    }
    for (const [bytes, length, pathId, id] of this.advertised6.entries()) {
      const attributes = attributesOf(id);
      if (attributes) yield { prefix: v6PathPrefix(bytes, length, pathId), attributes };
    }
  }

  /**
   * Stages what the peer should have for `prefix` (undefined: nothing); the newest staging wins.
   * `force` sends it even when the peer has it already (a ROUTE-REFRESH answer). The prefix's
   * `pathId` (RFC 7911, add-path send) tells its paths apart; without it, path 0.
   */
  stage(prefix: Prefix, out: OutSet | undefined, force = false): void {
    const value = (out ? this.registry.retain(out) + 1 : 0) | (force ? FORCE : 0);
    const pathId = prefix.pathId ?? 0;
    const old =
      prefix.afi === Afi.IPV4
        ? this.pending4.set(v4Addr(prefix.bytes, 0, prefix.length), prefix.length, pathId, value >>> 0)
        : this.pending6.set(prefix.bytes, 0, prefix.length, pathId, value >>> 0);
    if (old < 0) return;
    if (old & FORCE && !force) {
      if (prefix.afi === Afi.IPV4)
        this.pending4.set(
          v4Addr(prefix.bytes, 0, prefix.length),
          prefix.length,
          pathId,
          (value | FORCE) >>> 0,
        );
      else this.pending6.set(prefix.bytes, 0, prefix.length, pathId, (value | FORCE) >>> 0);
    }
    if (old & ID_BITS) this.registry.release((old & ID_BITS) - 1);
  }

  /**
   * Sends what was staged (after the work queued before; with none, starting now, so what fits the
   * socket is written before this returns, and the result is returned as such: no promise to wait
   * for). Never rejects on the session's account.
   */
  flush(ctx: CodecContext, sink: Sink): SyncResult | Promise<SyncResult> {
    if (this.queuedDrain) return this.queuedDrain;
    if (this.inFlight > 0) {
      this.queuedDrain = this.enqueue(() => {
        this.queuedDrain = undefined;
        return runSteps(this.drain(ctx, sink));
      });
      return this.queuedDrain;
    }
    // Nothing queued: the drain starts now. Work queued while it runs (were a write to call back
    // into the RIB) waits for it, as it would behind a queued drain (`enqueue` makes the hold).
    this.inFlight++;
    this.drainingNow = true;
    let done: SyncResult | Promise<SyncResult>;
    try {
      done = runSteps(this.drain(ctx, sink));
    } catch (e) {
      done = Promise.reject(e);
    } finally {
      this.drainingNow = false;
    }
    const held = this.hold;
    this.hold = undefined;
    const settle = (): void => {
      this.settled();
      held?.();
    };
    if (!(done instanceof Promise)) {
      settle();
      return done;
    }
    const settled = done.then(settle, settle);
    // Work queued meanwhile waits for the hold; without any, what is queued next waits for this.
    if (!held) this.busy = settled;
    return done;
  }

  /**
   * Brings the peer to `desired` (every route it should have): withdraws what is no longer wanted,
   * announces what is new or changed. With `full`, everything is re-announced (a ROUTE-REFRESH
   * answer); a number limits the sync to routes of that AFI (RFC 2918: the refresh is per address
   * family). The walk runs in batches, yielding to the event loop between them.
   */
  resync(
    desired: DesiredRoutes,
    ctx: CodecContext,
    sink: Sink,
    full: boolean | number = false,
  ): Promise<SyncResult> {
    return this.enqueue(async () => {
      const generation = this.generation;
      const only = typeof full === 'number' ? full : undefined;
      // Everything advertised goes unless the walk wants it (or a newer change is staged already).
      if (only !== Afi.IPV6)
        this.advertised4.forEach((addr, length, pathId) => {
          if (this.pending4.get(addr, length, pathId) === undefined)
            this.pending4.set(addr, length, pathId, 0);
        });
      if (only !== Afi.IPV4)
        this.advertised6.forEach((bytes, length, pathId) => {
          if (this.pending6.get(bytes, 0, length, pathId) === undefined)
            this.pending6.set(bytes, 0, length, pathId, 0);
        });
      let n = 0;
      for (const [prefix, out] of desired) {
        if (only !== undefined && prefix.afi !== only) continue;
        this.stage(prefix, out, full === true || full === prefix.afi);
        if (++n % WALK_BATCH !== 0) continue;
        await this.yieldTurn();
        if (!sink.open || generation !== this.generation) return emptyResult();
      }
      return runSteps(this.drain(ctx, sink));
    });
  }

  /** `resync` with routes given as attributes (tests, and callers without out sets). */
  sync(desired: readonly OutRoute[], ctx: CodecContext, sink: Sink, full: boolean | number = false) {
    const sets = new Map<string, OutSet>();
    const walk = desired.map((r) => {
      const key = attributeKey(r.attributes);
      let set = sets.get(key);
      if (!set) {
        set = new OutSet(r.attributes);
        sets.set(key, set);
      }
      return [r.prefix, set] as const;
    });
    return this.resync(walk, ctx, sink, full);
  }

  /** Forgets everything (the session went down); work under way stops. */
  clear(): void {
    this.generation++;
    this.dropBatch();
    const advertised = (id: number) => this.registry.release(id);
    const staged = (value: number) => {
      if (value & ID_BITS) this.registry.release((value & ID_BITS) - 1);
    };
    this.advertised4.forEach((_a, _l, _p, id) => {
      advertised(id);
    });
    this.advertised6.forEach((_b, _l, _p, id) => {
      advertised(id);
    });
    this.pending4.forEach((_a, _l, _p, value) => {
      staged(value);
    });
    this.pending6.forEach((_b, _l, _p, value) => {
      staged(value);
    });
    this.advertised4 = new Ipv4Table();
    this.advertised6 = new Ipv6Table();
    this.pending4 = new Ipv4Table();
    this.pending6 = new Ipv6Table();
    this.notSent.clear();
  }

  /** RFC 4724 §2: End-of-RIB for each family, after the updates queued before it. */
  endOfRib(families: Iterable<number>, sink: Sink): Promise<void> {
    return this.enqueue(async () => {
      for (const family of families) {
        this.writer.rollback(0);
        writeEndOfRib(this.writer, family >> 8, family & 0xff);
        if (!(await this.emit(sink))) return;
      }
      await this.flushBatch(sink);
    });
  }

  /** Sends staged changes until none is left (changes staged meanwhile included). */
  private *drain(ctx: CodecContext, sink: Sink): Steps<SyncResult> {
    const result = emptyResult();
    const generation = this.generation;
    if (this.heldBack.size > 0) this.heldBack = new Map();
    while (this.pending4.size > 0 || this.pending6.size > 0) {
      if (!sink.open || generation !== this.generation) break;
      const v4 = this.takeV4(ctx, result);
      const v6 = this.takeV6();
      if (v4 && !(yield* this.sendV4(v4, ctx, sink, result, generation))) break;
      if (v6 && !(yield* this.drainV6(v6, ctx, sink, result, generation))) break;
    }
    // What was gathered goes now, unless the session it was for is gone.
    if (generation === this.generation) {
      const flushed = this.flushBatch(sink);
      if (flushed instanceof Promise) yield flushed;
    } else this.dropBatch();
    return result;
  }

  /** Whether the peer has `set` already: the same set, or one encoded to the same octets. */
  private unchanged(advertisedId: number, set: OutSet, ctx: CodecContext): boolean {
    if (advertisedId === set.id) return true;
    return this.registry.get(advertisedId)?.sameOctets(set, ctx) ?? false;
  }

  /** Whether a route of NLRI size `size` fits an UPDATE with `set`; if not, it is held back. */
  private fits(set: OutSet, prefix: () => Prefix, size: number, ctx: CodecContext, result: SyncResult) {
    if (set.encodable(ctx) && size <= set.room) return true;
    // RFC 8654 §4: "a BGP speaker ... MUST NOT send a BGP UPDATE message that exceeds the size
    // that the peer supports" — the route is not sent, and withdrawn if it was advertised.
    const p = prefix();
    const key = prefixKey(p);
    const reason =
      set.encodeError === undefined
        ? tooLarge(ctx)
        : `the path attributes cannot be encoded: ${set.encodeError}`;
    if (this.heldBack.get(key)?.reason !== reason) result.newlyNotSent.push({ prefix: p, reason });
    this.notSent.set(key, { prefix: p, reason });
    return false;
  }

  /** Routes held back before this drain looked at them (to report a reason once). */
  private heldBack = new Map<string, NotSent>();

  /** The prefix is looked at again: not held back unless `fits` says so anew. */
  private sendable(prefix: Prefix): void {
    const key = prefixKey(prefix);
    const was = this.notSent.get(key);
    if (!was) return;
    this.heldBack.set(key, was);
    this.notSent.delete(key);
  }

  /** The staged IPv4 changes as a plan (undefined: none); the staged table is dropped meanwhile. */
  private takeV4(ctx: CodecContext, result: SyncResult): V4Plan | undefined {
    const staged = this.pending4;
    if (staged.size === 0) return undefined;
    this.pending4 = this.spare4;
    const plan = this.planV4(staged, ctx, result);
    // The plan holds copies: the table is emptied and staged into next time (no new one per drain).
    staged.clear();
    this.spare4 = staged;
    return plan;
  }

  /** An empty table that becomes the staged one when a drain takes it. */
  private spare4 = new Ipv4Table();

  /** The staged IPv6 changes (undefined: none); a fresh staged table meanwhile. */
  private takeV6(): Ipv6Table | undefined {
    const staged = this.pending6;
    if (staged.size === 0) return undefined;
    this.pending6 = new Ipv6Table();
    return staged;
  }

  private planV4(staged: Ipv4Table, ctx: CodecContext, result: SyncResult): V4Plan {
    const n = staged.size;
    // A compact table holds path id 0 only: no column for path ids.
    const wide = staged.layout === 'wide';
    const columns = this.columnsFor(n, wide);
    const { addrs, lengths, ids } = columns;
    const pathIds = wide ? columns.pathIds : undefined;
    let wanted = 0;
    let withdrawn = 0;
    /** Wanted routes the peer does not have yet (the advertised table grows by as many). */
    let fresh = 0;
    const put = (k: number, addr: number, length: number, pathId: number) => {
      addrs[k] = addr;
      lengths[k] = length;
      if (pathIds) pathIds[k] = pathId;
    };
    const addPath = ctx.addPath.has((Afi.IPV4 << 8) | Safi.UNICAST);
    staged.forEach((addr, length, pathId, value) => {
      const id = (value & ID_BITS) - 1;
      const had = this.advertised4.get(addr, length, pathId);
      if (this.notSent.size > 0) this.sendable(v4PathPrefix(addr, length, pathId));
      if (id >= 0) {
        const set = this.registry.get(id)!;
        const size = (addPath ? 5 : 1) + ((length + 7) >> 3);
        if (!(value & FORCE) && had !== undefined && this.unchanged(had, set, ctx)) {
          this.advertised4.set(addr, length, pathId, id); // the same octets: keep the newer set only
          this.registry.release(had);
          return;
        }
        if (this.fits(set, () => v4PathPrefix(addr, length, pathId), size, ctx, result)) {
          put(wanted, addr, length, pathId);
          ids[wanted++] = id;
          if (had === undefined) fresh++;
          return;
        }
        this.registry.release(id);
      }
      if (had !== undefined) put(n - ++withdrawn, addr, length, pathId);
    });
    // Withdrawals filled the arrays from the end: back to the table's order.
    if (withdrawn > 1)
      for (const column of [addrs, lengths, pathIds]) column?.subarray(n - withdrawn, n).reverse();
    // A table's worth at once (a session's first sync): one rebuild to its size, not a doubling
    // at every 70 %, and a table at 70 % load rather than a power-of-two size.
    this.advertised4.reserve(this.advertised4.size + fresh);
    // Grouped by out set: each UPDATE carries one set and as many of its prefixes as fit.
    if (wanted > 1) sortByKey(ids, wanted, pathIds ? [addrs, lengths, pathIds] : [addrs, lengths]);
    return { addrs, lengths, pathIds, ids, count: n, wanted, withdrawn };
  }

  /** Columns for a plan of `n` routes: one plan at a time per Adj-RIB-Out (drains are serialized), so small ones share one set. */
  private columnsFor(n: number, wide: boolean): PlanColumns {
    if (n > SMALL_PLAN) return planColumns(n, wide);
    this.smallPlan ??= planColumns(SMALL_PLAN, true);
    return this.smallPlan;
  }

  /** The columns of small plans. */
  private smallPlan?: PlanColumns;

  private *sendV4(
    plan: V4Plan,
    ctx: CodecContext,
    sink: Sink,
    result: SyncResult,
    generation: number,
  ): Steps<boolean> {
    const { addrs, lengths, pathIds, ids, wanted } = plan;
    const n = plan.count;
    let sent = 0;
    try {
      for (let i = n - plan.withdrawn; i < n; ) {
        this.writer.rollback(0);
        const next = packIpv4Withdrawal(this.writer, plan, i, n, ctx);
        const written = this.emitFor(sink, generation);
        if (!(written instanceof Promise ? ((yield written) as boolean) : written)) return false;
        for (let k = i; k < next; k++) {
          const old = this.advertised4.delete(addrs[k], lengths[k], pathIds ? pathIds[k] : 0);
          if (old >= 0) this.registry.release(old);
        }
        result.withdrawn += next - i;
        i = next;
      }
      for (let from = 0; from < wanted; ) {
        const id = ids[from];
        let to = from + 1;
        while (to < wanted && ids[to] === id) to++;
        const set = this.registry.get(id)!;
        const prepared = set.encoded(ctx)!;
        for (let i = from; i < to; ) {
          this.writer.rollback(0);
          const next = prepared.mpHead
            ? packUpdate(this.writer, prepared, prefixesOf(plan, i, Math.min(to, i + 1024)), 0, ctx) + i
            : packIpv4Update(this.writer, prepared, plan, i, to, ctx);
          const written = this.emitFor(sink, generation);
          if (!(written instanceof Promise ? ((yield written) as boolean) : written)) return false;
          for (let k = i; k < next; k++) {
            const old = this.advertised4.set(addrs[k], lengths[k], pathIds ? pathIds[k] : 0, id);
            if (old >= 0) this.registry.release(old);
          }
          result.announced += next - i;
          sent = next;
          i = next;
        }
        from = to;
      }
      sent = wanted;
      return true;
    } finally {
      // References of staged routes never sent (the session went away) are given back.
      for (let k = sent; k < wanted; k++) this.registry.release(ids[k]);
    }
  }

  private *drainV6(
    staged: Ipv6Table,
    ctx: CodecContext,
    sink: Sink,
    result: SyncResult,
    generation: number,
  ): Steps<boolean> {
    const groups = new Map<number, Prefix[]>();
    const gone: Prefix[] = [];
    const addPath = ctx.addPath.has((Afi.IPV6 << 8) | Safi.UNICAST);
    staged.forEach((bytes, length, pathId, value) => {
      const prefix = v6PathPrefix(bytes, length, pathId);
      const id = (value & ID_BITS) - 1;
      const had = this.advertised6.get(prefix.bytes, 0, length, pathId);
      if (this.notSent.size > 0) this.sendable(prefix);
      if (id >= 0) {
        if (!(value & FORCE) && had !== undefined && this.unchanged(had, this.registry.get(id)!, ctx)) {
          this.advertised6.set(prefix.bytes, 0, length, pathId, id);
          this.registry.release(had);
          return;
        }
        if (this.fits(this.registry.get(id)!, () => prefix, nlriSize(prefix, addPath), ctx, result)) {
          const list = groups.get(id);
          if (list) list.push(prefix);
          else groups.set(id, [prefix]);
          return;
        }
        this.registry.release(id);
      }
      if (had !== undefined) gone.push(prefix);
    });
    const unsent = new Map(groups);
    try {
      for (let i = 0; i < gone.length; ) {
        this.writer.rollback(0);
        const next = packWithdrawal(this.writer, gone, i, Safi.UNICAST, ctx);
        const written = this.emitFor(sink, generation);
        if (!(written instanceof Promise ? ((yield written) as boolean) : written)) return false;
        for (let k = i; k < next; k++) {
          const old = this.advertised6.delete(gone[k].bytes, 0, gone[k].length, gone[k].pathId ?? 0);
          if (old >= 0) this.registry.release(old);
        }
        result.withdrawn += next - i;
        i = next;
      }
      for (const [id, prefixes] of groups) {
        const prepared = this.registry.get(id)!.encoded(ctx)!;
        for (let i = 0; i < prefixes.length; ) {
          this.writer.rollback(0);
          const next = packUpdate(this.writer, prepared, prefixes, i, ctx);
          const written = this.emitFor(sink, generation);
          if (!(written instanceof Promise ? ((yield written) as boolean) : written)) {
            unsent.set(id, prefixes.slice(i));
            return false;
          }
          for (let k = i; k < next; k++) {
            const old = this.advertised6.set(
              prefixes[k].bytes,
              0,
              prefixes[k].length,
              prefixes[k].pathId ?? 0,
              id,
            );
            if (old >= 0) this.registry.release(old);
          }
          result.announced += next - i;
          i = next;
        }
        unsent.delete(id);
      }
      return true;
    } finally {
      for (const [id, prefixes] of unsent)
        for (let k = 0; k < prefixes.length; k++) this.registry.release(id);
    }
  }

  /** Runs writes one at a time, in call order; a failed one does not stop the next. */
  private enqueue<T>(work: () => T | Promise<T>): Promise<T> {
    // Queued from inside a drain started at once: it waits until that drain is done.
    if (this.drainingNow && !this.hold) this.busy = new Promise<void>((resolve) => (this.hold = resolve));
    this.inFlight++;
    const run = this.busy.then(work);
    this.busy = run.then(this.settled, this.settled);
    return run;
  }

  /** A drain started at once is running (synchronously, in `flush`). */
  private drainingNow = false;
  /** Releases the work queued while that drain ran, once it is done. */
  private hold?: () => void;

  /** Work queued or under way (`flush` starts at once when there is none). */
  private inFlight = 0;
  private readonly settled = (): void => {
    this.inFlight--;
  };

  /** `emit`, then whether the drain of `generation` goes on (the session was not cleared meanwhile). */
  private emitFor(sink: Sink, generation: number): boolean | Promise<boolean> {
    const sent = this.emit(sink);
    if (sent instanceof Promise) return sent.then((ok) => ok && generation === this.generation);
    return sent && generation === this.generation;
  }

  /** Adds the message in the writer to the batch; writes the batch once it is large enough. */
  private emit(sink: Sink): boolean | Promise<boolean> {
    if (!sink.open) return false;
    const message = this.writer.view();
    // Room is certain: the batch is written once it reaches BATCH_OCTETS, a message is at most 65,535.
    this.batch.set(message, this.batched);
    this.batched += message.length;
    this.batchedCount++;
    this.sinceYield++;
    return this.batched >= BATCH_OCTETS ? this.flushBatch(sink) : true;
  }

  /** Writes the gathered messages (if any); waits for the socket to drain, or yields now and then. */
  private flushBatch(sink: Sink): boolean | Promise<boolean> {
    if (this.batched === 0) return sink.open;
    const messages = Buffer.allocUnsafe(this.batched);
    this.batch.copy(messages, 0, 0, this.batched);
    const count = this.batchedCount;
    this.dropBatch();
    if (!sink.open) return false;
    // A socket that takes everything (a fast peer, a large send buffer) never says wait: the
    // event loop is given a turn anyway, so a full table does not hold other sessions' timers.
    let pause: Promise<void> | undefined;
    if (!sink.send(messages, count)) pause = sink.drained();
    else if (this.sinceYield >= MESSAGES_PER_TURN) pause = this.yieldTurn();
    if (!pause) return sink.open;
    return pause.then(() => {
      this.sinceYield = 0;
      return sink.open;
    });
  }

  private dropBatch(): void {
    this.batched = 0;
    this.batchedCount = 0;
  }
}

function emptyResult(): SyncResult {
  return { announced: 0, withdrawn: 0, newlyNotSent: [] };
}

/** Routes [from, to) of typed arrays as Prefix objects (IPv4 routes sent in MP_REACH_NLRI). */
function prefixesOf(routes: Ipv4Routes, from: number, to: number): Prefix[] {
  const out: Prefix[] = [];
  for (let k = from; k < to; k++)
    out.push(v4PathPrefix(routes.addrs[k], routes.lengths[k], routes.pathIds ? routes.pathIds[k] : 0));
  return out;
}

/** An IPv4 prefix with its path id (RFC 7911) when not 0. */
function v4PathPrefix(addr: number, length: number, pathId: number): Prefix {
  const p = ipv4Prefix(addr, length);
  return pathId === 0 ? p : { ...p, pathId };
}

/** An IPv6 prefix of a table's key bytes, with its path id when not 0. */
function v6PathPrefix(bytes: Buffer, length: number, pathId: number): Prefix {
  const p: Prefix = { afi: Afi.IPV6, length, bytes: bytes.subarray(0, (length + 7) >> 3) };
  return pathId === 0 ? p : { ...p, pathId };
}
