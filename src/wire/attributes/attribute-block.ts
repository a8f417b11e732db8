// The Path Attributes field of an UPDATE (RFC 4271 §4.3):
//
//   +-------------------------------------------------+
//   | Attr. Flags (1) | Attr. Type Code (1) |  Length (1, or 2 with Extended Length) | Value |
//   +-------------------------------------------------+
//
// Decoding applies RFC 7606: each attribute's problem becomes an AttributeError with its approach
// (attribute-discard or treat-as-withdraw); session-fatal problems throw a Notification.
import type { CodecContext } from '../context.js';
import type { AttributeError, AttributeOutcome } from '../errors.js';
import { MalformedAttribute, Notification, strongest } from '../errors.js';
import { ErrorCode, UpdateSubcode } from '../notification-codes.js';
import { AS_TRANS, AttrFlag, AttrType } from '../registry.js';
import { type Writer, WriterOverflow } from '../writer.js';
import { aggregatorCodec, as4AggregatorCodec } from './aggregator.js';
import { asPathCodec } from './as-path.js';
import { as4PathCodec, mergeAs4Path } from './as4-path.js';
import { atomicAggregateCodec } from './atomic-aggregate.js';
import { communitiesCodec } from './communities.js';
import { extendedCommunitiesCodec } from './extended-communities.js';
import { CATEGORY_MASK } from './flags.js';
import { largeCommunitiesCodec } from './large-communities.js';
import { localPrefCodec } from './local-pref.js';
import { medCodec } from './med.js';
import { mpReachCodec, mpUnreachCodec } from './mp-reach.js';
import { nextHopCodec } from './next-hop.js';
import { originCodec } from './origin.js';
import { otcCodec } from './otc.js';
import { clusterListCodec, originatorIdCodec } from './route-reflection.js';
import type { AttributeCodec, PathAttributes, UnknownAttribute } from './types.js';

/** Encoding order: RFC 7606 §5.1 "MP_REACH_NLRI or MP_UNREACH_NLRI ... SHOULD be encoded as the
 * very first path attribute"; the rest by type code. */
export const ATTRIBUTE_CODECS: readonly AttributeCodec[] = [
  mpReachCodec,
  mpUnreachCodec,
  originCodec,
  asPathCodec,
  nextHopCodec,
  medCodec,
  localPrefCodec,
  atomicAggregateCodec,
  aggregatorCodec,
  communitiesCodec,
  originatorIdCodec,
  clusterListCodec,
  extendedCommunitiesCodec,
  as4PathCodec,
  as4AggregatorCodec,
  largeCommunitiesCodec,
  otcCodec,
];

const CODEC_BY_TYPE: (AttributeCodec | undefined)[] = new Array(256);
for (const c of ATTRIBUTE_CODECS) CODEC_BY_TYPE[c.type] = c;

export function attributeName(type: number): string {
  return CODEC_BY_TYPE[type]?.name ?? `attribute ${type}`;
}

/** Types seen in the block being decoded (decoding is synchronous, so one array serves all calls). */
const SEEN = new Uint8Array(256);

export interface DecodedAttributes {
  readonly attributes: PathAttributes;
  /** RFC 7606 problems that did not reset the session, in the order met. */
  readonly errors: AttributeError[];
  /** The strongest approach among `errors` ("none" when clean). */
  readonly outcome: AttributeOutcome;
}

type Decoding = { -readonly [K in keyof DecodedAttributes]: DecodedAttributes[K] };

/** Records an RFC 7606 problem in `d` (a plain function: no closure allocated per decode). */
function note(d: Decoding, type: number, outcome: Exclude<AttributeOutcome, 'none'>, reason: string): void {
  d.errors.push({ type, outcome, reason });
  d.outcome = strongest(d.outcome, outcome);
}

function updateError(subcode: number, reason: string, data?: Buffer): Notification {
  return new Notification(ErrorCode.UPDATE_MESSAGE, subcode, data, reason);
}

