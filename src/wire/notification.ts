// NOTIFICATION message body, RFC 4271 §4.5:
//
//   +---------------+---------------+--------------------+
//   | Error code (1)| Error subcode | Data (variable)    |
//   |               | (1)           |                    |
//   +---------------+---------------+--------------------+
//
// For Cease/Administrative Shutdown and Administrative Reset the data may be an RFC 9003
// Shutdown Communication: Length (1) + UTF-8 text of at most 255 octets.
import { Notification } from './errors.js';
import { finishMessage, startMessage } from './header.js';
import { CeaseSubcode, describeError, ErrorCode } from './notification-codes.js';
import { MessageType } from './registry.js';
import { Writer } from './writer.js';

export function decodeNotification(body: Buffer): Notification {
  // The header check guarantees the 2 octets (minimum message length 21).
  return new Notification(body[0], body[1], body.subarray(2));
}

export function writeNotification(w: Writer, n: Pick<Notification, 'code' | 'subcode' | 'data'>): void {
  const start = startMessage(w, MessageType.NOTIFICATION);
  w.u8(n.code);
  w.u8(n.subcode);
  w.bytes(n.data);
  finishMessage(w, start);
}

export function encodeNotification(n: Pick<Notification, 'code' | 'subcode' | 'data'>): Buffer {
  const w = Writer.alloc(4096);
  writeNotification(w, n);
  return Buffer.from(w.view());
}

function carriesShutdownCommunication(code: number, subcode: number): boolean {
  return (
    code === ErrorCode.CEASE &&
    (subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || subcode === CeaseSubcode.ADMINISTRATIVE_RESET)
  );
}

/** RFC 9003 §2: "the Shutdown Communication ... can be up to 255 octets long". */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

/**
 * A Cease NOTIFICATION. For Administrative Shutdown/Reset, `message` becomes the RFC 9003 Shutdown
 * Communication, cut at a UTF-8 character boundary to fit 255 octets.
 */
export function cease(subcode: number, message?: string): Notification {
  if (!message || !carriesShutdownCommunication(ErrorCode.CEASE, subcode)) {
    return new Notification(ErrorCode.CEASE, subcode);
  }
  let text = Buffer.from(message, 'utf8');
  if (text.length > MAX_SHUTDOWN_COMMUNICATION) {
    let cut = MAX_SHUTDOWN_COMMUNICATION;
    while (cut > 0 && (text[cut] & 0xc0) === 0x80) cut--;
    text = text.subarray(0, cut);
  }
  return new Notification(
    ErrorCode.CEASE,
    subcode,
    Buffer.concat([Buffer.from([text.length]), text]),
    message,
  );
}

/**
 * A Cease/Hard Reset carrying `inner` (RFC 8538 §3): its data is the inner NOTIFICATION's error
 * code, subcode and data, so a peer that negotiated the N bit ends the session without treating it
 * as a graceful restart:
 *
 *   +--------+--------+--------------------------------
 *   | ErrCode| Subcode| Data
 *   +--------+--------+--------------------------------
 */
export function hardReset(inner: Pick<Notification, 'code' | 'subcode' | 'data' | 'reason'>): Notification {
  return new Notification(
    ErrorCode.CEASE,
    CeaseSubcode.HARD_RESET,
    Buffer.concat([Buffer.from([inner.code, inner.subcode]), inner.data]),
    describeError(inner.code, inner.subcode) + (inner.reason ? `: ${inner.reason}` : ''),
  );
}

/**
 * RFC 8538 §5: the Cease subcodes sent inside a Hard Reset when the N bit was negotiated — Maximum
 * Number of Prefixes Reached, Administrative Shutdown, Peer De-configured ("Hard") and
 * Administrative Reset ("Provisional"; Hard here, as FRR does by default). The others (Connection
 * Rejected, Other Configuration Change, Collision Resolution, Out of Resources) stay graceful.
 */
const HARD_RESET_SUBCODES: ReadonlySet<number> = new Set([
  CeaseSubcode.MAX_PREFIXES,
  CeaseSubcode.ADMINISTRATIVE_SHUTDOWN,
  CeaseSubcode.PEER_DECONFIGURED,
  CeaseSubcode.ADMINISTRATIVE_RESET,
]);

/** Whether a NOTIFICATION we send ends the session for good (RFC 8538 §5), not as a restart. */
export function endsSessionHard(n: Pick<Notification, 'code' | 'subcode'>): boolean {
  return n.code === ErrorCode.CEASE && HARD_RESET_SUBCODES.has(n.subcode);
}

/**
 * The RFC 9003 Shutdown Communication of a Cease/Administrative Shutdown or Reset, or undefined.
 * RFC 9003 §3: a malformed one (length past the data, invalid UTF-8) is not to be shown as text.
 */
export function shutdownCommunication(
  n: Pick<Notification, 'code' | 'subcode' | 'data'>,
): string | undefined {
  if (!carriesShutdownCommunication(n.code, n.subcode) || n.data.length === 0) return undefined;
  const len = n.data[0];
  if (len === 0 || 1 + len > n.data.length) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(n.data.subarray(1, 1 + len));
  } catch {
    return undefined;
  }
}
