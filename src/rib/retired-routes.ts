// Routes taken out of service at once and let go of a batch per turn of the event loop: a
// neighbor's Adj-RIB-In when its session goes down, a stale family swept (RFC 4724 §4.2). Taking
// them out is one swap of tables, so every reader (the decision process, the API, the counters)
// sees them gone at once; what is left — releasing their attribute sets and telling the Loc-RIB's
// followers of each prefix — used to take seconds for a full table in one go (issue 16: the
// event loop stalled, keepalives and BFD's Down waited). Each turn handles at most `batch` routes.
//
// Reports are "look at this prefix again": whoever follows the Loc-RIB selects the prefix as it is
// when told, so a report that comes late (after a new session of the same neighbor sent the prefix
// again) is a harmless repeat.
import { Afi, type Prefix } from '../wire/index.js';
import type { AttributeStore } from './attribute-store.js';
import type { Ipv4Table } from './ipv4-table.js';
import type { Ipv6Table } from './ipv6-table.js';
import { ipv4Prefix } from './route-view.js';

/** Routes handled per turn: a few ms of work, as the Adj-RIB-Out's full sync walks (2,048). */
export const RETIRE_BATCH = 2048;

export interface RetiredTables {
  readonly ipv4?: Ipv4Table;
  readonly ipv6?: Ipv6Table;
}

export interface Retirement {
  readonly tables: RetiredTables;
  /** The store the routes hold their attribute sets in, when it lives on (else nothing is released). */
  readonly release?: AttributeStore;
  /** Told of the prefixes gone (each once, a batch at a time), when the Loc-RIB is followed. */
  readonly report?: (prefixes: readonly Prefix[]) => void;
  /** A report that threw (a bug of Herald's): the rest goes on. */
  readonly failed?: (e: Error) => void;
}

/** Runs `fn` on a later turn of the event loop, after pending I/O. */
export type Later = (fn: () => void) => void;

const nextTurn: Later = (fn) => setImmediate(fn);

/** One retirement as a walk: each step handles one route (and may give a prefix to report). */
function* walk(r: Retirement): Generator<Prefix | undefined> {
  const { ipv4, ipv6 } = r.tables;
  if (ipv4)
    for (const [addr, length, pathId, set] of ipv4.entries()) {
      r.release?.release(set);
      // add-path siblings lie on one probe run: the prefix is reported with its first path only
      yield r.report && ipv4.isFirstPath(addr, length, pathId) ? ipv4Prefix(addr, length) : undefined;
    }
  if (ipv6) {
    const seen = new Set<string>();
    for (const [bytes, length, , set] of ipv6.entries()) {
      r.release?.release(set);
      const key = `${bytes.toString('latin1')}/${length}`;
      const first = r.report !== undefined && !seen.has(key);
      if (first) seen.add(key);
      yield first ? { afi: Afi.IPV6, length, bytes: bytes.subarray(0, (length + 7) >> 3) } : undefined;
    }
  }
}

/**
 * The retirements under way, worked through in order, `batch` routes per turn; the first batch of
 * a retirement that finds nothing under way is handled at once (a small table is gone in the
 * call that retired it).
 */
export class RetiredRoutes {
  /** Each retirement with its walk and how many of its routes are left (the tables no longer change). */
  private readonly queue: { r: Retirement; steps: Generator<Prefix | undefined>; left: number }[] = [];
  /** A step runs or waits for its turn. */
  private scheduled = false;
  private idle: (() => void)[] = [];
  /** Routes retired and not yet handled. */
  private left = 0;

  constructor(
    private readonly batch = RETIRE_BATCH,
    private readonly later: Later = nextTurn,
  ) {}

  /** Routes retired but not yet let go of. */
  get pending(): number {
    return this.left;
  }

  retire(r: Retirement): void {
    const size = (r.tables.ipv4?.size ?? 0) + (r.tables.ipv6?.size ?? 0);
    if (size === 0 || (!r.release && !r.report)) return;
    this.left += size;
    this.queue.push({ r, steps: walk(r), left: size });
    if (!this.scheduled) this.step();
  }

  /** Resolves once every route retired so far is let go of (and reported). */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private tell(r: Retirement, gone: readonly Prefix[]): void {
    try {
      r.report?.(gone);
    } catch (e) {
      if (!r.failed) throw e;
      r.failed(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Handles up to `batch` routes, then schedules the rest for a later turn. */
  private step(): void {
    // set while a step runs too: a retirement from inside a report waits for the next turn
    this.scheduled = true;
    try {
      this.handleBatch();
    } finally {
      if (this.queue.length > 0) this.later(() => this.step());
      else this.finish();
    }
  }

  private handleBatch(): void {
    let budget = this.batch;
    while (budget > 0 && this.queue.length > 0) {
      const job = this.queue[0];
      const n = Math.min(budget, job.left);
      const gone: Prefix[] = [];
      for (let i = 0; i < n; i++) {
        const p = job.steps.next().value;
        if (p) gone.push(p);
      }
      job.left -= n;
      this.left -= n;
      budget -= n;
      if (job.left === 0) this.queue.shift();
      if (gone.length > 0) this.tell(job.r, gone);
    }
  }

  private finish(): void {
    this.scheduled = false;
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
