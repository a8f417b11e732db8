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
  if (v.problems.length > 0) lines.push('problems:', ...v.problems.map((p) => `  ${p.message}`));
  return lines.join('\n');
}
