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
          neighbors: neighborsOf(k8s, all, r.prefix, r.peers),
        }))
      : [],
  }));
}

/** The neighbors a prefix with `peers` goes to (null: those no named variant of the prefix takes). */
export function neighborsOf(
  k8s: KubernetesModeView,
  all: readonly string[],
  prefix: string,
  peers: readonly string[] | null,
): string[] {
  const addresses = (names: readonly string[]) =>
    names.flatMap((n) => k8s.peerAddress(n) ?? []).filter((a) => all.includes(a));
  if (peers !== null) return [...new Set(addresses(peers))].sort();
  const named = new Set(
    (k8s.state()?.announcements ?? [])
      .filter((a) => a.prefix === prefix && a.peers !== null)
      .flatMap((a) => addresses(a.peers ?? [])),
  );
  return all.filter((a) => !named.has(a)).sort();
}
