// A quick look at the attribute blocks nearly every UPDATE carries: the common attributes only,
// each once, each well formed. A block it vouches for is one decodeAttributes decodes with no
// finding at all (no RFC 7606 error, no attribute discarded, ORIGIN and AS_PATH present; NEXT_HOP
// too, or the block is one for MP_REACH_NLRI's routes alone);
// anything else (an attribute it does not know, a duplicate, a value it doubts, a 2-octet-AS
// session) is left to decodeAttributes, which says what is wrong. It builds nothing: it notes
// where the facts the RIB checks on arrival lie. Ingest runs it on every new attribute set (a full
// table brings ~90,000), where decoding each cost more than the rest of the ingest path together.
// The rules are those of the codecs, restated as shapes; test/rib/set-findings.test.ts checks any
// block it vouches for against decodeAttributes.
import type { CodecContext } from '../context.js';
import { AsPathSegmentType, AttrFlag, AttrType } from '../registry.js';
import { CATEGORY_MASK, OPTIONAL_NON_TRANSITIVE, OPTIONAL_TRANSITIVE, WELL_KNOWN } from './flags.js';

/** Where a vouched-for block's facts lie: offsets into its buffer (-1: the attribute is absent). */
export interface PlainFacts {
  /** NEXT_HOP's 4 octets (-1: no NEXT_HOP, routes in MP_REACH_NLRI only). */
  nextHop: number;
  /** AS_PATH's value (4-octet ASNs). */
  asPath: number;
  asPathEnd: number;
  /** ORIGINATOR_ID's 4 octets. */
  originatorId: number;
  /** CLUSTER_LIST's value (4 octets per id). */
  clusterList: number;
  clusterListEnd: number;
}

/** Facts with every attribute absent, for `scanPlainBlock` to fill. */
export function plainFacts(): PlainFacts {
  return { nextHop: -1, asPath: -1, asPathEnd: -1, originatorId: -1, clusterList: -1, clusterListEnd: -1 };
}

/** An attribute's category and length: exactly `length`, a non-zero multiple of `unit`, or any. */
interface Shape {
  readonly category: number;
  readonly length?: number;
  readonly unit?: number;
}

/** The attributes a plain block may hold (RFC 4271 §5, RFC 7606 §7), by type; 4-octet ASNs. */
const SHAPES: (Shape | undefined)[] = [];
SHAPES[AttrType.ORIGIN] = { category: WELL_KNOWN, length: 1 };
SHAPES[AttrType.AS_PATH] = { category: WELL_KNOWN };
SHAPES[AttrType.NEXT_HOP] = { category: WELL_KNOWN, length: 4 };
SHAPES[AttrType.MULTI_EXIT_DISC] = { category: OPTIONAL_NON_TRANSITIVE, length: 4 };
SHAPES[AttrType.LOCAL_PREF] = { category: WELL_KNOWN, length: 4 };
SHAPES[AttrType.ATOMIC_AGGREGATE] = { category: WELL_KNOWN, length: 0 };
SHAPES[AttrType.AGGREGATOR] = { category: OPTIONAL_TRANSITIVE, length: 8 };
SHAPES[AttrType.COMMUNITIES] = { category: OPTIONAL_TRANSITIVE, unit: 4 };
SHAPES[AttrType.ORIGINATOR_ID] = { category: OPTIONAL_NON_TRANSITIVE, length: 4 };
SHAPES[AttrType.CLUSTER_LIST] = { category: OPTIONAL_NON_TRANSITIVE, unit: 4 };
SHAPES[AttrType.EXTENDED_COMMUNITIES] = { category: OPTIONAL_TRANSITIVE, unit: 8 };
SHAPES[AttrType.LARGE_COMMUNITY] = { category: OPTIONAL_TRANSITIVE, unit: 12 };

/** Attributes that come only from internal peers (RFC 7606 §7.5, §7.9, §7.10: discarded from eBGP). */
const INTERNAL_ONLY =
  (1 << AttrType.LOCAL_PREF) | (1 << AttrType.ORIGINATOR_ID) | (1 << AttrType.CLUSTER_LIST);
