// EXTENDED_COMMUNITIES (type 16), optional transitive, RFC 4360: a list of 8-octet values, kept as
// 64-bit bigints (type, subtype and value are read by format.ts).
import { AttrType } from '../registry.js';
import { expectMultiple } from './fixed-length.js';
import { OPTIONAL_TRANSITIVE } from './flags.js';
import type { AttributeCodec } from './types.js';

export const extendedCommunitiesCodec: AttributeCodec = {
  type: AttrType.EXTENDED_COMMUNITIES,
  name: 'EXTENDED_COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 7606 §7.14: "length ... not a non-zero multiple of 8 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectMultiple(end - start, 8, 'EXTENDED_COMMUNITIES');
    const list = new Array<bigint>((end - start) / 8);
    for (let i = 0; i < list.length; i++) list[i] = buf.readBigUInt64BE(start + i * 8);
    out.extendedCommunities = list;
  },
  present: (a) => a.extendedCommunities !== undefined && a.extendedCommunities.length > 0,
  encode(w, a) {
    for (const c of a.extendedCommunities!) {
      w.ensure(8);
      w.buf.writeBigUInt64BE(c, w.pos);
      w.pos += 8;
    }
  },
};