/**
 * Decodes the attributes in `buf[start..end)`. Throws a Notification when RFC 4271/7606 leave
 * only a session reset; otherwise returns the attributes with the RFC 7606 errors found.
 */
export function decodeAttributes(
  buf: Buffer,
  start: number,
  end: number,
  ctx: CodecContext,
): DecodedAttributes {
  const attributes: PathAttributes = {};
  const d: Decoding = { attributes, errors: [], outcome: 'none' };
  const seen = SEEN.fill(0);
  let unknown: UnknownAttribute[] | undefined;
  let pos = start;
  while (pos < end) {
    const flags = buf[pos];
    const headerLen = flags & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
    // RFC 7606 §4: "fewer than three octets remain (or fewer than four octets, if the Attribute
    // Flags field has the Extended Length bit set) ... or the length of the last encountered path
    // attribute would cause the Total Attribute Length to be exceeded ... 'treat-as-withdraw'".
    if (pos + headerLen > end) {
      note(d, 0, 'treat-as-withdraw', 'path attribute header truncated');
      break;
    }
    const type = buf[pos + 1];
    const len = headerLen === 4 ? buf.readUInt16BE(pos + 2) : buf[pos + 2];
    const valueStart = pos + headerLen;
    if (valueStart + len > end) {
      note(d, type, 'treat-as-withdraw', `${attributeName(type)} length ${len} overruns the attribute field`);
      break;
    }
    pos = valueStart + len;
    const codec = CODEC_BY_TYPE[type];

    if (seen[type]) {
      // RFC 7606 §3(g): "If the MP_REACH_NLRI attribute or the MP_UNREACH_NLRI attribute appears
      // more than once ... Malformed Attribute List. If any other attribute ... appears more than
      // once ... all the occurrences of the attribute other than the first one SHALL be discarded".
      if (type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) {
        throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `${attributeName(type)} appears twice`);
      }
      note(d, type, 'attribute-discard', `duplicate ${attributeName(type)} discarded`);
      continue;
    }
    seen[type] = 1;

    if (!codec) {
      if (!(flags & AttrFlag.OPTIONAL)) {
        // RFC 4271 §6.3: "If any of the well-known mandatory attributes are not recognized, then the
        // Error Subcode MUST be set to Unrecognized Well-known Attribute. The Data field MUST
        // contain the unrecognized attribute (type, length, and value)."
        throw updateError(
          UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
          `unrecognized well-known attribute ${type}`,
          Buffer.from(buf.subarray(valueStart - headerLen, valueStart + len)),
        );
      }
      // RFC 4271 §5: unrecognized optional non-transitive attributes are "quietly ignored"; we keep
      // both kinds for display, and the encoder passes on only the transitive ones.
      unknown ??= [];
      unknown.push({ flags, type, value: buf.subarray(valueStart, pos) });
      continue;
    }
    // Attributes that only OLD (2-octet) speakers may send.
    if ((type === AttrType.AS4_PATH || type === AttrType.AS4_AGGREGATOR) && ctx.as4) {
      // RFC 6793 §4.1: "a NEW BGP speaker ... MUST discard these attributes" when received from a
      // NEW BGP speaker.
      note(d, type, 'attribute-discard', `${codec.name} from a 4-octet AS speaker discarded`);
      continue;
    }
    if ((flags & CATEGORY_MASK) !== codec.flags) {
      // RFC 7606 §3(c): "If the value of either the Optional or Transitive bits in the Attribute
      // Flags is in conflict with their specified values, then the attribute MUST be treated as
      // malformed" (with the attribute's own approach).
      const reason = `${codec.name} flags 0x${flags.toString(16)} conflict with its category`;
      if (codec.malformed === 'session-reset') {
        throw updateError(
          UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
          reason,
          Buffer.from(buf.subarray(valueStart - headerLen, pos)),
        );
      }
      note(d, type, codec.malformed, reason);
      continue;
    }
    try {
      codec.decode(buf, valueStart, pos, ctx, attributes);
    } catch (e) {
      if (!(e instanceof MalformedAttribute)) throw e;
      note(d, type, e.outcome ?? codec.malformed, e.reason);
    }
  }
  if (unknown) attributes.unknown = unknown;
  if (!ctx.as4) applyAs4(attributes);
  return d;
}

