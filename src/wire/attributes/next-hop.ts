// NEXT_HOP (type 3), well-known, RFC 4271 §4.3: the IPv4 next hop for routes in the NLRI field.
import { AttrType } from '../registry.js';
import { expectLength, readIpv4, writeIpv4 } from './fixed-length.js';
import { WELL_KNOWN } from './flags.js';
import type { AttributeCodec } from './types.js';

export const nextHopCodec: AttributeCodec = {
  type: AttrType.NEXT_HOP,
  name: 'NEXT_HOP',
  flags: WELL_KNOWN,
  // RFC 7606 §7.3: "If the NEXT_HOP attribute field is syntactically incorrect ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectLength(end - start, 4, 'NEXT_HOP');
    out.nextHop = readIpv4(buf, start);
  },
  // An IPv6 text next hop belongs in MP_REACH (RFC 8950), never here.
  present: (a) => a.nextHop !== undefined && !a.nextHop.includes(':'),
  encode(w, a) {
    writeIpv4(w, a.nextHop!);
  },
};
