// RFC 4271 §4.1 message header: 16-octet marker, 2-octet length, 1-octet type.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                           Marker (16)                         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Length               |      Type     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
import { Notification } from './errors.js';
import { ErrorCode, HeaderSubcode } from './notification-codes.js';
import { HEADER_LENGTH, MARKER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './registry.js';
import type { Writer } from './writer.js';

/** Minimum total length per message type (RFC 4271 §4.2–4.5, RFC 2918 §3). */
const MIN_LENGTH: Record<number, number> = {
  [MessageType.OPEN]: 29,
  [MessageType.UPDATE]: 23,
  [MessageType.NOTIFICATION]: 21,
  [MessageType.KEEPALIVE]: 19,
  [MessageType.ROUTE_REFRESH]: 23,
};

/**
 * Validates the 19 header octets at `off` and returns the message length.
 * `maxLength` is 4096, or 65535 once RFC 8654 Extended Message is negotiated.
 */
export function checkHeader(
  buf: Uint8Array,
  off: number,
  maxLength: number,
): { length: number; type: number } {
  // RFC 4271 §6.1: "If the Marker field of the message header is not as expected, then a
  // synchronization error has occurred and the Error Subcode MUST be set to Connection Not Synchronized."
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (buf[off + i] !== 0xff) {
      throw new Notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED);
    }
  }
  const length = (buf[off + 16] << 8) | buf[off + 17];
  const type = buf[off + 18];
  const min = MIN_LENGTH[type];
  if (min === undefined) {
    // RFC 4271 §6.1: "If the Type field ... is not recognized, then the Error Subcode MUST be set to
    // Bad Message Type. The Data field MUST contain the erroneous Type field."
    throw new Notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_TYPE, Buffer.from([type]));
  }
  // RFC 8654 §4: "The BGP Extended Message Capability applies to all messages except for OPEN and
  // KEEPALIVE messages."
  const max = type === MessageType.OPEN || type === MessageType.KEEPALIVE ? MAX_MESSAGE_LENGTH : maxLength;
  // RFC 4271 §6.1: "if the Length field of an OPEN message is less than the minimum length of the
  // OPEN message, or ... KEEPALIVE message is not equal to 19 ... The Data field MUST contain the
  // erroneous Length field."
  if (length < min || length > max || (type === MessageType.KEEPALIVE && length !== HEADER_LENGTH)) {
    throw new Notification(
      ErrorCode.MESSAGE_HEADER,
      HeaderSubcode.BAD_MESSAGE_LENGTH,
      Buffer.from([length >> 8, length & 0xff]),
      `length ${length} for message type ${type}`,
    );
  }
  return { length, type };
}

const MARKER = new Uint8Array(MARKER_LENGTH).fill(0xff);

/** Writes marker, a placeholder length and the type; returns the message start for `finishMessage`. */
export function startMessage(w: Writer, type: MessageType): number {
  const start = w.pos;
  w.ensure(HEADER_LENGTH);
  w.buf.set(MARKER, start); // a TypedArray copy: Buffer#fill with a range costs a native call
  w.pos += MARKER_LENGTH + 2;
  w.buf[w.pos++] = type;
  return start;
}

/** Patches the length of the message that began at `start`. */
export function finishMessage(w: Writer, start: number): number {
  const length = w.pos - start;
  w.buf[start + MARKER_LENGTH] = length >> 8;
  w.buf[start + MARKER_LENGTH + 1] = length & 0xff;
  return length;
}
