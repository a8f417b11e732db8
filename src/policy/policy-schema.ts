// The routing-policy part of Herald's configuration (TypeBox → JSON Schema): named prefix lists,
// AS-path lists, community lists and route-map style policies, plus the per-neighbor keys that
// name a policy. config/schema.ts adds these pieces as top-level and neighbor keys; compile.ts
// checks what a schema cannot say (names that must exist, ge/le ranges, regular expressions).
import type { Static } from 'typebox';
import { ASN, Closed, Text as Name, Opt, U32 } from '../config/schema-kit.js';
import { Type } from '../config/schema-type.js';

/** Families a policy term can match (the config's family names). */
export const POLICY_FAMILIES = ['ipv4-unicast', 'ipv6-unicast'] as const;
/** RFC 4271 §5.1.1 ORIGIN values by name, in code order (IGP 0, EGP 1, INCOMPLETE 2). */
export const ORIGIN_NAMES = ['igp', 'egp', 'incomplete'] as const;

const ListAction = Type.Enum(['permit', 'deny'], {
  description: 'What a route matching this entry gets; the first matching entry decides',
});

export const PrefixListEntrySchema = Type.Object(
  {
    action: ListAction,
    prefix: Type.String({ format: 'prefix', description: 'IPv4 or IPv6 prefix, host bits clear' }),
    ge: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 128,
        description: 'Match longer prefixes inside `prefix`, from this length (len < ge <= le)',
      }),
    ),
    le: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 128,
        description: 'Match prefixes inside `prefix` up to this length (len <= le)',
      }),
    ),
  },
  Closed,
);

export const PrefixListsSchema = Type.Record(
  Type.String(),
  Type.Array(PrefixListEntrySchema, { description: 'Entries in order; no match: deny (as FRR)' }),
  { description: 'Named prefix lists (FRR `ip prefix-list` / `ipv6 prefix-list`)' },
);

export const AsPathListEntrySchema = Type.Object(
  {
    action: ListAction,
    regex: Type.String({
      description: 'Regular expression over the AS path as `show ip bgp` prints it; `_` is a delimiter',
    }),
  },
  Closed,
);

export const AsPathListsSchema = Type.Record(
  Type.String(),
  Type.Array(AsPathListEntrySchema, { description: 'Entries in order; no match: deny (as FRR)' }),
  { description: 'Named AS-path lists (FRR `bgp as-path access-list`)' },
);

export const CommunityListSchema = Type.Object(
  {
    communities: Opt(Type.Array(Type.String({ format: 'community' }), { description: 'RFC 1997 values' })),
    largeCommunities: Opt(
      Type.Array(Type.String({ format: 'large-community' }), { description: 'RFC 8092 values' }),
    ),
    extendedCommunities: Opt(
      Type.Array(Type.String({ format: 'extended-community' }), { description: 'RFC 4360 values' }),
    ),
    regex: Opt(
      Type.Array(Type.String(), {
        description:
          'Regular expressions over the text of any community ("65000:100", "1:2:3", "rt:65000:1")',
      }),
    ),
  },
  Closed,
);

export const CommunityListsSchema = Type.Record(Type.String(), CommunityListSchema, {
  description: 'Named sets of communities, matched "any" or "all" and used to remove communities',
});

const Range = (what: string) =>
  Type.Object(
    { min: Opt(U32(`Lowest ${what} that matches`)), max: Opt(U32(`Highest ${what} that matches`)) },
    { ...Closed, description: `${what} within min..max (a route without one does not match)` },
  );

export const TermMatchSchema = Type.Object(
  {
    prefixList: Opt(Name('The prefix is permitted by this prefix list')),
    asPathList: Opt(Name('The AS path is permitted by this AS-path list')),
    communities: Opt(
      Type.Object(
        {
          list: Name('Community list'),
          match: Opt(
            Type.Enum(['any', 'all'], {
              default: 'any',
              description: 'The route carries any (one or more) or all of the list',
            }),
          ),
        },
        Closed,
      ),
    ),
    nextHop: Opt(Type.String({ format: 'ip', description: 'The next hop is this address' })),
    nextHopPrefixList: Opt(Name('The next hop (as a host prefix) is permitted by this prefix list')),
    neighbor: Opt(Type.String({ format: 'ip', description: 'Learned from / sent to this neighbor' })),
    neighborAsn: Opt(ASN('Learned from / sent to a neighbor in this AS')),
    routeType: Opt(
      Type.Enum(['learned', 'originated'], {
        description: 'Learned from a neighbor, or originated by Herald (config, API, Kubernetes)',
      }),
    ),
    family: Opt(Type.Enum(POLICY_FAMILIES, { description: 'Address family of the prefix' })),
    origin: Opt(Type.Enum(ORIGIN_NAMES, { description: 'ORIGIN attribute' })),
    localPref: Opt(Range('LOCAL_PREF')),
    med: Opt(Range('MED')),
  },
  { ...Closed, description: 'Conditions that must all hold; none: every route matches' },
);

