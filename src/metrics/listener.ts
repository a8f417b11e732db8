// The metrics listener (config `metrics.listen`): Prometheus text and the two probes on a port of
// their own, apart from the REST API, so a scraper on the network (a ServiceMonitor reaching the
// node's address) never gets near the API, which stays on loopback. Read-only: GET /metrics,
// /healthz and /readyz; anything else is 404, a method other than GET/HEAD 405; bodies are not read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerClientError } from '../api/client-error.js';
import type { Daemon } from '../daemon/daemon.js';

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function answer(daemon: Daemon, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return json(res, 405, { error: 'methodNotAllowed', message: `${req.method} is not served here` });
  }
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/metrics') {
    // prom-client is loaded on the first scrape: probes alone do not need it.
    const registry = (await import('./metrics.js')).metricsRegistry(daemon);
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(text);
    return;
  }
  if (path === '/healthz') return json(res, 200, { ok: true });
  if (path === '/readyz') return json(res, daemon.ready ? 200 : 503, { ready: daemon.ready });
  json(res, 404, {
    error: 'notFound',
    message: `no such route: ${path} (this port serves /metrics, /healthz, /readyz)`,
  });
}

/** Listens on `host:port`; resolves once listening (rejects on EADDRINUSE and the like). */
export async function startMetricsListener(
  daemon: Daemon,
  at: { host: string; port: number },
): Promise<Server> {
  const server = createServer((req, res) => {
    answer(daemon, req, res).catch((e: Error) => {
      if (!res.headersSent) json(res, 500, { error: 'internal', message: e.message });
      else res.destroy();
    });
  });
  server.on('clientError', answerClientError);
  // A scraper that stalls keeps no socket open for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
