// Small process and polling helpers shared by the interop harness. Nothing here sleeps for a fixed
// time: every wait is a bounded poll.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Kill the command (SIGKILL) and reject after this long. Default 30 s. */
  timeoutMs?: number;
  /** Written to the command's stdin. */
  input?: string;
  /** Resolve with the exit code instead of rejecting when the command fails. */
  allowFail?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command (no shell) and collects its output. Rejects on a non-zero exit unless allowFail. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} ${args.join(' ')}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const res = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128,
      };
      if (timedOut) {
        reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${res.stderr}`));
      } else if (res.code !== 0 && !opts.allowFail) {
        const why = signal ? `signal ${signal}` : `exit ${res.code}`;
        reject(
          new Error(`${cmd} ${args.join(' ')} failed (${why}):\n${res.stderr.trim() || res.stdout.trim()}`),
        );
      } else {
        resolve(res);
      }
    });
    child.stdin.on('error', () => {}); // the command may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

export interface WaitOptions {
  timeoutMs: number;
  /** Poll interval, default 200 ms. */
  intervalMs?: number;
  /** Named in the timeout error. */
  what: string;
}

/** Thrown by a waitFor() probe to stop waiting at once (e.g. the daemon being waited for died). */
export class Fatal extends Error {}

/**
 * Polls `probe` until it returns a value other than undefined/false/null, and returns that value.
 * Errors thrown by the probe count as "not yet" (the last one is reported on timeout), except Fatal.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 200;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v as T;
      last = v;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what} (last: ${detail})`);
    }
    await delay(Math.min(interval, Math.max(1, deadline - Date.now())));
  }
}

/** A promise-based timer (used between polls only). */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True when the process exists (signal 0). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
