// Public surface of the MRT container reader (RFC 6396, RFC 8050).

export { ipv4Text, ipv6Text } from './ip-text.js';
export { MrtFormatError } from './mrt-format-error.js';
export { decodeMrtRecord, readMrtRecords } from './mrt-reader.js';
export { readMrtChunks, type StreamMrtOptions, streamMrtRecords } from './mrt-stream.js';
export {
  Afi,
  Bgp4mpSubtype,
  BgpFsmState,
  isExtendedTimestampType,
  MRT_HEADER_LENGTH,
  MrtType,
  PeerTypeBit,
  Safi,
  TableDumpSubtype,
  TableDumpV2Subtype,
} from './record-types.js';
export type {
  Bgp4mpMessageRecord,
  Bgp4mpPeering,
  Bgp4mpStateChangeRecord,
  MrtRecord,
  MrtRecordHeader,
  MrtRecordKind,
  PackedPrefix,
  PeerIndexEntry,
  PeerIndexTableRecord,
  RibEntry,
  RibRecord,
  TableDumpRecord,
  UnknownRecord,
} from './records.js';
