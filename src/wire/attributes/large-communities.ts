// LARGE_COMMUNITY (type 32), optional transitive, RFC 8092: a list of 12-octet values
// (Global Administrator, Local Data Part 1, Local Data Part 2).
import { AttrType } from '../registry.js';
import { expectMultiple } from './fixed-length.js';
import { OPTIONAL_TRANSITIVE } from './flags.js';
import type { AttributeCodec, LargeCommunity } from './types.js';

export const largeCommunitiesCodec: AttributeCodec = {
  type: AttrType.LARGE_COMMUNITY,
  name: 'LARGE_COMMUNITY',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 8092 §6: "non-zero multiple of 12 ... otherwise ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectMultiple(end - start, 12, 'LARGE_COMMUNITY');
    const list: LargeCommunity[] = [];
    for (let i = start; i < end; i += 12) {
      list.push({
        global: buf.readUInt32BE(i),
        local1: buf.readUInt32BE(i + 4),
        local2: buf.readUInt32BE(i + 8),
      });
    }
    out.largeCommunities = list;
  },
  present: (a) => a.largeCommunities !== undefined && a.largeCommunities.length > 0,
  encode(w, a) {
    for (const c of a.largeCommunities!) {
      w.u32(c.global);
      w.u32(c.local1);
      w.u32(c.local2);
    }
  },
};
