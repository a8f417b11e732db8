// AS4_PATH (type 17), optional transitive, RFC 6793 §3: the AS path in 4-octet ASNs, sent only to
// and by 2-octet ("OLD") speakers alongside an AS_PATH that uses AS_TRANS.

import { MalformedAttribute } from '../errors.js';
import { AsPathSegmentType, AttrType } from '../registry.js';
import { decodeAsPath, encodeAsPath, holdsAsZero, isConfedSegment as isConfed } from './as-path.js';
import { OPTIONAL_TRANSITIVE } from './flags.js';
import type { AsPathSegment, AttributeCodec } from './types.js';

export const as4PathCodec: AttributeCodec = {
  type: AttrType.AS4_PATH,
  name: 'AS4_PATH',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 7606 §7.2 / RFC 6793 §6: a malformed AS4_PATH is handled by "attribute discard".
  malformed: 'attribute-discard',
  decode(buf, start, end, ctx, out) {
    // RFC 6793 §6: malformed if "the attribute length is ... too small (i.e., less than 6) for the
    // attribute to carry at least one AS number".
    if (end - start < 6) throw new MalformedAttribute(`AS4_PATH length ${end - start} holds no AS number`);
    const path = decodeAsPath(buf, start, end, 4, 'AS4_PATH');
    // RFC 7607 §2: AS 0 in AS4_PATH is malformed "and be handled by the procedures specified in
    // [RFC6793]" (attribute discard). Sessions only, as for AS_PATH.
    if (ctx.ibgp !== undefined && holdsAsZero(path)) throw new MalformedAttribute('AS4_PATH holds AS 0');
    // RFC 6793 §6: "A NEW BGP speaker that receives these path segment types in the AS4_PATH
    // attribute ... MUST discard these path segments ... and continue processing the UPDATE message."
    out.as4Path = path.filter((s) => !isConfed(s));
  },
  // RFC 6793 §4.2.2: an OLD peer gets AS4_PATH when the path holds an ASN that does not fit 2 octets.
  present: (a, ctx) =>
    !ctx.as4 && (a.as4Path !== undefined || (a.asPath ?? []).some((s) => s.asns.some((asn) => asn > 0xffff))),
  encode(w, a) {
    // RFC 6793 §3: "the AS_CONFED_SEQUENCE and AS_CONFED_SET path segment types MUST NOT be
    // included in the AS4_PATH attribute".
    encodeAsPath(
      w,
      (a.as4Path ?? a.asPath!).filter((s) => !isConfed(s)),
      4,
    );
  },
};

/** Number of ASes for the RFC 6793 §4.2.3 merge: an AS_SET counts 1, confederation segments 0. */
function pathCount(path: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of path) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 6793 §4.2.3: "the leading n ASes of AS_PATH ... followed by AS4_PATH", where n is the
 * difference in length; "if the number of AS numbers in the AS_PATH attribute is less than the
 * number of AS numbers in the AS4_PATH attribute, then the AS4_PATH attribute SHALL be ignored";
 * "a valid AS_CONFED_SEQUENCE or AS_CONFED_SET path segment SHALL be prepended if it is either the
 * leading path segment or is adjacent to a path segment that is prepended".
 */
export function mergeAs4Path(
  asPath: readonly AsPathSegment[],
  as4Path: readonly AsPathSegment[],
): AsPathSegment[] {
  let need = pathCount(asPath) - pathCount(as4Path);
  if (need < 0) return asPath.slice();
  const merged: AsPathSegment[] = [];
  for (const seg of asPath) {
    if (isConfed(seg)) {
      merged.push(seg);
      continue;
    }
    if (need <= 0) break;
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) {
      const take = Math.min(need, seg.asns.length);
      merged.push({ type: seg.type, asns: seg.asns.slice(0, take) });
      need -= take;
      // Part of a segment taken: what follows is not adjacent to a prepended segment.
      if (take < seg.asns.length) break;
    } else {
      merged.push(seg);
      if (seg.type === AsPathSegmentType.AS_SET) need -= 1;
    }
  }
  return merged.concat(as4Path);
}
