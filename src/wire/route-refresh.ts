// ROUTE-REFRESH body, RFC 2918 §3 with the RFC 7313 §3.2 Message Subtype (the former Reserved):
//
//   0       7      15      23      31
//   +-------+-------+-------+-------+
//   |      AFI      | Subtype|  SAFI |
//   +-------+-------+-------+-------+
//
// Subtype 0 is a normal refresh request, 1 Beginning of Route Refresh, 2 End of Route Refresh.
import { Notification } from './errors.js';
import { finishMessage, startMessage } from './header.js';
import { ErrorCode, HeaderSubcode, RouteRefreshErrorSubcode } from './notification-codes.js';
import { MessageType, RouteRefreshSubtype } from './registry.js';
import { Writer } from './writer.js';

export interface RouteRefresh {
  readonly afi: number;
  /** 0 normal, 1 BoRR, 2 EoRR; RFC 7313 §5: other values "MUST" be ignored by the receiver. */
  readonly subtype: number;
  readonly safi: number;
}

export function decodeRouteRefresh(body: Buffer, message?: Buffer): RouteRefresh {
  if (body.length !== 4) {
    const subtype = body.length >= 3 ? body[2] : 0;
    // RFC 7313 §5: "If the length, excluding the fixed-size message header, of the received
    // ROUTE-REFRESH message with Message Subtype 1 and 2 is not 4, then the BGP speaker MUST send a
    // NOTIFICATION message with the Error Code of 'ROUTE-REFRESH Message Error' and the subcode of
    // 'Invalid Message Length'. The Data field ... MUST contain the complete ROUTE-REFRESH message."
    if (subtype === RouteRefreshSubtype.BORR || subtype === RouteRefreshSubtype.EORR) {
      throw new Notification(
        ErrorCode.ROUTE_REFRESH,
        RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH,
        message ? Buffer.from(message) : undefined,
        `ROUTE-REFRESH body of ${body.length} octets`,
      );
    }
    const length = body.length + 19;
    throw new Notification(
      ErrorCode.MESSAGE_HEADER,
      HeaderSubcode.BAD_MESSAGE_LENGTH,
      Buffer.from([length >> 8, length & 0xff]),
      `ROUTE-REFRESH length ${length}`,
    );
  }
  return { afi: body.readUInt16BE(0), subtype: body[2], safi: body[3] };
}

export function writeRouteRefresh(w: Writer, rr: RouteRefresh): void {
  const start = startMessage(w, MessageType.ROUTE_REFRESH);
  w.u16(rr.afi);
  w.u8(rr.subtype);
  w.u8(rr.safi);
  finishMessage(w, start);
}

export function encodeRouteRefresh(rr: RouteRefresh): Buffer {
  const w = Writer.alloc(23);
  writeRouteRefresh(w, rr);
  return w.buf;
}
