// Plain-text tables for the CLI, in the layout operators know from `show ip bgp summary` and
// `show ip bgp`.
import type { NeighborView } from '../api/views.js';
import type { RouteView } from '../rib/route-view.js';

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function upDown(seconds: number | null): string {
  if (seconds === null) return 'never';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

export function neighborsTable(list: NeighborView[]): string {
  return formatTable(
    ['Neighbor', 'AS', 'MsgRcvd', 'MsgSent', 'Up/Down', 'State/PfxRcd'],
    list.map((n) => [
      n.address,
      String(n.peerAsn ?? '?'),
      String(total(n.messages.received)),
      String(total(n.messages.sent)),
      upDown(n.uptimeSeconds),
      n.state === 'Established' ? String(n.prefixes.received) : n.state,
    ]),
  );
}

export function routesTable(routes: RouteView[]): string {
  return formatTable(
    ['', 'Network', 'Next Hop', 'Metric', 'LocPrf', 'Path'],
    routes.map((r) => [
      `${r.stale ? 'S' : '*'}${r.best ? '>' : ' '}`,
      r.prefix,
      r.nextHop ?? '',
      r.med === null ? '' : String(r.med),
      r.localPref === null ? '' : String(r.localPref),
      `${r.asPath} ${r.origin === 'IGP' ? 'i' : r.origin === 'EGP' ? 'e' : '?'}`.trim(),
    ]),
  );
}
