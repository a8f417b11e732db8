// The BFD Control packet codec (RFC 5880 §4.1) with the reception checks of §6.8.6 that need only
// the packet itself. Buffers in, values out, and back; errors are a typed `BfdPacketError`. It owns
// no session state: whether authentication is expected, and the sequence-number rules, belong to the
// state machine (fsm.ts); digests are computed and checked in auth.ts.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       My Discriminator                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      Your Discriminator                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Desired Min TX Interval                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   Required Min RX Interval                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 Required Min Echo RX Interval                 |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// An optional Authentication Section follows (auth-section.ts).
import { type AuthSection, decodeAuthSection, encodeAuthSection, encodedAuthLength } from './auth-section.js';
import { BFD_STATES, type BfdDiag, type BfdState, stateCode } from './registry.js';

export const BFD_VERSION = 1;
/** Length of the mandatory section. */
export const MANDATORY_LENGTH = 24;

export interface ControlPacket {
  readonly diag: BfdDiag;
  readonly state: BfdState;
  readonly poll: boolean;
  readonly final: boolean;
  /** C: Control Plane Independent. */
  readonly cpi: boolean;
  readonly demand: boolean;
  readonly detectMult: number;
  readonly myDiscr: number;
  readonly yourDiscr: number;
  /** Microseconds, as on the wire. */
  readonly desiredMinTx: number;
  readonly requiredMinRx: number;
  readonly requiredMinEchoRx: number;
  readonly auth?: AuthSection;
}

export const BfdPacketErrorKind = {
  TOO_SHORT: 'tooShort',
  BAD_VERSION: 'badVersion',
  BAD_LENGTH: 'badLength',
  TRUNCATED: 'truncated',
  ZERO_DETECT_MULT: 'zeroDetectMult',
  MULTIPOINT: 'multipoint',
  ZERO_MY_DISCRIMINATOR: 'zeroMyDiscriminator',
  ZERO_YOUR_DISCRIMINATOR: 'zeroYourDiscriminator',
  BAD_AUTH_SECTION: 'badAuthSection',
} as const;
export type BfdPacketErrorKind = (typeof BfdPacketErrorKind)[keyof typeof BfdPacketErrorKind];

/** A received packet that RFC 5880 §6.8.6 says MUST be discarded, and why. */
export class BfdPacketError extends Error {
  constructor(
    readonly kind: BfdPacketErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'BfdPacketError';
  }
}

const fail = (kind: BfdPacketErrorKind, message: string): never => {
  throw new BfdPacketError(kind, message);
};

/**
 * Decodes a BFD Control packet (the UDP payload) and applies the §6.8.6 checks that need nothing but
 * the packet. Bytes past the Length field are ignored.
 */
export function decodeControl(buf: Uint8Array): ControlPacket {
  if (buf.length < MANDATORY_LENGTH) fail('tooShort', `${buf.length} octets, need ${MANDATORY_LENGTH}`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = b[0] >> 5;
  // RFC 5880 §6.8.6: "If the version number is not correct (1), the packet MUST be discarded."
  if (version !== BFD_VERSION) fail('badVersion', `version ${version}`);
  const flags = b[1];
  const authPresent = (flags & 0x04) !== 0;
  const length = b[3];
  // "If the Length field is less than the minimum correct value (24 if the A bit is clear, or 26 if
  // the A bit is set), the packet MUST be discarded."
  if (length < (authPresent ? MANDATORY_LENGTH + 2 : MANDATORY_LENGTH)) {
    fail('badLength', `Length ${length} with the A bit ${authPresent ? 'set' : 'clear'}`);
  }
  // "If the Length field is greater than the payload of the encapsulating protocol, the packet MUST
  // be discarded."
  if (length > b.length) fail('truncated', `Length ${length} but ${b.length} octets received`);
  const detectMult = b[2];
  // "If the Detect Mult field is zero, the packet MUST be discarded."
  if (detectMult === 0) fail('zeroDetectMult', 'Detect Mult 0');
  // "If the Multipoint (M) bit is nonzero, the packet MUST be discarded."
  if (flags & 0x01) fail('multipoint', 'M bit set');
  const myDiscr = b.readUInt32BE(4);
  // "If the My Discriminator field is zero, the packet MUST be discarded."
  if (myDiscr === 0) fail('zeroMyDiscriminator', 'My Discriminator 0');
  const yourDiscr = b.readUInt32BE(8);
  const state = BFD_STATES[flags >> 6];
  // "If the Your Discriminator field is zero and the State field is not Down or AdminDown, the
  // packet MUST be discarded."
  if (yourDiscr === 0 && state !== 'Down' && state !== 'AdminDown') {
    fail('zeroYourDiscriminator', `Your Discriminator 0 in state ${state}`);
  }
  let auth: AuthSection | undefined;
  if (authPresent) {
    const decoded = decodeAuthSection(b.subarray(MANDATORY_LENGTH, length));
    if (typeof decoded === 'string') fail('badAuthSection', decoded);
    else auth = decoded;
  } else if (length !== MANDATORY_LENGTH) {
    // Without the A bit there is nothing after the mandatory section.
    fail('badLength', `Length ${length} without an authentication section`);
  }
  return {
    diag: b[0] & 0x1f,
    state,
    poll: (flags & 0x20) !== 0,
    final: (flags & 0x10) !== 0,
    cpi: (flags & 0x08) !== 0,
    demand: (flags & 0x02) !== 0,
    detectMult,
    myDiscr,
    yourDiscr,
    desiredMinTx: b.readUInt32BE(12),
    requiredMinRx: b.readUInt32BE(16),
    requiredMinEchoRx: b.readUInt32BE(20),
    ...(auth && { auth }),
  };
}

/**
 * Encodes a Control packet. A digest-based authentication section is written as given (auth.ts
 * signs the result in place).
 */
export function encodeControl(p: ControlPacket): Buffer {
  const authLength = p.auth ? encodedAuthLength(p.auth) : 0;
  const b = Buffer.alloc(MANDATORY_LENGTH + authLength);
  b[0] = (BFD_VERSION << 5) | (p.diag & 0x1f);
  b[1] =
    (stateCode(p.state) << 6) |
    (p.poll ? 0x20 : 0) |
    (p.final ? 0x10 : 0) |
    (p.cpi ? 0x08 : 0) |
    (p.auth ? 0x04 : 0) |
    (p.demand ? 0x02 : 0);
  b[2] = p.detectMult;
  b[3] = b.length;
  b.writeUInt32BE(p.myDiscr >>> 0, 4);
  b.writeUInt32BE(p.yourDiscr >>> 0, 8);
  b.writeUInt32BE(p.desiredMinTx >>> 0, 12);
  b.writeUInt32BE(p.requiredMinRx >>> 0, 16);
  b.writeUInt32BE(p.requiredMinEchoRx >>> 0, 20);
  if (p.auth) encodeAuthSection(p.auth, b.subarray(MANDATORY_LENGTH));
  return b;
}
