// The project's fake Kubernetes API server (test/k8s/fake-api-server.ts) as a process of its own,
// so a lab can run it inside one of its network namespaces: the nodes reach it over the lab's
// links and nothing is added to the host's network. The lab changes the cluster through a control
// socket (a unix socket in the lab's temp dir, reachable from any namespace): POST / with
// {"op": "apply" | "delete" | "get", "object": {...}}; `get` answers the stored object (what the
// nodes wrote, e.g. a Service's status), 404 when there is none.
//
// Run (inside a namespace): node --import tsx fake-api-process.ts HOST PORT CONTROL_SOCKET
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnIn, type Topology, type TrackedChild } from '../../test/interop/harness/index.js';
import { Fatal, waitFor } from '../../test/interop/harness/util.js';
import { FakeApiServer } from '../../test/k8s/fake-api-server.js';

type Obj = Parameters<FakeApiServer['apply']>[0];

/** Client side: the API server process and how to change what it serves. */
export interface FakeApi {
  readonly url: string;
  readonly process: TrackedChild;
  apply(object: unknown): Promise<void>;
  delete(object: unknown): Promise<void>;
  /** The stored object named like `object` (apiVersion, kind, metadata.namespace/name), if any. */
  get<T = unknown>(object: unknown): Promise<T | undefined>;
}

type Op = 'apply' | 'delete' | 'get' | 'ping';

/** One control request: the answer's body on 200, undefined on 404 (get), else an error. */
function control(socket: string, op: Op, object?: unknown): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/', method: 'POST', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(body);
        else if (res.statusCode === 404 && op === 'get') resolve(undefined);
        else reject(new Error(`fake API ${op}: HTTP ${res.statusCode} ${body}`));
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`fake API ${op} timed out`)));
    req.end(JSON.stringify({ op, object }));
  });
}

/** Starts the fake API server in `ns`, listening on host:port, and waits until it answers. */
export async function startFakeApi(t: Topology, ns: string, host: string, port: number): Promise<FakeApi> {
  const socket = join(t.dir, 'fake-api.sock');
  const child = spawnIn(
    ns,
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), host, String(port), socket],
    { logFile: join(t.dir, 'fake-api.log') },
  );
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Fatal(`fake API server exited: ${child.output()}`);
      await control(socket, 'ping');
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: 'fake API server' },
  );
  return {
    url: `http://${host}:${port}`,
    process: child,
    apply: async (o) => {
      await control(socket, 'apply', o);
    },
    delete: async (o) => {
      await control(socket, 'delete', o);
    },
    get: async (o) => {
      const body = await control(socket, 'get', o);
      return body === undefined ? undefined : JSON.parse(body);
    },
  };
}

// ------------------------------------------------------------------ the process itself
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [host, port, socket] = process.argv.slice(2);
  const api = new FakeApiServer();
  await api.start(Number(port), host);
  createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      try {
        const { op, object } = JSON.parse(body || '{}') as { op: string; object?: Obj };
        if (op === 'get' && object) {
          const { apiVersion = '', kind = '', metadata } = object;
          const found = api.get(apiVersion, kind, metadata.namespace, metadata.name);
          res.statusCode = found ? 200 : 404;
          res.end(found ? JSON.stringify(found) : 'not found');
          return;
        }
        if (op === 'apply' && object) api.apply(object);
        else if (op === 'delete' && object) api.delete(object);
        else if (op !== 'ping') throw new Error(`unknown op ${op}`);
        res.end('ok');
      } catch (e) {
        res.statusCode = 400;
        res.end((e as Error).message);
      }
    });
  }).listen(socket, () => process.stdout.write(`fake API server on ${api.url}, control ${socket}\n`));
}
