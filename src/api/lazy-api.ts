// The REST API's listener, with Fastify and the routes loaded on the first request. The socket is
// open from the start (the CLI and scripts connect as before); what answers is built when someone
// asks. A node whose API nobody queries — a DaemonSet probed and scraped on the metrics listener —
// never pays for the framework and its schemas (~20 MB of resident memory).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Daemon } from '../daemon/daemon.js';
import type { Api, ApiOptions, RequestHandler } from './server.js';

export interface ApiListener {
  readonly server: Server;
  /** Whether the API has been built (a request came). */
  readonly loaded: boolean;
  close(): Promise<void>;
}

export type ListenAt = { host: string; port: number } | { path: string };

function listen(server: Server, at: ListenAt): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in at) server.listen(at.path, done);
    else server.listen(at.port, at.host, done);
  });
}

function failed(res: ServerResponse, e: Error): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: 'internal', message: `the API could not start: ${e.message}` }));
}

/** Listens at `at` now; builds the API (buildApi) on the first request and hands it every request. */
export async function listenApi(daemon: Daemon, options: ApiOptions, at: ListenAt): Promise<ApiListener> {
  const server = createServer();
  let app: Api | undefined;
  let handler: RequestHandler | undefined;
  let loading: Promise<RequestHandler> | undefined;
  const load = async (): Promise<RequestHandler> => {
    const { buildApi } = await import('./server.js');
    let captured: RequestHandler | undefined;
    app = buildApi(daemon, {
      ...options,
      serverFactory: (h) => {
        captured = h;
        return server;
      },
    });
    await app.ready();
    if (!captured) throw new Error('the API did not take its server');
    handler = captured;
    return captured;
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (handler) return handler(req, res);
    loading ??= load();
    loading.then(
      (h) => h(req, res),
      (e: Error) => failed(res, e),
    );
  });
  await listen(server, at);
  return {
    server,
    get loaded() {
      return handler !== undefined;
    },
    async close() {
      // Fastify does not close a server it was handed and did not listen on: ours is closed here.
      await app?.close().catch(() => {});
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
