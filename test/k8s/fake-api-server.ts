// A fake Kubernetes API server on loopback, faithful to what Herald's watcher relies on:
// collections under /api/v1 and /apis/<group>/<version> (cluster-wide or per namespace), lists
// carrying the current resourceVersion, watches (`watch=1&resourceVersion=N`) that replay the
// events after N then stream new ones as chunked JSON lines (ADDED, MODIFIED, DELETED, BOOKMARK
// when allowWatchBookmarks=true, ERROR), and a 410 Gone ERROR Status event when N is older than
// the retained history (after `compact()`), as the real server answers an expired watch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
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
};

function collectionOf(o: Obj): string {
  const plural = PLURALS[o.kind ?? ''];
  if (!plural || !o.apiVersion) throw new Error(`fake API server: no collection for ${o.kind}`);
  return `${o.apiVersion}/${plural}`;
}

function keyOf(o: Obj): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Parses /api/v1[/namespaces/ns]/plural and /apis/group/version[/namespaces/ns]/plural. */
function parsePath(pathname: string): { collection: string; namespace?: string } | undefined {
  const m =
    /^\/api\/(v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(pathname) ??
    /^\/apis\/([^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(pathname);
  if (!m) return undefined;
  return { collection: `${m[1]}/${m[3]}`, namespace: m[2] };
}

export interface RequestRecord {
  path: string;
  query: Record<string, string>;
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
    const type = store.has(keyOf(object)) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    store.set(keyOf(object), stored);
    this.publish({ type, rv: this.rv, collection, object: stored });
  }

  delete(object: Obj): void {
    const collection = collectionOf(object);
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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    const target = parsePath(url.pathname);
    if (req.method !== 'GET' || !target) {
      this.status(res, 404, 'NotFound', `no route ${req.method} ${url.pathname}`);
      return;
    }
    const watch = query.watch === 'true' || query.watch === '1';
    if (watch) {
      this.watch(target.collection, target.namespace, query, res);
      return;
    }
    const items = [...(this.objects.get(target.collection)?.values() ?? [])].filter(
      (o) => !target.namespace || o.metadata.namespace === target.namespace,
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'List',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.rv) },
        items,
      }),
    );
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
