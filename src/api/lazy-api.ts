// The REST API's listener, built in two steps as it is needed. The socket is open from the start
// (the CLI and scripts connect as before), as a plain TCP/unix listener that pauses each
// connection; node:http is loaded by the first connection and Fastify with the routes by the first
// request. A node whose API nobody queries — a DaemonSet probed and scraped on the metrics
// listener — never pays for the HTTP stack, the framework and its schemas (~20 MB resident).
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { Daemon } from '../daemon/daemon.js';
import { answerClientError } from './client-error.js';
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

/** Listens at `at` now; loads HTTP on the first connection and the API (buildApi) on the first request. */
export async function listenApi(daemon: Daemon, options: ApiOptions, at: ListenAt): Promise<ApiListener> {
  let http: HttpServer | undefined;
  let httpLoading: Promise<HttpServer> | undefined;
  let app: Api | undefined;
  let handler: RequestHandler | undefined;
  let apiLoading: Promise<RequestHandler> | undefined;

  const loadApi = async (server: HttpServer): Promise<RequestHandler> => {
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
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (handler) {
      handler(req, res);
      return;
    }
    apiLoading ??= loadApi(http as HttpServer);
    apiLoading.then(
      (h) => h(req, res),
      (e: Error) => failed(res, e),
    );
  };
  const loadHttp = async (): Promise<HttpServer> => {
    const { createServer: createHttpServer } = await import('node:http');
    const server = createHttpServer(onRequest);
    server.on('clientError', answerClientError);
    // This server never listens itself; its 'listening' event is what starts Node's checks of
    // each connection's headers and request timeouts (the slow-client protection).
    server.emit('listening');
    http = server;
    return server;
  };
  const hand = (server: HttpServer, socket: Socket): void => {
    if (socket.destroyed) return;
    server.emit('connection', socket);
    socket.resume();
  };

  // pauseOnConnect: no byte is read until the HTTP server has the socket, so nothing is lost.
  const listener = createServer({ pauseOnConnect: true }, (socket) => {
    if (http) return hand(http, socket);
    httpLoading ??= loadHttp();
    httpLoading.then(
      (server) => hand(server, socket),
      () => socket.destroy(),
    );
  });
  await listen(listener, at);
  return {
    server: listener,
    get loaded() {
      return handler !== undefined;
    },
    async close() {
      // Fastify does not close a server it was handed and did not listen on: ours are closed here.
      await app?.close().catch(() => {});
      await new Promise<void>((resolve) => {
        listener.close(() => resolve());
        http?.close(() => {});
        http?.closeAllConnections();
      });
    },
  };
}
