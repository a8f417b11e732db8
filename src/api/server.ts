// The REST API (Fastify): status, neighbors, routes (streamed), announcements, metrics, reload.
// Requests are validated and responses serialized with the schemas in schemas.ts and the config
// schema; the OpenAPI document is generated from the same schemas. It reads through the daemon's
// views and changes things only through daemon methods.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { describeSchemaErrors } from '../config/schema-errors.js';
import type { Daemon, ReloadResult } from '../daemon/daemon.js';
import { adminRoutes } from './admin.js';
import { announcementRoutes } from './announcements.js';
import { authenticate } from './auth.js';
import { bfdRoutes } from './bfd.js';
import { answerClientError } from './client-error.js';
import { ApiError } from './errors.js';
import { fibRoutes } from './fib.js';
import { frrk8sRoutes } from './frrk8s.js';
import { fastifySerializers, lazySerializers, lazyValidators } from './lazy-compilers.js';
import { neighborRoutes } from './neighbors.js';
import { policyTest } from './policy-test.js';
import { prefixRoute } from './prefix-route.js';
import { probeRoutes } from './probes.js';
import { ribRoutes } from './rib-routes.js';
import { StatusSchema } from './schemas.js';
import { serviceRoutes } from './services.js';
import { requestValidators } from './validators.js';

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
  /** Stops the daemon (POST /api/v1/stop); `withdraw`: Cease and withdraw despite graceful restart. */
  readonly stop?: (withdraw: boolean) => void;
  /** Serves through this HTTP server instead of one of Fastify's own (lazy-api.ts). */
  readonly serverFactory?: (handler: RequestHandler) => Server;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function buildApi(daemon: Daemon, options: ApiOptions = {}): Api {
  const api = daemon.config.api;
  const serializers = fastifySerializers();
  const app: Api = Fastify({
    logger: false,
    ...(options.serverFactory && { serverFactory: options.serverFactory }),
    clientErrorHandler: answerClientError,
    // Schemas compile on their route's first request, not at start (lazy-compilers.ts).
    schemaController: {
      compilersFactory: {
        buildSerializer: (external, fjsOptions) => lazySerializers(serializers(external, fjsOptions)),
      },
    },
    // Bodies past this size are refused with 413 before they are read into memory.
    bodyLimit: api ? api.bodyLimit : undefined,
    schemaErrorFormatter: (errors, dataVar) => {
      const problems = describeSchemaErrors(errors, dataVar);
      return new ApiError(400, 'invalidRequest', problems.join('; '), problems);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Bodies are checked without coercion, query strings and parameters with it (validators.ts).
  app.setValidatorCompiler(lazyValidators(requestValidators()));

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
  // Unknown routes answer like every other error, not with the framework's own 404 body.
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: 'notFound', message: `no such API route: ${req.method} ${req.url}` }),
  );
  app.addHook('onRequest', async (req) => authenticate(req, daemon.config.api));
  if (api && api.rateLimit > 0)
    // Loaded only when on (its IPv6 address library is ~0.5 MB of heap).
    void app.register(import('@fastify/rate-limit'), {
      max: api.rateLimit,
      timeWindow: 60_000,
      // Liveness and readiness probes are never throttled.
      allowList: (req) => {
        const path = req.url.split('?')[0];
        return path === '/healthz' || path === '/readyz';
      },
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
    transformObject: (doc) =>
      optionalNullableBodies('openapiObject' in doc ? (doc.openapiObject as OpenApiDoc) : {}) as never,
  });

  // Routes go in a plugin registered after swagger, so swagger sees every one of them.
  void app.register(async (api: Api) => {
    probeRoutes(api, daemon);
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
    frrk8sRoutes(api, daemon);
    adminRoutes(api, daemon, options.reload, options.stop);
    bfdRoutes(api, daemon);
  });
  return app;
}

type OpenApiDoc = {
  paths?: Record<
    string,
    Record<
      string,
      {
        requestBody?: {
          required?: boolean;
          content?: Record<string, { schema?: { nullable?: boolean; anyOf?: { type?: string }[] } }>;
        };
      }
    >
  >;
};

/**
 * A body that may be null (an action's `{message?}`) may also be left out, and the server takes
 * none: swagger marks every body required, so a client generated from the document would send one.
 */
function optionalNullableBodies<T extends OpenApiDoc>(doc: T): T {
  for (const methods of Object.values(doc.paths ?? {}))
    for (const op of Object.values(methods)) {
      const body = op.requestBody;
      const schema = body?.content?.['application/json']?.schema;
      // A union with null comes out as `nullable: true` (OpenAPI 3.0).
      if (body && (schema?.nullable || schema?.anyOf?.some((s) => s.type === 'null'))) body.required = false;
    }
  return doc;
}
