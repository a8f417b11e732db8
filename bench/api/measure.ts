// Timed listings for the API bench: a command's stdout (birdc, gobgp, vtysh) or an HTTP response
// from a unix socket (Herald) is fed to a RowSink while a worker thread samples the resident
// memory of chosen processes every 50 ms. The sampler runs on its own thread so the main thread
// being busy counting rows does not skew it. Everything is bounded by a timeout.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { RowSink } from './rows.js';

export interface RssSeries {
  /** VmRSS at the first sample (bytes); undefined when the process was gone. */
  first?: number;
  peak?: number;
  last?: number;
  samples: number;
}

/** Samples VmRSS of each pid every `intervalMs` on a worker thread until stop(). */
export class RssSampler {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;

  constructor(pids: number[], intervalMs = 50) {
    // CommonJS source evaluated in the worker; reads /proc only.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const { pids, intervalMs } = workerData;
      const stats = pids.map(() => ({ samples: 0 }));
      const rss = (pid) => {
        try {
          const m = /^VmRSS:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/' + pid + '/status', 'utf8'));
          return m ? Number(m[1]) * 1024 : undefined;
        } catch { return undefined; }
      };
      const tick = () => pids.forEach((pid, i) => {
        const v = rss(pid);
        if (v === undefined) return;
        const s = stats[i];
        if (s.first === undefined) s.first = v;
        s.peak = Math.max(s.peak ?? 0, v);
        s.last = v;
        s.samples++;
      });
      tick();
      const timer = setInterval(tick, intervalMs);
      parentPort.on('message', (m) => {
        if (m !== 'stop') return;
        clearInterval(timer);
        tick();
        parentPort.postMessage(stats);
      });
      parentPort.postMessage('ready');
    `;
    this.worker = new Worker(code, { eval: true, workerData: { pids, intervalMs } });
    this.ready = new Promise((res, rej) => {
      this.worker.once('message', () => res());
      this.worker.once('error', rej);
    });
  }

  /** Resolves once the first sample is taken. */
  started(): Promise<void> {
    return this.ready;
  }

  async stop(): Promise<RssSeries[]> {
    await this.ready;
    const out = new Promise<RssSeries[]>((res, rej) => {
      this.worker.once('message', (m: RssSeries[]) => res(m));
      this.worker.once('error', rej);
    });
    this.worker.postMessage('stop');
    const stats = await out;
    await this.worker.terminate();
    return stats;
  }
}

export interface ListingResult {
  /** Request sent / command started → last byte read (s). */
  seconds: number;
  /** … → first byte read (s). */
  firstByteSeconds?: number;
  rows: number;
  bytes: number;
  timedOut: boolean;
  error?: string;
  /** Per sampled pid, in the order given. */
  rss: RssSeries[];
  /** CPU seconds of this (the measuring) process meanwhile: counting rows, parsing JSON. */
  clientCpuSeconds: number;
}

const hr = (): bigint => process.hrtime.bigint();
const since = (t: bigint): number => Number(hr() - t) / 1e9;
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `cmd args` (no shell), feeding its stdout to `sink`; SIGKILL after timeoutMs. */
export async function listCommand(
  cmd: string,
  args: readonly string[],
  sink: RowSink,
  opts: { timeoutMs: number; samplePids: number[]; sampleChild?: boolean },
): Promise<ListingResult> {
  const cpu0 = cpuNow();
  const t0 = hr();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const pids = [...opts.samplePids];
  if (opts.sampleChild && child.pid !== undefined) pids.push(child.pid);
  const sampler = new RssSampler(pids);
  let first: number | undefined;
  let last = 0;
  let timedOut = false;
  let error: string | undefined;
  let stderr = '';
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  child.stdout.on('data', (d: Buffer) => {
    first ??= since(t0);
    try {
      sink.write(d);
    } catch (e) {
      error ??= (e as Error).message;
      child.kill('SIGKILL');
    }
    last = since(t0);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2000);
  });
  const code = await new Promise<number | null>((res) => {
    child.once('error', (e) => {
      error ??= e.message;
      res(null);
    });
    child.once('close', (c) => res(c));
  });
  clearTimeout(timer);
  const seconds = timedOut ? since(t0) : Math.max(last, since(t0));
  const rss = await sampler.stop();
  if (!timedOut && !error) {
    if (code !== 0) error = `exit ${code}: ${stderr.trim().slice(-500)}`;
    else {
      try {
        sink.end();
      } catch (e) {
        error = (e as Error).message;
      }
    }
  }
  return {
    seconds,
    firstByteSeconds: first,
    rows: sink.rows,
    bytes: sink.bytes,
    timedOut,
    error,
    rss,
    clientCpuSeconds: cpuNow() - cpu0,
  };
}

/** GET `path` from an HTTP server on a unix socket (a fresh connection), feeding the body to `sink`. */
export async function listHttp(
  socketPath: string,
  path: string,
  sink: RowSink,
  opts: { timeoutMs: number; samplePids: number[] },
): Promise<ListingResult & { status?: number; contentType?: string }> {
  const sampler = new RssSampler(opts.samplePids);
  await sampler.started();
  const cpu0 = cpuNow();
  const t0 = hr();
  let first: number | undefined;
  let timedOut = false;
  let status: number | undefined;
  let contentType: string | undefined;
  const error = await new Promise<string | undefined>((res) => {
    const req = request({ socketPath, path, method: 'GET', agent: false }, (r) => {
      status = r.statusCode;
      contentType = r.headers['content-type'];
      let failed: string | undefined;
      r.on('data', (d: Buffer) => {
        first ??= since(t0);
        if (failed) return;
        try {
          sink.write(d);
        } catch (e) {
          failed = (e as Error).message;
          req.destroy();
        }
      });
      r.on('end', () => {
        if (failed) return res(failed);
        if (status !== 200) return res(`HTTP ${status}`);
        try {
          sink.end();
          res(undefined);
        } catch (e) {
          res((e as Error).message);
        }
      });
      r.on('error', (e) => res(failed ?? e.message));
      r.on('aborted', () => res(failed ?? (timedOut ? 'timed out' : 'response aborted')));
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timed out'));
    }, opts.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => res(timedOut ? 'timed out' : e.message));
    req.end();
  });
  const seconds = since(t0);
  const clientCpuSeconds = cpuNow() - cpu0;
  const rss = await sampler.stop();
  return {
    seconds,
    firstByteSeconds: first,
    rows: sink.rows,
    bytes: sink.bytes,
    timedOut,
    error,
    rss,
    clientCpuSeconds,
    status,
    contentType,
  };
}

/** GET `path` from an HTTP server on a unix socket, the whole (small) body as text. */
export function httpText(socketPath: string, path: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((res, rej) => {
    const req = request({ socketPath, path, method: 'GET', agent: false, timeout: timeoutMs }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => {
        text += c;
      });
      r.on('end', () =>
        r.statusCode === 200 ? res(text) : rej(new Error(`GET ${path}: HTTP ${r.statusCode}`)),
      );
      r.on('error', rej);
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

/** V8 heap used and total (bytes) from Prometheus text (prom-client's default nodejs_heap_size_* gauges). */
export function heapFromMetrics(text: string): { used?: number; total?: number } {
  const pick = (name: string): number | undefined => {
    const m = new RegExp(`^\\w*nodejs_heap_size_${name}_bytes(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return { used: pick('used'), total: pick('total') };
}
