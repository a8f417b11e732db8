// Command probe: /bin/sh -c in its own process group, healthy on exit 0. On abort the whole group
// is killed, so `sh -c 'a | b'` leaves nothing behind. The last output line goes into the detail.
import { spawn } from 'node:child_process';
import { errorDetail } from './error-detail.js';
import type { ProbeResult } from './types.js';

/** Output kept (bytes, from the end) to find the last line, and the line's length in the detail. */
const TAIL_BYTES = 4096;
const LINE_CHARS = 200;
/** After the shell exits, how long to wait for its output when a background child holds the pipes. */
const OUTPUT_GRACE_MS = 100;

function lastLine(tail: Buffer): string {
  const lines = tail.toString('utf8').split('\n');
  const line = lines.findLast((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, LINE_CHARS);
}

function exitDetail(code: number | null, signal: NodeJS.Signals | null, output: string): string {
  const status = code !== null ? `exit ${code}` : `killed by ${signal}`;
  return output ? `${status}: ${output}` : status;
}

export function runCommand(command: string, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = Buffer.alloc(0);
    let grace: NodeJS.Timeout | undefined;
    const keep = (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    };
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const finish = (result: ProbeResult) => {
      signal.removeEventListener('abort', killGroup);
      clearTimeout(grace);
      resolve(result);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    signal.addEventListener('abort', killGroup, { once: true });
    child.once('error', (err) => finish({ ok: false, detail: errorDetail(err) }));
    child.once('exit', () => {
      // 'close' follows once the pipes are drained; a background child still holding them is cut off.
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, OUTPUT_GRACE_MS);
    });
    child.once('close', (code, sig) =>
      finish({ ok: code === 0, detail: exitDetail(code, sig, lastLine(tail)) }),
    );
  });
}
