// OPEN message body, RFC 4271 §4.2, with RFC 9072 extended optional parameters length:
//
//   +-----------+------------+---------------+--------------------+-------------+--------------+
//   | Version(1)| My AS (2)  | Hold Time (2) | BGP Identifier (4) | Opt Parm Len| Optional     |
//   |           |            |               |                    | (1)         | Parameters   |
//   +-----------+------------+---------------+--------------------+-------------+--------------+
//
// Each optional parameter is Type (1), Length (1, or 2 in the RFC 9072 form), Value. Type 2 holds
// capabilities (RFC 5492).
import { decodeCapability, encodeCapability } from './capabilities/capability-codec.js';
import type { Capability } from './capabilities/types.js';
import { Notification } from './errors.js';
import { finishMessage, startMessage } from './header.js';
import { ErrorCode, OpenSubcode } from './notification-codes.js';
import { formatAddress, parseAddress } from './prefix.js';
import { Reader } from './reader.js';
import { AS_TRANS, MessageType } from './registry.js';
import { Writer } from './writer.js';

export interface OpenMessage {
  readonly version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real ASN needs 4 octets). */
  readonly myAsn: number;
  readonly holdTime: number;
  readonly bgpId: string;
  readonly capabilities: readonly Capability[];
}

const CAPABILITIES_PARAMETER = 2;
/** RFC 9072 §2: "Non-Ext OP Type ... MUST be set to 255". */
const EXTENDED_PARAMETERS = 255;

function openError(subcode: number, reason: string, data?: Buffer): Notification {
  return new Notification(ErrorCode.OPEN_MESSAGE, subcode, data, reason);
}

/** The speaker's real ASN: the RFC 6793 capability's when present, else the My AS field. */
export function openAsn(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.kind === 'as4') return c.asn;
  return open.myAsn;
}

/** My AS field for `asn`: RFC 6793 §4.2.1 "AS_TRANS ... in the My Autonomous System field". */
export function myAsnField(asn: number): number {
  return asn > 0xffff ? AS_TRANS : asn;
}

export function decodeOpen(body: Buffer): OpenMessage {
  const r = new Reader(body, 0, body.length, ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSPECIFIC);
  const version = r.u8('version');
  // RFC 4271 §6.2: "If the version number ... is not supported, then the Error Subcode MUST be set to
  // Unsupported Version Number. The Data field is a 2-octet unsigned integer, which indicates the
  // largest, locally-supported version number".
  if (version !== 4)
    throw openError(OpenSubcode.UNSUPPORTED_VERSION, `version ${version}`, Buffer.from([0, 4]));
  const myAsn = r.u16('My Autonomous System');
  const holdTime = r.u16('Hold Time');
  // "An implementation MUST reject Hold Time values of one or two seconds."
  if (holdTime === 1 || holdTime === 2)
    throw openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${holdTime}`);
  const idBytes = r.bytes(4, 'BGP Identifier');
  // RFC 6286 §2.1: "the BGP Identifier ... a 4-octet, unsigned, non-zero integer".
  if (idBytes.readUInt32BE(0) === 0)
    throw openError(OpenSubcode.BAD_BGP_IDENTIFIER, 'BGP Identifier is zero');
  let paramsLen = r.u8('Optional Parameters Length');
  let extended = false;
  // RFC 9072 §2: "If the value of Non-Ext OP Type is 255, then the encoding ... is the extended one"
  if (paramsLen === 255 && r.remaining > 0 && body[r.pos] === EXTENDED_PARAMETERS) {
    r.pos += 1;
    paramsLen = r.u16('Extended Opt. Parm. Length');
    extended = true;
  }
  if (paramsLen !== r.remaining) {
    throw openError(
      OpenSubcode.UNSPECIFIC,
      `optional parameters length ${paramsLen}, ${r.remaining} octets follow`,
    );
  }
  const capabilities: Capability[] = [];
  while (r.remaining > 0) {
    const type = r.u8('parameter type');
    const len = extended ? r.u16('parameter length') : r.u8('parameter length');
    const value = r.sub(len, 'optional parameter');
    if (type !== CAPABILITIES_PARAMETER) {
      // RFC 4271 §6.2: "If one of the Optional Parameters in the OPEN message is not recognized, then
      // the Error Subcode MUST be set to Unsupported Optional Parameter."
      throw openError(OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, `optional parameter type ${type}`);
    }
    while (value.remaining > 0) {
      const code = value.u8('capability code');
      const capLen = value.u8('capability length');
      capabilities.push(decodeCapability(code, value.bytes(capLen, 'capability value')));
    }
  }
  return { version, myAsn, holdTime, bgpId: formatAddress(idBytes), capabilities };
}

/**
 * Writes a whole OPEN message. All capabilities go in one Capabilities parameter; the RFC 9072 form
 * is used only when they do not fit the 1-octet length.
 */
export function writeOpen(w: Writer, open: OpenMessage): void {
  const start = startMessage(w, MessageType.OPEN);
  w.u8(open.version);
  w.u16(open.myAsn);
  w.u16(open.holdTime);
  w.bytes(parseAddress(open.bgpId));
  const scratch = Writer.alloc(65535);
  for (const c of open.capabilities) encodeCapability(scratch, c);
  const caps = scratch.view();
  if (caps.length === 0) {
    w.u8(0);
  } else if (caps.length + 2 <= 255) {
    w.u8(caps.length + 2);
    w.u8(CAPABILITIES_PARAMETER);
    w.u8(caps.length);
    w.bytes(caps);
  } else {
    // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length (2), and
    // parameters with 2-octet lengths.
    w.u8(255);
    w.u8(EXTENDED_PARAMETERS);
    w.u16(caps.length + 3);
    w.u8(CAPABILITIES_PARAMETER);
    w.u16(caps.length);
    w.bytes(caps);
  }
  finishMessage(w, start);
}

export function encodeOpen(open: OpenMessage): Buffer {
  const w = Writer.alloc(4096);
  writeOpen(w, open);
  return Buffer.from(w.view());
}
