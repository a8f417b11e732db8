// AS_PATH (type 2), well-known mandatory, RFC 4271 §4.3; 4-octet ASNs per RFC 6793; confederation
// segments per RFC 5065. Each segment:
//
//   +-----------------+-----------------+------------------------------+
//   | segment type(1) | segment len (1) | ASNs (len × 2 or 4 octets)   |
//   +-----------------+-----------------+------------------------------+
import { MalformedAttribute } from '../errors.js';
import { AS_TRANS, AsPathSegmentType, AttrType } from '../registry.js';
import type { Writer } from '../writer.js';
import { WELL_KNOWN } from './flags.js';
import type { AsPathSegment, AttributeCodec } from './types.js';

/** Decodes segments of `asnSize`-octet ASNs. Throws MalformedAttribute per RFC 7606 §7.2. */
export function decodeAsPath(
  buf: Buffer,
  start: number,
  end: number,
  asnSize: 2 | 4,
  name: string,
): AsPathSegment[] {
  // Checked and counted first, so the arrays are allocated at their size (one per new attribute set).
  const segments = new Array<AsPathSegment>(countSegments(buf, start, end, asnSize, name));
  for (let s = 0, pos = start; pos < end; s++) {
    const type = buf[pos] as AsPathSegmentType;
    const asns = new Array<number>(buf[pos + 1]);
    pos += 2;
    for (let i = 0; i < asns.length; i++, pos += asnSize) {
      asns[i] = asnSize === 4 ? buf.readUInt32BE(pos) : buf.readUInt16BE(pos);
    }
    segments[s] = { type, asns };
  }
  return segments;
}

/** How many segments `buf[start..end)` holds; throws MalformedAttribute per RFC 7606 §7.2. */
function countSegments(buf: Buffer, start: number, end: number, asnSize: 2 | 4, name: string): number {
  let n = 0;
  for (let pos = start; pos < end; n++) {
    // RFC 7606 §7.2: malformed if "there is an underrun where after the last successfully parsed
    // segment there is only a single octet remaining".
    if (pos + 2 > end) throw new MalformedAttribute(`${name}: one octet left after last segment`);
    const type = buf[pos];
    const count = buf[pos + 1];
    // "if an unrecognized segment type is encountered"
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET) {
      throw new MalformedAttribute(`${name}: unknown segment type ${type}`);
    }
    // "a segment has a Path Segment Length of zero"
    if (count === 0) throw new MalformedAttribute(`${name}: segment of length zero`);
    // "the Path Segment Length field of the last segment encountered would cause the Attribute
    // Length to be exceeded"
    pos += 2 + count * asnSize;
    if (pos > end) throw new MalformedAttribute(`${name}: segment overruns attribute`);
  }
  return n;
}

/** RFC 7607: AS 0 anywhere in a path (AS_PATH or AS4_PATH). */
export function holdsAsZero(path: readonly AsPathSegment[]): boolean {
  return path.some((s) => s.asns.includes(0));
}

export function isConfedSegment(s: AsPathSegment): boolean {
  return s.type === AsPathSegmentType.AS_CONFED_SEQUENCE || s.type === AsPathSegmentType.AS_CONFED_SET;
}

/**
 * Writes segments with `asnSize`-octet ASNs. On a 2-octet session ASNs above 65535 become AS_TRANS
 * (RFC 6793 §4.2.2). Segments longer than 255 ASNs are split, as the length field is one octet.
 */
export function encodeAsPath(w: Writer, segments: readonly AsPathSegment[], asnSize: 2 | 4): void {
  for (const seg of segments) {
    for (let i = 0; i < seg.asns.length || i === 0; i += 255) {
      const chunk = seg.asns.slice(i, i + 255);
      w.u8(seg.type);
      w.u8(chunk.length);
      for (const asn of chunk) {
        if (asnSize === 4) w.u32(asn);
        else w.u16(asn > 0xffff ? AS_TRANS : asn);
      }
    }
  }
}

export const asPathCodec: AttributeCodec = {
  type: AttrType.AS_PATH,
  name: 'AS_PATH',
  flags: WELL_KNOWN,
  // RFC 7606 §7.2: "An AS_PATH attribute that is malformed ... MUST be handled using the
  // approach of 'treat-as-withdraw'".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, ctx, out) {
    const path = decodeAsPath(buf, start, end, ctx.as4 ? 4 : 2, 'AS_PATH');
    // Rules about what a peer may send apply to sessions only (ctx.ibgp is undefined for MRT data).
    if (ctx.ibgp !== undefined) {
      // RFC 7607 §2: "An UPDATE message that contains the AS number of zero in the AS_PATH ...
      // MUST be considered as malformed and be handled by the procedures specified in [RFC7606]".
      if (holdsAsZero(path)) throw new MalformedAttribute('AS_PATH holds AS 0');
      // RFC 5065 §5: AS_CONFED_* segments "from a neighbor that is not located in the same
      // confederation" make a malformed AS_PATH. Herald is in no confederation, so from eBGP.
      if (ctx.ibgp === false && path.some(isConfedSegment))
        throw new MalformedAttribute('AS_PATH holds a confederation segment from an external peer');
    }
    out.asPath = path;
  },
  present: (a) => a.asPath !== undefined,
  encode(w, a, ctx) {
    encodeAsPath(w, a.asPath!, ctx.as4 ? 4 : 2);
  },
};