/** What RFC 7606 §3(d) asks of every block with routes (NEXT_HOP too for routes in the NLRI field). */
const MANDATORY = (1 << AttrType.ORIGIN) | (1 << AttrType.AS_PATH);

function fits(shape: Shape, length: number): boolean {
  if (shape.length !== undefined) return length === shape.length;
  if (shape.unit !== undefined) return length > 0 && length % shape.unit === 0;
  return true;
}

/**
 * Whether AS_PATH's value is well formed (RFC 7606 §7.2: known segment types, no empty segment, no
 * overrun) with none of what a session refuses (RFC 7607 AS 0; RFC 5065 confederation segments
 * from an external peer).
 */
function plainAsPath(buf: Uint8Array, start: number, end: number, ctx: CodecContext): boolean {
  for (let pos = start; pos < end; ) {
    if (pos + 2 > end) return false;
    const type = buf[pos];
    const count = buf[pos + 1];
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET || count === 0)
      return false;
    const confed = type === AsPathSegmentType.AS_CONFED_SEQUENCE || type === AsPathSegmentType.AS_CONFED_SET;
    if (confed && ctx.ibgp === false) return false;
    const next = pos + 2 + count * 4;
    if (next > end) return false;
    if (ctx.ibgp !== undefined)
      for (let at = pos + 2; at < next; at += 4)
        if ((buf[at] | buf[at + 1] | buf[at + 2] | buf[at + 3]) === 0) return false;
    pos = next;
  }
  return true;
}

/**
 * Whether `buf[start..end)` is a plain block (see above); if so, `out` says where its facts lie.
 * Never throws: a block it cannot vouch for is decodeAttributes' to judge.
 */
export function scanPlainBlock(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: CodecContext,
  out: PlainFacts,
): boolean {
  if (!ctx.as4) return false; // a 2-octet session's AS4_PATH and AS_TRANS need the decoder
  out.nextHop = -1;
  out.originatorId = -1;
  out.clusterList = -1;
  out.clusterListEnd = -1;
  let seen = 0;
  for (let pos = start; pos < end; ) {
    const flags = buf[pos];
    const headerLength = flags & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
    if (pos + headerLength > end) return false;
    const type = buf[pos + 1];
    const length = headerLength === 4 ? (buf[pos + 2] << 8) | buf[pos + 3] : buf[pos + 2];
    const value = pos + headerLength;
    pos = value + length;
    if (pos > end) return false;
    const shape = SHAPES[type];
    if (shape === undefined || (flags & CATEGORY_MASK) !== shape.category || !fits(shape, length))
      return false;
    // One bit per type: LARGE_COMMUNITY (32) wraps to bit 0, which no attribute has (type 0 is reserved).
    const bit = 1 << (type & 31);
    if (seen & bit) return false;
    seen |= bit;
    if (bit & INTERNAL_ONLY && ctx.ibgp === false) return false;
    switch (type) {
      case AttrType.ORIGIN:
        if (buf[value] > 2) return false; // IGP, EGP, INCOMPLETE
        break;
      case AttrType.AS_PATH:
        if (!plainAsPath(buf, value, pos, ctx)) return false;
        out.asPath = value;
        out.asPathEnd = pos;
        break;
      case AttrType.NEXT_HOP:
        out.nextHop = value;
        break;
      case AttrType.AGGREGATOR: // RFC 7607: not AS 0 (sessions only)
        if (ctx.ibgp !== undefined && (buf[value] | buf[value + 1] | buf[value + 2] | buf[value + 3]) === 0)
          return false;
        break;
      case AttrType.ORIGINATOR_ID:
        out.originatorId = value;
        break;
      case AttrType.CLUSTER_LIST:
        out.clusterList = value;
        out.clusterListEnd = pos;
        break;
    }
  }
  return (seen & MANDATORY) === MANDATORY;
}
