// What the session negotiated that changes how UPDATEs are encoded or decoded. Built by the session
// layer from the two OPENs; the codec only reads it.
import { MAX_MESSAGE_LENGTH } from './registry.js';

/** An address family as one number: AFI << 8 | SAFI (0x0101 is IPv4 unicast). */
export type FamilyKey = number;

export function familyKey(afi: number, safi: number): FamilyKey {
  return (afi << 8) | safi;
}

export const IPV4_UNICAST: FamilyKey = 0x0101;
export const IPV6_UNICAST: FamilyKey = 0x0201;

export interface CodecContext {
  /** RFC 6793: both sides sent the 4-octet AS capability (AS_PATH carries 4-octet ASNs). */
  readonly as4: boolean;
  /** RFC 7911: families whose NLRI carry a Path Identifier in this direction. */
  readonly addPath: ReadonlySet<FamilyKey>;
  /** 4096, or 65535 with RFC 8654 Extended Message. */
  readonly maxMessageLength: number;
  /**
   * iBGP session; undefined when unknown (MRT data), which skips the rules about what a peer may
   * send (eBGP-only attributes, AS 0, confederation segments, RFC 7606 §5.2's session reset).
   */
  readonly ibgp?: boolean;
}

const NO_FAMILIES: ReadonlySet<FamilyKey> = new Set();

/** The context of a plain RFC 4271 session (no capabilities), with overrides. */
export function codecContext(overrides: Partial<CodecContext> = {}): CodecContext {
  return {
    as4: overrides.as4 ?? false,
    addPath: overrides.addPath ?? NO_FAMILIES,
    maxMessageLength: overrides.maxMessageLength ?? MAX_MESSAGE_LENGTH,
    ibgp: overrides.ibgp,
  };
}
