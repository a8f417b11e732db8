// IANA registries used by the BGP-4 codec, as `as const` objects with derived union types.
// Pure data: no logic lives here.

/** RFC 4271 §4.1 message types, RFC 2918 ROUTE-REFRESH. */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const MESSAGE_TYPE_NAMES: Record<number, string> = {
  1: 'OPEN',
  2: 'UPDATE',
  3: 'NOTIFICATION',
  4: 'KEEPALIVE',
  5: 'ROUTE-REFRESH',
};

/** RFC 4271 §4.1: "The value of the Length field MUST always be at least 19 and no greater than 4096". */
export const HEADER_LENGTH = 19;
export const MARKER_LENGTH = 16;
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654: with the Extended Message capability, messages other than OPEN and KEEPALIVE may be up to 65535. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

export const Afi = { IPV4: 1, IPV6: 2 } as const;
export type Afi = (typeof Afi)[keyof typeof Afi];

export const Safi = { UNICAST: 1, MULTICAST: 2 } as const;
export type Safi = (typeof Safi)[keyof typeof Safi];

/** Path attribute type codes (IANA "BGP Path Attributes"). */
export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
  OTC: 35,
} as const;
export type AttrType = (typeof AttrType)[keyof typeof AttrType];

/** RFC 4271 §4.3 attribute flag bits. */
export const AttrFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10,
} as const;

/** Capability codes (IANA "Capability Codes"). */
export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  EXTENDED_NEXT_HOP: 5,
  EXTENDED_MESSAGE: 6,
  ROLE: 9,
  GRACEFUL_RESTART: 64,
  AS4: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  LONG_LIVED_GRACEFUL_RESTART: 71,
  FQDN: 73,
} as const;
export type CapabilityCode = (typeof CapabilityCode)[keyof typeof CapabilityCode];

/** RFC 6793: the reserved 2-octet AS number used in place of a 4-octet one. */
export const AS_TRANS = 23456;

/** RFC 4271 §5.1.1 ORIGIN values. */
export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

/** RFC 4271 §4.3 AS_PATH segment types, RFC 5065 confederation segments. */
export const AsPathSegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;
export type AsPathSegmentType = (typeof AsPathSegmentType)[keyof typeof AsPathSegmentType];

/** RFC 9234 BGP roles. */
export const Role = { PROVIDER: 0, RS: 1, RS_CLIENT: 2, CUSTOMER: 3, PEER: 4 } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** RFC 7911 Send/Receive field. */
export const AddPathDirection = { RECEIVE: 1, SEND: 2, BOTH: 3 } as const;
export type AddPathDirection = (typeof AddPathDirection)[keyof typeof AddPathDirection];

/** RFC 7313 ROUTE-REFRESH message subtypes (the "Reserved" octet of RFC 2918). */
export const RouteRefreshSubtype = { NORMAL: 0, BORR: 1, EORR: 2 } as const;
export type RouteRefreshSubtype = (typeof RouteRefreshSubtype)[keyof typeof RouteRefreshSubtype];
