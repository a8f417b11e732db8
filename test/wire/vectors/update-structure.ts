// The UPDATE as a whole: attribute flags (RFC 7606 §3(c)), duplicates (§3(g)), unrecognized
// well-known attributes (RFC 4271 §6.3), attribute-field overruns (RFC 7606 §4), missing
// mandatory attributes (§3(d)), and the errors that leave only a session reset.
import { AttrType, ErrorCode, IPV4_UNICAST, UpdateSubcode } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';
import {
  ANNOUNCES_10_8,
  AS_PATH_65001,
  BASE,
  MANDATORY,
  NEXT_HOP_192_0_2_1,
  ORIGIN_IGP,
  update,
  WITHDRAWS_10_8,
} from './common.js';
import type { UpdateVector } from './types.js';

const UPDATE_ERROR = ErrorCode.UPDATE_MESSAGE;
const withdraw = (type: number) =>
  ({
    outcome: 'treat-as-withdraw',
    errors: [{ type, outcome: 'treat-as-withdraw' }],
    routes: WITHDRAWS_10_8,
  }) as const;

export const structureVectors: UpdateVector[] = [
  // RFC 7606 §3(c): flags in conflict with the attribute's category
  {
    name: 'ORIGIN with the Optional bit set is malformed',
    rfc: 'RFC 7606 §3(c)',
    bytes: hex`
      0000 0012
      c0 01 01 00                // ORIGIN flagged optional transitive
      ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: withdraw(AttrType.ORIGIN),
  },
  {
    name: 'COMMUNITIES without the Transitive bit is malformed',
    rfc: 'RFC 7606 §3(c)',
    bytes: hex`0000 0019 ${MANDATORY} 80 08 04 fde90064 // COMMUNITIES flagged optional non-transitive
      08 0a`,
    expected: withdraw(AttrType.COMMUNITIES),
  },
  {
    name: 'AGGREGATOR with conflicting flags is discarded (its own approach)',
    rfc: 'RFC 7606 §3(c)',
    bytes: hex`0000 001b ${MANDATORY} 80 07 06 fde9 c0000209 // AGGREGATOR flagged non-transitive
      08 0a`,
    expected: {
      outcome: 'attribute-discard',
      errors: [{ type: AttrType.AGGREGATOR, outcome: 'attribute-discard' }],
      attributes: BASE,
      routes: ANNOUNCES_10_8,
    },
  },
  {
    name: 'MP_REACH_NLRI with conflicting flags resets the session: Attribute Flags Error',
    rfc: 'RFC 7606 §3(c)',
    bytes: hex`
      0000 0009
      d0 0e 0005 0002 01 00 00   // MP_REACH_NLRI flagged transitive
    `,
    expected: {
      notification: {
        code: UPDATE_ERROR,
        subcode: UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
        data: hex`d0 0e 0005 0002 01 00 00`,
      },
    },
  },
  // RFC 7606 §3(g): duplicates
  {
    name: 'a second ORIGIN is discarded, the first kept',
    rfc: 'RFC 7606 §3(g)',
    bytes: hex`0000 0016 ${MANDATORY} 40 01 01 02 // ORIGIN again, INCOMPLETE
      08 0a`,
    expected: {
      outcome: 'attribute-discard',
      errors: [{ type: AttrType.ORIGIN, outcome: 'attribute-discard' }],
      attributes: BASE,
      routes: ANNOUNCES_10_8,
    },
  },
  {
    name: 'MP_REACH_NLRI twice: Malformed Attribute List',
    rfc: 'RFC 7606 §3(g)',
    bytes: hex`
      0000 0012
      90 0e 0005 0002 80 00 00   // MP_REACH_NLRI AFI 2 SAFI 128 (kept raw), no next hop, no NLRI
      90 0e 0005 0002 80 00 00   // and again
    `,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST } },
  },
  {
    name: 'MP_UNREACH_NLRI twice: Malformed Attribute List',
    rfc: 'RFC 7606 §3(g)',
    bytes: hex`
      0000 000e
      90 0f 0003 0002 01         // MP_UNREACH_NLRI IPv6
      90 0f 0003 0002 01
    `,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST } },
  },
  // RFC 4271 §6.3: unrecognized well-known attribute
  {
    name: 'an unrecognized well-known attribute resets the session, with the attribute as data',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0000 0017 ${MANDATORY} 40 63 02 abcd // type 99 without the Optional bit
      08 0a`,
    expected: {
      notification: {
        code: UPDATE_ERROR,
        subcode: UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
        data: hex`40 63 02 abcd`,
      },
    },
  },
  {
    name: 'an unrecognized well-known attribute with Extended Length: data keeps the 2-octet length',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0000 0006 50 63 0002 abcd`,
    expected: {
      notification: {
        code: UPDATE_ERROR,
        subcode: UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
        data: hex`50 63 0002 abcd`,
      },
    },
  },
  // RFC 7606 §4: the attribute field cannot be parsed to its end
  {
    name: 'an attribute length past the Total Path Attribute Length',
    rfc: 'RFC 7606 §4',
    bytes: hex`0000 0019 ${MANDATORY} c0 08 08 fde90064 // COMMUNITIES says 8 octets, 4 left
      08 0a`,
    expected: withdraw(AttrType.COMMUNITIES),
  },
  {
    name: 'two octets left: too few for an attribute header',
    rfc: 'RFC 7606 §4',
    bytes: hex`0000 0014 ${MANDATORY} c0 08 // flags and type, no length
      08 0a`,
    expected: withdraw(0),
  },
  {
    name: 'three octets left with Extended Length: too few for its 4-octet header',
    rfc: 'RFC 7606 §4',
    bytes: hex`0000 0015 ${MANDATORY} d0 08 00 08 0a`,
    expected: withdraw(0),
  },
  // RFC 7606 §3(d): missing well-known mandatory attributes
  {
    name: 'NLRI without ORIGIN',
    rfc: 'RFC 7606 §3(d)',
    bytes: hex`0000 000e ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1} 08 0a`,
    expected: { ...withdraw(0), attributes: { asPath: BASE.asPath, nextHop: '192.0.2.1' } },
  },
  {
    name: 'NLRI without AS_PATH',
    rfc: 'RFC 7606 §3(d)',
    bytes: hex`0000 000b ${ORIGIN_IGP} ${NEXT_HOP_192_0_2_1} 08 0a`,
    expected: withdraw(0),
  },
  {
    name: 'NLRI without NEXT_HOP',
    rfc: 'RFC 7606 §3(d)',
    bytes: hex`0000 000b ${ORIGIN_IGP} ${AS_PATH_65001} 08 0a`,
    expected: withdraw(0),
  },
  {
    name: 'NLRI and no attributes at all',
    rfc: 'RFC 7606 §3(d)',
    bytes: hex`0000 0000 08 0a`,
    expected: withdraw(0),
  },
  {
    name: 'without NLRI the mandatory attributes may be missing',
    rfc: 'RFC 7606 §3(d)',
    bytes: hex`0000 000e ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}`,
    expected: { update: update({ asPath: BASE.asPath, nextHop: '192.0.2.1' }) },
  },
  {
    name: 'withdrawals with treat-as-withdraw attributes: both lists are withdrawn',
    rfc: 'RFC 7606 §2',
    bytes: hex`
      0004 18 c00002             // withdrawn 192.0.2.0/24
      0012 40 01 01 09 ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}   // ORIGIN 9
      08 0a
    `,
    expected: {
      outcome: 'treat-as-withdraw',
      errors: [{ type: AttrType.ORIGIN, outcome: 'treat-as-withdraw' }],
      routes: { announced: [], withdrawn: ['192.0.2.0/24', '10.0.0.0/8'] },
    },
  },
  // RFC 4271 §6.3: what cannot be parsed at all
  {
    name: 'Withdrawn Routes Length past the end of the message',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0005 08 0a 0000`,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST } },
  },
  {
    name: 'Total Path Attribute Length past the end of the message',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0000 0010 ${ORIGIN_IGP}`,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST } },
  },
  {
    name: 'NLRI prefix length 33',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0000 0012 ${MANDATORY} 21 0a00000100 // /33`,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.INVALID_NETWORK_FIELD } },
  },
  {
    name: 'NLRI prefix overruns the message',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0000 0012 ${MANDATORY} 18 0a00 // /24 with two octets`,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.INVALID_NETWORK_FIELD } },
  },
  {
    name: 'withdrawn prefix length 33',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`0006 21 0a00000100 0000`,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.INVALID_NETWORK_FIELD } },
  },
  {
    name: 'add-path NLRI shorter than its path identifier',
    rfc: 'RFC 7911 §3',
    ctx: { addPath: new Set([IPV4_UNICAST]) },
    bytes: hex`0000 0012 ${MANDATORY} 000000 // 3 octets of a path id`,
    expected: { notification: { code: UPDATE_ERROR, subcode: UpdateSubcode.INVALID_NETWORK_FIELD } },
  },
];
