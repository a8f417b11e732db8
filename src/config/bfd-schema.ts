// The BFD part of Herald's configuration (TypeBox → JSON Schema): named profiles (top-level
// `bfdProfiles`) and the per-neighbor `bfd` key. config/schema.ts adds these pieces; bfd-config.ts
// resolves a neighbor's profile, fills the defaults and reads the authentication secret.
import type { Static } from 'typebox';
import { AUTH_TYPE_NAMES } from '../bfd/registry.js';
import { Closed, Opt, Text } from './schema-kit.js';
import { Type } from './schema-type.js';

const Interval = (description: string) => Type.Integer({ minimum: 10, maximum: 60_000, description });

/** RFC 5880 §6.7 authentication; the secret comes from one of password, passwordFile, passwordEnv. */
export const BfdAuthSchema = Type.Object(
  {
    type: Type.Enum(Object.keys(AUTH_TYPE_NAMES) as (keyof typeof AUTH_TYPE_NAMES)[], {
      description: 'Authentication type (RFC 5880 §6.7)',
    }),
    keyId: Opt(Type.Integer({ minimum: 0, maximum: 255, default: 1, description: 'Auth Key ID' })),
    password: Opt(Text('The key (1–16 octets, 20 for SHA1); prefer passwordFile or passwordEnv')),
    passwordFile: Opt(Text('File holding the BFD key')),
    passwordEnv: Opt(Text('Environment variable holding the BFD key')),
  },
  Closed,
);

/**
 * A session parameter's default when neither the neighbor nor its profile gives it (a profile
 * cannot carry schema defaults: the neighbor's own keys override it): 300 ms × 3, like FRR and
 * MetalLB's BFDProfile.
 */
export const BFD_DEFAULTS = { minRx: 300, minTx: 300, multiplier: 3, passive: false } as const;

/** Session parameters shared by a profile and a neighbor's own `bfd` block. */
const sessionFields = {
  minRx: Opt(Interval(`Required Min RX Interval, milliseconds (default ${BFD_DEFAULTS.minRx})`)),
  minTx: Opt(Interval(`Desired Min TX Interval, milliseconds (default ${BFD_DEFAULTS.minTx})`)),
  multiplier: Opt(
    Type.Integer({
      minimum: 2,
      maximum: 255,
      description: `Detect Mult (default ${BFD_DEFAULTS.multiplier})`,
    }),
  ),
  passive: Opt(
    Type.Boolean({ description: "Passive role: wait for the peer's first packet (default false)" }),
  ),
  minTtl: Opt(
    Type.Integer({
      minimum: 1,
      maximum: 255,
      description: 'Multihop only: lowest TTL accepted from the peer (default 254)',
    }),
  ),
  auth: Opt(BfdAuthSchema),
};

export const BfdProfileSchema = Type.Object(
  { name: Text('Profile name, referred to by a neighbor’s bfd.profile'), ...sessionFields },
  Closed,
);

export const NeighborBfdSchema = Type.Object(
  {
    enabled: Opt(
      Type.Boolean({
        default: true,
        description: 'Run a BFD session beside BGP (a bfd block turns it on unless false)',
      }),
    ),
    profile: Opt(Text('A bfdProfiles entry; keys set here override it')),
    multihop: Opt(
      Type.Boolean({
        description: 'RFC 5883 multihop (port 4784); default true when ebgpMultihop is set',
      }),
    ),
    strict: Opt(
      Type.Boolean({
        default: false,
        description:
          'Hold BGP down until BFD is Up (default: a BFD session that never came up does not block BGP)',
      }),
    ),
    ...sessionFields,
  },
  Closed,
);

/** The top-level key. */
export const bfdConfigFields = {
  bfdProfiles: Opt(
    Type.Array(BfdProfileSchema, {
      default: [],
      description: 'Named BFD parameter sets (neighbors name them)',
    }),
  ),
};

/** The per-neighbor key. */
export const neighborBfdFields = {
  bfd: Opt(NeighborBfdSchema),
};

export type RawBfdProfile = Static<typeof BfdProfileSchema>;
export type RawNeighborBfd = Static<typeof NeighborBfdSchema>;
export type RawBfdAuth = Static<typeof BfdAuthSchema>;
