// TABLE_DUMP_V2 records: PEER_INDEX_TABLE and RIB subtypes (RFC 6396 §4.3, RFC 8050 §4).

import type { ByteCursor } from './byte-cursor.js';
import { addressLength, ipText, ipv4Text } from './ip-text.js';
import { Afi, PeerTypeBit, Safi, TableDumpV2Subtype } from './record-types.js';
import type {
  MrtRecord,
  MrtRecordHeader,
  PackedPrefix,
  PeerIndexEntry,
  PeerIndexTableRecord,
  RibEntry,
  RibRecord,
} from './records.js';
import { unknownRecord } from './unknown-record.js';

/** [afi, safi, addPath] of the AFI/SAFI-specific RIB subtypes. */
const SPECIFIC_RIB: ReadonlyMap<number, readonly [number, number, boolean]> = new Map([
  [TableDumpV2Subtype.RIB_IPV4_UNICAST, [Afi.IPv4, Safi.UNICAST, false]],
  [TableDumpV2Subtype.RIB_IPV4_MULTICAST, [Afi.IPv4, Safi.MULTICAST, false]],
  [TableDumpV2Subtype.RIB_IPV6_UNICAST, [Afi.IPv6, Safi.UNICAST, false]],
  [TableDumpV2Subtype.RIB_IPV6_MULTICAST, [Afi.IPv6, Safi.MULTICAST, false]],
  [TableDumpV2Subtype.RIB_IPV4_UNICAST_ADDPATH, [Afi.IPv4, Safi.UNICAST, true]],
  [TableDumpV2Subtype.RIB_IPV4_MULTICAST_ADDPATH, [Afi.IPv4, Safi.MULTICAST, true]],
  [TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH, [Afi.IPv6, Safi.UNICAST, true]],
  [TableDumpV2Subtype.RIB_IPV6_MULTICAST_ADDPATH, [Afi.IPv6, Safi.MULTICAST, true]],
]);

/** SAFIs whose NLRI is a bit-length octet followed by ceil(length/8) octets. */
const PREFIX_SAFIS: ReadonlySet<number> = new Set(Object.values(Safi));

export function decodeTableDumpV2(h: MrtRecordHeader, cur: ByteCursor): MrtRecord {
  const specific = SPECIFIC_RIB.get(h.subtype);
  if (specific !== undefined) return specificRib(h, cur, specific[0], specific[1], specific[2]);
  switch (h.subtype) {
    case TableDumpV2Subtype.PEER_INDEX_TABLE:
      return peerIndexTable(h, cur);
    case TableDumpV2Subtype.RIB_GENERIC:
      return genericRib(h, cur, false);
    case TableDumpV2Subtype.RIB_GENERIC_ADDPATH:
      return genericRib(h, cur, true);
    default:
      return unknownRecord(h, cur);
  }
}

function peerIndexTable(h: MrtRecordHeader, cur: ByteCursor): PeerIndexTableRecord {
  cur.need(4, 'Collector BGP ID');
  const collectorBgpId = ipv4Text(cur.buf, cur.pos);
  cur.pos += 4;
  // RFC 6396 §4.3.1: "The View Name is OPTIONAL and, if not present, the View Name Length MUST
  // be set to 0. The View Name encoding MUST follow the UTF-8 transformation format."
  const viewNameLength = cur.u16('View Name Length');
  const viewName = cur.take(viewNameLength, 'View Name').toString('utf8');
  const count = cur.u16('Peer Count');
  const peers: PeerIndexEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const peerType = cur.u8('Peer Type');
    // RFC 6396 §4.3.1: "Bit 6: Peer AS number size: 0 = 16 bits, 1 = 32 bits
    // Bit 7: Peer IP Address family: 0 = IPv4, 1 = IPv6"
    const afi = peerType & PeerTypeBit.IPV6 ? Afi.IPv6 : Afi.IPv4;
    const as4 = (peerType & PeerTypeBit.AS4) !== 0;
    const len = addressLength(afi);
    cur.need(4 + len, 'Peer BGP ID/IP Address');
    const bgpId = ipv4Text(cur.buf, cur.pos);
    const ip = ipText(cur.buf, cur.pos + 4, afi);
    cur.pos += 4 + len;
    const as = as4 ? cur.u32('Peer AS') : cur.u16('Peer AS');
    peers[i] = { peerType, bgpId, afi, ip, as, as4 };
  }
  if (cur.remaining !== 0) cur.fail(`${cur.remaining} trailing octets after PEER_INDEX_TABLE`);
  return {
    kind: 'peer-index-table',
    type: h.type,
    subtype: h.subtype,
    timestamp: h.timestamp,
    microseconds: h.microseconds,
    offset: h.offset,
    collectorBgpId,
    viewName,
    peers,
  };
}

