// A probe's time limit. The work gets a signal that aborts at the timeout or when the caller aborts,
// and must then release its process/socket/request; the result is settled at that moment either
// way, so a probe never outlives its timeout and never rejects.
import { errorDetail } from './error-detail.js';
import type { ProbeResult } from './types.js';

export type ProbeWork = (signal: AbortSignal) => Promise<ProbeResult>;

export const ABORTED: ProbeResult = { ok: false, detail: 'aborted' };

export function withDeadline(
  timeoutSeconds: number,
  work: ProbeWork,
  outer?: AbortSignal,
): Promise<ProbeResult> {
  if (outer?.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve) => {
    const controller = new AbortController();
    const settle = (result: ProbeResult) => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
      resolve(result);
    };
    const cancel = (result: ProbeResult) => {
      settle(result);
      controller.abort();
    };
    const onOuterAbort = () => cancel(ABORTED);
    const timer = setTimeout(
      () => cancel({ ok: false, detail: `timeout after ${timeoutSeconds}s` }),
      timeoutSeconds * 1000,
    );
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const run = async () => work(controller.signal);
    run().then(settle, (err: unknown) => settle({ ok: false, detail: errorDetail(err) }));
  });
}
