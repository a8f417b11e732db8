// Which neighbors get a Kubernetes service's prefix: those its advertisement names, or — for an
// announcement to every peer — every neighbor no named variant of the prefix takes. Shared by the
// API's services view and the ServiceBGPStatus resources.
import type { KubernetesModeView } from './kubernetes-mode.js';

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
