// GET /api/v1/routes/{address}/{length}: one prefix's Loc-RIB entry — every path with its flags
// (best, multipath, stale) and, for each path that is not best, why: the question operators ask
// most ("why is this not the best path").
import type { Static } from 'typebox';
import { Type } from '../config/schema-type.js';
import type { Daemon } from '../daemon/daemon.js';
import type { LostReason, PrefixSelection } from '../rib/loc-rib.js';
import { viewAttributes } from '../rib/route-view.js';
import { formatPrefix, parsePrefix } from '../wire/index.js';
import { ApiError } from './errors.js';
import { ErrorResponses, RouteSchema } from './schemas.js';
import type { Api } from './server.js';

/** What each decision step means for the path that lost there. */
export const LOST_REASON_TEXT: Record<LostReason, string> = {
  localPref: 'lower LOCAL_PREF (RFC 4271 §9.1.1)',
  asPathLength: 'longer AS_PATH (RFC 4271 §9.1.2.2 a)',
  origin: 'worse ORIGIN (RFC 4271 §9.1.2.2 b)',
  med: 'higher MED than a path from the same neighbor AS (RFC 4271 §9.1.2.2 c)',
  ebgpOverIbgp: 'learned over iBGP while an eBGP path exists (RFC 4271 §9.1.2.2 d)',
  routerId: 'higher router id (RFC 4271 §9.1.2.2 f)',
  clusterListLength: 'longer CLUSTER_LIST (RFC 4456 §9)',
  peerAddress: 'higher peer address (RFC 4271 §9.1.2.2 g)',
  pathId: 'higher add-path path id (local tie-break)',
  originatedLocally: 'Herald originates this prefix itself',
  importPolicy: "rejected by the neighbor's import policy",
};

export const PrefixRoutePathSchema = Type.Intersect([
  RouteSchema,
  Type.Object({
    multipath: Type.Boolean({ description: 'In the ECMP set (maximumPaths)' }),
    notBestBecause: Type.Union([Type.Null(), Type.String()]),
    decisionStep: Type.Union([Type.Null(), Type.String()]),
  }),
]);

export const PrefixRouteSchema = Type.Object({
  prefix: Type.String(),
  paths: Type.Array(PrefixRoutePathSchema),
});

export type PrefixRouteView = Static<typeof PrefixRouteSchema>;

export function prefixRouteView(s: PrefixSelection): PrefixRouteView {
  const prefix = formatPrefix(s.prefix);
  return {
    prefix,
    paths: s.paths.map((p) => ({
      prefix,
      ...(p.pathId ? { pathId: p.pathId } : {}),
      neighbor: p.neighbor,
      ...viewAttributes(p.attributes),
      best: p.best,
      stale: p.stale,
      multipath: p.multipath,
      notBestBecause: p.lostAt ? LOST_REASON_TEXT[p.lostAt] : null,
      decisionStep: p.lostAt ?? null,
    })),
  };
}

export function prefixRoute(app: Api, daemon: Daemon): void {
  app.get(
    '/api/v1/routes/:address/:length',
    {
      schema: {
        tags: ['routes'],
        summary: 'One prefix in the Loc-RIB: every path, best and ECMP set, and why the others lost',
        params: Type.Object({
          address: Type.String({ format: 'ip' }),
          length: Type.Integer({ minimum: 0, maximum: 128 }),
        }),
        response: { 200: PrefixRouteSchema, ...ErrorResponses },
      },
    },
    async (req) => {
      const text = `${req.params.address}/${req.params.length}`;
      let prefix: ReturnType<typeof parsePrefix>;
      try {
        prefix = parsePrefix(text);
      } catch (e) {
        throw new ApiError(400, 'invalidRequest', (e as Error).message, [`params: ${(e as Error).message}`]);
      }
      const selection = daemon.engine.select(prefix);
      if (!selection) throw new ApiError(404, 'routeNotFound', `no path to ${formatPrefix(prefix)}`);
      return prefixRouteView(selection);
    },
  );
}
