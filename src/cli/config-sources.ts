// `herald config sources`: FRR-K8s mode's sources on this node (the config file, BGPPeers,
// FRRConfigurations), merged or left out and why, with what each contributes — the routers (per
// VRF) and the neighbors it has a part in.
import type { FrrK8sView } from '../api/frrk8s.js';
import { formatTable } from './tables.js';

export function configSourcesTable(v: FrrK8sView): string {
  if (!v.enabled) return 'FRR-K8s mode is off (kubernetes.enabled and kubernetes.frrk8s)';
  const rows = v.sources.map((s) => {
    const routers = v.routers
      .filter((r) => r.sources.includes(s.source))
      .map((r) => `AS${r.asn}${r.vrf ? ` vrf ${r.vrf}` : ''}`);
    const neighbors = v.neighbors.filter((n) => n.sources.includes(s.source)).map((n) => n.key);
    return [
      s.source,
      s.merged ? 'yes' : 'no',
      routers.join(',') || '-',
      neighbors.join(',') || '-',
      s.reason ?? '-',
    ];
  });
  return [
    `node ${v.nodeName}`,
    formatTable(['Source', 'Merged', 'Routers', 'Neighbors', 'Why left out'], rows),
  ].join('\n');
}
