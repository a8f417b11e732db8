// Adj-RIB-Out of one peer: what we have advertised, and the UPDATEs that bring the peer from that
// to the desired set. Changes are grouped by attribute set (each encoded once) and packed into as
// few UPDATEs as fit; writes stop while the session's buffer is full and resume on drain, so a
// slow peer costs bounded memory. Pure apart from the `Sink` it writes to.
import {
  type CodecContext,
  type PathAttributes,
  type Prefix,
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

  get size(): number {
    return this.advertised.size;
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
  ): Promise<{ announced: number; withdrawn: number }> {
    const run = this.busy.then(() => this.write(desired, ctx, sink, full));
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Forgets everything (the session went down). */
  clear(): void {
    this.advertised.clear();
  }

  private async write(desired: readonly OutRoute[], ctx: CodecContext, sink: Sink, full: boolean | number) {
    const want = new Map<string, OutRoute & { attrKey: string }>();
    for (const r of desired) want.set(prefixKey(r.prefix), { ...r, attrKey: attributeKey(r.attributes) });

    const withdraw: Prefix[] = [];
    for (const [key, adv] of this.advertised) if (!want.has(key)) withdraw.push(adv.prefix);
    const groups = new Map<string, { attributes: PathAttributes; prefixes: Prefix[] }>();
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

    let announced = 0;
    for (const family of [1, 2]) {
      const list = withdraw.filter((p) => p.afi === family);
      for (let i = 0; i < list.length; ) {
        this.writer.rollback(0);
        i = packWithdrawal(this.writer, list, i, Safi.UNICAST, ctx);
        if (!(await this.emit(sink))) return { announced, withdrawn: 0 };
      }
    }
    for (const p of withdraw) this.advertised.delete(prefixKey(p));
    for (const [attrKey, g] of groups) {
      const prepared = prepareAttributes(g.attributes, ctx);
      for (let i = 0; i < g.prefixes.length; ) {
        this.writer.rollback(0);
        const next = packUpdate(this.writer, prepared, g.prefixes, i, ctx);
        if (next === i) throw new Error('attribute set too large for one UPDATE');
        if (!(await this.emit(sink))) return { announced, withdrawn: withdraw.length };
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
    return { announced, withdrawn: withdraw.length };
  }

  /** RFC 4724 §2: End-of-RIB for each family, after the updates queued before it. */
  endOfRib(families: Iterable<number>, sink: Sink): Promise<void> {
    const run = this.busy.then(async () => {
      for (const family of families) {
        this.writer.rollback(0);
        writeEndOfRib(this.writer, family >> 8, family & 0xff);
        if (!(await this.emit(sink))) return;
      }
    });
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async emit(sink: Sink): Promise<boolean> {
    if (!sink.open) return false;
    if (!sink.send(Buffer.from(this.writer.view()))) await sink.drained();
    return sink.open;
  }
}
