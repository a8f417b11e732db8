// HTTP probe: one GET with fetch (undici) on a fresh connection, redirects not followed, body
// discarded; healthy when the status is expected (default any 2xx).
import type { ProbeResult } from './types.js';

export async function fetchStatus(
  url: string,
  expectStatus: number[] | undefined,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const res = await fetch(url, { signal, redirect: 'manual', headers: { connection: 'close' } });
  await res.body?.cancel().catch(() => {});
  const ok = expectStatus ? expectStatus.includes(res.status) : res.status >= 200 && res.status <= 299;
  return { ok, detail: `HTTP ${res.status}` };
}
