// POST /api/v1/policy/test: what a neighbor's import policy does with the paths it sent for a
// prefix, or what the neighbor gets for it on export — and the term that decided (`herald policy
// test NEIGHBOR PREFIX`).
import type { Static } from 'typebox';
import { Type } from '../config/schema-type.js';
import type { Daemon } from '../daemon/daemon.js';
import { viewAttributes } from '../rib/route-view.js';
import { canonicalAddress, formatPrefix, parsePrefix } from '../wire/index.js';
import { ApiError } from './errors.js';
import { ErrorResponses, RouteSchema } from './schemas.js';
import type { Api } from './server.js';

const BodySchema = Type.Object(
  {
    neighbor: Type.String({ format: 'ip', description: 'Neighbor address' }),
    prefix: Type.String({ format: 'prefix', description: 'The prefix to test' }),
    direction: Type.Optional(
      Type.Enum(['import', 'export'], {
        default: 'import',
        description: 'Import (received) or export (sent)',
      }),
    ),
  },
  { additionalProperties: false },
);

const {
  prefix: _p,
  neighbor: _n,
  best: _b,
  stale: _s,
  pathId: _i,
  ...attributeFields
} = RouteSchema.properties;

export const PolicyTestSchema = Type.Object({
  neighbor: Type.String(),
  prefix: Type.String(),
  direction: Type.String(),
  policy: Type.Union([Type.Null(), Type.String()]),
  refused: Type.Union([Type.Null(), Type.String()]),
  paths: Type.Array(
    Type.Object({
      pathId: Type.Integer(),
      accepted: Type.Boolean(),
      decidedBy: Type.String({ description: '"term N (name)", "default", or why no policy applied' }),
      ...attributeFields,
    }),
  ),
});

export type PolicyTestView = Static<typeof PolicyTestSchema>;

export function policyTest(app: Api, daemon: Daemon): void {
  app.post(
    '/api/v1/policy/test',
    {
      schema: {
        tags: ['routes'],
        summary: 'Evaluate a neighbor’s import or export policy for one prefix and say which term decided',
        body: BodySchema,
        response: { 200: PolicyTestSchema, ...ErrorResponses },
      },
    },
    async (req) => {
      const { direction = 'import' } = req.body;
      const neighbor = canonicalAddress(req.body.neighbor);
      const prefix = parsePrefix(req.body.prefix);
      const address = daemon.peers.has(neighbor) ? neighbor : undefined;
      const result = address && daemon.engine.policyTest(address, prefix, direction);
      if (!result) throw new ApiError(404, 'neighborNotFound', `no neighbor ${neighbor}`);
      return {
        neighbor,
        prefix: formatPrefix(prefix),
        direction,
        policy: result.policy,
        refused: result.refused ?? null,
        paths: result.paths.map((p) => ({
          pathId: p.pathId,
          accepted: p.accepted,
          decidedBy: p.decidedBy,
          ...viewAttributes(p.attributes),
        })),
      };
    },
  );
}
