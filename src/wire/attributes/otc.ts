// OTC "Only to Customer" (type 35), optional transitive, RFC 9234 §4: a 4-octet ASN.
import { AttrType } from '../registry.js';
import { expectLength } from './fixed-length.js';
import { OPTIONAL_TRANSITIVE } from './flags.js';
import type { AttributeCodec } from './types.js';

export const otcCodec: AttributeCodec = {
  type: AttrType.OTC,
  name: 'OTC',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 9234 §5: "If the OTC Attribute ... length ... not 4 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectLength(end - start, 4, 'OTC');
    out.otc = buf.readUInt32BE(start);
  },
  present: (a) => a.otc !== undefined,
  encode(w, a) {
    w.u32(a.otc!);
  },
};
