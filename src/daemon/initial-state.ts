// The "initial state settled" gate. End-of-RIB tells a peer it now has every route we mean to send
// (RFC 4724 §2); after our restart the peer then deletes the stale routes we did not send again
// (§4.2: "Once the End-of-RIB marker for an address family is received from the peer, it MUST
// immediately remove any routes from the peer that are still marked as stale"). So End-of-RIB waits
// until Herald's own routes are known: every health-checked announcement has its first result, the
// first Kubernetes snapshot is applied, and so on. Each such input holds the gate; it opens when the
// last hold is released after seal(), or at a deadline (kept below the peers' restart time) whatever
// is still pending. Pure apart from the injected clock.
import type { Clock } from '../session/clock.js';

export interface InitialStateOptions {
  readonly clock: Clock;
  /** Told once when the deadline opened the gate, with what was still pending. */
  readonly expired?: (pending: readonly string[]) => void;
}

export class InitialState {
  private readonly holds = new Map<number, string>();
  private next = 0;
  private sealed = false;
  private isOpen = false;
  private timer?: unknown;
  private resolve!: () => void;
  /** Resolves when the initial state has settled (or the deadline passed). Never rejects. */
  readonly settled: Promise<void> = new Promise((r) => {
    this.resolve = r;
  });

  constructor(private readonly opts: InitialStateOptions) {}

  get open(): boolean {
    return this.isOpen;
  }

  /** What the gate still waits for. */
  pending(): string[] {
    return [...this.holds.values()];
  }

  /**
   * Holds the gate until the returned function is called (idempotent). Once the gate is open a
   * hold is a no-op: later inputs (a reload's new health check) do not delay anything.
   */
  hold(what: string): () => void {
    if (this.isOpen) return () => {};
    const id = this.next++;
    this.holds.set(id, what);
    return () => {
      if (!this.holds.delete(id)) return;
      this.openIfSettled();
    };
  }

  /**
   * Every input that holds at start has taken its hold: the gate opens once they are released,
   * or after `timeoutMs` at most.
   */
  seal(timeoutMs: number): void {
    if (this.sealed) return;
    this.sealed = true;
    if (!this.openIfSettled())
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = undefined;
        const pending = this.pending();
        this.openNow();
        this.opts.expired?.(pending);
      }, timeoutMs);
  }

  /** Opens at once (the daemon stops, or nothing is to be waited for). */
  openNow(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.holds.clear();
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.resolve();
  }

  private openIfSettled(): boolean {
    if (this.sealed && this.holds.size === 0) this.openNow();
    return this.isOpen;
  }
}

/**
 * How long End-of-RIB may wait at most: half the shortest Restart Time we advertise (the time a
 * peer keeps our routes while we are away), at most 60 s, at least 1 s. Without graceful restart
 * nothing stale is at stake: 60 s bounds only how late End-of-RIB comes.
 */
export function settleTimeoutMs(restartTimes: readonly number[]): number {
  const shortest = restartTimes.length > 0 ? Math.min(...restartTimes) : 120;
  return Math.max(1, Math.min(60, Math.floor(shortest / 2))) * 1000;
}
