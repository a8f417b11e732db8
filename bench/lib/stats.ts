// Small statistics for the benches: median, nearest-rank percentiles and the spread of repeats.

/** The values that are numbers, sorted ascending. */
function sorted(xs: ReadonlyArray<number | null | undefined>): number[] {
  return xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100); undefined for no values. */
export function percentile(xs: ReadonlyArray<number | null | undefined>, p: number): number | undefined {
  const v = sorted(xs);
  if (v.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * v.length));
  return v[Math.min(v.length, rank) - 1];
}

/** The lower median (an observed value, as the older benches report it). */
export function median(xs: ReadonlyArray<number | null | undefined>): number | undefined {
  const v = sorted(xs);
  return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)];
}

export interface Distribution {
  n: number;
  min?: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

export function distribution(xs: ReadonlyArray<number | null | undefined>): Distribution {
  const v = sorted(xs);
  return {
    n: v.length,
    min: v[0],
    p50: percentile(v, 50),
    p90: percentile(v, 90),
    p99: percentile(v, 99),
    max: v[v.length - 1],
  };
}

/** Median of repeats and their spread ((max − min) / median), for the summary tables. */
export function spread(xs: ReadonlyArray<number | null | undefined>): {
  median?: number;
  min?: number;
  max?: number;
  relative?: number;
  n: number;
} {
  const v = sorted(xs);
  const m = median(v);
  return {
    n: v.length,
    median: m,
    min: v[0],
    max: v[v.length - 1],
    relative: m ? (v[v.length - 1] - v[0]) / m : undefined,
  };
}

/** A number for a table: fixed decimals, '-' when missing. */
export const fmt = (n: number | null | undefined, d = 2): string =>
  n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toFixed(d);

/**
 * The earliest of each trial's arrivals (`perTrial` consecutive values a trial): how long the relay
 * or daemon took to get its first copy out, apart from the receivers' own time to take in the rest.
 */
export function firstArrivals(latencies: readonly number[], perTrial: number): Distribution {
  const firsts: number[] = [];
  for (let i = 0; i + perTrial <= latencies.length; i += perTrial)
    firsts.push(Math.min(...latencies.slice(i, i + perTrial)));
  return distribution(firsts);
}
