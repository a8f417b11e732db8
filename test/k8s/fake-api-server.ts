// A fake Kubernetes API server on loopback, faithful to what Herald's watcher relies on:
// collections under /api/v1 and /apis/<group>/<version> (cluster-wide or per namespace), lists
// carrying the current resourceVersion, watches (`watch=1&resourceVersion=N`) that replay the
// events after N then stream new ones as chunked JSON lines (ADDED, MODIFIED, DELETED, BOOKMARK
// when allowWatchBookmarks=true, ERROR), and a 410 Gone ERROR Status event when N is older than
// the retained history (after `compact()`), as the real server answers an expired watch.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { KubeTarget } from '../../src/k8s/kube-config.js';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string };
};

interface Event {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  collection: string;
  object: Obj;
}

interface WatchStream {
  collection: string;
  namespace?: string;
  bookmarks: boolean;
  res: ServerResponse;
}

/** "v1/services", "metallb.io/v1beta1/ipaddresspools" for an object (plural from kind). */
const PLURALS: Record<string, string> = {
  Service: 'services',
  Node: 'nodes',
  Secret: 'secrets',
  EndpointSlice: 'endpointslices',
  IPAddressPool: 'ipaddresspools',
  BGPAdvertisement: 'bgpadvertisements',
  BGPPeer: 'bgppeers',
  Community: 'communities',
  BFDProfile: 'bfdprofiles',
  FRRConfiguration: 'frrconfigurations',
  Lease: 'leases',
  Event: 'events',
  Namespace: 'namespaces',
  BGPSessionState: 'bgpsessionstates',
  ServiceBGPStatus: 'servicebgpstatuses',
  FRRNodeState: 'frrnodestates',
};

function collectionOf(o: Obj): string {
  const plural = PLURALS[o.kind ?? ''];
  if (!plural || !o.apiVersion) throw new Error(`fake API server: no collection for ${o.kind}`);
  return `${o.apiVersion}/${plural}`;
}

function keyOf(o: Obj): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

interface Target {
  collection: string;
  namespace?: string;
  /** One object of the collection, and whether its status subresource. */
  name?: string;
  status?: boolean;
}

/**
 * Parses /api/v1[/namespaces/ns]/plural[/name[/status]] and the same under /apis/group/version
 * (GET /api/v1/namespaces itself is the Namespace collection).
 */
