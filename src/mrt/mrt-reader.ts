// Synchronous MRT reader: frames records in an in-memory (already gunzipped) buffer and decodes them.

import { decodeBgp4mp } from './bgp4mp.js';
import { frameRecord, recordLengthAt } from './common-header.js';
import { MrtType } from './record-types.js';
import type { MrtRecord } from './records.js';
import { decodeTableDump } from './table-dump.js';
import { decodeTableDumpV2 } from './table-dump-v2.js';
import { unknownRecord } from './unknown-record.js';

/**
 * Decodes the single record starting at `start`; it must lie wholly within `buf`.
 * `base` is the input offset of `buf[0]`, used for `offset` fields and error offsets.
 */
export function decodeMrtRecord(buf: Buffer, start: number, base = 0): MrtRecord {
  const { header, body } = frameRecord(buf, start, base);
  switch (header.type) {
    case MrtType.BGP4MP:
    case MrtType.BGP4MP_ET:
      return decodeBgp4mp(header, body);
    case MrtType.TABLE_DUMP_V2:
      return decodeTableDumpV2(header, body);
    case MrtType.TABLE_DUMP:
      return decodeTableDump(header, body);
    default:
      return unknownRecord(header, body);
  }
}

/**
 * Yields every record in `buf`. Fields that carry payload (`message`, `attributes`,
 * `prefix.bytes`, `body`) are views into `buf`, not copies. Throws MrtFormatError on
 * truncated or malformed records; unknown types and subtypes come out as `kind: 'unknown'`.
 */
export function* readMrtRecords(buf: Buffer): Generator<MrtRecord, void, undefined> {
  let pos = 0;
  while (pos < buf.length) {
    const total = recordLengthAt(buf, pos);
    yield decodeMrtRecord(buf, pos);
    pos += total;
  }
}
