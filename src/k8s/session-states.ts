// BGPSessionState resources: each session of this node as a Kubernetes object, so `kubectl get
// bgpsessionstates -l <group>/node=<node>` answers "is my node's session up?". Herald's own
// (herald.io/v1alpha1, CRD in deploy/kubernetes/crds.yaml) always in Kubernetes mode, with the
// last error; in FRR-K8s mode also FRR-K8s's (frrk8s.metallb.io/v1beta1), written as FRR-K8s
// writes them so its users' tooling keeps working. Labels: node, peer (an IPv6 address fully
// expanded with '-' for ':', as label values cannot hold ':') and vrf ('' for the default VRF);
// status: node, peer, vrf, bgpStatus (the FSM state name), bfdStatus (FRR's words: up, down,
// init, shutdown; N/A without BFD).
import type { KubeTarget } from './kube-config.js';
import { type StatusKind, StatusObjects } from './status-objects.js';

export interface SessionReport {
  address: string;
  vrf: string;
  bgpState: string;
  /** undefined: no BFD for this neighbor. */
  bfdState: string | undefined;
  lastError: string | null;
}

/** The peer as a label value: IPv4 as is, IPv6 expanded with '-' for ':'. */
export function peerLabel(address: string): string {
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return all.map((g) => g.padStart(4, '0').toLowerCase()).join('-');
}

/** FRR's words for a BFD state. */
export function bfdStatusWord(state: string | undefined): string {
  if (state === undefined) return 'N/A';
  return state === 'AdminDown' ? 'shutdown' : state.toLowerCase();
}

function kind(group: string, version: string, namespace: string): StatusKind {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'BGPSessionState',
    collection: `/apis/${group}/${version}/namespaces/${namespace}/bgpsessionstates`,
    nodeLabel: `${group}/node`,
    keyLabels: [`${group}/peer`, `${group}/vrf`],
  };
}

export class SessionStates {
  private readonly herald: StatusObjects;
  private readonly frrk8s?: StatusObjects;

  constructor(
    target: KubeTarget,
    namespace: string,
    private readonly nodeName: string,
    options: { frrk8s?: boolean; onError?: (e: Error) => void } = {},
  ) {
    this.herald = new StatusObjects(
      target,
      kind('herald.io', 'v1alpha1', namespace),
      nodeName,
      options.onError,
    );
    if (options.frrk8s)
      this.frrk8s = new StatusObjects(
        target,
        kind('frrk8s.metallb.io', 'v1beta1', namespace),
        nodeName,
        options.onError,
      );
  }

  setOwner(uid: string | undefined): void {
    this.herald.setOwner(uid);
    this.frrk8s?.setOwner(uid);
  }

  /** Every session of this node, as the daemon sees it now. */
  async report(sessions: SessionReport[]): Promise<void> {
    const base = (s: SessionReport) => ({
      node: this.nodeName,
      peer: peerLabel(s.address),
      vrf: s.vrf,
      bgpStatus: s.bgpState,
      bfdStatus: bfdStatusWord(s.bfdState),
    });
    await Promise.all([
      this.herald.update(
        sessions.map((s) => ({
          key: [peerLabel(s.address), s.vrf],
          status: { ...base(s), lastError: s.lastError ?? '' },
        })),
      ),
      this.frrk8s?.update(sessions.map((s) => ({ key: [peerLabel(s.address), s.vrf], status: base(s) }))),
    ]);
  }
}
