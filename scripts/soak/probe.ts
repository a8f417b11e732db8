// What the soak measures of a running daemon: RSS, open descriptors and CPU time from /proc, and a
// settled view (after the GC hook's two full collections): heap used, as the hook reads it right
// after them, and the live handles by kind. (Not GET /metrics: a scrape allocates what it reports —
// with 100,000 announcements the per-prefix series are ~25 MB kept until the next scrape, so the
// first scrape of a run made every later figure look 25 MB higher.)
import { readdirSync, readFileSync } from 'node:fs';
import type { HeraldInstance } from '../../test/interop/harness/herald.js';
import { delay, waitFor } from '../../test/interop/harness/util.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
}

export interface Settled {
  /** process.memoryUsage().heapUsed right after the forced collections. */
  heapUsed: number;
  rss: number;
  fds: number;
  /** process.getActiveResourcesInfo() by kind (TCPSocketWrap, Timeout, …). */
  resources: Record<string, number>;
}

/** Forces two full GCs in the daemon (SIGWINCH to the GC hook) and reads what is left. */
export async function settle(herald: HeraldInstance): Promise<Settled> {
  const pid = herald.process.pid;
  const before = settledLines(herald).length;
  // Let queued work (writes, timers of the last events) finish first.
  await delay(500);
  process.kill(pid, 'SIGWINCH');
  const line = await waitFor(() => settledLines(herald)[before], {
    timeoutMs: 10_000,
    intervalMs: 50,
    what: 'the GC hook to report',
  });
  return { heapUsed: line.heapUsed, rss: rssBytes(pid), fds: openFds(pid), resources: line.resources };
}

function settledLines(herald: HeraldInstance): Array<{ heapUsed: number; resources: Record<string, number> }> {
  return herald.process
    .output()
    .split('\n')
    .filter((l) => l.includes('"soakSettled"'))
    .map((l) => JSON.parse(l));
}

/** Samples RSS and CPU of `pid` every `ms` until stopped: the peak RSS and the CPU share. */
export class Sampler {
  peakRss = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly cpu0: number;
  private readonly t0 = performance.now();
  private readonly rssSeries: number[] = [];

  constructor(
    private readonly pid: number,
    ms = 100,
  ) {
    this.cpu0 = cpuSeconds(pid);
    this.timer = setInterval(() => this.sample(), ms);
    this.sample();
  }

  private sample(): void {
    try {
      const r = rssBytes(this.pid);
      this.rssSeries.push(r);
      if (r > this.peakRss) this.peakRss = r;
    } catch {}
  }

  /** Stops sampling: wall seconds, CPU seconds, CPU share (1 = one core) and the peak RSS. */
  stop(): { wall: number; cpu: number; cpuShare: number; peakRss: number; samples: number } {
    clearInterval(this.timer);
    this.sample();
    const wall = (performance.now() - this.t0) / 1000;
    const cpu = cpuSeconds(this.pid) - this.cpu0;
    return { wall, cpu, cpuShare: cpu / wall, peakRss: this.peakRss, samples: this.rssSeries.length };
  }
}

export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;
