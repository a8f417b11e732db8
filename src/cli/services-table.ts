// `herald services`: one line per service and prefix — its IPs, announced from this node or why
// not, the prefix and the neighbors that get it — then the resources Herald could not use.
import type { ServicesView } from '../api/services.js';
import { formatTable } from './tables.js';

export function servicesTable(v: ServicesView): string {
  if (!v.enabled) return 'Kubernetes mode is off (kubernetes.enabled: false)';
  const rows: string[][] = [];
  for (const s of v.services) {
    const ips = s.ips.join(',') || '-';
    if (!s.announced) rows.push([s.service, ips, 'no', s.reason ?? '-', '-', '-']);
    for (const r of s.routes)
      rows.push([
        s.service,
        ips,
        'yes',
        r.prefix,
        r.communities.concat(r.largeCommunities).join(' ') || '-',
        r.neighbors.join(',') || '-',
      ]);
  }
  const state = v.stale ? ' (stale: the API server is unreachable; the last view is in force)' : '';
  const lines = [
    `node ${v.nodeName}${v.synced ? '' : ' (not synced yet)'}${state}`,
    formatTable(['Service', 'IPs', 'Announced', 'Prefix/Reason', 'Communities', 'Neighbors'], rows),
  ];
  if (v.allocator) lines.push(...allocatorLines(v.allocator));
  if (v.problems.length > 0) lines.push('problems:', ...v.problems.map((p) => `  ${p.message}`));
  return lines.join('\n');
}

/** kubernetes.allocate: who allocates; on the allocating node, each pool's use and the failures. */
function allocatorLines(a: NonNullable<ServicesView['allocator']>): string[] {
  if (!a.leader) return [`allocator: ${a.holder || 'none elected yet'} (this node is a candidate)`];
  const use = (assigned: number, available: number) => `${assigned}/${assigned + available}`;
  return [
    'allocator: this node',
    ...a.pools.map(
      (p) =>
        `  pool ${p.pool}: IPv4 ${use(p.assignedIPv4, p.availableIPv4)} in use, IPv6 ${use(p.assignedIPv6, p.availableIPv6)}`,
    ),
    ...a.failed.map((f) => `  ${f.service}: no IP: ${f.reason}: ${f.detail}`),
  ];
}
