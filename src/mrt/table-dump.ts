// Legacy TABLE_DUMP records: one RIB entry per record, 2-octet AS numbers (RFC 6396 §4.2).

import type { ByteCursor } from './byte-cursor.js';
import { addressLength, ipText } from './ip-text.js';
import { Afi, TableDumpSubtype } from './record-types.js';
import type { MrtRecord, MrtRecordHeader } from './records.js';
import { unknownRecord } from './unknown-record.js';

export function decodeTableDump(h: MrtRecordHeader, cur: ByteCursor): MrtRecord {
  // RFC 6396 §4.2 subtypes: 1 AFI_IPv4, 2 AFI_IPv6; anything else is not a TABLE_DUMP we can frame.
  const afi =
    h.subtype === TableDumpSubtype.AFI_IPv4
      ? Afi.IPv4
      : h.subtype === TableDumpSubtype.AFI_IPv6
        ? Afi.IPv6
        : 0;
  if (afi === 0) return unknownRecord(h, cur);
  const len = addressLength(afi);
  const viewNumber = cur.u16('View Number');
  const sequence = cur.u16('Sequence Number');
  const address = cur.take(len, 'Prefix');
  const lengthAt = cur.pos;
  const prefixLength = cur.u8('Prefix Length');
  if (prefixLength > len * 8) cur.fail(`Prefix Length ${prefixLength} exceeds ${len * 8} bits`, lengthAt);
  // RFC 6396 §4.2: "The Status octet is unused in the TABLE_DUMP Type and SHOULD be set to 1."
  const status = cur.u8('Status');
  const originatedTime = cur.u32('Originated Time');
  // RFC 6396 §4.2: "The TABLE_DUMP Type does not permit 4-byte Peer AS numbers, nor does it
  // allow the AFI of the peer IP to differ from the AFI of the Prefix field."
  cur.need(len, 'Peer IP Address');
  const peerIp = ipText(cur.buf, cur.pos, afi);
  cur.pos += len;
  const peerAs = cur.u16('Peer AS');
  const attributeLength = cur.u16('Attribute Length');
  const attributes = cur.take(attributeLength, 'BGP Attributes');
  if (cur.remaining !== 0) cur.fail(`${cur.remaining} trailing octets after TABLE_DUMP entry`);
  return {
    kind: 'table-dump',
    type: h.type,
    subtype: h.subtype,
    timestamp: h.timestamp,
    microseconds: h.microseconds,
    offset: h.offset,
    viewNumber,
    sequence,
    afi,
    prefix: { length: prefixLength, bytes: address.subarray(0, (prefixLength + 7) >>> 3) },
    status,
    originatedTime,
    peerIp,
    peerAs,
    attributes,
  };
}
