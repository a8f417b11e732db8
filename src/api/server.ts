// The REST API (Fastify): status, neighbors, routes (streamed), announcements, metrics, reload.
// Requests are validated and responses serialized with the schemas in schemas.ts and the config
// schema; the OpenAPI document is generated from the same schemas. It reads through the daemon's
// views and changes things only through daemon methods.

import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { addFormats } from '../config/formats.js';
import { describeSchemaErrors } from '../config/schema-errors.js';
import type { Daemon, ReloadResult } from '../daemon/daemon.js';
import { createMetrics } from '../metrics/metrics.js';
import { adminRoutes } from './admin.js';
import { announcementRoutes } from './announcements.js';
import { authenticate } from './auth.js';
import { bfdRoutes } from './bfd.js';
import { ApiError } from './errors.js';
import { fibRoutes } from './fib.js';
import { neighborRoutes } from './neighbors.js';
import { policyTest } from './policy-test.js';
import { prefixRoute } from './prefix-route.js';
import { ribRoutes } from './rib-routes.js';
import { StatusSchema } from './schemas.js';
import { serviceRoutes } from './services.js';

export { ApiError } from './errors.js';

export type Api = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ApiOptions {
  /** Re-reads the config file and applies it (POST /api/v1/config/reload); absent: 409. */
  readonly reload?: () => Promise<ReloadResult>;
}

export function buildApi(daemon: Daemon, options: ApiOptions = {}): Api {
  const api = daemon.config.api;
  const app: Api = Fastify({
    logger: false,
    // Bodies past this size are refused with 413 before they are read into memory.
    bodyLimit: api ? api.bodyLimit : undefined,
    ajv: {
      // Unknown keys are errors, not silently dropped; every problem is reported, named by path.
      customOptions: { removeAdditional: false, allErrors: true, verbose: true, strictSchema: false },
      plugins: [addFormats],
    },
    schemaErrorFormatter: (errors, dataVar) => {
      const problems = describeSchemaErrors(errors, dataVar);
      return new ApiError(400, 'invalidRequest', problems.join('; '), problems);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError)
      return reply
        .status(err.status)
        .send({ error: err.code, message: err.message, ...(err.problems ? { problems: err.problems } : {}) });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply
      .status(status)
      .send({ error: status < 500 ? 'badRequest' : 'internal', message: (err as Error).message });
  });
  app.addHook('onRequest', async (req) => authenticate(req, daemon.config.api));
  if (api && api.rateLimit > 0)
    void app.register(rateLimit, {
      max: api.rateLimit,
      timeWindow: 60_000,
      // Liveness and readiness probes are never throttled.
      allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
      // A unix-socket client has no address: all of them share one budget.
      keyGenerator: (req) => req.ip ?? 'unix',
      errorResponseBuilder: (_req, ctx) =>
        new ApiError(429, 'rateLimited', `more than ${ctx.max} requests a minute; retry in ${ctx.after}`),
    });

  void app.register(swagger, {
    openapi: {
      info: { title: 'Herald REST API', version: daemon.version },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });

  // Routes go in a plugin registered after swagger, so swagger sees every one of them.
  void app.register(async (api: Api) => {
    const metrics = createMetrics(daemon);
    api.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      reply.type(metrics.contentType);
      return metrics.metrics();
    });
    api.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
    api.get('/readyz', { schema: { hide: true } }, async (_req, reply) =>
      daemon.ready ? { ready: true } : reply.status(503).send({ ready: false }),
    );
    api.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    api.get(
      '/api/v1/status',
      {
        schema: {
          tags: ['status'],
          summary: 'Version, identity, uptime, counts',
          response: { 200: StatusSchema },
        },
      },
      async () => ({
        version: daemon.version,
        asn: daemon.config.asn,
        routerId: daemon.routerId,
        uptimeSeconds: Math.floor((Date.now() - daemon.startedAt) / 1000),
        neighbors: daemon.peers.size,
        established: [...daemon.peers.values()].filter((p) => p.session).length,
        announcements: daemon.localRoutes().length,
      }),
    );
    neighborRoutes(api, daemon);
    ribRoutes(api, daemon);
    prefixRoute(api, daemon);
    fibRoutes(api, daemon);
    policyTest(api, daemon);
    announcementRoutes(api, daemon);
    serviceRoutes(api, daemon);
    adminRoutes(api, daemon, options.reload);
    bfdRoutes(api, daemon);
  });
  return app;
}