const CommunityEdit = (format: string, what: string) =>
  Type.Object(
    {
      replace: Opt(Type.Array(Type.String({ format }), { description: `Replace all ${what} (first)` })),
      remove: Opt(Name(`Remove the ${what} this community list holds (second)`)),
      add: Opt(Type.Array(Type.String({ format }), { description: `Add these ${what} (last)` })),
    },
    Closed,
  );

export const TermSetSchema = Type.Object(
  {
    localPref: Opt(U32('LOCAL_PREF')),
    med: Opt(
      Type.Union([U32('MED'), Type.String({ pattern: '^[+-][0-9]{1,10}$', description: '"+N" or "-N"' })], {
        description: 'MED, or "+N" / "-N" to change it (a route without MED counts as 0)',
      }),
    ),
    nextHop: Opt(
      Type.Union([Type.Enum(['self', 'peer']), Type.String({ format: 'ip' })], {
        description: 'self: our session address; peer: the neighbor (import) or our address (export)',
      }),
    ),
    communities: Opt(CommunityEdit('community', 'communities')),
    largeCommunities: Opt(CommunityEdit('large-community', 'large communities')),
    extendedCommunities: Opt(CommunityEdit('extended-community', 'extended communities')),
    asPathPrepend: Opt(
      Type.Object(
        {
          count: Type.Integer({ minimum: 1, maximum: 32, description: 'How many copies to prepend' }),
          asn: Opt(ASN('ASN to prepend (default: our own)')),
        },
        Closed,
      ),
    ),
    origin: Opt(Type.Enum(ORIGIN_NAMES, { description: 'ORIGIN attribute' })),
  },
  { ...Closed, description: 'Changes applied to a matching route that the term accepts or continues with' },
);

export const TermSchema = Type.Object(
  {
    name: Opt(Name('Shown in `herald policy test` as the term that decided')),
    match: Opt(TermMatchSchema),
    set: Opt(TermSetSchema),
    action: Type.Enum(['accept', 'reject', 'continue'], {
      description: 'On a match: accept or reject now, or apply `set` and go on with the next term',
    }),
  },
  Closed,
);

export const PolicySchema = Type.Object(
  {
    terms: Opt(Type.Array(TermSchema, { description: 'Terms in order; the first that matches decides' })),
    default: Type.Enum(['accept', 'reject'], { description: 'What a route no term decided gets' }),
  },
  Closed,
);

export const PoliciesSchema = Type.Record(Type.String(), PolicySchema, {
  description: 'Named route-map style policies, used by neighbors as importPolicy / exportPolicy',
});

/** Top-level config keys. */
export const policyConfigFields = {
  prefixLists: Opt(PrefixListsSchema),
  asPathLists: Opt(AsPathListsSchema),
  communityLists: Opt(CommunityListsSchema),
  policies: Opt(PoliciesSchema),
};

/** Per-neighbor config keys. */
export const neighborPolicyFields = {
  importPolicy: Opt(Name('Policy applied to routes received from this neighbor (default: accept all)')),
  exportPolicy: Opt(Name('Policy applied to routes sent to this neighbor')),
};

export const PolicyConfigSchema = Type.Object(policyConfigFields, Closed);

export type RawPolicyConfig = Static<typeof PolicyConfigSchema>;
export type RawPrefixListEntry = Static<typeof PrefixListEntrySchema>;
export type RawAsPathListEntry = Static<typeof AsPathListEntrySchema>;
export type RawCommunityList = Static<typeof CommunityListSchema>;
export type RawTerm = Static<typeof TermSchema>;
export type RawTermMatch = Static<typeof TermMatchSchema>;
export type RawTermSet = Static<typeof TermSetSchema>;
export type RawPolicy = Static<typeof PolicySchema>;
