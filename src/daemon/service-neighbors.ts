// Each Kubernetes service as this node sees it, with the neighbors that get each of its prefixes:
// those its advertisement names, or — for an announcement to every peer — every neighbor no named
// variant of the prefix takes. Shared by the API's services view and the ServiceBGPStatus
// resources.
import type { KubernetesModeView } from './kubernetes-mode.js';

export interface ServiceNodeView {
  service: string;
  ips: string[];
  pool: string | null;
  announced: boolean;
  reason: string | null;
  detail: string | null;
  routes: {
    prefix: string;
    advertisement: string;
    communities: string[];
    largeCommunities: string[];
    localPref: number | null;
    peers: string[] | null;
    neighbors: string[];
  }[];
}

/** Every service of the last snapshot; `all` are the neighbor addresses running now. */
export function serviceNodeViews(k8s: KubernetesModeView, all: readonly string[]): ServiceNodeView[] {
  const named = namedPeersByPrefix(k8s);
  return (k8s.state()?.services ?? []).map((s) => ({
    service: s.service,
    ips: s.ips,
    pool: s.pool ?? null,
    announced: s.announced,
    reason: s.announced ? null : s.reason,
    detail: s.announced ? null : s.detail,
    routes: s.announced
      ? s.routes.map((r) => ({
          prefix: r.prefix,
          advertisement: r.advertisement,
          communities: r.communities,
          largeCommunities: r.largeCommunities,
          localPref: r.localPref ?? null,
          peers: r.peers,
          neighbors: neighborsOf(k8s, all, r.peers, named.get(r.prefix)).filter((a) =>
            k8s.carriesFamily(a, r.prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast'),
          ),
        }))
      : [],
  }));
}

/** Reasons that make a service none of Herald's: no ServiceBGPStatus for it. */
const NOT_OURS = new Set(['notLoadBalancer', 'loadBalancerClassMismatch']);

/**
 * The views a ServiceBGPStatus is written for: one per LoadBalancer service of Herald's class
 * (docs/kubernetes.md). Every Service of the cluster, ClusterIP ones included, would be hundreds
 * of thousands of objects on a large cluster.
 */
export function statusViews(views: readonly ServiceNodeView[]): ServiceNodeView[] {
  return views.filter((v) => v.reason === null || !NOT_OURS.has(v.reason));
}

/** The BGPPeer names of each prefix's announcements to named peers (most prefixes have none). */
function namedPeersByPrefix(k8s: KubernetesModeView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of k8s.state()?.announcements ?? []) {
    if (a.peers === null) continue;
    const list = out.get(a.prefix);
    if (list) list.push(...a.peers);
    else out.set(a.prefix, [...a.peers]);
  }
  return out;
}

/**
 * The neighbors a prefix with `peers` goes to (null: those the prefix's named variants, `named`,
 * do not take).
 */
function neighborsOf(
  k8s: KubernetesModeView,
  all: readonly string[],
  peers: readonly string[] | null,
  named: readonly string[] = [],
): string[] {
  const addresses = (names: readonly string[]) =>
    names.flatMap((n) => k8s.peerAddress(n) ?? []).filter((a) => all.includes(a));
  if (peers !== null) return [...new Set(addresses(peers))].sort();
  const taken = new Set(addresses(named));
  return all.filter((a) => !taken.has(a)).sort();
}
