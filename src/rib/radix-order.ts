// The order that sorts n 32-bit keys (a stable LSD radix sort in two 16-bit passes): the export
// path groups hundreds of thousands of routes by attribute set without a comparison sort. Pure.

const SMALL = 256;

/** Indices 0..n-1 of `keys` ordered by key (equal keys keep their order). */
export function radixOrder(keys: Uint32Array, n: number): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // A few keys (one route's change): a comparison sort beats two passes over 65,536 counters.
  if (n <= SMALL) return order.sort((a, b) => keys[a] - keys[b] || a - b);
  let spare = new Uint32Array(n);
  const counts = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((keys[i] >>> shift) & 0xffff) + 1]++;
    for (let b = 1; b <= 65536; b++) counts[b] += counts[b - 1];
    for (let i = 0; i < n; i++) {
      const k = order[i];
      spare[counts[(keys[k] >>> shift) & 0xffff]++] = k;
    }
    [order, spare] = [spare, order];
  }
  return order;
}
