// Reading rtattr lists (struct rtattr { u16 rta_len; u16 rta_type; } + payload, 4-aligned).
//
//   "rta_len: Length of option; rta_type: Type of option; Data follows" — rtnetlink(7)
//
// The iterator checks every length against the end of the enclosing object before anything is read,
// so a hostile length yields NetlinkDecodeError('truncated'), never a read past the data.

import { align4, RTATTR_HDRLEN } from './constants.js';
import { fail } from './errors.js';
import { formatAddress } from './ip.js';

/** NLA_F_NESTED and NLA_F_NET_BYTEORDER share the type field; the type proper is the low 14 bits. */
const NLA_TYPE_MASK = 0x3fff;

/**
 * Calls `visit(type, start, end)` for each attribute in buf[start, end). `end` of an attribute is
 * its payload end (rta_len), not the padded one. The last attribute may omit its padding.
 */
export function forEachAttr(
  buf: Buffer,
  start: number,
  end: number,
  what: string,
  visit: (type: number, start: number, end: number) => void,
): void {
  let pos = start;
  while (pos < end) {
    if (end - pos < RTATTR_HDRLEN) fail('truncated', `${what}: ${end - pos} trailing bytes, no attribute`);
    const len = buf.readUInt16LE(pos);
    const type = buf.readUInt16LE(pos + 2) & NLA_TYPE_MASK;
    if (len < RTATTR_HDRLEN || pos + len > end) {
      fail('truncated', `${what}: attribute ${type} length ${len} exceeds the ${end - pos} bytes left`);
    }
    visit(type, pos + RTATTR_HDRLEN, pos + len);
    pos += Math.min(align4(len), end - pos);
  }
}

export function attrU32(buf: Buffer, start: number, end: number, what: string): number {
  if (end - start !== 4) fail('badAttribute', `${what}: ${end - start} bytes, expected 4`);
  return buf.readUInt32LE(start);
}

export function attrU8(buf: Buffer, start: number, end: number, what: string): number {
  if (end - start !== 1) fail('badAttribute', `${what}: ${end - start} bytes, expected 1`);
  return buf[start];
}

/** An address of the given family (4 or 16 bytes) as text. */
export function attrAddress(buf: Buffer, start: number, end: number, family: 4 | 6, what: string): string {
  const want = family === 4 ? 4 : 16;
  if (end - start !== want) fail('badAttribute', `${what}: ${end - start} bytes, expected ${want}`);
  return formatAddress(buf.subarray(start, end));
}

/** A NUL-terminated (or unterminated) string. */
export function attrString(buf: Buffer, start: number, end: number): string {
  const nul = buf.indexOf(0, start);
  return buf.toString('utf8', start, nul >= 0 && nul < end ? nul : end);
}
