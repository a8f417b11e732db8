// /healthz, /readyz (liveness and readiness probes) and /metrics (Prometheus text), described in the
// OpenAPI document like every other route.
import { Type } from '../config/schema-type.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Api } from './server.js';

const tags = ['probes'];

export function probeRoutes(app: Api, daemon: Daemon): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags,
        summary: 'Prometheus metrics (text exposition format, docs/metrics.md)',
        produces: ['text/plain'],
        response: { 200: { description: 'Prometheus text format', type: 'string' } },
      },
    },
    async (_req, reply) => {
      // prom-client is loaded by the first scrape, not at start (issue 19: idle memory).
      const metrics = (await import('../metrics/metrics.js')).metricsRegistry(daemon);
      reply.type(metrics.contentType);
      return metrics.metrics();
    },
  );
  app.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'Liveness: 200 while the process runs (never rate limited, no token needed)',
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
    },
    async () => ({ ok: true }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness: 200 once the config is loaded and sessions are started, else 503',
        response: {
          200: Type.Object({ ready: Type.Boolean() }),
          503: Type.Object({ ready: Type.Boolean() }),
        },
      },
    },
    async (_req, reply) => (daemon.ready ? { ready: true } : reply.status(503).send({ ready: false })),
  );
}
