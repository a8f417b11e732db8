// Status resources one node keeps about itself (a session, a service as this node announces it):
// one object per key in a namespace, named `<node>-<random>`, labelled with the node and what
// identifies it, its state in `status`. The writer lists its node's objects once (by the node
// label), then writes only differences — create, status update with the resourceVersion held (409
// → read again), delete what is no longer desired — one pass at a time. An owner reference to the
// Node, when its uid is known, lets Kubernetes remove the objects with the node. A kind with one
// object per node (FRRNodeState) names it after the node and reads it by name instead.
import type { KubeTarget } from './kube-config.js';
import { KubeApiError, kubeJson, putStatus } from './kube-request.js';

/** Desired statuses compared with the held ones between two turns of the event loop. */
const COMPARED_PER_TURN = 256;

/** The JSON of a held object's status, made once per object (objects are replaced, never changed). */
const heldJson = new WeakMap<StatusObject, string>();
function statusJson(o: StatusObject): string {
  let json = heldJson.get(o);
  if (json === undefined) {
    json = JSON.stringify(o.status);
    heldJson.set(o, json);
  }
  return json;
}

/** How long a kind the API server does not serve is left alone. */
const ABSENT_RETRY_MS = 60_000;

export interface StatusKind {
  apiVersion: string;
  kind: string;
  /** The namespaced collection path, e.g. /apis/herald.io/v1alpha1/namespaces/ns/bgpsessionstates. */
  collection: string;
  nodeLabel: string;
  /** The labels that identify an object (besides the node label), in order: its key. */
  keyLabels: readonly string[];
  /** One object per node, named after it (FRRNodeState, cluster-scoped): no key labels. */
  namedAfterNode?: boolean;
}

export interface DesiredStatus {
  /** Values of kind.keyLabels, in order. */
  key: readonly string[];
  status: Record<string, unknown>;
}

interface StatusObject {
  metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> };
  status?: Record<string, unknown>;
}

export class StatusObjects {
  private held?: Map<string, StatusObject>;
  private running?: Promise<void>;
  private again?: DesiredStatus[];
  private ownerUid?: string;
  /** The kind is not served (its CRD is not installed): ask again after this (ms since epoch). */
  private absentUntil = 0;

  constructor(
    private readonly target: KubeTarget,
    private readonly kind: StatusKind,
    private readonly nodeName: string,
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  /** The Node's uid (objects created from now on name the Node as their owner). */
  setOwner(uid: string | undefined): void {
    this.ownerUid = uid;
  }

  /**
   * True when the last pass wrote everything it wanted and none is pending, or when the kind is not
   * served and not yet due to be asked again: the same desired state again would change nothing.
   */
  upToDate(): boolean {
    if (Date.now() < this.absentUntil) return true;
    return this.held !== undefined && !this.running;
  }

  update(desired: DesiredStatus[]): Promise<void> {
    if (Date.now() < this.absentUntil) return Promise.resolve();
    if (this.running) {
      this.again = desired;
      return this.running;
    }
    this.running = this.reconcile(desired)
      .catch((e: Error) => {
        this.held = undefined; // read the truth again next time
        if (e instanceof KubeApiError && e.statusCode === 404)
          this.absentUntil = Date.now() + ABSENT_RETRY_MS;
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

  private keyOf(labels: Record<string, string>): string {
    return this.kind.keyLabels.map((l) => labels[l] ?? '').join('\u0000');
  }

  private async reconcile(desired: DesiredStatus[]): Promise<void> {
    const held = this.held ?? (await this.list());
    this.held = held;
    const want = new Map(desired.map((d) => [d.key.join('\u0000'), d]));
    for (const [key, obj] of [...held]) {
      if (want.has(key)) continue;
      await this.remove(obj);
      held.delete(key);
    }
    let compared = 0;
    for (const [key, d] of want) {
      // Thousands of services: the event loop gets a turn now and then, so sessions and the
      // watcher are not held up by a pass that mostly finds nothing to write.
      if (++compared % COMPARED_PER_TURN === 0) await new Promise((r) => setImmediate(r));
      const current = held.get(key);
      if (current && statusJson(current) === JSON.stringify(d.status)) continue;
      held.set(key, await this.write(current ?? (await this.create(d)), d.status));
    }
  }

  private async list(): Promise<Map<string, StatusObject>> {
    if (this.kind.namedAfterNode) return this.readNamed();
    const list = (await kubeJson(this.target, 'GET', this.kind.collection, {
      query: { labelSelector: `${this.kind.nodeLabel}=${this.nodeName}` },
    })) as { items: StatusObject[] };
    const out = new Map<string, StatusObject>();
    for (const o of list.items) {
      const key = this.keyOf(o.metadata.labels ?? {});
      if (out.has(key))
        await this.remove(o); // a duplicate (should not exist)
      else out.set(key, o);
    }
    return out;
  }

  /** The node's object, whoever created it (FRR-K8s's own carries no labels). */
  private async readNamed(): Promise<Map<string, StatusObject>> {
    try {
      const o = (await kubeJson(
        this.target,
        'GET',
        `${this.kind.collection}/${this.nodeName}`,
      )) as StatusObject;
      return new Map([['', o]]);
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return new Map();
      throw e;
    }
  }

  private async create(d: DesiredStatus): Promise<StatusObject> {
    const labels: Record<string, string> = { [this.kind.nodeLabel]: this.nodeName };
    this.kind.keyLabels.forEach((l, i) => {
      labels[l] = d.key[i];
    });
    const owner = this.ownerUid
      ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.ownerUid }] }
      : {};
    return (await kubeJson(this.target, 'POST', this.kind.collection, {
      body: {
        apiVersion: this.kind.apiVersion,
        kind: this.kind.kind,
        metadata: {
          ...(this.kind.namedAfterNode ? { name: this.nodeName } : { generateName: `${this.nodeName}-` }),
          labels,
          ...owner,
        },
        spec: {},
      },
    })) as StatusObject;
  }

  /** The status subresource, with the resourceVersion held (409 → read again, retry once). */
  private async write(obj: StatusObject, status: Record<string, unknown>): Promise<StatusObject> {
    const path = `${this.kind.collection}/${obj.metadata.name}`;
    return (await putStatus(this.target, path, obj, () => status)) as StatusObject;
  }

  private async remove(obj: StatusObject): Promise<void> {
    try {
      await kubeJson(this.target, 'DELETE', `${this.kind.collection}/${obj.metadata.name}`);
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.statusCode !== 404) throw e;
    }
  }
}
