// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// every retry period each candidate reads the Lease; the holder renews it, the others take it
// over once it has gone unrenewed for a lease duration *as they observed it* (their own clock
// from when they last saw it change, so clock skew between nodes does not matter). Writes carry
// the resourceVersion read, so of two candidates racing for an expired Lease one gets 409
// Conflict and stays a follower. A leader that cannot renew within the renew deadline stops
// leading before anyone else may take over. Stopping releases a held Lease (holder cleared), so
// the next leader need not wait out the duration.
import type { KubeTarget } from './kube-config.js';
import { KubeApiError, kubeJson } from './kube-request.js';

export interface LeaderElectionOptions {
  target: KubeTarget;
  namespace: string;
  /** The Lease's name. */
  name: string;
  /** This candidate (unique per instance: the node name). */
  identity: string;
  /** Seconds (default 15, 10, 2: client-go's defaults). */
  leaseDurationS?: number;
  renewDeadlineS?: number;
  retryPeriodS?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  /** A read or write failed (the elector retries at the next period). */
  onError?(error: Error): void;
  /** Monotonic milliseconds (tests). */
  now?: () => number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** A MicroTime as the API server writes it: RFC 3339 with microseconds. */
function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private timer?: NodeJS.Timeout;
  private leading = false;
  private stopped = false;
  /** The Lease record as last seen, and when (our clock) it last changed. */
  private observed = '';
  private observedAt = 0;
  private lastRenew = 0;
  private lastHolder = '';
  private readonly now: () => number;
  private readonly path: string;
  private readonly durationS: number;
  private readonly deadlineS: number;
  private readonly retryS: number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.now = o.now ?? (() => performance.now());
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${o.namespace}/leases`;
    this.durationS = o.leaseDurationS ?? 15;
    this.deadlineS = o.renewDeadlineS ?? 10;
    this.retryS = o.retryPeriodS ?? 2;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder as last read ('' when none). */
  holder(): string {
    return this.lastHolder;
  }

  start(): void {
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = (await kubeJson(this.o.target, 'GET', `${this.path}/${this.o.name}`)) as Lease;
      if (lease.spec?.holderIdentity !== this.o.identity) return;
      // Released: no holder and a one-second duration, so a candidate takes over at its next try.
      const spec: LeaseSpec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 };
      await kubeJson(this.o.target, 'PUT', `${this.path}/${this.o.name}`, { body: { ...lease, spec } });
    } catch (e) {
      this.o.onError?.(e as Error);
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (await this.tryAcquireOrRenew()) this.lastRenew = this.now();
    } catch (e) {
      this.o.onError?.(e as Error);
    }
    if (this.stopped) return;
    if (this.leading && this.now() - this.lastRenew > this.deadlineS * 1000) this.setLeading(false);
    this.timer = setTimeout(() => void this.tick(), this.retryS * 1000);
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }

  /** True when we hold the Lease after this attempt. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const ours = (old?: LeaseSpec): LeaseSpec => {
      const held = old?.holderIdentity === this.o.identity;
      return {
        holderIdentity: this.o.identity,
        leaseDurationSeconds: this.durationS,
        acquireTime: held && old?.acquireTime ? old.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: held ? (old?.leaseTransitions ?? 0) : (old?.leaseTransitions ?? -1) + 1,
      };
    };
    let lease: Lease;
    try {
      lease = (await kubeJson(this.o.target, 'GET', `${this.path}/${this.o.name}`)) as Lease;
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.statusCode !== 404) throw e;
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.name, namespace: this.o.namespace },
        spec: ours(),
      };
      return this.write('POST', this.path, created);
    }
    const spec = lease.spec ?? {};
    this.lastHolder = spec.holderIdentity ?? '';
    const record = JSON.stringify(spec);
    if (record !== this.observed) {
      this.observed = record;
      this.observedAt = this.now();
    }
    const duration = (spec.leaseDurationSeconds ?? this.durationS) * 1000;
    const heldByOther = this.lastHolder !== '' && this.lastHolder !== this.o.identity;
    if (heldByOther && this.now() - this.observedAt < duration) {
      this.setLeading(false);
      return false;
    }
    return this.write('PUT', `${this.path}/${this.o.name}`, { ...lease, spec: ours(spec) });
  }

  private async write(method: 'POST' | 'PUT', path: string, lease: Lease): Promise<boolean> {
    try {
      const written = (await kubeJson(this.o.target, method, path, { body: lease })) as Lease;
      this.observed = JSON.stringify(written.spec ?? {});
      this.observedAt = this.now();
      this.lastHolder = this.o.identity;
      if (this.stopped) return false;
      this.setLeading(true);
      return true;
    } catch (e) {
      // Another candidate wrote first (409): it leads; we look again at the next period.
      if (e instanceof KubeApiError && e.statusCode === 409) return false;
      throw e;
    }
  }
}
