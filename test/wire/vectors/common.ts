// Small builders shared by the vector files: expected values stay short and read like the RFCs.
import type { AsPathSegment, PathAttributes, Prefix } from '../../../src/wire/index.js';
import { AsPathSegmentType, formatPrefix, HEADER_LENGTH, parsePrefix } from '../../../src/wire/index.js';

export const p = (text: string, pathId?: number): Prefix => parsePrefix(text, pathId);

export const seq = (...asns: number[]): AsPathSegment => ({ type: AsPathSegmentType.AS_SEQUENCE, asns });
export const set = (...asns: number[]): AsPathSegment => ({ type: AsPathSegmentType.AS_SET, asns });
export const confedSeq = (...asns: number[]): AsPathSegment => ({
  type: AsPathSegmentType.AS_CONFED_SEQUENCE,
  asns,
});
export const confedSet = (...asns: number[]): AsPathSegment => ({
  type: AsPathSegmentType.AS_CONFED_SET,
  asns,
});

/** A whole message: marker, length, type, then `body`. */
export function message(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(HEADER_LENGTH, 0xff);
  head.writeUInt16BE(HEADER_LENGTH + body.length, 16);
  head[18] = type;
  return Buffer.concat([head, body]);
}

/** "10.0.0.0/8", or "10.0.0.0/8#7" with a path id: how vectors name routes. */
export function routeText(prefix: Prefix): string {
  return prefix.pathId === undefined ? formatPrefix(prefix) : `${formatPrefix(prefix)}#${prefix.pathId}`;
}

/** Well-known attributes most vectors carry, as annotated hex fragments (2-octet AS session). */
export const ORIGIN_IGP = '40 01 01 00'; // flags well-known, type 1, length 1, IGP
export const AS_PATH_65001 = '40 02 04 02 01 fde9'; // AS_PATH: AS_SEQUENCE of 1: 65001 (2 octets)
export const AS_PATH_65001_AS4 = '40 02 06 02 01 0000fde9'; // AS_PATH: AS_SEQUENCE of 1: 65001 (4 octets)
export const NEXT_HOP_192_0_2_1 = '40 03 04 c0000201'; // NEXT_HOP 192.0.2.1
/** ORIGIN + AS_PATH + NEXT_HOP above: 4 + 7 + 7 = 18 (0x12) octets; 20 (0x14) with the 4-octet AS_PATH. */
export const MANDATORY = `${ORIGIN_IGP} ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}`;
export const MANDATORY_AS4 = `${ORIGIN_IGP} ${AS_PATH_65001_AS4} ${NEXT_HOP_192_0_2_1}`;
/** The decoded form of MANDATORY (and of MANDATORY_AS4 on a 4-octet session). */
export const BASE: PathAttributes = { origin: 0, asPath: [seq(65001)], nextHop: '192.0.2.1' };

/** An Update value: attributes, then the IPv4 NLRI and Withdrawn Routes fields. */
export function update(
  attributes: PathAttributes,
  nlri: readonly Prefix[] = [],
  withdrawn: readonly Prefix[] = [],
) {
  return { withdrawn, attributes, nlri };
}

/** What treat-as-withdraw makes of an UPDATE announcing only 10.0.0.0/8. */
export const WITHDRAWS_10_8 = { announced: [], withdrawn: ['10.0.0.0/8'] };
/** The same UPDATE when the error left the route standing. */
export const ANNOUNCES_10_8 = { announced: ['10.0.0.0/8'], withdrawn: [] };