/**
 * RFC 6793 §4.2.3 on a session with an OLD speaker: rebuild the 4-octet path and aggregator from
 * AS_PATH/AGGREGATOR and AS4_PATH/AS4_AGGREGATOR, leaving only the merged values.
 */
function applyAs4(a: PathAttributes): void {
  if (a.aggregator && a.aggregator.asn !== AS_TRANS) {
    // "If the AGGREGATOR attribute ... carries an AS number other than AS_TRANS, then ... the
    // AS4_AGGREGATOR and AS4_PATH attributes ... SHALL be ignored".
    delete a.as4Aggregator;
    delete a.as4Path;
    return;
  }
  if (a.aggregator && a.as4Aggregator) a.aggregator = a.as4Aggregator;
  delete a.as4Aggregator;
  if (a.as4Path && a.asPath) a.asPath = mergeAs4Path(a.asPath, a.as4Path);
  delete a.as4Path;
}

/**
 * RFC 7606 §3(d): "If any of the well-known mandatory attributes are not present in an UPDATE
 * message, then 'treat-as-withdraw' MUST be used." Only checked when the UPDATE carries NLRI;
 * NEXT_HOP only when it carries IPv4 NLRI in the NLRI field (RFC 4760 §3).
 */
export function missingMandatory(a: PathAttributes, hasClassicNlri: boolean): string | undefined {
  if (a.origin === undefined) return 'ORIGIN missing';
  if (a.asPath === undefined) return 'AS_PATH missing';
  if (hasClassicNlri && a.nextHop === undefined) return 'NEXT_HOP missing';
  return undefined;
}

/**
 * Writes every attribute present in `a` for a session with `ctx`. With `skipMpReach`, MP_REACH_NLRI
 * is left to the caller (the packer writes it with as many NLRI as fit).
 */
export function encodeAttributes(w: Writer, a: PathAttributes, ctx: CodecContext, skipMpReach = false): void {
  for (const codec of ATTRIBUTE_CODECS) {
    if (skipMpReach && codec === mpReachCodec) continue;
    if (!codec.present(a, ctx)) continue;
    writeAttribute(w, codec.flags, codec.type, codec.alwaysExtendedLength === true, () =>
      codec.encode(w, a, ctx),
    );
  }
  for (const u of a.unknown ?? []) {
    // RFC 4271 §5: "Unrecognized non-transitive optional attributes MUST be quietly ignored and not
    // passed along"; transitive ones are passed "with the Partial bit in the Attribute Flags octet
    // set to 1".
    if (!(u.flags & AttrFlag.TRANSITIVE)) continue;
    const flags = (u.flags | AttrFlag.PARTIAL) & ~AttrFlag.EXTENDED_LENGTH;
    writeAttribute(w, flags, u.type, false, () => w.bytes(u.value));
  }
}

/**
 * Writes one attribute: reserves a 2-octet length, lets `body` write the value, then uses the
 * 1-octet form (shifting the value by one) when it fits and extended length is not wanted.
 */
export function writeAttribute(
  w: Writer,
  flags: number,
  type: number,
  extended: boolean,
  body: () => void,
): void {
  const start = w.pos;
  w.ensure(4);
  w.pos += 4;
  body();
  const len = w.pos - start - 4;
  if (len > 0xffff) throw new WriterOverflow(`attribute ${type} value of ${len} octets`);
  if (extended || len > 0xff) {
    w.buf[start] = (flags | AttrFlag.EXTENDED_LENGTH) & 0xff;
    w.buf[start + 1] = type;
    w.buf.writeUInt16BE(len, start + 2);
  } else {
    w.buf[start] = flags & ~AttrFlag.EXTENDED_LENGTH & 0xff;
    w.buf[start + 1] = type;
    w.buf[start + 2] = len;
    w.buf.copyWithin(start + 3, start + 4, w.pos);
    w.pos -= 1;
  }
}
