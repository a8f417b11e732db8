// The Authentication Section of a BFD Control packet (RFC 5880 §4.2–4.4): codec only. Digests are
// computed and checked in auth.ts; the sequence-number rules are in auth-sequence.ts.
//
// Simple Password (§4.2.2):            Keyed MD5 / Meticulous Keyed MD5 (§4.3), SHA1 (§4.4):
// +-------+-------+-------+---------+  +-------+-------+-------+----------+
// | Type  |  Len  | KeyID | Password|  | Type  |  Len  | KeyID | Reserved |
// +-------+-------+-------+---------+  +-------+-------+-------+----------+
//   Len = 3 + password (1..16 octets)  |         Sequence Number          |
//                                      +----------------------------------+
//                                      | Auth Key/Digest (16) / Hash (20) |
//                                      +----------------------------------+
//                                        Len = 24 (MD5) or 28 (SHA1)
import { BfdAuthType } from './registry.js';

export type DigestAuthType =
  | typeof BfdAuthType.KEYED_MD5
  | typeof BfdAuthType.METICULOUS_KEYED_MD5
  | typeof BfdAuthType.KEYED_SHA1
  | typeof BfdAuthType.METICULOUS_KEYED_SHA1;

export type AuthSection =
  | {
      readonly type: typeof BfdAuthType.SIMPLE_PASSWORD;
      readonly keyId: number;
      readonly password: Buffer;
    }
  | {
      readonly type: DigestAuthType;
      readonly keyId: number;
      readonly sequence: number;
      /** Auth Key/Digest (MD5, 16 octets) or Auth Key/Hash (SHA1, 20 octets). */
      readonly digest: Buffer;
    };

/** Octets of the digest (or key) field: 16 for MD5, 20 for SHA1. */
export const digestLength = (type: DigestAuthType): number =>
  type === BfdAuthType.KEYED_MD5 || type === BfdAuthType.METICULOUS_KEYED_MD5 ? 16 : 20;

export const isMeticulous = (type: number): boolean =>
  type === BfdAuthType.METICULOUS_KEYED_MD5 || type === BfdAuthType.METICULOUS_KEYED_SHA1;

export function encodedAuthLength(a: AuthSection): number {
  return a.type === BfdAuthType.SIMPLE_PASSWORD ? 3 + a.password.length : 8 + digestLength(a.type);
}

/** Decodes the section (the packet's octets from 24 to its Length); a string says why it is malformed. */
export function decodeAuthSection(b: Buffer): AuthSection | string {
  if (b.length < 2) return `authentication section of ${b.length} octets`;
  const type = b[0];
  const len = b[1];
  if (len > b.length) return `Auth Len ${len} exceeds the ${b.length} octets after the mandatory section`;
  if (type === BfdAuthType.SIMPLE_PASSWORD) {
    // RFC 5880 §4.2.2: "The password is a binary string, and MUST be from 1 to 16 bytes in length."
    if (len < 4 || len > 19) return `simple password Auth Len ${len} (must be 4..19)`;
    return { type, keyId: b[2], password: Buffer.from(b.subarray(3, len)) };
  }
  if (
    type === BfdAuthType.KEYED_MD5 ||
    type === BfdAuthType.METICULOUS_KEYED_MD5 ||
    type === BfdAuthType.KEYED_SHA1 ||
    type === BfdAuthType.METICULOUS_KEYED_SHA1
  ) {
    const want = 8 + digestLength(type);
    // RFC 5880 §4.3: "Auth Len: The length of the Authentication Section, in bytes. For Keyed MD5 and
    // Meticulous Keyed MD5 authentication, the length is 24." (§4.4: 28 for SHA1.)
    if (len !== want) return `Auth Type ${type} with Auth Len ${len} (must be ${want})`;
    return { type, keyId: b[2], sequence: b.readUInt32BE(4), digest: Buffer.from(b.subarray(8, want)) };
  }
  return `unknown Auth Type ${type}`;
}

/** Writes the section into `out` (which holds at least encodedAuthLength(a) octets). */
export function encodeAuthSection(a: AuthSection, out: Buffer): void {
  out[0] = a.type;
  out[1] = encodedAuthLength(a);
  out[2] = a.keyId;
  if (a.type === BfdAuthType.SIMPLE_PASSWORD) {
    a.password.copy(out, 3);
    return;
  }
  // "Reserved: This byte MUST be set to zero on transmit, and ignored on receipt."
  out[3] = 0;
  out.writeUInt32BE(a.sequence >>> 0, 4);
  out.fill(0, 8, 8 + digestLength(a.type));
  a.digest.copy(out, 8, 0, digestLength(a.type));
}
