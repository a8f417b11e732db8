// Registries of MRT type and subtype codes (RFC 6396 §4, RFC 8050 §3-4) and related code points.

type ValueOf<T> = T[keyof T];

/** MRT Type codes (RFC 6396 §4; deprecated types 0-10 are not listed). */
export const MrtType = {
  OSPFv2: 11,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17,
  ISIS: 32,
  ISIS_ET: 33,
  OSPFv3: 48,
  OSPFv3_ET: 49,
} as const;
export type MrtType = ValueOf<typeof MrtType>;

/** BGP4MP / BGP4MP_ET subtypes (RFC 6396 §4.4, RFC 8050 §3). */
export const Bgp4mpSubtype = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;
export type Bgp4mpSubtype = ValueOf<typeof Bgp4mpSubtype>;

/** TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 6397, RFC 8050 §4). */
export const TableDumpV2Subtype = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  GEO_PEER_TABLE: 7,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12,
} as const;
export type TableDumpV2Subtype = ValueOf<typeof TableDumpV2Subtype>;

/** Legacy TABLE_DUMP subtypes (RFC 6396 §4.2). */
export const TableDumpSubtype = {
  AFI_IPv4: 1,
  AFI_IPv6: 2,
} as const;
export type TableDumpSubtype = ValueOf<typeof TableDumpSubtype>;

/** Address Family Identifiers used in MRT headers. */
export const Afi = {
  IPv4: 1,
  IPv6: 2,
} as const;
export type Afi = ValueOf<typeof Afi>;

/** Subsequent AFI values the reader understands as plain prefix NLRI. */
export const Safi = {
  UNICAST: 1,
  MULTICAST: 2,
  MPLS_LABEL: 4,
  MPLS_VPN: 128,
  MULTICAST_VPN: 129,
} as const;
export type Safi = ValueOf<typeof Safi>;

/** BGP FSM states as numbered in BGP4MP_STATE_CHANGE (RFC 6396 §4.4.1). */
export const BgpFsmState = {
  Idle: 1,
  Connect: 2,
  Active: 3,
  OpenSent: 4,
  OpenConfirm: 5,
  Established: 6,
} as const;
export type BgpFsmState = ValueOf<typeof BgpFsmState>;

/** PEER_INDEX_TABLE Peer Type bits (RFC 6396 §4.3.1, Figure 7). */
export const PeerTypeBit = {
  IPV6: 0x01,
  AS4: 0x02,
} as const;
export type PeerTypeBit = ValueOf<typeof PeerTypeBit>;

/** Size of the MRT Common Header in octets. */
export const MRT_HEADER_LENGTH = 12;

// RFC 6396 §4: "The MRT Types that contain the "_ET" suffix in their names identify
// those types that use an Extended Timestamp MRT Header."
export function isExtendedTimestampType(type: number): boolean {
  return type === MrtType.BGP4MP_ET || type === MrtType.ISIS_ET || type === MrtType.OSPFv3_ET;
}
