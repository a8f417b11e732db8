// The MrtRecord union: what the reader yields for each MRT record, by `kind`.

/** Fields every decoded record carries, taken from the (Extended Timestamp) MRT header. */
export interface MrtRecordHeader {
  /** MRT Type code (see MrtType). */
  type: number;
  /** MRT Subtype code. */
  subtype: number;
  /** Seconds since the UNIX epoch. */
  timestamp: number;
  /** Microsecond Timestamp, present only for _ET types. */
  microseconds?: number;
  /** Input offset of the record's first header octet. */
  offset: number;
}

/** Session fields shared by BGP4MP messages and state changes (RFC 6396 §4.4.1-4.4.2). */
export interface Bgp4mpPeering {
  peerAs: number;
  localAs: number;
  ifIndex: number;
  /** Address family of peerIp/localIp only; the BGP message may carry any AFI/SAFI. */
  afi: number;
  peerIp: string;
  localIp: string;
  /** True for the *_AS4 subtypes: AS numbers here, and AS_PATH inside the message, are 4-octet. */
  as4: boolean;
}

export interface Bgp4mpMessageRecord extends MrtRecordHeader, Bgp4mpPeering {
  kind: 'bgp4mp-message';
  /** True for the RFC 8050 *_ADDPATH subtypes: NLRI in the message carry Path Identifiers. */
  addPath: boolean;
  /** True for the *_LOCAL subtypes: the message was sent by the local speaker, not received. */
  local: boolean;
  /** The whole BGP message (marker, length, type, body) as a view into the input. */
  message: Buffer;
}

export interface Bgp4mpStateChangeRecord extends MrtRecordHeader, Bgp4mpPeering {
  kind: 'bgp4mp-state-change';
  oldState: number;
  newState: number;
}

export interface PeerIndexEntry {
  /** Raw Peer Type bits (see PeerTypeBit). */
  peerType: number;
  bgpId: string;
  afi: number;
  ip: string;
  as: number;
  as4: boolean;
}

export interface PeerIndexTableRecord extends MrtRecordHeader {
  kind: 'peer-index-table';
  collectorBgpId: string;
  viewName: string;
  peers: PeerIndexEntry[];
}

/** A prefix as packed in NLRI: `bytes` holds ceil(length/8) octets (trailing bits irrelevant). */
export interface PackedPrefix {
  bytes: Buffer;
  length: number;
}

export interface RibEntry {
  peerIndex: number;
  originatedTime: number;
  /** Path Identifier, for the RFC 8050 *_ADDPATH subtypes only. */
  pathId?: number;
  /** Raw BGP path attributes; AS_PATH is always 4-octet here (RFC 6396 §4.3.4). */
  attributes: Buffer;
}

export interface RibRecord extends MrtRecordHeader {
  kind: 'rib';
  sequence: number;
  afi: number;
  safi: number;
  addPath: boolean;
  prefix: PackedPrefix;
  entries: RibEntry[];
}

/** Legacy TABLE_DUMP (type 12) entry: one route per record, 2-octet AS numbers. */
export interface TableDumpRecord extends MrtRecordHeader {
  kind: 'table-dump';
  viewNumber: number;
  sequence: number;
  afi: number;
  prefix: PackedPrefix;
  status: number;
  originatedTime: number;
  peerIp: string;
  peerAs: number;
  /** Raw BGP path attributes; AS_PATH is 2-octet here (RFC 6396 §4.2). */
  attributes: Buffer;
}

/** A record of a type or subtype the reader does not decode; `body` follows any microsecond field. */
export interface UnknownRecord extends MrtRecordHeader {
  kind: 'unknown';
  body: Buffer;
}

export type MrtRecord =
  | Bgp4mpMessageRecord
  | Bgp4mpStateChangeRecord
  | PeerIndexTableRecord
  | RibRecord
  | TableDumpRecord
  | UnknownRecord;

export type MrtRecordKind = MrtRecord['kind'];
