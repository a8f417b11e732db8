// Multiprotocol UPDATEs (RFC 4760): MP_REACH_NLRI next hops (RFC 2545, RFC 8950), MP_UNREACH_NLRI,
// add-path inside MP attributes (RFC 7911), End-of-RIB for other families (RFC 4724), families we
// keep raw, and the errors RFC 7606 §7.11 answers with a session reset.
import { AttrType, ErrorCode, familyKey, IPV6_UNICAST, UpdateSubcode } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';
import { AS_PATH_65001, ORIGIN_IGP, p, seq, update } from './common.js';
import type { UpdateVector } from './types.js';

const MP_ERROR = { code: ErrorCode.UPDATE_MESSAGE, subcode: UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR };
const HEAD = { origin: 0, asPath: [seq(65001)] } as const;
const V6 = '20010db8000000000000000000000001'; // 2001:db8::1
const LINK_LOCAL = 'fe800000000000000000000000000001'; // fe80::1

export const mpVectors: UpdateVector[] = [
  {
    name: 'IPv6 route with a 16-octet global next hop',
    rfc: 'RFC 4760 §3',
    bytes: hex`
      0000 0029
      90 0e 001a                 // MP_REACH_NLRI, Extended Length, 26 octets
        0002 01                  //   AFI IPv6, SAFI unicast
        10 ${V6}                 //   next hop length 16: 2001:db8::1
        00                       //   reserved
        20 20010db8              //   2001:db8::/32
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [p('2001:db8::/32')] },
        ...HEAD,
      }),
    },
  },
  {
    name: 'IPv6 route with global and link-local next hops (32 octets)',
    rfc: 'RFC 2545 §3',
    bytes: hex`
      0000 0039
      90 0e 002a                 // MP_REACH_NLRI, 42 octets
        0002 01
        20 ${V6} ${LINK_LOCAL}   //   next hop length 32: 2001:db8::1, fe80::1
        00
        20 20010db8
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: {
          afi: 2,
          safi: 1,
          nextHop: '2001:db8::1',
          linkLocal: 'fe80::1',
          nlri: [p('2001:db8::/32')],
        },
        ...HEAD,
      }),
    },
  },
  {
    name: 'MP_REACH_NLRI with a 1-octet length is accepted; we always send Extended Length',
    rfc: 'RFC 4760 §3',
    bytes: hex`
      0000 0028
      80 0e 1a 0002 01 10 ${V6} 00 20 20010db8   // MP_REACH_NLRI without Extended Length
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [p('2001:db8::/32')] },
        ...HEAD,
      }),
      encoded: hex`0000 0029 90 0e 001a 0002 01 10 ${V6} 00 20 20010db8 ${ORIGIN_IGP} ${AS_PATH_65001}`,
    },
  },
  {
    name: 'IPv4 routes with an IPv6 next hop',
    rfc: 'RFC 8950 §4',
    bytes: hex`
      0000 0026
      90 0e 0017                 // MP_REACH_NLRI, 23 octets
        0001 01                  //   AFI IPv4, SAFI unicast
        10 ${V6}                 //   next hop 2001:db8::1
        00
        08 0a                    //   10.0.0.0/8
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: { afi: 1, safi: 1, nextHop: '2001:db8::1', nlri: [p('10.0.0.0/8')] },
        ...HEAD,
      }),
    },
  },
  {
    name: 'IPv4 routes in MP_REACH_NLRI with an IPv4 next hop',
    rfc: 'RFC 4760 §3',
    bytes: hex`
      0000 001a
      90 0e 000b 0001 01 04 c0000201 00 08 0a   // IPv4 unicast, next hop 192.0.2.1, 10.0.0.0/8
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: { afi: 1, safi: 1, nextHop: '192.0.2.1', nlri: [p('10.0.0.0/8')] },
        ...HEAD,
      }),
    },
  },
  {
    name: 'MP_REACH_NLRI IPv6 next hop of 4 octets resets the session',
    rfc: 'RFC 7606 §7.11',
    bytes: hex`0000 0012 90 0e 000e 0002 01 04 c0000201 00 20 20010db8 // IPv6 with an IPv4-sized next hop`,
    expected: { notification: MP_ERROR },
  },
  {
    name: 'MP_REACH_NLRI IPv4 next hop of 5 octets resets the session',
    rfc: 'RFC 7606 §7.11',
    bytes: hex`0000 0010 90 0e 000c 0001 01 05 c000020100 00 08 0a`,
    expected: { notification: MP_ERROR },
  },
  {
    name: 'MP_REACH_NLRI shorter than AFI, SAFI, next hop length and reserved',
    rfc: 'RFC 7606 §7.11',
    bytes: hex`0000 0007 90 0e 0003 0002 01`,
    expected: { notification: MP_ERROR },
  },
  {
    name: 'MP_REACH_NLRI next hop overruns the attribute',
    rfc: 'RFC 7606 §7.11',
    bytes: hex`0000 0009 90 0e 0005 0002 01 10 00 // next hop length 16, 1 octet follows`,
    expected: { notification: MP_ERROR },
  },
  {
    name: 'MP_REACH_NLRI prefix length 129',
    rfc: 'RFC 7606 §5.3',
    bytes: hex`0000 001a 90 0e 0016 0002 01 10 ${V6} 00 81 // /129`,
    expected: { notification: MP_ERROR },
  },
  {
    name: 'MP_UNREACH_NLRI shorter than AFI and SAFI',
    rfc: 'RFC 7606 §7.11',
    bytes: hex`0000 0006 90 0f 0002 0002`,
    expected: { notification: MP_ERROR },
  },
  {
    name: 'treat-as-withdraw also withdraws the routes in MP_REACH_NLRI',
    rfc: 'RFC 7606 §2',
    bytes: hex`
      0000 0029
      90 0e 001a 0002 01 10 ${V6} 00 20 20010db8
      40 01 01 07                // ORIGIN 7
      ${AS_PATH_65001}
    `,
    expected: {
      outcome: 'treat-as-withdraw',
      errors: [{ type: AttrType.ORIGIN, outcome: 'treat-as-withdraw' }],
      routes: { announced: [], withdrawn: ['2001:db8::/32'] },
    },
  },
  {
    name: 'an attribute overrunning the field after MP_REACH_NLRI withdraws its routes',
    rfc: 'RFC 7606 §4',
    bytes: hex`
      0000 0030
      90 0e 001a 0002 01 10 ${V6} 00 20 20010db8     // parsed first (RFC 7606 §5.1)
      ${ORIGIN_IGP} ${AS_PATH_65001}
      c0 08 08 fde90064          // COMMUNITIES says 8 octets, 4 left
    `,
    expected: {
      outcome: 'treat-as-withdraw',
      errors: [{ type: AttrType.COMMUNITIES, outcome: 'treat-as-withdraw' }],
      routes: { announced: [], withdrawn: ['2001:db8::/32'] },
    },
  },
  {
    name: 'MP_REACH_NLRI routes without AS_PATH (NEXT_HOP is not needed)',
    rfc: 'RFC 7606 §3(d)',
    bytes: hex`0000 0022 90 0e 001a 0002 01 10 ${V6} 00 20 20010db8 ${ORIGIN_IGP}`,
    expected: {
      outcome: 'treat-as-withdraw',
      errors: [{ type: 0, outcome: 'treat-as-withdraw' }],
      routes: { announced: [], withdrawn: ['2001:db8::/32'] },
    },
  },
  {
    name: 'MP_UNREACH_NLRI withdraws an IPv6 prefix',
    rfc: 'RFC 4760 §4',
    bytes: hex`
      0000 000c
      90 0f 0008                 // MP_UNREACH_NLRI, 8 octets
        0002 01 20 20010db8      //   IPv6 unicast: 2001:db8::/32
    `,
    expected: { update: update({ mpUnreach: { afi: 2, safi: 1, withdrawn: [p('2001:db8::/32')] } }) },
  },
  {
    name: 'MP_REACH_NLRI and MP_UNREACH_NLRI in one UPDATE',
    rfc: 'RFC 4760 §3',
    bytes: hex`
      0000 0035
      90 0e 001a 0002 01 10 ${V6} 00 20 20010db8     // announce 2001:db8::/32
      90 0f 0008 0002 01 20 20010db9                 // withdraw 2001:db9::/32
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [p('2001:db8::/32')] },
        mpUnreach: { afi: 2, safi: 1, withdrawn: [p('2001:db9::/32')] },
        ...HEAD,
      }),
    },
  },
  {
    name: 'End-of-RIB for IPv6 unicast is an UPDATE with only an empty MP_UNREACH_NLRI',
    rfc: 'RFC 4724 §2',
    bytes: hex`0000 0007 90 0f 0003 0002 01 // MP_UNREACH_NLRI IPv6 unicast, no prefixes`,
    expected: { update: update({ mpUnreach: { afi: 2, safi: 1, withdrawn: [] } }), endOfRib: IPV6_UNICAST },
  },
  {
    name: 'End-of-RIB for a family we keep raw (L2VPN EVPN)',
    rfc: 'RFC 4724 §2',
    bytes: hex`0000 0007 90 0f 0003 0019 46 // AFI 25, SAFI 70`,
    expected: {
      update: update({ mpUnreach: { afi: 25, safi: 70, withdrawn: [], raw: hex`` } }),
      endOfRib: familyKey(25, 70),
    },
  },
  {
    name: 'an empty MP_UNREACH_NLRI with other attributes is not End-of-RIB',
    rfc: 'RFC 4724 §2',
    bytes: hex`0000 000b 90 0f 0003 0002 01 ${ORIGIN_IGP}`,
    expected: { update: update({ mpUnreach: { afi: 2, safi: 1, withdrawn: [] }, origin: 0 }) },
  },
  {
    name: 'MP_REACH_NLRI of an unknown AFI/SAFI (VPNv4) is kept raw',
    rfc: 'RFC 4760 §3',
    bytes: hex`
      0000 002f
      90 0e 0020                 // MP_REACH_NLRI, 32 octets
        0001 80                  //   AFI IPv4, SAFI 128 (MPLS VPN)
        0c 0000000000000000 c0000201          //   next hop: RD 0, 192.0.2.1
        00
        70 000011 0000fde900000064 0a0000     //   112 bits: label, RD 65001:100, 10.0.0.0/24
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: {
          afi: 1,
          safi: 128,
          nlri: [],
          raw: { nextHop: hex`0000000000000000 c0000201`, nlri: hex`70 000011 0000fde900000064 0a0000` },
        },
        ...HEAD,
      }),
    },
  },
  {
    name: 'MP_UNREACH_NLRI of an unknown AFI/SAFI is kept raw',
    rfc: 'RFC 4760 §4',
    bytes: hex`0000 000c 90 0f 0008 0019 46 0102030405 // L2VPN EVPN, 5 octets of NLRI`,
    expected: { update: update({ mpUnreach: { afi: 25, safi: 70, withdrawn: [], raw: hex`0102030405` } }) },
  },
  {
    name: 'add-path in MP_REACH_NLRI: two paths to one IPv6 prefix',
    rfc: 'RFC 7911 §3',
    ctx: { addPath: new Set([IPV6_UNICAST]) },
    bytes: hex`
      0000 0036
      90 0e 0027 0002 01 10 ${V6} 00
        00000001 20 20010db8     //   path id 1
        00000002 20 20010db8     //   path id 2
      ${ORIGIN_IGP} ${AS_PATH_65001}
    `,
    expected: {
      update: update({
        mpReach: {
          afi: 2,
          safi: 1,
          nextHop: '2001:db8::1',
          nlri: [p('2001:db8::/32', 1), p('2001:db8::/32', 2)],
        },
        ...HEAD,
      }),
    },
  },
  {
    name: 'add-path in MP_UNREACH_NLRI',
    rfc: 'RFC 7911 §3',
    ctx: { addPath: new Set([IPV6_UNICAST]) },
    bytes: hex`0000 0010 90 0f 000c 0002 01 00000007 20 20010db8`,
    expected: { update: update({ mpUnreach: { afi: 2, safi: 1, withdrawn: [p('2001:db8::/32', 7)] } }) },
  },
];
