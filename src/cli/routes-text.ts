// `herald routes`, like `show ip bgp`: sorted by prefix, a route Herald originates with next hop
// `0.0.0.0` (`::`) and weight 32768 as FRR shows its own routes (the real next hop is set per
// session: next-hop self). Built as the rows arrive, keeping of each only its line's cells and its
// sort key (a full table's 577,000 rows as API objects took ~630 MB), and printed in writes of
// about 64 KiB.
import type { RouteView } from '../rib/route-view.js';
import { ChunkedOutput } from './chunked-output.js';
import { prefixSortKey } from './prefix-order.js';
import { tableLine } from './tables.js';

const HEADER = ['', 'Network', 'Next Hop', 'Metric', 'LocPrf', 'Weight', 'Path'];

/** FRR's weight of a locally originated route: it wins over every learned path of its prefix. */
const LOCAL_WEIGHT = 32768;

/** Between a row's cells while it is held (no cell holds it). */
const CELL_END = '\u0000';

function routeCells(r: RouteView): string[] {
  const local = r.neighbor === 'local';
  return [
    `${r.stale ? 'S' : '*'}${r.best ? '>' : ' '}`,
    r.prefix,
    r.nextHop ?? (local ? (r.prefix.includes(':') ? '::' : '0.0.0.0') : ''),
    r.med === null ? '' : String(r.med),
    r.localPref === null ? '' : String(r.localPref),
    local ? String(LOCAL_WEIGHT) : '0',
    `${r.asPath} ${r.origin === 'IGP' ? 'i' : r.origin === 'EGP' ? 'e' : '?'}`.trim(),
  ];
}

export class RoutesText {
  private readonly widths = HEADER.map((h) => h.length);
  private readonly keys: string[] = [];
  private readonly rows: string[] = [];

  constructor(private readonly write: (text: string) => void) {}

  add(route: RouteView): void {
    const cells = routeCells(route);
    for (let i = 0; i < cells.length; i++)
      if (cells[i].length > this.widths[i]) this.widths[i] = cells[i].length;
    this.keys.push(prefixSortKey(route.prefix));
    this.rows.push(cells.join(CELL_END));
  }

  /** Writes the table and a newline; rows of one prefix stay in the order they came. */
  end(): void {
    const { keys } = this;
    const order = Array.from(keys.keys()).sort((a, b) =>
      keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b,
    );
    const out = new ChunkedOutput(this.write);
    out.add(`${tableLine(HEADER, this.widths)}\n`);
    for (const i of order) out.add(`${tableLine(this.rows[i].split(CELL_END), this.widths)}\n`);
    out.end();
  }
}
