// AGGREGATOR (type 7, optional transitive, RFC 4271 §5.1.7): AS (2 or 4 octets, RFC 6793) + IPv4.
// AS4_AGGREGATOR (type 18, RFC 6793 §3): always a 4-octet AS + IPv4, only on 2-octet sessions.
import type { CodecContext } from '../context.js';
import { MalformedAttribute } from '../errors.js';
import { AS_TRANS, AttrType } from '../registry.js';
import { expectLength, readIpv4, writeIpv4 } from './fixed-length.js';
import { OPTIONAL_TRANSITIVE } from './flags.js';
import type { Aggregator, AttributeCodec } from './types.js';

function decodeAggregator(
  buf: Buffer,
  start: number,
  end: number,
  asnSize: 2 | 4,
  name: string,
  ctx: CodecContext,
): Aggregator {
  expectLength(end - start, asnSize + 4, name);
  const asn = asnSize === 4 ? buf.readUInt32BE(start) : buf.readUInt16BE(start);
  // RFC 7607 §2: AS 0 in AGGREGATOR (RFC 7606: attribute discard) or AS4_AGGREGATOR (RFC 6793:
  // attribute discard) is malformed. Sessions only (ctx.ibgp is undefined for MRT data).
  if (asn === 0 && ctx.ibgp !== undefined) throw new MalformedAttribute(`${name} holds AS 0`);
  return { asn, address: readIpv4(buf, start + asnSize) };
}

export const aggregatorCodec: AttributeCodec = {
  type: AttrType.AGGREGATOR,
  name: 'AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 7606 §7.7: "length ... not 6 (or 8 with 4-octet AS) ... attribute discard".
  malformed: 'attribute-discard',
  decode(buf, start, end, ctx, out) {
    out.aggregator = decodeAggregator(buf, start, end, ctx.as4 ? 4 : 2, 'AGGREGATOR', ctx);
  },
  present: (a) => a.aggregator !== undefined,
  encode(w, a, ctx) {
    const { asn, address } = a.aggregator!;
    if (ctx.as4) w.u32(asn);
    else w.u16(asn > 0xffff ? AS_TRANS : asn);
    writeIpv4(w, address);
  },
};

export const as4AggregatorCodec: AttributeCodec = {
  type: AttrType.AS4_AGGREGATOR,
  name: 'AS4_AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  // RFC 7606 §7.7 / RFC 6793 §6: a malformed AS4_AGGREGATOR is discarded.
  malformed: 'attribute-discard',
  decode(buf, start, end, ctx, out) {
    out.as4Aggregator = decodeAggregator(buf, start, end, 4, 'AS4_AGGREGATOR', ctx);
  },
  // RFC 6793 §4.2.2: sent to an OLD speaker only when the aggregator AS does not fit 2 octets.
  present: (a, ctx) => !ctx.as4 && (a.as4Aggregator !== undefined || (a.aggregator?.asn ?? 0) > 0xffff),
  encode(w, a) {
    const agg = a.as4Aggregator ?? a.aggregator!;
    w.u32(agg.asn);
    writeIpv4(w, agg.address);
  },
};
