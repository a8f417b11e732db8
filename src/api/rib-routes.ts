// /api/v1/routes: Adj-RIB-In, Loc-RIB and Adj-RIB-Out, streamed as a JSON array or NDJSON so a
// full table is served without being built in memory.
import type { Daemon } from '../daemon/daemon.js';
import { locRibRoutes } from '../rib/loc-rib-view.js';
import { localPathAttributes } from '../rib/local-routes.js';
import { adjRibInRoutes, type RouteFilter, type RouteView, viewAttributes } from '../rib/route-view.js';
import { canonicalAddress, formatPrefix, parsePrefix } from '../wire/index.js';
import { ApiError } from './errors.js';
import { longestMatch } from './longest-match.js';
import { rowStream } from './row-stream.js';
import { ErrorResponses, RouteSchema, RoutesQuerySchema } from './schemas.js';
import type { Api } from './server.js';
import { adjRibOutRoutes } from './views.js';

function matches(r: RouteView, filter: RouteFilter): boolean {
  if (filter.prefix && r.prefix !== filter.prefix) return false;
  return !filter.afi || (filter.afi === 'ipv6') === r.prefix.includes(':');
}

/** The routes Herald announces now, as Loc-RIB rows from neighbor "local" (empty AS path, IGP). */
function* localRows(daemon: Daemon, filter: RouteFilter): Generator<RouteView> {
  for (const r of daemon.localRoutes()) {
    const row: RouteView = {
      prefix: formatPrefix(r.prefix),
      neighbor: 'local',
      ...viewAttributes(localPathAttributes(r)),
      best: true,
      stale: false,
    };
    if (matches(row, filter)) yield row;
  }
}

function* routesOf(
  daemon: Daemon,
  table: string,
  neighbor: string | undefined,
  filter: RouteFilter,
): Generator<RouteView> {
  if (table === 'loc') {
    // Herald's own routes win over learned ones for the same prefix (like FRR's local weight).
    const local = new Set(daemon.localRoutes().map((r) => formatPrefix(r.prefix)));
    if (!neighbor) yield* localRows(daemon, filter);
    // The best path is chosen among every peer's paths, like `show ip bgp`; then rows are filtered.
    const { alwaysCompareMed, deterministicMed } = daemon.config;
    const decision = { alwaysCompareMed, deterministicMed };
    for (const r of locRibRoutes(daemon.engine.neighbors(), daemon.config.asn, filter, undefined, decision)) {
      if (neighbor && r.neighbor !== neighbor) continue;
      yield r.best && local.has(r.prefix) ? { ...r, best: false } : r;
    }
    return;
  }
  for (const p of daemon.engine.neighbors()) {
    if (neighbor && p.address !== neighbor) continue;
    if (table === 'out') {
      for (const r of adjRibOutRoutes(p)) if (matches(r, filter)) yield r;
    } else {
      yield* adjRibInRoutes(p.address, p.adjRibIn, filter);
      if (p.stale) yield* adjRibInRoutes(p.address, p.stale, filter, true);
    }
  }
}

export function ribRoutes(app: Api, daemon: Daemon): void {
  app.get(
    '/api/v1/routes',
    {
      schema: {
        tags: ['routes'],
        summary: 'Routes of a table (in: Adj-RIB-In, loc: Loc-RIB with best paths, out: Adj-RIB-Out)',
        querystring: RoutesQuerySchema,
        response: { 200: { type: 'array', items: RouteSchema }, ...ErrorResponses },
      },
    },
    async (req, reply) => {
      const { table = 'in', afi, prefix, format } = req.query;
      const neighbor = req.query.neighbor === undefined ? undefined : canonicalAddress(req.query.neighbor);
      if (neighbor !== undefined && !daemon.peers.has(neighbor))
        throw new ApiError(404, 'neighborNotFound', `no neighbor ${neighbor}`);
      const ndjson = format === 'ndjson';
      reply.type(ndjson ? 'application/x-ndjson' : 'application/json');
      // An address without a length: the longest prefix holding it (few rows, collected); none
      // when `afi` names the other family.
      const lookupAfi = prefix?.includes(':') ? 'ipv6' : 'ipv4';
      const rows =
        prefix !== undefined && !prefix.includes('/')
          ? afi !== undefined && afi !== lookupAfi
            ? []
            : longestMatch(routesOf(daemon, table, neighbor, { afi: lookupAfi }), prefix)
          : routesOf(daemon, table, neighbor, {
              afi,
              prefix: prefix === undefined ? undefined : formatPrefix(parsePrefix(prefix)),
            });
      // The response schema documents each row; the rows are streamed, not serialized as a whole.
      return reply.send(rowStream(rows, ndjson) as never);
    },
  );
}
