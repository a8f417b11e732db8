// The order of prefixes in CLI tables, as FRR's `show ip bgp` lists them: IPv4 before IPv6, then by
// address numerically, then shorter prefixes first. Rows of one prefix keep their order (the API
// lists the best path of a prefix first).
import ipaddr from 'ipaddr.js';

/** A sort key: family, address bytes and length, compared byte by byte. */
function key(prefix: string): number[] {
  const [address, length = '0'] = prefix.split('/');
  try {
    const bytes = ipaddr.parse(address).toByteArray();
    return [bytes.length, ...bytes, Number(length)];
  } catch {
    // Not an address (should not happen): after every real prefix, in the order given.
    return [Number.MAX_SAFE_INTEGER];
  }
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A sorted copy of `rows` (stable: rows of the same prefix stay in their order). */
export function sortByPrefix<T extends { readonly prefix: string }>(rows: readonly T[]): T[] {
  const keys = new Map<string, number[]>();
  const keyOf = (p: string) => {
    let k = keys.get(p);
    if (!k) {
      k = key(p);
      keys.set(p, k);
    }
    return k;
  };
  return [...rows].sort((a, b) => compareKeys(keyOf(a.prefix), keyOf(b.prefix)));
}
