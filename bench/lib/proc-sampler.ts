// Resident memory and CPU time of a receiver's processes over a window, read from /proc: RSS at
// the start, its peak (sampled every 250 ms from this process, not from the daemon), and the CPU
// seconds used between start() and finish().
import { cpuSeconds, rssBytes } from '../ingest/proc.js';

export interface ProcWindow {
  rssBeforeBytes: number;
  rssPeakBytes: number;
  rssAfterBytes: number;
  cpuSeconds: number;
  wallSeconds: number;
}

const total = (pids: number[], read: (pid: number) => number): number =>
  pids.reduce((s, p) => s + read(p), 0);

export class ProcSampler {
  private readonly rssBefore: number;
  private peak: number;
  private readonly cpuBefore: number;
  private readonly startedAt = process.hrtime.bigint();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: number[]) {
    this.rssBefore = total(pids, rssBytes);
    this.peak = this.rssBefore;
    this.cpuBefore = total(pids, cpuSeconds);
    this.timer = setInterval(() => this.sample(), 250);
  }

  private sample(): number {
    try {
      const now = total(this.pids, rssBytes);
      this.peak = Math.max(this.peak, now);
      return now;
    } catch {
      return this.peak; // a process gone: the caller finds out from its own checks
    }
  }

  /** Stops sampling; CPU and wall time are counted up to now. */
  finish(): ProcWindow {
    clearInterval(this.timer);
    const after = this.sample();
    return {
      rssBeforeBytes: this.rssBefore,
      rssPeakBytes: this.peak,
      rssAfterBytes: after,
      cpuSeconds: total(this.pids, cpuSeconds) - this.cpuBefore,
      wallSeconds: Number(process.hrtime.bigint() - this.startedAt) / 1e9,
    };
  }
}

/** A receiver's counted processes and, apart, its side ones (FRR's zebra), over the same window. */
export class ReceiverSampler {
  private readonly main: ProcSampler;
  private readonly side: Array<{ label: string; sampler: ProcSampler }>;

  constructor(rx: { pids: number[]; sidePids: Array<{ label: string; pid: number }> }) {
    this.main = new ProcSampler(rx.pids);
    this.side = rx.sidePids.map((s) => ({ label: s.label, sampler: new ProcSampler([s.pid]) }));
  }

  finish(): { proc: ProcWindow; side: Record<string, ProcWindow> } {
    const proc = this.main.finish();
    return { proc, side: Object.fromEntries(this.side.map((s) => [s.label, s.sampler.finish()])) };
  }
}

/** "; zebra 1.2 CPU s" per side process, for a report line. */
export const sideCpuText = (side: Record<string, ProcWindow> = {}): string =>
  Object.entries(side)
    .map(([label, w]) => `; ${label} ${w.cpuSeconds.toFixed(1)} CPU s`)
    .join('');
