// Kubernetes Events (core/v1), as `kubectl describe` shows them: on Services the allocator's
// IPAllocated / AllocationFailed and the speaker's nodeAssigned / nodeUnassigned; on an
// FRRConfiguration or BGPPeer left out of the FRR-K8s merge, ConfigurationRejected.
// Each (service, reason, message) is recorded once until the service's next different event, so a
// reconciliation that finds nothing new records nothing; forget() ends that for an object whose
// condition cleared, so the same event is recorded again when the condition returns.
// Events are written a few at a time (EVENTS_IN_FLIGHT) from a bounded queue: thousands of services
// appearing at once must not open thousands of connections to the API server from every node. When
// the queue is full an event is dropped, as client-go's broadcaster drops them (its queue holds
// 1,000); it is recorded again with the object's next change.
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

/** Event writes at once, per instance. */
export const EVENTS_IN_FLIGHT = 4;
/** Events waiting to be written, per instance; more are dropped. */
export const EVENTS_QUEUED = 1000;

/** Thrown by `record` for an event dropped because the queue was full. */
export class EventDropped extends Error {
  override readonly name = 'EventDropped';
}

export class ServiceEvents {
  private readonly recorded = new Map<string, string>();
  private readonly queue: (() => void)[] = [];
  private inFlight = 0;

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

  /**
   * Records the event unless it is the service's last one already: resolves once it is written,
   * rejects when the API server refused it or (EventDropped) the queue was full.
   */
  async record(
    service: ServiceRef,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const key = objectKey(service);
    const last = `${reason}\u0000${message}`;
    if (this.recorded.get(key) === last) return;
    if (this.queue.length >= EVENTS_QUEUED)
      throw new EventDropped(`${key}: ${reason} not recorded (event queue full)`);
    this.recorded.set(key, last);
    const at = new Date().toISOString();
    await this.turn();
    try {
      await this.write(service, type, reason, message, at);
    } finally {
      this.inFlight--;
      this.queue.shift()?.();
    }
  }

  /** Resolves when one of the EVENTS_IN_FLIGHT slots is this caller's. */
  private turn(): Promise<void> {
    if (this.inFlight < EVENTS_IN_FLIGHT) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.inFlight++;
        resolve();
      }),
    );
  }

  private async write(
    service: ServiceRef,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    at: string,
  ): Promise<void> {
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
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      },
    });
  }
}
