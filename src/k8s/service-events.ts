// Kubernetes Events (core/v1), as `kubectl describe` shows them: on Services the allocator's
// IPAllocated / AllocationFailed and the speaker's nodeAssigned / nodeUnassigned; on an
// FRRConfiguration or BGPPeer left out of the FRR-K8s merge, ConfigurationRejected.
// Each (service, reason, message) is recorded once until the service's next different event, so a
// reconciliation that finds nothing new records nothing; forget() ends that for an object whose
// condition cleared, so the same event is recorded again when the condition returns.
import type { KubeTarget } from './kube-config.js';
import { kubeJson } from './kube-request.js';

export interface ServiceRef {
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** The object's kind when not a Service (an FRRConfiguration left out of the merge). */
  kind?: string;
  apiVersion?: string;
}

function objectKey(o: Pick<ServiceRef, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind ?? 'Service'} ${o.namespace}/${o.name}`;
}

export class ServiceEvents {
  private readonly recorded = new Map<string, string>();

  constructor(
    private readonly target: KubeTarget,
    /** "herald-allocator", "herald-speaker" */
    private readonly component: string,
    /** This instance (the node name). */
    private readonly instance: string,
  ) {}

  /** The object's last event no longer holds: its next event is recorded even if the same. */
  forget(object: Pick<ServiceRef, 'kind' | 'namespace' | 'name'>): void {
    this.recorded.delete(objectKey(object));
  }

  /** Records the event unless it is the service's last one already. */
  async record(
    service: ServiceRef,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const key = objectKey(service);
    if (this.recorded.get(key) === `${reason}\u0000${message}`) return;
    this.recorded.set(key, `${reason}\u0000${message}`);
    const now = new Date().toISOString();
    await kubeJson(this.target, 'POST', `/api/v1/namespaces/${service.namespace}/events`, {
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        // The server names it: several nodes record events on one Service at the same moment.
        metadata: { generateName: `${service.name}.`, namespace: service.namespace },
        involvedObject: { apiVersion: 'v1', kind: 'Service', ...service },
        type,
        reason,
        message,
        source: { component: this.component, host: this.instance },
        reportingComponent: this.component,
        reportingInstance: this.instance,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }
}