function readPrefix(cur: ByteCursor, maxBits: number): PackedPrefix {
  const at = cur.pos;
  const length = cur.u8('Prefix Length');
  if (length > maxBits) cur.fail(`Prefix Length ${length} exceeds ${maxBits} bits`, at);
  return { length, bytes: cur.take((length + 7) >>> 3, 'Prefix') };
}

function specificRib(
  h: MrtRecordHeader,
  cur: ByteCursor,
  afi: number,
  safi: number,
  addPath: boolean,
): RibRecord {
  const sequence = cur.u32('Sequence Number');
  // RFC 6396 §4.3.2: "The Prefix Length and Prefix fields are encoded in the same manner as the
  // BGP NLRI encoding for IPv4 and IPv6 prefixes."
  const prefix = readPrefix(cur, addressLength(afi) * 8);
  // RFC 8050 §4.1: "This adds a field to the RIB Entries record to store the Path Identifier
  // when used with the RIB_IPV4_UNICAST_ADDPATH, RIB_IPV4_MULTICAST_ADDPATH,
  // RIB_IPV6_UNICAST_ADDPATH, and RIB_IPV6_MULTICAST_ADDPATH subtypes."
  const entries = readEntries(cur, addPath, undefined);
  return ribRecord(h, sequence, afi, safi, addPath, prefix, entries);
}

function genericRib(h: MrtRecordHeader, cur: ByteCursor, addPath: boolean): MrtRecord {
  const start = cur.pos;
  const sequence = cur.u32('Sequence Number');
  const afi = cur.u16('Address Family Identifier');
  const safi = cur.u8('Subsequent AFI');
  // RFC 6396 §4.3.3: "An implementation that does not recognize particular AFI and SAFI values
  // SHOULD discard the remainder of the MRT record."
  if (addressLength(afi) === 0 || !PREFIX_SAFIS.has(safi)) {
    cur.pos = start;
    return unknownRecord(h, cur);
  }
  // RFC 8050 §4.2: "These fields continue to encapsulate the raw and additional-path-enabled
  // AFI/SAFI/NLRI in the record, and the raw attributes in the RIB Entries. For clarity, the
  // RIB Entries in this subtype are not redefined."
  const pathId = addPath ? cur.u32('Path Identifier') : undefined;
  const plain = safi === Safi.UNICAST || safi === Safi.MULTICAST;
  const prefix = readPrefix(cur, plain ? addressLength(afi) * 8 : 255);
  const entries = readEntries(cur, false, pathId);
  return ribRecord(h, sequence, afi, safi, addPath, prefix, entries);
}

/**
 * RIB Entries (RFC 6396 §4.3.4, RFC 8050 §4.1). With `entryPathIds` each entry reads its own
 * Path Identifier; otherwise every entry gets `sharedPathId` (the RIB_GENERIC_ADDPATH NLRI's).
 */
function readEntries(cur: ByteCursor, entryPathIds: boolean, sharedPathId: number | undefined): RibEntry[] {
  // RFC 6396 §4.3.2: "These subtypes permit a single MRT record to encode multiple RIB table
  // entries for a single prefix."
  const count = cur.u16('Entry Count');
  const entries: RibEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const peerIndex = cur.u16('Peer Index');
    const originatedTime = cur.u32('Originated Time');
    const pathId = entryPathIds ? cur.u32('Path Identifier') : sharedPathId;
    const attributeLength = cur.u16('Attribute Length');
    const attributes = cur.take(attributeLength, 'BGP Attributes');
    entries[i] = { peerIndex, originatedTime, pathId, attributes };
  }
  if (cur.remaining !== 0) cur.fail(`${cur.remaining} trailing octets after ${count} RIB entries`);
  return entries;
}

function ribRecord(
  h: MrtRecordHeader,
  sequence: number,
  afi: number,
  safi: number,
  addPath: boolean,
  prefix: PackedPrefix,
  entries: RibEntry[],
): RibRecord {
  return {
    kind: 'rib',
    type: h.type,
    subtype: h.subtype,
    timestamp: h.timestamp,
    microseconds: h.microseconds,
    offset: h.offset,
    sequence,
    afi,
    safi,
    addPath,
    prefix,
    entries,
  };
}
