// RFC 4456 route reflection: ORIGINATOR_ID (type 9, one router id) and CLUSTER_LIST (type 10, a
// list of cluster ids), both optional non-transitive.
import { MalformedAttribute } from '../errors.js';
import { AttrType } from '../registry.js';
import { expectLength, expectMultiple, readIpv4, writeIpv4 } from './fixed-length.js';
import { OPTIONAL_NON_TRANSITIVE } from './flags.js';
import type { AttributeCodec } from './types.js';

export const originatorIdCodec: AttributeCodec = {
  type: AttrType.ORIGINATOR_ID,
  name: 'ORIGINATOR_ID',
  flags: OPTIONAL_NON_TRANSITIVE,
  // RFC 7606 §7.9: "attribute length ... other than 4 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, ctx, out) {
    // RFC 7606 §7.9: "if the ORIGINATOR_ID attribute is received from an external neighbor, it
    // SHALL be discarded using the approach of 'attribute discard'".
    if (ctx.ibgp === false)
      throw new MalformedAttribute('ORIGINATOR_ID from an external peer', 'attribute-discard');
    expectLength(end - start, 4, 'ORIGINATOR_ID');
    out.originatorId = readIpv4(buf, start);
  },
  // Route reflection stays inside the AS: not sent to external peers (who discard it, RFC 7606 §7.9).
  present: (a, ctx) => a.originatorId !== undefined && ctx.ibgp !== false,
  encode(w, a) {
    writeIpv4(w, a.originatorId!);
  },
};

export const clusterListCodec: AttributeCodec = {
  type: AttrType.CLUSTER_LIST,
  name: 'CLUSTER_LIST',
  flags: OPTIONAL_NON_TRANSITIVE,
  // RFC 7606 §7.10: "length ... not a non-zero multiple of 4 ... treat-as-withdraw".
  malformed: 'treat-as-withdraw',
  decode(buf, start, end, ctx, out) {
    // RFC 7606 §7.10: "if the CLUSTER_LIST attribute is received from an external neighbor, it
    // SHALL be discarded using the approach of 'attribute discard'".
    if (ctx.ibgp === false)
      throw new MalformedAttribute('CLUSTER_LIST from an external peer', 'attribute-discard');
    expectMultiple(end - start, 4, 'CLUSTER_LIST');
    const ids = new Array<string>((end - start) / 4);
    for (let i = 0; i < ids.length; i++) ids[i] = readIpv4(buf, start + i * 4);
    out.clusterList = ids;
  },
  present: (a, ctx) => a.clusterList !== undefined && a.clusterList.length > 0 && ctx.ibgp !== false,
  encode(w, a) {
    for (const id of a.clusterList!) writeIpv4(w, id);
  },
};
