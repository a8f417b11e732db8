// nlmsghdr framing: splitting a received datagram into messages, and reading the two control
// messages every request ends with — NLMSG_DONE (end of a multi-part dump) and NLMSG_ERROR (the
// acknowledgement: error 0, or a negative errno with the offending request and extended-ack TLVs).
//
//   struct nlmsghdr { u32 nlmsg_len; u16 nlmsg_type; u16 nlmsg_flags; u32 nlmsg_seq; u32 nlmsg_pid; }
//   "nlmsg_len: Length of message including header" — netlink(7)
//   "NLMSG_ERROR ... struct nlmsgerr { int error; struct nlmsghdr msg; }" — netlink(7)
//   "If NLM_F_CAPPED is set, the payload of the original message is not included" — <linux/netlink.h>

import { attrString, attrU32, forEachAttr } from './attributes.js';
import { align4, ErrAttr, Flag, MessageType, NLMSG_HDRLEN } from './constants.js';
import { fail } from './errors.js';

export interface Message {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** The whole message (header included) as a view into the datagram. */
  buf: Buffer;
}

/**
 * Splits a datagram (buf[0, length)) into its messages, without copying. Throws
 * NetlinkDecodeError('truncated') when a length does not fit.
 */
export function splitMessages(buf: Buffer, length = buf.length): Message[] {
  const out: Message[] = [];
  let pos = 0;
  while (pos < length) {
    if (length - pos < NLMSG_HDRLEN) fail('truncated', `${length - pos} trailing bytes, no nlmsghdr`);
    const len = buf.readUInt32LE(pos);
    if (len < NLMSG_HDRLEN || len > length - pos) {
      fail('truncated', `nlmsg_len ${len} with ${length - pos} bytes left`);
    }
    out.push({
      type: buf.readUInt16LE(pos + 4),
      flags: buf.readUInt16LE(pos + 6),
      seq: buf.readUInt32LE(pos + 8),
      pid: buf.readUInt32LE(pos + 12),
      buf: buf.subarray(pos, pos + len),
    });
    pos += Math.min(align4(len), length - pos);
  }
  return out;
}

/** A decoded NLMSG_ERROR: errno 0 is an acknowledgement. */
export interface Ack {
  /** Positive errno (EEXIST 17, ENETUNREACH 101 ...), 0 for success. */
  errno: number;
  /** The request it answers (from the echoed header). */
  seq: number;
  type: number;
  /** Extended ack: the kernel's explanation ("Nexthop has invalid gateway"). */
  message?: string;
  /** Extended ack: offset of the offending attribute in the request. */
  offset?: number;
}

export function decodeAck(m: Message): Ack {
  if (m.type !== MessageType.ERROR) fail('wrongType', `message type ${m.type} is not NLMSG_ERROR`);
  const b = m.buf;
  if (b.length < NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) fail('truncated', `NLMSG_ERROR of ${b.length} bytes`);
  const error = b.readInt32LE(NLMSG_HDRLEN);
  const inner = NLMSG_HDRLEN + 4;
  const innerLen = b.readUInt32LE(inner);
  const ack: Ack = {
    errno: error === 0 ? 0 : -error,
    type: b.readUInt16LE(inner + 4),
    seq: b.readUInt32LE(inner + 8),
  };
  if ((m.flags & Flag.ACK_TLVS) === 0) return ack;
  const capped = (m.flags & Flag.CAPPED) !== 0;
  if (!capped && innerLen < NLMSG_HDRLEN) fail('truncated', `echoed nlmsg_len ${innerLen}`);
  // Checked before aligning: a hostile length near 2^32 would wrap align4's 32-bit arithmetic.
  if (!capped && innerLen > b.length - inner)
    fail('truncated', `echoed request of ${innerLen} bytes exceeds NLMSG_ERROR`);
  const tlvs = inner + (capped ? NLMSG_HDRLEN : align4(innerLen));
  if (tlvs > b.length) fail('truncated', `echoed request of ${innerLen} bytes exceeds NLMSG_ERROR`);
  forEachAttr(b, tlvs, b.length, 'extended ack', (type, s, e) => {
    if (type === ErrAttr.MSG) ack.message = attrString(b, s, e);
    else if (type === ErrAttr.OFFS) ack.offset = attrU32(b, s, e, 'NLMSGERR_ATTR_OFFS');
  });
  return ack;
}

/** An NLMSG_DONE of a dump carries an int (0, or a negative errno when the dump failed). */
export function decodeDone(m: Message): number {
  if (m.type !== MessageType.DONE) fail('wrongType', `message type ${m.type} is not NLMSG_DONE`);
  const error = m.buf.length >= NLMSG_HDRLEN + 4 ? m.buf.readInt32LE(NLMSG_HDRLEN) : 0;
  return error === 0 ? 0 : -error;
}
