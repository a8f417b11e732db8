// LOCAL_PREF (type 5), well-known, RFC 4271 §5.1.5: 4 octets, only between internal peers.
import { MalformedAttribute } from '../errors.js';
import { AttrType } from '../registry.js';
import { expectLength } from './fixed-length.js';
import { WELL_KNOWN } from './flags.js';
import type { AttributeCodec } from './types.js';

export const localPrefCodec: AttributeCodec = {
  type: AttrType.LOCAL_PREF,
  name: 'LOCAL_PREF',
  flags: WELL_KNOWN,
  // RFC 7606 §7.5: "... length other than 4 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, ctx, out) {
    // RFC 7606 §7.5: "if the LOCAL_PREF attribute is received from an external neighbor, it SHALL be
    // discarded using the approach of 'attribute discard'".
    if (ctx.ibgp === false)
      throw new MalformedAttribute('LOCAL_PREF from an external peer', 'attribute-discard');
    expectLength(end - start, 4, 'LOCAL_PREF');
    out.localPref = buf.readUInt32BE(start);
  },
  // RFC 4271 §5.1.5: "A BGP speaker MUST NOT include this attribute in UPDATE messages it sends to
  // external peers".
  present: (a, ctx) => a.localPref !== undefined && ctx.ibgp !== false,
  encode(w, a) {
    w.u32(a.localPref!);
  },
};
