// ORIGIN (type 1), well-known mandatory, RFC 4271 §4.3 / §5.1.1: one octet, IGP=0, EGP=1, INCOMPLETE=2.
import { MalformedAttribute } from '../errors.js';
import { AttrType, type Origin } from '../registry.js';
import { expectLength } from './fixed-length.js';
import { WELL_KNOWN } from './flags.js';
import type { AttributeCodec } from './types.js';

export const originCodec: AttributeCodec = {
  type: AttrType.ORIGIN,
  name: 'ORIGIN',
  flags: WELL_KNOWN,
  // RFC 7606 §7.1: "attribute length ... not 1, or ... an undefined value ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, _ctx, out) {
    expectLength(end - start, 1, 'ORIGIN');
    if (buf[start] > 2) throw new MalformedAttribute(`ORIGIN value ${buf[start]} is undefined`);
    out.origin = buf[start] as Origin;
  },
  present: (a) => a.origin !== undefined,
  encode(w, a) {
    w.u8(a.origin!);
  },
};
