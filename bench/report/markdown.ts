// docs/benchmarks.md from the runner's collected metrics: the machine, the versions, the commands,
// one table per measured thing (median of the repeats, their range, and Herald's ratio to each
// other daemon), the targets each bench checked, and the charts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fmt, spread } from '../lib/stats.js';
import type { Metric } from './metrics.js';

/** The first line a program prints (BIRD prints its version on stderr). */
function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
  if (r.error) return `${cmd}: not installed`;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0].trim();
}

export function machine(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const commit = version('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  return [
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `Linux ${version('uname', ['-r'])}, load average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} ` +
      '(a shared machine: other jobs ran beside these benches)',
    `- Herald ${pkg.version} (commit ${commit}, working tree as built), Node.js ${process.version}`,
    `- ${version('bird', ['--version'])}; FRR ${version('/usr/lib/frr/zebra', ['--version']).replace(/^zebra version /, '')}; ` +
      `${version('gobgpd', ['--version'])}`,
  ];
}

const isHerald = (row: string): boolean => row.startsWith('Herald');

/**
 * The Herald row another row is compared with: the one facing the same daemon when there are
 * several ("BIRD ← BIRD" with "Herald ← BIRD", "FRR bfdd" with "Herald (against FRR bfdd)").
 */
function heraldFor(row: string, rows: string[]): string | undefined {
  const heralds = rows.filter(isHerald);
  const last =
    row
      .split(/[\s←()]+/)
      .filter(Boolean)
      .pop() ?? '';
  return heralds.find((h) => h.split(/[\s←()]+/).includes(last)) ?? heralds[0];
}

/** One markdown table per metric table: median (min–max of the repeats), and ratios to Herald. */
export function tables(metrics: Metric[][]): string[] {
  const all = metrics.flat();
  const out: string[] = [];
  const tableNames = [...new Set(all.map((m) => m.table))];
  for (const table of tableNames) {
    const mine = all.filter((m) => m.table === table);
    const rows = [...new Set(mine.map((m) => m.row))];
    const columns = [...new Set(mine.map((m) => m.column))];
    const key = columns[0];
    const value = (row: string, column: string) =>
      spread(mine.filter((m) => m.row === row && m.column === column).map((m) => m.value));
    const compared = rows.some(isHerald) && rows.some((r) => !isHerald(r));
    const better = mine.find((m) => m.column === key)?.better ?? 'lower';
    out.push(`### ${table}`, '');
    out.push(`| | ${columns.join(' | ')} |${compared ? ` Herald's advantage on ${key} |` : ''}`);
    out.push(`|---|${columns.map(() => '---:').join('|')}|${compared ? '---:|' : ''}`);
    for (const row of rows) {
      const cells = columns.map((c) => {
        const s = value(row, c);
        if (s.n === 0) return '-';
        const whole = [s.median, s.min, s.max].every((x) => Number.isInteger(x));
        const d = whole || Math.abs(s.median ?? 0) >= 100 ? 0 : Math.abs(s.median ?? 0) >= 10 ? 1 : 2;
        return s.n > 1 && s.min !== s.max
          ? `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})`
          : fmt(s.median, d);
      });
      const herald = heraldFor(row, rows);
      const heraldKey = herald ? value(herald, key).median : undefined;
      const own = value(row, key).median;
      let ratio = '—';
      if (!isHerald(row) && heraldKey && own) {
        const r = better === 'lower' ? own / heraldKey : heraldKey / own;
        ratio =
          herald === rows.find(isHerald) && rows.filter(isHerald).length === 1
            ? `${r.toFixed(2)}×`
            : `${r.toFixed(2)}× (vs ${herald})`;
      }
      out.push(
        `| ${isHerald(row) ? `**${row}**` : row} | ${cells.join(' | ')} |${compared ? ` ${ratio} |` : ''}`,
      );
    }
    const n = Math.max(
      ...mine.map(
        (m) =>
          spread(
            all
              .filter((x) => x.table === m.table && x.row === m.row && x.column === m.column)
              .map((x) => x.value),
          ).n,
      ),
    );
    out.push(
      '',
      `Median of ${n} run(s)${n > 1 ? ', range in brackets' : ''}` +
        (compared
          ? `; the last column is the other daemon's ${key} ÷ Herald's` +
            `${better === 'higher' ? ' (inverted: higher is better)' : ''}: above 1× Herald is ahead.`
          : '.'),
      '',
    );
  }
  return out;
}
