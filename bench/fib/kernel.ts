// How many IPv4 routes a namespace's kernel holds, cheaply: /proc/net/fib_triestat counts the
// prefixes of the main table without dumping it (a full `ip route` dump of 577k routes takes
// seconds of CPU, which would disturb what is measured). Local and main are one trie until a
// policy rule is added, so the count includes local routes: compare against a baseline.
import { exec } from '../../test/interop/harness/index.js';

export async function kernelPrefixes(ns: string): Promise<number> {
  const r = await exec(ns, 'cat', ['/proc/net/fib_triestat']);
  const m = /^Main:\n(?:\s+.*\n)*?\s+Prefixes:\s+(\d+)/m.exec(r.stdout);
  if (!m) throw new Error(`no Main table in fib_triestat: ${r.stdout.slice(0, 200)}`);
  return Number(m[1]);
}

/** Routes of one protocol in the main table, by a full dump (for the cross-check at the end). */
export async function kernelRoutesOfProtocol(ns: string, protocol: string): Promise<number> {
  const r = await exec(ns, 'sh', ['-c', `ip -4 route show table main proto ${protocol} | wc -l`]);
  return Number(r.stdout.trim());
}
