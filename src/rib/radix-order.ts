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

/**
 * Sorts `keys[0..n)` by key (stably) and moves the same entries of each column with them, in place:
 * no second copy of the columns. Each cycle of the sorting permutation is followed once.
 */
export function sortByKey(
  keys: Uint32Array,
  n: number,
  columns: readonly (Uint32Array | Uint8Array)[],
): void {
  const order = radixOrder(keys, n);
  const all = [keys, ...columns];
  const saved = new Array<number>(all.length);
  for (let i = 0; i < n; i++) {
    if (order[i] === i) continue;
    for (let c = 0; c < all.length; c++) saved[c] = all[c][i];
    // Entry j takes what was at order[j]; order[j] = j marks it done. The cycle ends back at i.
    let j = i;
    for (let k = order[j]; k !== i; k = order[j]) {
      for (let c = 0; c < all.length; c++) all[c][j] = all[c][k];
      order[j] = j;
      j = k;
    }
    order[j] = j;
    for (let c = 0; c < all.length; c++) all[c][j] = saved[c];
  }
}
