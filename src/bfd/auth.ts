// BFD authentication (RFC 5880 §6.7): the configured key, building the section to send, signing an
// encoded packet and checking a received one's password or digest. The sequence-number window is
// the state machine's (auth-sequence.ts); this file only needs node:crypto.
import { createHash, timingSafeEqual } from 'node:crypto';
import { authKey, type BfdAuthConfig } from './auth-key.js';
import { type AuthSection, type DigestAuthType, digestLength } from './auth-section.js';
import { MANDATORY_LENGTH } from './packet.js';
import { AUTH_TYPE_NAMES, BfdAuthType } from './registry.js';

export { authKey, type BfdAuthConfig, BfdAuthConfigError } from './auth-key.js';

export const authTypeCode = (cfg: BfdAuthConfig): number => AUTH_TYPE_NAMES[cfg.type];

/** The section to put in an outgoing packet; digest types carry the key until `sign()` replaces it. */
export function authSectionFor(cfg: BfdAuthConfig, sequence: number): AuthSection {
  const type = authTypeCode(cfg);
  const key = authKey(cfg);
  if (type === BfdAuthType.SIMPLE_PASSWORD) return { type, keyId: cfg.keyId, password: key };
  const digestType = type as DigestAuthType;
  const digest = Buffer.alloc(digestLength(digestType));
  key.copy(digest);
  return { type: digestType, keyId: cfg.keyId, sequence: sequence >>> 0, digest };
}

function hashOf(type: number, data: Buffer): Buffer {
  const md5 = type === BfdAuthType.KEYED_MD5 || type === BfdAuthType.METICULOUS_KEYED_MD5;
  return createHash(md5 ? 'md5' : 'sha1')
    .update(data)
    .digest();
}

/**
 * Signs an encoded packet in place (a no-op for simple password). RFC 5880 §6.7.3: "The Auth
 * Key/Digest field MUST be set to the value of the authentication key ... An MD5 digest MUST be
 * calculated over the entire BFD Control packet. The resulting digest MUST be stored in the Auth
 * Key/Digest field prior to transmission" (§6.7.4: the same with SHA1 and Auth Key/Hash).
 */
export function sign(packet: Buffer): void {
  const type = packet[MANDATORY_LENGTH];
  if (type === BfdAuthType.SIMPLE_PASSWORD) return;
  hashOf(type, packet).copy(packet, MANDATORY_LENGTH + 8);
}

/**
 * Checks a received packet's Key ID and password or digest against the configured key. `raw` is the
 * packet as received (up to its Length). The presence of the section and the sequence number are the
 * state machine's business.
 */
export function authentic(raw: Uint8Array, section: AuthSection, cfg: BfdAuthConfig): boolean {
  const type = authTypeCode(cfg);
  if (section.type !== type) return false;
  // §6.7.2/§6.7.3: "If the Auth Key ID field does not match the ID of a configured authentication
  // key, the received packet MUST be discarded."
  if (section.keyId !== cfg.keyId) return false;
  const key = authKey(cfg);
  if (section.type === BfdAuthType.SIMPLE_PASSWORD) {
    // §6.7.2: "If the Password field does not match the authentication key, the packet MUST be
    // discarded." (A different Auth Len is a different password.)
    return section.password.length === key.length && timingSafeEqual(section.password, key);
  }
  // §6.7.3: "Replace the contents of the Auth Key/Digest field with the authentication key selected
  // by the received Auth Key ID field. If the MD5 digest of the entire BFD Control packet is equal
  // to the received value of the Auth Key/Digest field, the received packet MUST be accepted."
  const length = raw[3];
  const copy = Buffer.from(raw.subarray(0, length));
  const n = digestLength(section.type);
  copy.fill(0, MANDATORY_LENGTH + 8, MANDATORY_LENGTH + 8 + n);
  key.copy(copy, MANDATORY_LENGTH + 8);
  return timingSafeEqual(hashOf(section.type, copy), section.digest);
}
