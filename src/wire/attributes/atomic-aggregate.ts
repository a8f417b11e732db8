// ATOMIC_AGGREGATE (type 6), well-known discretionary, RFC 4271 §5.1.6: no value.
import { AttrType } from '../registry.js';
import { expectLength } from './fixed-length.js';
import { WELL_KNOWN } from './flags.js';
import type { AttributeCodec } from './types.js';

export const atomicAggregateCodec: AttributeCodec = {
  type: AttrType.ATOMIC_AGGREGATE,
  name: 'ATOMIC_AGGREGATE',
  flags: WELL_KNOWN,
  // RFC 7606 §7.6: "attribute length other than 0 ... attribute discard".
  malformed: 'attribute-discard',
  decode(_buf, start, end, _ctx, out) {
    expectLength(end - start, 0, 'ATOMIC_AGGREGATE');
    out.atomicAggregate = true;
  },
  present: (a) => a.atomicAggregate === true,
  encode() {},
};
