// Decoded path attribute values. Addresses are text ("192.0.2.1"), ASNs plain numbers (4-octet
// range), communities numbers, extended communities 64-bit bigints, as users and the RIB want them.
import type { CodecContext } from '../context.js';
import type { AttributeOutcome } from '../errors.js';
import type { Prefix } from '../prefix.js';
import type { AsPathSegmentType, Origin } from '../registry.js';
import type { Writer } from '../writer.js';

export interface AsPathSegment {
  readonly type: AsPathSegmentType;
  readonly asns: readonly number[];
}

export interface Aggregator {
  readonly asn: number;
  readonly address: string;
}

export interface LargeCommunity {
  readonly global: number;
  readonly local1: number;
  readonly local2: number;
}

/** RFC 4760 MP_REACH_NLRI. Families other than IPv4/IPv6 unicast/multicast keep raw octets. */
export interface MpReach {
  readonly afi: number;
  readonly safi: number;
  /** Global next hop (IPv4 or IPv6 text); undefined for families we do not parse. */
  readonly nextHop?: string;
  /** RFC 2545: the link-local IPv6 next hop when the Next Hop field carries two addresses. */
  readonly linkLocal?: string;
  readonly nlri: readonly Prefix[];
  /** Next hop and NLRI octets of a family we do not parse, kept to pass on. */
  readonly raw?: { readonly nextHop: Uint8Array; readonly nlri: Uint8Array };
}

/** RFC 4760 MP_UNREACH_NLRI. */
export interface MpUnreach {
  readonly afi: number;
  readonly safi: number;
  readonly withdrawn: readonly Prefix[];
  readonly raw?: Uint8Array;
}

export interface UnknownAttribute {
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

export interface PathAttributes {
  origin?: Origin;
  asPath?: readonly AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  communities?: readonly number[];
  originatorId?: string;
  clusterList?: readonly string[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  extendedCommunities?: readonly bigint[];
  as4Path?: readonly AsPathSegment[];
  as4Aggregator?: Aggregator;
  largeCommunities?: readonly LargeCommunity[];
  otc?: number;
  /** Unrecognized optional attributes (RFC 4271 §5: transitive ones are passed on with Partial set). */
  unknown?: readonly UnknownAttribute[];
}

/** One path attribute's codec: the flags it must carry, how to decode its value, how to encode it. */
export interface AttributeCodec {
  readonly type: number;
  readonly name: string;
  /** Expected Optional and Transitive bits (RFC 4271 §5 categories). */
  readonly flags: number;
  /** RFC 7606 approach for a malformed instance of this attribute. */
  readonly malformed: Exclude<AttributeOutcome, 'none'>;
  /** Always use the Extended Length bit (common practice for MP_REACH/MP_UNREACH). */
  readonly alwaysExtendedLength?: boolean;
  /**
   * Decodes the value in `buf[start..end)` into `out`; throws MalformedAttribute or, for
   * session-fatal cases, Notification. Offsets rather than a view: no allocation per attribute.
   */
  decode(buf: Buffer, start: number, end: number, ctx: CodecContext, out: PathAttributes): void;
  /** Whether `attrs` has something for this codec to write on a session with `ctx`. */
  present(attrs: PathAttributes, ctx: CodecContext): boolean;
  /** Writes the attribute value (the header is written by the attribute-block encoder). */
  encode(w: Writer, attrs: PathAttributes, ctx: CodecContext): void;
}