function parsePath(pathname: string): Target | undefined {
  const tail = '(?:\\/namespaces\\/([^/]+))?\\/([a-z]+)(?:\\/([^/]+)(\\/status)?)?$';
  const m =
    new RegExp(`^\\/api\\/(v1)${tail}`).exec(pathname) ??
    new RegExp(`^\\/apis\\/([^/]+\\/[^/]+)${tail}`).exec(pathname);
  if (!m) return undefined;
  return { collection: `${m[1]}/${m[3]}`, namespace: m[2], name: m[4], status: m[5] !== undefined };
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

/** metadata.generateName + 5 random characters, as the API server names it. */
function withName(body: Obj, prefix: string): Obj {
  const suffix = Math.random().toString(36).slice(2, 7).padEnd(5, 'x');
  return { ...body, metadata: { ...body.metadata, name: `${prefix}${suffix}` } };
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApiServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly objects = new Map<string, Map<string, Obj>>();
  private events: Event[] = [];
  /** Watches from a resourceVersion below this get 410 Gone. */
  private oldestRv = 1;
  private rv = 100;
  private readonly watches = new Set<WatchStream>();
  readonly requests: RequestRecord[] = [];
  port = 0;
  /** The address it listens on: loopback unless start() is given another (an interop test's veth). */
  host = '127.0.0.1';

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Herald's own client target for this server (plain HTTP, so TLS verification off; any token). */
  kubeTarget(): KubeTarget {
    return { server: new URL(this.url), insecureSkipTlsVerify: true, token: () => 't' };
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Listens on loopback or `host` (the same port again after a stop, when given). */
  async start(port = this.port, host = this.host): Promise<void> {
    this.host = host;
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
  }

  /** Listens on `host` holding `objects`; returns the path of a kubeconfig for it, written in `dir`. */
  async serve(host: string, objects: readonly Obj[], dir: string): Promise<string> {
    await this.start(0, host);
    for (const o of objects) this.apply(o);
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfigFor(this.url));
    return file;
  }

  /** Goes away like a crashed API server: every connection is cut. Objects are kept. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Creates or replaces an object: ADDED or MODIFIED with a new resourceVersion. */
  apply(object: Obj): void {
    const collection = collectionOf(object);
    const store = this.objects.get(collection) ?? new Map<string, Obj>();
    this.objects.set(collection, store);
    const previous = store.get(keyOf(object));
    const type = previous ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    // The API server gives each object a uid at creation and keeps it across updates.
    stored.metadata.uid = previous?.metadata.uid ?? object.metadata.uid ?? randomUUID();
    store.set(keyOf(object), stored);
    this.publish({ type, rv: this.rv, collection, object: stored });
  }

  delete(object: Obj, collection = collectionOf(object)): void {
    const stored = this.objects.get(collection)?.get(keyOf(object));
    if (!stored) return;
    this.objects.get(collection)?.delete(keyOf(object));
    const gone = structuredClone(stored);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish({ type: 'DELETED', rv: this.rv, collection, object: gone });
  }

  /** Forgets the event history (etcd compaction): resuming a watch from before now gets 410 Gone. */
  compact(): void {
    this.events = [];
    this.oldestRv = this.rv + 1;
  }

  /** Ends every open watch cleanly (as a server-side timeout does). */
  closeWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** Sends a BOOKMARK with the current resourceVersion to each watch that asked for bookmarks. */
  bookmark(): number {
    let sent = 0;
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      const [apiVersion, plural] = [
        w.collection.slice(0, w.collection.lastIndexOf('/')),
        w.collection.split('/').pop(),
      ];
      const kind = Object.entries(PLURALS).find(([, p]) => p === plural)?.[0] ?? '';
      w.res.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion, metadata: { resourceVersion: String(this.rv) } } })}\n`,
      );
      sent++;
    }
    return sent;
  }

  /** Open watch streams (per collection, for waiting in tests). */
  openWatches(collection?: string): number {
    return [...this.watches].filter((w) => !collection || w.collection === collection).length;
  }

  private publish(e: Event): void {
    this.events.push(e);
    for (const w of this.watches) {
      if (w.collection === e.collection && (!w.namespace || w.namespace === e.object.metadata.namespace)) {
        w.res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      }
    }
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const target = parsePath(url.pathname);
    if (req.method === 'GET') {
      this.requests.push({ method: 'GET', path: url.pathname, query });
      if (!target) return this.status(res, 404, 'NotFound', `no route GET ${url.pathname}`);
      return this.read(target, query, res);
    }
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      text += c;
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        return this.status(res, 400, 'BadRequest', 'body is not JSON');
      }
      this.requests.push({ method: req.method ?? '', path: url.pathname, query, body });
      if (!target) return this.status(res, 404, 'NotFound', `no route ${req.method} ${url.pathname}`);
      this.write(req.method ?? '', target, body as Obj, req.headers['content-type'] ?? '', res);
    });
  }

  private read(target: Target, query: Record<string, string>, res: ServerResponse) {
    if (target.name !== undefined) {
      const o = this.objects.get(target.collection)?.get(`${target.namespace ?? ''}/${target.name}`);
      if (!o) return this.status(res, 404, 'NotFound', `${target.collection} "${target.name}" not found`);
      return this.json(res, 200, o);
    }
    if (query.watch === 'true' || query.watch === '1') {
      this.watch(target.collection, target.namespace, query, res);
      return;
    }
    const selector = (query.labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map((term) => term.split('='));
    const items = [...(this.objects.get(target.collection)?.values() ?? [])].filter(
      (o) =>
        (!target.namespace || o.metadata.namespace === target.namespace) &&
        selector.every(([k, v]) => (o.metadata as { labels?: Record<string, string> }).labels?.[k] === v),
    );
    this.json(res, 200, {
      kind: 'List',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  /**
   * POST creates (409 AlreadyExists); PUT replaces the object or, on /status, only its status —
   * with metadata.resourceVersion required and current (else 409 Conflict, as optimistic
   * concurrency works on the real server); PATCH applies a JSON merge patch.
   */
  private write(method: string, target: Target, body: Obj, contentType: string, res: ServerResponse) {
    const generate = (body?.metadata as { generateName?: string } | undefined)?.generateName;
    if (method === 'POST' && !body?.metadata?.name && generate) body = withName(body, generate);
    const store = this.objects.get(target.collection) ?? new Map<string, Obj>();
    this.objects.set(target.collection, store);
    const name = target.name ?? body?.metadata?.name;
    const key = `${target.namespace ?? ''}/${name}`;
    const existing = store.get(key);
    let next: Obj;
    if (method === 'DELETE' && target.name !== undefined && !target.status) {
      if (!existing) return this.status(res, 404, 'NotFound', `${target.collection} "${name}" not found`);
      this.delete(existing, target.collection);
      return this.json(res, 200, existing);
    }
    if (method === 'POST' && target.name === undefined) {
      if (!name) return this.status(res, 422, 'Invalid', 'metadata.name: Required value');
      if (existing)
        return this.status(res, 409, 'AlreadyExists', `${target.collection} "${name}" already exists`);
      next = structuredClone(body);
      next.metadata.namespace = target.namespace;
      next.metadata.uid = randomUUID();
      (next.metadata as Record<string, unknown>).creationTimestamp = new Date().toISOString();
    } else if (method === 'PUT' && target.name !== undefined) {
      if (!existing) return this.status(res, 404, 'NotFound', `${target.collection} "${name}" not found`);
      const rv = body?.metadata?.resourceVersion;
      if (!rv)
        return this.status(res, 422, 'Invalid', 'metadata.resourceVersion: must be specified for an update');
      if (rv !== existing.metadata.resourceVersion)
        return this.status(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${target.collection} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      next = target.status
        ? ({
            ...structuredClone(existing),
            status: structuredClone((body as { status?: unknown }).status),
          } as Obj)
        : structuredClone(body);
    } else if (method === 'PATCH' && target.name !== undefined && !target.status) {
      if (!existing) return this.status(res, 404, 'NotFound', `${target.collection} "${name}" not found`);
      if (contentType !== 'application/merge-patch+json')
        return this.status(
          res,
          415,
          'UnsupportedMediaType',
          `the fake server takes merge patches, not ${contentType}`,
        );
      next = mergePatch(existing, body) as Obj;
      next.metadata = {
        ...next.metadata,
        name: existing.metadata.name,
        namespace: existing.metadata.namespace,
      };
    } else {
      return this.status(res, 405, 'MethodNotAllowed', `${method} not supported here`);
    }
    next.metadata.resourceVersion = String(++this.rv);
    if (existing) next.metadata.uid = existing.metadata.uid;
    store.set(key, next);
    this.publish({
      type: existing ? 'MODIFIED' : 'ADDED',
      rv: this.rv,
      collection: target.collection,
      object: next,
    });
    this.json(res, existing ? 200 : 201, next);
  }

  /** The stored object (tests read what Herald wrote). */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.objects.get(`${apiVersion}/${PLURALS[kind]}`)?.get(`${namespace ?? ''}/${name}`);
  }

  /** Every stored object of a kind. */
  all(apiVersion: string, kind: string): Obj[] {
    return [...(this.objects.get(`${apiVersion}/${PLURALS[kind]}`)?.values() ?? [])];
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private watch(
    collection: string,
    namespace: string | undefined,
    query: Record<string, string>,
    res: ServerResponse,
  ) {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders(); // the real server answers a watch at once, before any event
    const from = Number(query.resourceVersion ?? this.rv);
    if (from + 1 < this.oldestRv) {
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${from} (${this.oldestRv - 1})`,
        reason: 'Expired',
        code: 410,
      };
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    for (const e of this.events) {
      if (
        e.rv > from &&
        e.collection === collection &&
        (!namespace || e.object.metadata.namespace === namespace)
      ) {
        res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      }
    }
    const w: WatchStream = { collection, namespace, bookmarks: query.allowWatchBookmarks === 'true', res };
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
    const timeout = Number(query.timeoutSeconds ?? 0);
    if (timeout > 0) {
      const t = setTimeout(() => res.end(), timeout * 1000);
      res.on('close', () => clearTimeout(t));
    }
  }
}

/**
 * A kubeconfig file text pointing at `url` with a bearer token. The client refuses plain HTTP
 * unless TLS verification is off, hence insecure-skip-tls-verify (loopback only).
 */
export function kubeconfigFor(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
    'users:',
    '- name: herald\n  user:\n    token: test-token',
    'contexts:',
    '- name: fake\n  context:\n    cluster: fake\n    user: herald',
    'current-context: fake',
    '',
  ].join('\n');
}
