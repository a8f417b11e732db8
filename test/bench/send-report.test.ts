// The send bench's JSON (bench/send.bench.ts) as metrics for docs/benchmarks.md: one table per
// phase, failed rows and missing figures left out.
import { describe, expect, it } from 'vitest';
import { tables } from '../../bench/report/markdown.js';
import { metricsOf } from '../../bench/report/metrics.js';

const MB = 1024 * 1024;
const phase = (seconds: number, cpu: number, rssMb: number, zebra?: number) => ({
  seconds,
  perPeerSeconds: [seconds],
  proc: { cpuSeconds: cpu, rssBeforeBytes: 0, rssPeakBytes: 0, rssAfterBytes: 0, wallSeconds: seconds },
  side: zebra === undefined ? {} : { zebra: { cpuSeconds: zebra } },
  rssSettledBytes: rssMb * MB,
});

const result = {
  bench: 'send',
  prefixes: 1000,
  rows: [
    {
      kind: 'herald',
      name: 'Herald',
      rssLoadedBytes: 80 * MB,
      toOne: phase(2, 1.5, 100),
      toFour: phase(4, 3, 120),
    },
    { kind: 'frr', name: 'FRR', toOne: phase(6, 5, 200, 0.25), toFour: phase(8, 7, 210, 0.5) },
    { kind: 'gobgp', name: 'GoBGP', error: 'timed out' },
  ],
};

describe('send bench metrics', () => {
  it('one table per phase with seconds, CPU, RSS before and after, zebra CPU; failed rows left out', () => {
    const m = metricsOf(result);
    const one = m.filter((x) => x.table.includes('to 1 peer'));
    const four = m.filter((x) => x.table.includes('4 more peers'));
    expect(one.map((x) => `${x.row} ${x.column} ${x.value}`)).toEqual([
      'Herald seconds 2',
      'Herald CPU s 1.5',
      'Herald RSS before MB 80',
      'Herald RSS after MB 100',
      'FRR seconds 6',
      'FRR CPU s 5',
      'FRR RSS after MB 200',
      'FRR zebra CPU s (FRR) 0.25',
    ]);
    // the second phase starts from the RSS the first one ended with
    expect(four.find((x) => x.row === 'Herald' && x.column === 'RSS before MB')?.value).toBe(100);
    expect(four.find((x) => x.row === 'FRR' && x.column === 'seconds')?.value).toBe(8);
    expect(m.some((x) => x.row === 'GoBGP')).toBe(false);
    expect(one[0].table).toContain('1000 prefixes');
  });

  it('the tables compare the phase seconds with Herald', () => {
    const text = tables([metricsOf(result)]).join('\n');
    expect(text).toMatch(/\| FRR \| 6 \|.*\| 3\.00× \|/);
    expect(text).toMatch(/\| FRR \| 8 \|.*\| 2\.00× \|/);
  });
});
