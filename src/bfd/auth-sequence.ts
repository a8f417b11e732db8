// The receive-side sequence-number rules of RFC 5880 §6.7.3/§6.7.4 (Keyed and Meticulous Keyed
// MD5/SHA1), pure, for the state machine. bfd.AuthSeqKnown and bfd.RcvAuthSeq live in its state.
import { isMeticulous } from './auth-section.js';

/**
 * Whether `sequence` is acceptable given bfd.RcvAuthSeq (`last`), when bfd.AuthSeqKnown is 1.
 *
 * RFC 5880 §6.7.3: "For Keyed MD5, if the sequence number lies outside of the range of
 * bfd.RcvAuthSeq to bfd.RcvAuthSeq+(3*Detect Mult) inclusive (when treated as an unsigned 32-bit
 * circular number space), the received packet MUST be discarded. For Meticulous Keyed MD5, if the
 * sequence number lies outside of the range of bfd.RcvAuthSeq+1 to bfd.RcvAuthSeq+(3*Detect Mult)
 * inclusive (when treated as an unsigned 32-bit circular number space) the received packet MUST be
 * discarded." (§6.7.4 says the same of SHA1.) Detect Mult is the received packet's.
 */
export function sequenceInWindow(
  authType: number,
  sequence: number,
  last: number,
  detectMult: number,
): boolean {
  const distance = (sequence - last) >>> 0;
  const lowest = isMeticulous(authType) ? 1 : 0;
  return distance >= lowest && distance <= 3 * detectMult;
}
