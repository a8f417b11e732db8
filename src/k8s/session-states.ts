// FRR-K8s's BGPSessionState resources (frrk8s.metallb.io/v1beta1), written as FRR-K8s writes
// them so `kubectl get bgpsessionstates` works the same with Herald: one per (node, peer, VRF) in
// the namespace, named `<node>-<random>`, labelled frrk8s.metallb.io/node, /peer (an IPv6 address
// fully expanded with '-' for ':', as label values cannot hold ':') and /vrf ('' for the default
// VRF); its status holds node, peer, vrf, bgpStatus (the FSM state name) and bfdStatus (FRR's
// words: up, down, init, shutdown; N/A without BFD). Only differences are written: a new
// session is created, a changed one gets its status replaced (409 → read again), one whose
// neighbor is gone is deleted.
import type { KubeTarget } from './kube-config.js';
import { KubeApiError, kubeJson } from './kube-request.js';

export interface SessionStateStatus {
  node: string;
  peer: string;
  vrf: string;
  bgpStatus: string;
  bfdStatus: string;
}

interface StateObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  status?: Partial<SessionStateStatus>;
}

const GROUP = '/apis/frrk8s.metallb.io/v1beta1';
export const NODE_LABEL = 'frrk8s.metallb.io/node';
const PEER_LABEL = 'frrk8s.metallb.io/peer';
const VRF_LABEL = 'frrk8s.metallb.io/vrf';

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

const keyOf = (vrf: string, peer: string) => `${vrf}\u0000${peer}`;

export class SessionStates {
  private readonly base: string;
  /** What the API server holds for this node, by (vrf, peer); undefined until first listed. */
  private held?: Map<string, StateObject>;
  private running?: Promise<void>;
  private again?: SessionStateStatus[];

  constructor(
    private readonly target: KubeTarget,
    namespace: string,
    private readonly nodeName: string,
    private readonly onError: (e: Error) => void = () => {},
  ) {
    this.base = `${GROUP}/namespaces/${namespace}/bgpsessionstates`;
  }

  /** Every session of this node, as the daemon sees it (bfdState undefined: no BFD). */
  report(
    sessions: { address: string; vrf: string; bgpState: string; bfdState: string | undefined }[],
  ): Promise<void> {
    return this.update(
      sessions.map((s) => ({
        node: this.nodeName,
        peer: peerLabel(s.address),
        vrf: s.vrf,
        bgpStatus: s.bgpState,
        bfdStatus: bfdStatusWord(s.bfdState),
      })),
    );
  }

  /** Brings the resources to `desired` (every session of this node); runs one write pass at a time. */
  update(desired: SessionStateStatus[]): Promise<void> {
    if (this.running) {
      this.again = desired;
      return this.running;
    }
    this.running = this.reconcile(desired)
      .catch((e: Error) => {
        this.held = undefined; // read the truth again next time
        this.onError(e);
      })
      .finally(() => {
        this.running = undefined;
        const next = this.again;
        this.again = undefined;
        if (next) void this.update(next);
      });
    return this.running;
  }

  private async reconcile(desired: SessionStateStatus[]): Promise<void> {
    const held = this.held ?? (await this.list());
    this.held = held;
    const want = new Map(desired.map((d) => [keyOf(d.vrf, d.peer), d]));
    for (const [key, obj] of [...held]) {
      if (want.has(key)) continue;
      await this.ignoreMissing(kubeJson(this.target, 'DELETE', `${this.base}/${obj.metadata.name}`));
      held.delete(key);
    }
    for (const [key, status] of want) {
      const current = held.get(key);
      if (current && same(current.status, status)) continue;
      held.set(key, await this.write(current ?? (await this.create(status)), status));
    }
  }

  private async list(): Promise<Map<string, StateObject>> {
    const list = (await kubeJson(this.target, 'GET', this.base, {
      query: { labelSelector: `${NODE_LABEL}=${this.nodeName}` },
    })) as { items: StateObject[] };
    const out = new Map<string, StateObject>();
    for (const o of list.items) {
      const labels = o.metadata.labels ?? {};
      const key = keyOf(labels[VRF_LABEL] ?? '', labels[PEER_LABEL] ?? '');
      // A duplicate (should not exist) goes, as FRR-K8s removes it.
      if (out.has(key))
        await this.ignoreMissing(kubeJson(this.target, 'DELETE', `${this.base}/${o.metadata.name}`));
      else out.set(key, o);
    }
    return out;
  }

  private async create(status: SessionStateStatus): Promise<StateObject> {
    return (await kubeJson(this.target, 'POST', this.base, {
      body: {
        apiVersion: 'frrk8s.metallb.io/v1beta1',
        kind: 'BGPSessionState',
        metadata: {
          generateName: `${this.nodeName}-`,
          labels: { [NODE_LABEL]: this.nodeName, [PEER_LABEL]: status.peer, [VRF_LABEL]: status.vrf },
        },
        spec: {},
      },
    })) as StateObject;
  }

  /** The status subresource, with the resourceVersion held; on 409 Conflict read again and retry once. */
  private async write(obj: StateObject, status: SessionStateStatus): Promise<StateObject> {
    const path = `${this.base}/${obj.metadata.name}`;
    try {
      return (await kubeJson(this.target, 'PUT', `${path}/status`, {
        body: { ...obj, status },
      })) as StateObject;
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.statusCode !== 409) throw e;
      const fresh = (await kubeJson(this.target, 'GET', path)) as StateObject;
      return (await kubeJson(this.target, 'PUT', `${path}/status`, {
        body: { ...fresh, status },
      })) as StateObject;
    }
  }

  private async ignoreMissing(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.statusCode !== 404) throw e;
    }
  }
}

function same(a: Partial<SessionStateStatus> | undefined, b: SessionStateStatus): boolean {
  return (
    a?.node === b.node &&
    a.peer === b.peer &&
    a.vrf === b.vrf &&
    a.bgpStatus === b.bgpStatus &&
    a.bfdStatus === b.bfdStatus
  );
}
