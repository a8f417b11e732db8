// MRT Common Header and Extended Timestamp MRT Header framing (RFC 6396 §2-3).

import { ByteCursor } from './byte-cursor.js';
import { MrtFormatError } from './mrt-format-error.js';
import { isExtendedTimestampType, MRT_HEADER_LENGTH } from './record-types.js';
import type { MrtRecordHeader } from './records.js';

/**
 * Total octets (header included) of the record starting at `start`, which must have the
 * 12 header octets available. Throws if the header alone is cut short.
 */
export function recordLengthAt(buf: Buffer, start: number, base = 0): number {
  if (buf.length - start < MRT_HEADER_LENGTH) {
    throw new MrtFormatError(
      `truncated MRT header: need ${MRT_HEADER_LENGTH} octets, ${buf.length - start} left`,
      base + start,
    );
  }
  // RFC 6396 §2: "The Length field does not include the length of the MRT Common Header."
  const length = buf.readUInt32BE(start + 8);
  // A streaming reader would otherwise buffer the rest of a damaged file waiting for the record.
  if (length > MAX_MRT_RECORD_LENGTH)
    throw new MrtFormatError(
      `implausible MRT record Length ${length} (above ${MAX_MRT_RECORD_LENGTH}): not MRT data, or damaged`,
      base + start,
    );
  return MRT_HEADER_LENGTH + length;
}

/**
 * The longest record body read: a BGP message is at most 65,535 octets (RFC 8654) and the largest
 * TABLE_DUMP_V2 RIB records of full collectors are tens of kilobytes; 16 MiB leaves a wide margin.
 */
export const MAX_MRT_RECORD_LENGTH = 16 * 1024 * 1024;

export interface FramedRecord {
  header: MrtRecordHeader;
  /** Positioned after the header (and after the Microsecond Timestamp for _ET types). */
  body: ByteCursor;
}

/** Frames the record at `start`; the whole record must lie within `buf`. */
export function frameRecord(buf: Buffer, start: number, base = 0): FramedRecord {
  const total = recordLengthAt(buf, start, base);
  const end = start + total;
  if (end > buf.length) {
    throw new MrtFormatError(
      `truncated MRT record: Length says ${total - MRT_HEADER_LENGTH} octets, ${buf.length - start - MRT_HEADER_LENGTH} present`,
      base + start,
    );
  }
  const type = buf.readUInt16BE(start + 4);
  const body = new ByteCursor(buf, start + MRT_HEADER_LENGTH, end, base);
  let microseconds: number | undefined;
  if (isExtendedTimestampType(type)) {
    // RFC 6396 §3: "The Microsecond Timestamp immediately follows the Length field in the MRT
    // Common Header and precedes all other fields in the message. The Microsecond Timestamp
    // is included in the computation of the Length field value."
    microseconds = body.u32('Microsecond Timestamp');
  }
  const header: MrtRecordHeader = {
    type,
    subtype: buf.readUInt16BE(start + 6),
    timestamp: buf.readUInt32BE(start),
    microseconds,
    offset: base + start,
  };
  return { header, body };
}
