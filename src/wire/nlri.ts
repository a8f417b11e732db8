// RFC 4271 §4.3 NLRI encoding, with the RFC 7911 Path Identifier when add-path is in use:
//
//   +--------------------------------+
//   | Path Identifier (4 octets)     |   (RFC 7911, only when negotiated)
//   +--------------------------------+
//   | Length (1 octet)               |
//   +--------------------------------+
//   | Prefix (variable)              |
//   +--------------------------------+
//
// Used for the UPDATE's Withdrawn Routes and NLRI fields and inside MP_REACH/MP_UNREACH.
import { Notification } from './errors.js';
import type { Prefix } from './prefix.js';
import { maxLength } from './prefix.js';
import type { Afi } from './registry.js';
import type { Writer } from './writer.js';

/** Receives each prefix without allocation: the packed octets are `buf[off .. off+ceil(length/8))`. */
export type NlriVisitor = (buf: Buffer, off: number, length: number, pathId: number) => void;

/**
 * Walks the NLRI in `buf[start..end)`, calling `visit` per prefix; returns the prefix count.
 * Malformed input throws `Notification(code, subcode)`: RFC 7606 §5.3 says an NLRI field that
 * cannot be parsed leaves only "session reset" (or AFI/SAFI disable).
 */
export function walkNlri(
  buf: Buffer,
  start: number,
  end: number,
  afi: Afi,
  addPath: boolean,
  code: number,
  subcode: number,
  visit: NlriVisitor,
): number {
  const max = maxLength(afi);
  let pos = start;
  let count = 0;
  let pathId = 0;
  while (pos < end) {
    if (addPath) {
      if (pos + 5 > end) throw new Notification(code, subcode, undefined, 'truncated path identifier');
      pathId = buf.readUInt32BE(pos);
      pos += 4;
    }
    const length = buf[pos++];
    if (length > max) throw new Notification(code, subcode, undefined, `prefix length ${length} > ${max}`);
    const n = (length + 7) >> 3;
    if (pos + n > end) throw new Notification(code, subcode, undefined, 'prefix overruns its field');
    visit(buf, pos, length, pathId);
    pos += n;
    count++;
  }
  return count;
}

/** Decodes the NLRI in `buf[start..end)` into Prefix values whose octets are views into `buf`. */
export function decodeNlri(
  buf: Buffer,
  start: number,
  end: number,
  afi: Afi,
  addPath: boolean,
  code: number,
  subcode: number,
): Prefix[] {
  const out: Prefix[] = [];
  walkNlri(buf, start, end, afi, addPath, code, subcode, (b, off, length, pathId) => {
    const bytes = b.subarray(off, off + ((length + 7) >> 3));
    out.push(addPath ? { afi, length, bytes, pathId } : { afi, length, bytes });
  });
  return out;
}

/** Bytes `p` takes on the wire. */
export function nlriSize(p: Prefix, addPath: boolean): number {
  return (addPath ? 5 : 1) + ((p.length + 7) >> 3);
}

/** Writes one prefix (masking bits past its length, as RFC 4271 allows receivers to ignore them). */
export function writePrefix(w: Writer, p: Prefix, addPath: boolean): void {
  const n = (p.length + 7) >> 3;
  w.ensure(nlriSize(p, addPath));
  if (addPath) w.u32(p.pathId ?? 0);
  w.buf[w.pos++] = p.length;
  for (let i = 0; i < n; i++) w.buf[w.pos + i] = p.bytes[i] ?? 0;
  const rem = p.length & 7;
  if (rem !== 0) w.buf[w.pos + n - 1] &= (0xff << (8 - rem)) & 0xff;
  w.pos += n;
}

/**
 * Hot-path IPv4 writer: the prefix as a 32-bit address number and a length. Returns false (writing
 * nothing) when it does not fit before `w.limit`, so packers can start the next message.
 */
export function writeIpv4Prefix(
  w: Writer,
  addr: number,
  length: number,
  pathId: number,
  addPath: boolean,
): boolean {
  const n = (length + 7) >> 3;
  const size = (addPath ? 5 : 1) + n;
  if (w.pos + size > w.limit) return false;
  const buf = w.buf;
  let pos = w.pos;
  if (addPath) {
    buf.writeUInt32BE(pathId >>> 0, pos);
    pos += 4;
  }
  buf[pos++] = length;
  if (n > 0) buf[pos++] = addr >>> 24;
  if (n > 1) buf[pos++] = (addr >>> 16) & 0xff;
  if (n > 2) buf[pos++] = (addr >>> 8) & 0xff;
  if (n > 3) buf[pos++] = addr & 0xff;
  w.pos = pos;
  return true;
}
