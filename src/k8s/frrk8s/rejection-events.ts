// The Warning Event `ConfigurationRejected` on each source left out in FRR-K8s mode (an
// FRRConfiguration that cannot be read or merged, a BGPPeer that conflicts), once per source and
// reason while it stays left out (again when it is left out anew). `kubectl describe` finds an
// object's Events by name, namespace, kind and uid, so the object is read once for its uid before
// the Event is recorded (without it the Event is still recorded, seen by `kubectl get events`).
import type { KubeTarget } from '../kube-config.js';
import { kubeJson } from '../kube-request.js';
import type { ServiceEvents } from '../service-events.js';

const KINDS: Record<string, { apiVersion: string; plural: string }> = {
  FRRConfiguration: { apiVersion: 'frrk8s.metallb.io/v1beta1', plural: 'frrconfigurations' },
  BGPPeer: { apiVersion: 'metallb.io/v1beta2', plural: 'bgppeers' },
};
const SOURCE = /^(FRRConfiguration|BGPPeer) ([^/\s]+)\/(\S+)$/;

function objectOf(source: string): { kind: string; namespace: string; name: string } | undefined {
  const m = SOURCE.exec(source);
  return m ? { kind: m[1], namespace: m[2], name: m[3] } : undefined;
}

export interface Rejection {
  /** "FRRConfiguration ns/name", "BGPPeer ns/name" (other sources get no Event) */
  source: string;
  reason: string;
}

export class RejectionEvents {
  /** Source → the reason its Event was recorded for. */
  private readonly recorded = new Map<string, string>();

  constructor(
    private readonly target: KubeTarget,
    private readonly events: ServiceEvents,
    private readonly onError: (e: Error) => void,
  ) {}

  /**
   * Every source left out now: those with a new reason get an Event. The others are forgotten here
   * and by ServiceEvents (which also skips a repeated Event), so a source rejected again later
   * for the same reason gets its Event again.
   */
  record(rejected: readonly Rejection[]): void {
    const now = new Set(rejected.map((r) => r.source));
    for (const source of [...this.recorded.keys()]) {
      if (now.has(source)) continue;
      this.recorded.delete(source);
      const object = objectOf(source);
      if (object) this.events.forget(object);
    }
    for (const r of rejected) {
      if (this.recorded.get(r.source) === r.reason) continue;
      this.recorded.set(r.source, r.reason);
      this.recordOne(r).catch(this.onError);
    }
  }

  private async recordOne(r: Rejection): Promise<void> {
    const object = objectOf(r.source);
    if (!object) return;
    const { kind, namespace, name } = object;
    const { apiVersion, plural } = KINDS[kind];
    const uid = await this.uidOf(`/apis/${apiVersion}/namespaces/${namespace}/${plural}/${name}`);
    const recording = this.events.record(
      { kind, apiVersion, namespace, name, ...(uid && { uid }) },
      'Warning',
      'ConfigurationRejected',
      r.reason,
    );
    // Accepted while the uid was read: the forget in record() came before this Event was noted.
    if (this.recorded.get(r.source) !== r.reason) this.events.forget(object);
    await recording;
  }

  private async uidOf(path: string): Promise<string | undefined> {
    try {
      const o = (await kubeJson(this.target, 'GET', path)) as { metadata?: { uid?: string } };
      return o.metadata?.uid;
    } catch {
      return undefined; // gone meanwhile, or not readable: the Event goes without it
    }
  }
}
