// JSON shapes of the REST API (TypeBox): requests are validated with them, responses are
// serialized with them, and the OpenAPI document at /api/v1/openapi.json is built from them.
import type { TSchema } from 'typebox';
import { Type } from '../config/schema-type.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Stable error code (camelCase)' }),
    message: Type.String(),
    problems: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'Error' },
);

export const ErrorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  422: ErrorSchema,
  429: ErrorSchema,
};

export const StatusSchema = Type.Object({
  version: Type.String(),
  asn: Type.Integer(),
  routerId: Type.String(),
  uptimeSeconds: Type.Integer(),
  neighbors: Type.Integer(),
  established: Type.Integer(),
  announcements: Type.Integer({ description: 'Routes announced now' }),
});

const Counts = Type.Record(Type.String(), Type.Integer());

export const NeighborViewSchema = Type.Object({
  address: Type.String(),
  description: Nullable(Type.String()),
  peerAsn: Nullable(Type.Integer()),
  localAsn: Type.Integer(),
  state: Type.String({ description: 'RFC 4271 FSM state' }),
  uptimeSeconds: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  holdTime: Nullable(Type.Integer()),
  capabilities: Type.Array(Type.String()),
  prefixes: Type.Object({
    received: Type.Integer(),
    accepted: Type.Integer(),
    advertised: Type.Integer(),
    stale: Type.Integer(),
    rejectedAsLoop: Type.Integer({
      description:
        'Announcements dropped on import as loops: our ASN in AS_PATH, our router id as ORIGINATOR_ID, our cluster id in CLUSTER_LIST',
    }),
    rejectedInvalid: Type.Integer({
      description:
        'Announcements dropped on import as invalid (RFC 7606 treat-as-withdraw, route validity rules)',
    }),
    rejectedAlwaysBlock: Type.Integer({
      description:
        'Received routes for an always-blocked prefix (alwaysBlock, --always-block), never accepted; counted in received, not in accepted',
    }),
  }),
  routeReflectorClient: Type.Boolean({ description: 'Our route-reflector client (RFC 4456)' }),
  routesNotSent: Type.Array(Type.Object({ prefix: Type.String(), reason: Type.String() }), {
    description: 'Routes this peer should get but cannot be sent, and why',
  }),
  messages: Type.Object({ sent: Counts, received: Counts }),
  flaps: Type.Integer(),
  treatAsWithdraw: Type.Integer(),
});

export const RouteSchema = Type.Object({
  prefix: Type.String(),
  pathId: Type.Optional(Type.Integer()),
  neighbor: Type.String(),
  nextHop: Nullable(Type.String()),
  asPath: Type.String({ examples: ['65001 3356 {64512,64513}'] }),
  origin: Nullable(Type.String()),
  med: Nullable(Type.Integer()),
  localPref: Nullable(Type.Integer()),
  communities: Type.Array(Type.String()),
  largeCommunities: Type.Array(Type.String()),
  extCommunities: Type.Array(Type.String()),
  best: Type.Boolean(),
  stale: Type.Boolean(),
});

export const RoutesQuerySchema = Type.Object(
  {
    table: Type.Optional(Type.Enum(['in', 'loc', 'out'], { default: 'in' })),
    neighbor: Type.Optional(Type.String({ format: 'ip' })),
    afi: Type.Optional(Type.Enum(['ipv4', 'ipv6'])),
    prefix: Type.Optional(
      Type.String({
        format: 'prefix-or-ip',
        description: 'A prefix (exact match) or an address (the longest prefix holding it)',
      }),
    ),
    format: Type.Optional(Type.Enum(['json', 'ndjson'], { default: 'json' })),
  },
  { additionalProperties: false },
);

