// COMMUNITIES (type 8), optional transitive, RFC 1997: a list of 4-octet values.
import { AttrType } from '../registry.js';
import { expectMultiple } from './fixed-length.js';
import { OPTIONAL_TRANSITIVE } from './flags.js';
import type { AttributeCodec } from './types.js';

export const communitiesCodec: AttributeCodec = {
  type: AttrType.COMMUNITIES,
  name: 'COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 7606 §7.8: "length ... not a non-zero multiple of 4 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectMultiple(end - start, 4, 'COMMUNITIES');
    const list = new Array<number>((end - start) / 4);
    for (let i = 0; i < list.length; i++) list[i] = buf.readUInt32BE(start + i * 4);
    out.communities = list;
  },
  present: (a) => a.communities !== undefined && a.communities.length > 0,
  encode(w, a) {
    for (const c of a.communities!) w.u32(c);
  },
};
