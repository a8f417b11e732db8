// Memory back after a burst of work. A full table received or sent, a reload or a long listing
// frees tens of MB of C heap (socket write queues, message copies, table arrays) that glibc keeps
// resident in its arenas; V8 gives back its own pages once idle, glibc does not. When a second of
// the event loop was busy and a later second is idle, the daemon runs one full V8 collection (when
// the launcher exposed it) and then malloc_trim: tens of ms, only after bursts (a steady load never
// looks idle, and an idle daemon never looked busy). The collection first, because the burst's
// garbage holds C memory too — the typed arrays a growing table outgrew are freed only by a full
// collection, which V8 on its own runs ten or more seconds later, if at all (bench:fib).
import { performance } from 'node:perf_hooks';
import { releaseFreeMemory } from '../sys/malloc-trim.js';

/** Utilization at or above which a period counts as a burst, at or below which as idle. */
export const BURST_UTILIZATION = 0.5;
export const IDLE_UTILIZATION = 0.05;

/** Decides, period by period, when a burst has ended (pure). */
export class BurstEnd {
  private burst = false;

  /** The event loop's utilization over the last period; true when memory should be given back now. */
  observe(utilization: number): boolean {
    if (utilization >= BURST_UTILIZATION) this.burst = true;
    else if (this.burst && utilization <= IDLE_UTILIZATION) {
      this.burst = false;
      return true;
    }
    return false;
  }
}

/** A full collection, where bin/herald's `--expose-gc` made one available (not in tests). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The burst's garbage collected, then the freed C heap given back to the kernel. */
export function giveMemoryBack(): void {
  collectGarbage();
  releaseFreeMemory();
}

/** Gives memory back after each burst, checked every `periodMs`; returns the stop function. */
export function trimAfterBursts(periodMs = 1000, trim: () => unknown = giveMemoryBack): () => void {
  const end = new BurstEnd();
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (end.observe(utilization)) trim();
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