export const AnnouncementViewSchema = Type.Object({
  prefix: Type.String(),
  source: Type.Enum(['config', 'api', 'kubernetes']),
  announced: Type.Boolean(),
  degraded: Type.Boolean(),
  withdrawn: Type.Boolean({
    description: 'A configured route withdrawn through the API until the next reload',
  }),
  shadowedBy: Nullable(
    Type.Enum(['api'], {
      description:
        'A configured route overridden by an API route for the same prefix (back when that one is withdrawn)',
    }),
  ),
  nextHop: Nullable(Type.String()),
  communities: Type.Array(Type.String()),
  largeCommunities: Type.Array(Type.String()),
  extendedCommunities: Type.Array(Type.String()),
  med: Nullable(Type.Integer()),
  localPref: Nullable(Type.Integer()),
  asPathPrepend: Type.Integer(),
  health: Nullable(
    Type.Object({
      state: Type.Enum(['up', 'down', 'unknown']),
      check: Type.String(),
      lastResult: Nullable(Type.String()),
      lastChange: Nullable(Type.String()),
      successes: Type.Integer(),
      failures: Type.Integer(),
    }),
  ),
  peers: Type.Array(
    Type.Object({
      neighbor: Type.String(),
      sent: Type.Boolean(),
      reason: Nullable(Type.String({ description: 'Why the neighbor does not get the route' })),
    }),
    { description: 'Per neighbor: whether it gets the route now, and if not why' },
  ),
  warnings: Type.Array(Type.String(), {
    description: 'What the announcement sets that no neighbor gets (LOCAL_PREF with only eBGP neighbors)',
  }),
});

const Keys = Type.Array(Type.Object({ address: Type.String(), keys: Type.Array(Type.String()) }));

export const ReloadResultSchema = Type.Object({
  neighborsAdded: Type.Array(Type.String()),
  neighborsRemoved: Type.Array(Type.String()),
  neighborsReset: Keys,
  neighborsUpdated: Keys,
  announcements: Type.Object({
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    changed: Type.Array(Type.String()),
    reannounced: Type.Array(Type.String(), {
      description: 'Configured routes withdrawn through the API that the reload brought back',
    }),
    shadowed: Type.Array(Type.String(), {
      description: 'Configured routes an API route for the same prefix still overrides',
    }),
  }),
  listenerRestarted: Type.Boolean(),
  needsRestart: Type.Array(Type.String()),
  settingsChanged: Type.Array(Type.String(), {
    description: 'Other settings whose value changed (api.token, policies, …; secrets by name only)',
  }),
});

export const AddressParams = Type.Object({ address: Type.String({ format: 'ip' }) });
export const MessageBody = Type.Union([
  Type.Object({ message: Type.Optional(Type.String({ maxLength: 255 })) }, { additionalProperties: false }),
  Type.Null(),
]);
export const ActionResult = Type.Object({
  address: Type.String(),
  action: Type.String(),
  routeRefreshRequested: Type.Optional(Type.Boolean()),
  /** Present while BFD holds the BGP session down: it starts when BFD is Up again. */
  heldBy: Type.Optional(Type.Literal('bfd', { description: 'BFD holds the session down until BFD is Up' })),
});

/** A prefix named in a query or body (DELETE /api/v1/announcements). */
export const PrefixSchema = Type.Object(
  { prefix: Type.Optional(Type.String({ format: 'prefix' })) },
  { additionalProperties: false },
);
export const WithdrawnSchema = Type.Object({
  withdrawn: Type.String(),
  configuredInForce: Type.Optional(
    Type.Boolean({
      description: 'The withdrawn API route had overridden a configured one, which is in force again',
    }),
  ),
  warnings: Type.Optional(
    Type.Array(Type.String(), { description: 'The withdrawal could not be kept in stateDir' }),
  ),
});

/** A neighbor given by interface (BGP unnumbered): the peer found on its link, or what is missing. */
export const InterfaceNeighborSchema = Type.Object({
  interface: Type.String(),
  address: Nullable(Type.String({ description: "The peer's link-local address with its zone, once found" })),
  problem: Nullable(Type.String()),
});
