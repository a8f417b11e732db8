// The comparison benches' frame: each receiver runs in a fresh pair of namespaces, removed even when
// the run fails (the failure is kept on the row, so the other receivers still run).
import { createLink, interopUnavailable, type LinkTopology } from '../../test/interop/harness/index.js';
import type { ReceiverKind } from '../ingest/receivers.js';

export async function onFreshLink<R extends { error?: string }>(
  row: R,
  body: (t: LinkTopology) => Promise<void>,
): Promise<R> {
  const t = await createLink();
  try {
    await body(t);
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  return row;
}

/** False (and says why) when namespaces or the other daemons' binaries are not available. */
export function interopReady(bench: string, kinds: readonly ReceiverKind[]): boolean {
  const why = interopUnavailable(kinds.filter((k): k is 'bird' | 'gobgp' | 'frr' => !k.startsWith('herald')));
  if (why) console.error(`bench:${bench} needs the interop environment: ${why}`);
  return why === undefined;
}
