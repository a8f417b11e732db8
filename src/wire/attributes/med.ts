// MULTI_EXIT_DISC (type 4), optional non-transitive, RFC 4271 §5.1.4: a 4-octet metric.
import { AttrType } from '../registry.js';
import { expectLength } from './fixed-length.js';
import { OPTIONAL_NON_TRANSITIVE } from './flags.js';
import type { AttributeCodec } from './types.js';

export const medCodec: AttributeCodec = {
  type: AttrType.MULTI_EXIT_DISC,
  name: 'MULTI_EXIT_DISC',
  flags: OPTIONAL_NON_TRANSITIVE,
  // RFC 7606 §7.4: "attribute length ... other than 4 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectLength(end - start, 4, 'MULTI_EXIT_DISC');
    out.med = buf.readUInt32BE(start);
  },
  present: (a) => a.med !== undefined,
  encode(w, a) {
    w.u32(a.med!);
  },
};
