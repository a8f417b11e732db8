// Memory back after a burst of work. A full table received or sent, a reload or a long listing
// frees tens of MB of C heap (socket write queues, message copies, table arrays) that glibc keeps
// resident in its arenas; V8 gives back its own pages once idle, glibc does not. When a second of
// the event loop was busy and a later second is idle, the daemon calls malloc_trim once: a few ms,
// only after bursts (a steady load never looks idle, and an idle daemon never looked busy).
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

/** Gives freed C heap back after each burst, checked every `periodMs`; returns the stop function. */
export function trimAfterBursts(periodMs = 1000, trim: () => unknown = releaseFreeMemory): () => void {
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
