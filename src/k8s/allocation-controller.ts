// The allocator at work (the MetalLB controller's job), run only by the elected instance: after
// each view of the cluster it computes the whole assignment (allocator.ts) and writes what differs
// — `status.loadBalancer.ingress` through the status subresource with the resourceVersion read
// (409 Conflict → re-read and retry), the `metallb.io/ip-allocated-from-pool` annotation by merge
// patch — and records a Kubernetes Event when a service gets its IPs (IPAllocated) or cannot get
// any (AllocationFailed, once per reason). A service that can no longer get IPs, or that stopped
// being a LoadBalancer, has them cleared. Writes come back through the watch like anyone else's,
// so the speaker side announces what was written, not what was planned.
import { type AllocationPlan, allocate, isAllocation, type PoolCounters } from './allocator.js';
import { buildClusterView, type RawResources } from './cluster-view.js';
import type { KubeTarget } from './kube-config.js';
import { kubeJson, putStatus } from './kube-request.js';
import { ServiceEvents } from './service-events.js';

const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';
/** Writes in flight at once: a thousand new services are assigned in a few round trips' time. */
const CONCURRENCY = 16;

export interface AllocationControllerOptions {
  target: KubeTarget;
  /** This instance (the Event's reporting instance). */
  identity: string;
  loadBalancerClass?: string;
  onError?(what: string, error: Error): void;
  onWritten?(service: string, ips: string[]): void;
}

interface ServiceObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: { type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

interface PoolObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  status?: Record<string, unknown>;
}

type AllocationInput = Pick<RawResources, 'ipAddressPools' | 'services'> & {
  namespaces?: readonly unknown[];
};

function statusIps(o: ServiceObject): string[] {
  return (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}

function namespaceLabels(namespaces: readonly unknown[] = []): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const n of namespaces as { metadata?: { name?: string; labels?: Record<string, string> } }[])
    if (n.metadata?.name) out.set(n.metadata.name, n.metadata.labels ?? {});
  return out;
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

export class AllocationController {
  private input?: AllocationInput;
  private leading = false;
  private running = false;
  private again = false;
  private last?: AllocationPlan;
  private readonly events: ServiceEvents;

  constructor(private readonly o: AllocationControllerOptions) {
    this.events = new ServiceEvents(o.target, 'herald-allocator', o.identity);
  }

  /** The latest complete view of pools and services (and namespaces, for namespaceSelectors). */
  update(input: AllocationInput): void {
    this.input = input;
    this.kick();
  }

  setLeader(leading: boolean): void {
    this.leading = leading;
    if (leading) this.kick();
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The last plan (for metrics and the API): pool counters, each service's IPs or failure. */
  plan(): AllocationPlan | undefined {
    return this.last;
  }

  pools(): PoolCounters[] {
    return this.last?.pools ?? [];
  }

  /** Resolves once no reconciliation is running or queued (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  private kick(): void {
    if (!this.leading || !this.input) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.reconcile()
      .catch((e: Error) => this.o.onError?.('reconcile', e))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async reconcile(): Promise<void> {
    const input = this.input as AllocationInput;
    const view = buildClusterView({
      ipAddressPools: input.ipAddressPools,
      services: input.services,
      bgpAdvertisements: [],
      bgpPeers: [],
      communities: [],
      bfdProfiles: [],
      endpointSlices: [],
      nodes: [],
      secrets: [],
    });
    const plan = allocate(view.pools, view.services, {
      loadBalancerClass: this.o.loadBalancerClass,
      namespaceLabels: namespaceLabels(input.namespaces),
    });
    this.last = plan;
    const objects = new Map<string, ServiceObject>();
    for (const o of input.services as ServiceObject[])
      objects.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, o);
    const work: (() => Promise<void>)[] = [];
    for (const r of plan.results) {
      const obj = objects.get(r.service);
      if (!obj) continue;
      if (isAllocation(r)) {
        const same = statusIps(obj).join(',') === r.ips.join(',');
        if (!same || obj.metadata.annotations?.[POOL_ANNOTATION] !== r.pool)
          work.push(async () => {
            if (!same) await this.writeStatus(obj, r.ips);
            await this.annotate(obj, r.pool);
            if (!same) this.o.onWritten?.(r.service, r.ips);
            await this.record(obj, 'Normal', 'IPAllocated', `Assigned IP ${JSON.stringify(r.ips)}`);
          });
      } else {
        const message = `Failed to allocate IP for "${r.service}": ${r.detail} (${r.reason})`;
        work.push(async () => {
          if (statusIps(obj).length > 0) await this.clear(obj);
          await this.record(obj, 'Warning', 'AllocationFailed', message);
        });
      }
    }
    for (const service of plan.released) {
      const obj = objects.get(service);
      if (obj) work.push(() => this.clear(obj));
    }
    work.push(...this.poolStatusWrites(input.ipAddressPools as PoolObject[], plan.pools));
    await inBatches(work, async (w) => {
      try {
        await w();
      } catch (e) {
        this.o.onError?.('write', e as Error);
      }
    });
  }

  /** IPAddressPool status counters (as MetalLB's controller keeps them), where they changed. */
  private poolStatusWrites(pools: PoolObject[], counters: PoolCounters[]): (() => Promise<void>)[] {
    const out: (() => Promise<void>)[] = [];
    for (const c of counters) {
      const obj = pools.find((p) => p.metadata.name === c.pool);
      if (!obj) continue;
      const { pool: _, ...status } = c;
      const current = obj.status ?? {};
      if (Object.entries(status).every(([k, v]) => current[k] === v)) continue;
      const path = `/apis/metallb.io/v1beta1/namespaces/${obj.metadata.namespace}/ipaddresspools/${c.pool}`;
      out.push(async () => {
        await putStatus(this.o.target, path, obj, () => status);
      });
    }
    return out;
  }

  private path(o: ServiceObject): string {
    return `/api/v1/namespaces/${o.metadata.namespace ?? 'default'}/services/${o.metadata.name}`;
  }

  /** The service's IPs written to its status (409 → read again, retry once). */
  private async writeStatus(o: ServiceObject, ips: string[]): Promise<void> {
    await putStatus(this.o.target, this.path(o), o, (base) => ({
      ...(base as ServiceObject).status,
      loadBalancer: { ingress: ips.map((ip) => ({ ip })) },
    }));
  }

  private annotate(o: ServiceObject, pool: string | null): Promise<unknown> {
    if ((o.metadata.annotations?.[POOL_ANNOTATION] ?? null) === pool) return Promise.resolve();
    return kubeJson(this.o.target, 'PATCH', this.path(o), {
      body: { metadata: { annotations: { [POOL_ANNOTATION]: pool } } },
      contentType: 'application/merge-patch+json',
    });
  }

  private async clear(o: ServiceObject): Promise<void> {
    if (statusIps(o).length > 0) await this.writeStatus(o, []);
    await this.annotate(o, null);
  }

  private record(
    o: ServiceObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const { name, namespace = 'default', uid, resourceVersion } = o.metadata;
    return this.events.record({ name, namespace, uid, resourceVersion }, type, reason, message);
  }
}
