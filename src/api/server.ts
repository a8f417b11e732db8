// The REST API (Fastify): status, neighbors, routes (streamed) and run-time announcements.
// It reads through the daemon's views and changes things only through daemon methods.
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Daemon } from '../daemon/daemon.js';
import { createMetrics } from '../metrics/metrics.js';
import { localRoute } from '../rib/local-routes.js';
import { adjRibInRoutes, type RouteFilter, type RouteView } from '../rib/route-view.js';
import { CeaseSubcode, cease, formatPrefix, parsePrefix } from '../wire/index.js';
import { adjRibOutRoutes, neighborView } from './views.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function* routesOf(
  daemon: Daemon,
  table: string,
  neighbor: string | undefined,
  filter: RouteFilter,
): Generator<RouteView> {
  for (const p of daemon.peers.values()) {
    if (neighbor && p.address !== neighbor) continue;
    if (table === 'out') yield* adjRibOutRoutes(p);
    else {
      yield* adjRibInRoutes(p.address, p.adjRibIn, filter);
      if (p.stale) yield* adjRibInRoutes(p.address, p.stale, filter, true);
    }
  }
}

/** A JSON array (or NDJSON) streamed from a generator, never built whole in memory. */
function stream(rows: Iterable<unknown>, ndjson: boolean): Readable {
  return Readable.from(
    (function* () {
      let first = true;
      if (!ndjson) yield '[';
      for (const r of rows) {
        yield ndjson ? `${JSON.stringify(r)}\n` : `${first ? '' : ','}${JSON.stringify(r)}`;
        first = false;
      }
      if (!ndjson) yield ']';
    })(),
  );
}

export function buildApi(daemon: Daemon): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError)
      return reply.status(err.status).send({ error: err.code, message: err.message });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply
      .status(status)
      .send({ error: status < 500 ? 'badRequest' : 'internal', message: (err as Error).message });
  });

  const metrics = createMetrics(daemon);
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async () => ({ ready: true }));

  app.get('/api/v1/status', async () => ({
    version: daemon.version,
    asn: daemon.config.asn,
    routerId: daemon.routerId,
    uptimeSeconds: Math.floor((Date.now() - daemon.startedAt) / 1000),
    neighbors: daemon.peers.size,
    established: [...daemon.peers.values()].filter((p) => p.session).length,
    announcements: daemon.localRoutes().length,
  }));

  app.get('/api/v1/neighbors', async () => [...daemon.peers.values()].map((p) => neighborView(daemon, p)));
  app.get<{ Params: { address: string } }>('/api/v1/neighbors/:address', async (req) => {
    const p = daemon.peers.get(req.params.address);
    if (!p) throw new ApiError(404, 'neighborNotFound', `no neighbor ${req.params.address}`);
    return neighborView(daemon, p);
  });

  const peerOf = (address: string) => {
    const p = daemon.peers.get(address);
    if (!p) throw new ApiError(404, 'neighborNotFound', `no neighbor ${address}`);
    return p;
  };
  type Action = { Params: { address: string }; Body: { message?: string } | undefined };
  app.post<Action>('/api/v1/neighbors/:address/reset', async (req) => {
    const p = peerOf(req.params.address);
    // RFC 4486: Cease/Administrative Reset, then the session starts again.
    p.stop(cease(CeaseSubcode.ADMINISTRATIVE_RESET, req.body?.message ?? 'reset by operator'));
    p.start();
    return { address: p.address, action: 'reset' };
  });
  app.post<Action>('/api/v1/neighbors/:address/refresh', async (req) => {
    const p = peerOf(req.params.address);
    if (!p.session) throw new ApiError(409, 'notEstablished', `${p.address} is ${p.state}`);
    const requested = p.requestRefresh();
    await p.resend(true);
    return { address: p.address, action: 'refresh', routeRefreshRequested: requested };
  });
  app.post<Action>('/api/v1/neighbors/:address/shutdown', async (req) => {
    const p = peerOf(req.params.address);
    // RFC 9003: the message travels in the Cease/Administrative Shutdown NOTIFICATION.
    p.stop(cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, req.body?.message ?? 'shut down by operator'));
    return { address: p.address, action: 'shutdown' };
  });
  app.post<Action>('/api/v1/neighbors/:address/enable', async (req) => {
    const p = peerOf(req.params.address);
    p.start();
    return { address: p.address, action: 'enable' };
  });

  app.get<{
    Querystring: { table?: string; neighbor?: string; afi?: string; prefix?: string; format?: string };
  }>('/api/v1/routes', async (req, reply) => {
    const { table = 'in', neighbor, afi, prefix, format } = req.query;
    if (table !== 'in' && table !== 'out') throw new ApiError(400, 'badTable', 'table must be in or out');
    if (afi !== undefined && afi !== 'ipv4' && afi !== 'ipv6')
      throw new ApiError(400, 'badAfi', 'afi must be ipv4 or ipv6');
    let prefixText: string | undefined;
    if (prefix !== undefined) {
      try {
        prefixText = formatPrefix(parsePrefix(prefix));
      } catch (e) {
        throw new ApiError(400, 'badPrefix', (e as Error).message);
      }
    }
    if (neighbor !== undefined && !daemon.peers.has(neighbor)) {
      throw new ApiError(404, 'neighborNotFound', `no neighbor ${neighbor}`);
    }
    const ndjson = format === 'ndjson';
    reply.type(ndjson ? 'application/x-ndjson' : 'application/json');
    return reply.send(
      stream(
        routesOf(daemon, table, neighbor, { afi: afi as RouteFilter['afi'], prefix: prefixText }),
        ndjson,
      ),
    );
  });

  app.get('/api/v1/announcements', async () =>
    daemon.localRoutes().map((r) => ({
      prefix: formatPrefix(r.prefix),
      nextHop: r.nextHop ?? null,
      med: r.med ?? null,
      localPref: r.localPref ?? null,
    })),
  );
  app.post<{ Body: Record<string, unknown> }>('/api/v1/announcements', async (req, reply) => {
    const b = req.body ?? {};
    if (typeof b.prefix !== 'string') throw new ApiError(400, 'badRequest', 'prefix (string) is required');
    let route: ReturnType<typeof localRoute>;
    try {
      route = localRoute(b as unknown as Parameters<typeof localRoute>[0]);
    } catch (e) {
      throw new ApiError(400, 'badAnnouncement', (e as Error).message);
    }
    daemon.announce(route);
    return reply.status(201).send({ prefix: formatPrefix(route.prefix) });
  });
  app.delete<{ Params: { prefix: string; len: string } }>(
    '/api/v1/announcements/:prefix/:len',
    async (req) => {
      const text = `${req.params.prefix}/${req.params.len}`;
      let gone: boolean;
      try {
        gone = daemon.withdraw(text);
      } catch (e) {
        throw new ApiError(400, 'badPrefix', (e as Error).message);
      }
      if (!gone) throw new ApiError(404, 'announcementNotFound', `${text} is not announced`);
      return { withdrawn: text };
    },
  );
  return app;
}
