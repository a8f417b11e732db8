// The bench runner's arithmetic and report: percentiles, spread of repeats, the metrics taken
// from a bench's JSON, and the ratio column of docs/benchmarks.md.
import { describe, expect, it } from 'vitest';
import { distribution, firstArrivals, median, percentile, spread } from '../../bench/lib/stats.js';
import { tables } from '../../bench/report/markdown.js';
import { metricsOf } from '../../bench/report/metrics.js';

describe('bench statistics', () => {
  it('nearest-rank percentiles and the lower median', () => {
    const xs = [5, 1, 4, 2, 3, undefined, null];
    expect(percentile(xs, 50)).toBe(3);
    expect(percentile(xs, 99)).toBe(5);
    expect(percentile(xs, 1)).toBe(1);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(percentile([], 50)).toBeUndefined();
    expect(distribution([10, 20])).toEqual({ n: 2, min: 10, p50: 10, p90: 20, p99: 20, max: 20 });
  });

  it("each trial's first arrival, trials taken as consecutive runs of arrivals", () => {
    // three trials of three arrivals; a partial fourth trial is left out
    const d = firstArrivals([0.9, 0.7, 0.8, 2.5, 2.1, 2.2, 0.6, 0.65, 0.61, 0.1], 3);
    expect(d).toEqual({ n: 3, min: 0.6, p50: 0.7, p90: 2.1, p99: 2.1, max: 2.1 });
  });

  it('spread of repeats relative to the median', () => {
    expect(spread([2, 4, 3])).toEqual({ n: 3, median: 3, min: 2, max: 4, relative: 2 / 3 });
  });
});

describe('bench report', () => {
  const fib = (herald: number, bird: number) => ({
    bench: 'fib',
    prefixes: 10,
    rows: [
      { name: 'Herald', installSeconds: herald, routesPerSecond: 10 / herald },
      { name: 'BIRD', installSeconds: bird, routesPerSecond: 10 / bird, removeSeconds: null },
    ],
  });

  it('takes the numbers a bench printed and leaves out missing ones', () => {
    const m = metricsOf(fib(2, 1));
    expect(m.map((x) => `${x.row} ${x.column} ${x.value}`)).toEqual([
      'Herald install s 2',
      'Herald routes/s 5',
      'BIRD install s 1',
      'BIRD routes/s 10',
    ]);
    expect(metricsOf({ bench: 'unknown', x: 1 })).toEqual([]);
  });

  it('the propagation floor: one row per relay, no ratio column without a Herald row', () => {
    const floor = {
      bench: 'propagation-floor',
      receivers: 10,
      rows: [
        { kind: 'node', dist: { p50: 0.59, p99: 1.2 }, firstArrival: { p50: 0.48 } },
        { kind: 'go', dist: { p50: 0.45, p99: 0.9 } },
      ],
    };
    const m = metricsOf(floor);
    expect(m.map((x) => `${x.row} ${x.column} ${x.value}`)).toEqual([
      'Node relay p50 ms 0.59',
      'Node relay p99 ms 1.2',
      'Node relay first arrival p50 ms 0.48',
      'Go relay p50 ms 0.45',
      'Go relay p99 ms 0.9',
    ]);
    expect(tables([m]).join('\n')).not.toContain('advantage');
  });

  it('the steady-state propagation run gets a table of its own, named by its warm-up', () => {
    const run = (bench: string, warmup: number) => ({
      bench,
      peers: 10,
      warmup,
      rows: [{ name: 'Herald', dist: { p50: 0.8, p99: 1.5 }, firstArrival: { p50: 0.6 } }],
    });
    const cold = metricsOf(run('propagation', 3));
    const warm = metricsOf(run('propagation-warm', 300));
    expect(warm.map((x) => `${x.row} ${x.column} ${x.value}`)).toEqual(
      cold.map((x) => `${x.row} ${x.column} ${x.value}`),
    );
    expect(cold[0].table).not.toContain('warm-up');
    expect(warm[0].table).toContain('after 300 warm-up routes (steady state)');
  });

  it('tables show the median with the range of repeats and the other daemon ÷ Herald', () => {
    const text = tables([metricsOf(fib(2.5, 1)), metricsOf(fib(4.5, 1)), metricsOf(fib(3.5, 1.5))]).join(
      '\n',
    );
    expect(text).toContain('| **Herald** | 3.50 (2.50–4.50) |');
    // BIRD's median 1 s against Herald's 3.5 s: Herald is behind (below 1×)
    expect(text).toMatch(/\| BIRD \| 1\.00 \(1\.00–1\.50\) \| .* \| 0\.29× \|/);
  });
});
