// Adj-RIB-Out of one peer: what we have advertised, and the UPDATEs that bring the peer from that
// to the desired set. Changes are grouped by attribute set (each encoded once) and packed into as
// few UPDATEs as fit; writes stop while the session's buffer is full and resume on drain, so a
// slow peer costs bounded memory. Pure apart from the `Sink` it writes to.
import {
  type CodecContext,
  nlriRoom,
  nlriSize,
  type PathAttributes,
  type Prefix,
  type PreparedAttributes,
  packUpdate,
  packWithdrawal,
  prefixKey,
  prepareAttributes,
  Safi,
  Writer,
  writeEndOfRib,
} from '../wire/index.js';

export interface Sink {
  /** Writes one message; false when the caller should wait for `drained()`. */
  send(message: Buffer): boolean;
  drained(): Promise<void>;
  /** False once the session is gone (pending work is dropped). */
  readonly open: boolean;
}

export interface OutRoute {
  readonly prefix: Prefix;
  readonly attributes: PathAttributes;
}

export interface Advertised {
  readonly prefix: Prefix;
  readonly attributes: PathAttributes;
  readonly attrKey: string;
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

/** A stable identity for an attribute set (bigints made printable). */
export function attributeKey(a: PathAttributes): string {
  return JSON.stringify(a, (_k, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
}

export class AdjRibOut {
  private readonly advertised = new Map<string, Advertised>();
  private readonly writer = Writer.alloc(65535);
  private busy: Promise<void> = Promise.resolve();
  /** Wanted routes held back at the last sync (attributes too large for the peer), by prefix key. */
  private notSent = new Map<string, NotSent>();

  get size(): number {
    return this.advertised.size;
  }

  /** Whether the prefix is advertised, or wanted but held back. */
  holds(prefix: Prefix): boolean {
    if (this.advertised.size === 0 && this.notSent.size === 0) return false;
    const key = prefixKey(prefix);
    return this.advertised.has(key) || this.notSent.has(key);
  }

  /** Routes wanted but not sent, with the reason (shown by the API). */
  unsent(): IterableIterator<NotSent> {
    return this.notSent.values();
  }

  routes(): IterableIterator<Advertised> {
    return this.advertised.values();
  }

  /**
   * Brings the peer to `desired`: withdraws what is no longer wanted, announces what is new or
   * changed. With `full`, everything is re-announced (a ROUTE-REFRESH answer); a number limits
   * that to routes of that AFI (RFC 2918: the refresh is per address family). Calls run one at a
   * time, in order.
   */
  sync(
    desired: readonly OutRoute[],
    ctx: CodecContext,
    sink: Sink,
    full: boolean | number = false,
  ): Promise<SyncResult> {
    return this.enqueue(() => this.write(desired, ctx, sink, full));
  }

  /**
   * Brings only the given prefixes up to date (a Loc-RIB change): each gets its route, or is
   * withdrawn when `route` is undefined. Other prefixes are left as they are. Runs in order with
   * `sync`.
   */
  update(
    changes: readonly { prefix: Prefix; route?: OutRoute }[],
    ctx: CodecContext,
    sink: Sink,
  ): Promise<SyncResult> {
    const scope = new Set(changes.map((c) => prefixKey(c.prefix)));
    const desired = changes.flatMap((c) => (c.route ? [c.route] : []));
    return this.enqueue(() => this.write(desired, ctx, sink, false, scope));
  }

  /** Forgets everything (the session went down). */
  clear(): void {
    this.advertised.clear();
    this.notSent.clear();
  }

  /** `scope`: the prefix keys `desired` speaks for (undefined: all of them, a full sync). */
  private async write(
    desired: readonly OutRoute[],
    ctx: CodecContext,
    sink: Sink,
    full: boolean | number,
    scope?: ReadonlySet<string>,
  ) {
    const want = new Map<string, OutRoute & { attrKey: string }>();
    for (const r of desired) want.set(prefixKey(r.prefix), { ...r, attrKey: attributeKey(r.attributes) });

    const withdraw: Prefix[] = [];
    if (scope) {
      for (const key of scope) {
        const adv = this.advertised.get(key);
        if (adv && !want.has(key)) withdraw.push(adv.prefix);
      }
    } else for (const [key, adv] of this.advertised) if (!want.has(key)) withdraw.push(adv.prefix);
    const groups = new Map<
      string,
      { attributes: PathAttributes; prefixes: Prefix[]; prepared?: PreparedAttributes }
    >();
    for (const [key, r] of want) {
      const forced = full === true || full === r.prefix.afi;
      if (!forced && this.advertised.get(key)?.attrKey === r.attrKey) continue;
      let g = groups.get(r.attrKey);
      if (!g) {
        g = { attributes: r.attributes, prefixes: [] };
        groups.set(r.attrKey, g);
      }
      g.prefixes.push(r.prefix);
    }
    const newlyNotSent = this.holdBackOversized(groups, ctx, withdraw, scope);

    let announced = 0;
    for (const family of [1, 2]) {
      const list = withdraw.filter((p) => p.afi === family);
      for (let i = 0; i < list.length; ) {
        this.writer.rollback(0);
        i = packWithdrawal(this.writer, list, i, Safi.UNICAST, ctx);
        if (!(await this.emit(sink))) return { announced, withdrawn: 0, newlyNotSent };
      }
    }
    for (const p of withdraw) this.advertised.delete(prefixKey(p));
    for (const [attrKey, g] of groups) {
      const prepared = g.prepared;
      if (!prepared) continue;
      for (let i = 0; i < g.prefixes.length; ) {
        this.writer.rollback(0);
        const next = packUpdate(this.writer, prepared, g.prefixes, i, ctx);
        if (next === i) break; // unreachable: holdBackOversized kept only routes that fit
        if (!(await this.emit(sink))) return { announced, withdrawn: withdraw.length, newlyNotSent };
        for (let k = i; k < next; k++) {
          this.advertised.set(prefixKey(g.prefixes[k]), {
            prefix: g.prefixes[k],
            attributes: g.attributes,
            attrKey,
          });
        }
        announced += next - i;
        i = next;
      }
    }
    return { announced, withdrawn: withdraw.length, newlyNotSent };
  }

  /**
   * Encodes each group's attributes for this session and takes out the routes that cannot be sent:
   * RFC 8654 §4, "a BGP speaker ... MUST NOT send a BGP UPDATE message that exceeds the size that
   * the peer supports" — such a route is not sent, and withdrawn if it was advertised before.
   */
  private holdBackOversized(
    groups: Map<string, { attributes: PathAttributes; prefixes: Prefix[]; prepared?: PreparedAttributes }>,
    ctx: CodecContext,
    withdraw: Prefix[],
    scope?: ReadonlySet<string>,
  ): NotSent[] {
    const previous = this.notSent;
    if (scope) {
      this.notSent = new Map(previous);
      for (const key of scope) this.notSent.delete(key);
    } else this.notSent = new Map();
    const fresh: NotSent[] = [];
    for (const g of groups.values()) {
      let room = -1;
      try {
        g.prepared = prepareAttributes(g.attributes, ctx);
        room = nlriRoom(g.prepared, ctx);
      } catch {
        g.prepared = undefined; // over 65,535 octets of attributes: no session could carry it
      }
      const fits = g.prefixes.filter((p) => g.prepared && nlriSize(p, g.prepared.addPath) <= room);
      if (fits.length === g.prefixes.length) continue;
      const reason = `the path attributes need more than the ${ctx.maxMessageLength}-octet UPDATE this peer accepts`;
      for (const p of g.prefixes) {
        if (g.prepared && nlriSize(p, g.prepared.addPath) <= room) continue;
        const key = prefixKey(p);
        const entry = { prefix: p, reason };
        this.notSent.set(key, entry);
        if (previous.get(key)?.reason !== reason) fresh.push(entry);
        if (this.advertised.has(key)) withdraw.push(p);
      }
      g.prefixes = fits;
    }
    return fresh;
  }

  /** RFC 4724 §2: End-of-RIB for each family, after the updates queued before it. */
  endOfRib(families: Iterable<number>, sink: Sink): Promise<void> {
    return this.enqueue(async () => {
      for (const family of families) {
        this.writer.rollback(0);
        writeEndOfRib(this.writer, family >> 8, family & 0xff);
        if (!(await this.emit(sink))) return;
      }
    });
  }

  /** Runs writes one at a time, in call order; a failed one does not stop the next. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.then(work);
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async emit(sink: Sink): Promise<boolean> {
    if (!sink.open) return false;
    if (!sink.send(Buffer.from(this.writer.view()))) await sink.drained();
    return sink.open;
  }
}
