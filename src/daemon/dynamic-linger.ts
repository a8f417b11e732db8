// A dynamic neighbor lasts as long as its session, as FRR's do: once its connection is gone (set up
// or not) it is removed — after a minute in which `herald neighbors` still shows why (a refused
// ASN, say), and after the stale routes a graceful restart keeps are swept or refreshed, unless it
// is back by then. Checked again every few seconds while stale routes stay.
import type { Peer } from '../session/peer.js';

/** A refused or ended dynamic neighbor stays visible (state, lastError) this long before it goes. */
export const DYNAMIC_LINGER_MS = 60_000;
const STALE_RECHECK_MS = 5000;

export interface LingerOptions {
  readonly lingerMs: number;
  /** `stays`: back, or a new connection on its way up; `later`: stale routes left; `goes`. */
  readonly decide: (peer: Peer) => 'stays' | 'later' | 'goes';
  readonly remove: (address: string) => void;
}

export class DynamicLinger {
  /** Pending checks of dynamic peers whose connection is gone. */
  private readonly checks = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: LingerOptions) {}

  /** Removes `peer` a while after its connection is gone (each time it goes). */
  watch(peer: Peer): void {
    const address = peer.address;
    const check = (): void => {
      this.checks.delete(address);
      const verdict = this.opts.decide(peer);
      if (verdict === 'later') this.schedule(address, check, STALE_RECHECK_MS);
      else if (verdict === 'goes') this.opts.remove(address);
    };
    const ended = () => this.schedule(address, check, this.opts.lingerMs);
    peer.on('sessionDown', ended);
    peer.on('setupFailed', ended);
  }

  /** The neighbor is gone another way: no check is left for it. */
  forget(address: string): void {
    clearTimeout(this.checks.get(address));
    this.checks.delete(address);
  }

  stop(): void {
    for (const timer of this.checks.values()) clearTimeout(timer);
    this.checks.clear();
  }

  private schedule(address: string, check: () => void, ms: number): void {
    clearTimeout(this.checks.get(address));
    const timer = setTimeout(check, ms);
    timer.unref();
    this.checks.set(address, timer);
  }
}
