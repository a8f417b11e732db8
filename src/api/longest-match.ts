// `herald routes --prefix 10.10.5.1`: an address without a length finds the routes of the longest
// prefix that holds it, as `show ip bgp 10.10.5.1` does in FRR (a prefix with a length is exact).
import type { RouteView } from '../rib/route-view.js';
import { formatPrefix, parsePrefix } from '../wire/index.js';

/** Every prefix holding `address`, in its canonical text, with its length. */
function coveringPrefixes(address: string): Map<string, number> {
  const bits = address.includes(':') ? 128 : 32;
  const out = new Map<string, number>();
  for (let length = bits; length >= 0; length--)
    out.set(formatPrefix(parsePrefix(`${address}/${length}`)), length);
  return out;
}

/** The rows of the longest prefix in `rows` that holds `address` (none: an empty list). */
export function longestMatch(rows: Iterable<RouteView>, address: string): RouteView[] {
  const covering = coveringPrefixes(address);
  let best = -1;
  let found: RouteView[] = [];
  for (const r of rows) {
    const length = covering.get(r.prefix);
    if (length === undefined || length < best) continue;
    if (length > best) {
      best = length;
      found = [];
    }
    found.push(r);
  }
  return found;
}
