// The fallback record for MRT types and subtypes the reader does not decode.

import type { ByteCursor } from './byte-cursor.js';
import type { MrtRecordHeader, UnknownRecord } from './records.js';

export function unknownRecord(h: MrtRecordHeader, cur: ByteCursor): UnknownRecord {
  return {
    kind: 'unknown',
    type: h.type,
    subtype: h.subtype,
    timestamp: h.timestamp,
    microseconds: h.microseconds,
    offset: h.offset,
    body: cur.rest(),
  };
}
