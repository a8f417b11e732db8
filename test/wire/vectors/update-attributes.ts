// The other path attributes and their RFC 7606 approach when malformed (§7.3–§7.10, §7.14, RFC 8092,
// RFC 9234). Each vector announces 10.0.0.0/8 so `routes` shows what the approach does to it.
import { AttrType } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';
import {
  ANNOUNCES_10_8,
  AS_PATH_65001,
  BASE,
  MANDATORY,
  MANDATORY_AS4,
  ORIGIN_IGP,
  p,
  update,
  WITHDRAWS_10_8,
} from './common.js';
import type { Rfc7606Update, UpdateVector } from './types.js';

const IBGP = { ibgp: true };
const EBGP = { ibgp: false };
const withdraw = (type: number): Rfc7606Update => ({
  outcome: 'treat-as-withdraw',
  errors: [{ type, outcome: 'treat-as-withdraw' }],
  routes: WITHDRAWS_10_8,
});
const discard = (type: number): Rfc7606Update => ({
  outcome: 'attribute-discard',
  errors: [{ type, outcome: 'attribute-discard' }],
  attributes: BASE,
  routes: ANNOUNCES_10_8,
});
const route = [p('10.0.0.0/8')];

export const attributeVectors: UpdateVector[] = [
  // NEXT_HOP
  {
    name: 'NEXT_HOP of length 5',
    rfc: 'RFC 7606 §7.3',
    bytes: hex`0000 0013 ${ORIGIN_IGP} ${AS_PATH_65001} 40 03 05 c0000201 00 // NEXT_HOP, 5 octets
      08 0a`,
    expected: withdraw(AttrType.NEXT_HOP),
  },
  {
    name: 'NEXT_HOP of length 3',
    rfc: 'RFC 7606 §7.3',
    bytes: hex`0000 0011 ${ORIGIN_IGP} ${AS_PATH_65001} 40 03 03 c00002 // NEXT_HOP, 3 octets
      08 0a`,
    expected: withdraw(AttrType.NEXT_HOP),
  },
  // MULTI_EXIT_DISC
  {
    name: 'MULTI_EXIT_DISC 100',
    rfc: 'RFC 4271 §5.1.4',
    bytes: hex`0000 0019 ${MANDATORY} 80 04 04 00000064 // MED 100
      08 0a`,
    expected: { update: update({ ...BASE, med: 100 }, route) },
  },
  {
    name: 'MULTI_EXIT_DISC of length 3',
    rfc: 'RFC 7606 §7.4',
    bytes: hex`0000 0018 ${MANDATORY} 80 04 03 000064 // MED, 3 octets
      08 0a`,
    expected: withdraw(AttrType.MULTI_EXIT_DISC),
  },
  // LOCAL_PREF
  {
    name: 'LOCAL_PREF 200 from an internal peer',
    rfc: 'RFC 4271 §5.1.5',
    ctx: IBGP,
    bytes: hex`0000 0019 ${MANDATORY} 40 05 04 000000c8 // LOCAL_PREF 200
      08 0a`,
    expected: { update: update({ ...BASE, localPref: 200 }, route) },
  },
  {
    name: 'LOCAL_PREF when the session kind is unknown (MRT data) is kept',
    rfc: 'RFC 4271 §5.1.5',
    bytes: hex`0000 0019 ${MANDATORY} 40 05 04 000000c8 08 0a`,
    expected: { update: update({ ...BASE, localPref: 200 }, route) },
  },
  {
    name: 'LOCAL_PREF from an external peer is discarded',
    rfc: 'RFC 7606 §7.5',
    ctx: EBGP,
    bytes: hex`0000 0019 ${MANDATORY} 40 05 04 000000c8 08 0a`,
    expected: discard(AttrType.LOCAL_PREF),
  },
  {
    name: 'LOCAL_PREF of length 2 from an internal peer',
    rfc: 'RFC 7606 §7.5',
    ctx: IBGP,
    bytes: hex`0000 0017 ${MANDATORY} 40 05 02 00c8 // LOCAL_PREF, 2 octets
      08 0a`,
    expected: withdraw(AttrType.LOCAL_PREF),
  },
  // ATOMIC_AGGREGATE
  {
    name: 'ATOMIC_AGGREGATE',
    rfc: 'RFC 4271 §5.1.6',
    bytes: hex`0000 0015 ${MANDATORY} 40 06 00 08 0a`,
    expected: { update: update({ ...BASE, atomicAggregate: true }, route) },
  },
  {
    name: 'ATOMIC_AGGREGATE of length 1 is discarded',
    rfc: 'RFC 7606 §7.6',
    bytes: hex`0000 0016 ${MANDATORY} 40 06 01 00 // ATOMIC_AGGREGATE with a value
      08 0a`,
    expected: discard(AttrType.ATOMIC_AGGREGATE),
  },
  // AGGREGATOR
  {
    name: 'AGGREGATOR with a 2-octet AS',
    rfc: 'RFC 4271 §5.1.7',
    bytes: hex`0000 001b ${MANDATORY} c0 07 06 fde9 c0000209 // AGGREGATOR 65001 192.0.2.9
      08 0a`,
    expected: { update: update({ ...BASE, aggregator: { asn: 65001, address: '192.0.2.9' } }, route) },
  },
  {
    name: 'AGGREGATOR with a 4-octet AS on a 4-octet session',
    rfc: 'RFC 6793 §3',
    ctx: { as4: true },
    bytes: hex`0000 001f ${MANDATORY_AS4} c0 07 08 fa56ea00 c0000209 // AGGREGATOR 4200000000
      08 0a`,
    expected: { update: update({ ...BASE, aggregator: { asn: 4200000000, address: '192.0.2.9' } }, route) },
  },
  {
    name: 'AGGREGATOR of length 8 on a 2-octet session is discarded',
    rfc: 'RFC 7606 §7.7',
    bytes: hex`0000 001d ${MANDATORY} c0 07 08 0000fde9 c0000209 08 0a`,
    expected: discard(AttrType.AGGREGATOR),
  },
  {
    name: 'AGGREGATOR of length 6 on a 4-octet session is discarded',
    rfc: 'RFC 7606 §7.7',
    ctx: { as4: true },
    bytes: hex`0000 001d ${MANDATORY_AS4} c0 07 06 fde9 c0000209 08 0a`,
    expected: discard(AttrType.AGGREGATOR),
  },
  // COMMUNITIES
  {
    name: 'COMMUNITIES 65001:100 and no-export',
    rfc: 'RFC 1997',
    bytes: hex`0000 001d ${MANDATORY} c0 08 08 fde90064 ffffff01 08 0a`,
    expected: { update: update({ ...BASE, communities: [0xfde90064, 0xffffff01] }, route) },
  },
  {
    name: 'COMMUNITIES of length 6',
    rfc: 'RFC 7606 §7.8',
    bytes: hex`0000 001b ${MANDATORY} c0 08 06 fde90064 ffff 08 0a`,
    expected: withdraw(AttrType.COMMUNITIES),
  },
  {
    name: 'COMMUNITIES of length 0',
    rfc: 'RFC 7606 §7.8',
    bytes: hex`0000 0015 ${MANDATORY} c0 08 00 08 0a`,
    expected: withdraw(AttrType.COMMUNITIES),
  },
  // ORIGINATOR_ID, CLUSTER_LIST
  {
    name: 'ORIGINATOR_ID 192.0.2.2',
    rfc: 'RFC 4456 §8',
    ctx: IBGP,
    bytes: hex`0000 0019 ${MANDATORY} 80 09 04 c0000202 08 0a`,
    expected: { update: update({ ...BASE, originatorId: '192.0.2.2' }, route) },
  },
  {
    name: 'ORIGINATOR_ID of length 5',
    rfc: 'RFC 7606 §7.9',
    ctx: IBGP,
    bytes: hex`0000 001a ${MANDATORY} 80 09 05 c0000202 00 08 0a`,
    expected: withdraw(AttrType.ORIGINATOR_ID),
  },
  {
    name: 'CLUSTER_LIST of two cluster ids',
    rfc: 'RFC 4456 §8',
    ctx: IBGP,
    bytes: hex`0000 001d ${MANDATORY} 80 0a 08 c0000201 c0000202 08 0a`,
    expected: { update: update({ ...BASE, clusterList: ['192.0.2.1', '192.0.2.2'] }, route) },
  },
  {
    name: 'CLUSTER_LIST of length 6',
    rfc: 'RFC 7606 §7.10',
    ctx: IBGP,
    bytes: hex`0000 001b ${MANDATORY} 80 0a 06 c0000201 c000 08 0a`,
    expected: withdraw(AttrType.CLUSTER_LIST),
  },
  {
    name: 'CLUSTER_LIST of length 0',
    rfc: 'RFC 7606 §7.10',
    ctx: IBGP,
    bytes: hex`0000 0015 ${MANDATORY} 80 0a 00 08 0a`,
    expected: withdraw(AttrType.CLUSTER_LIST),
  },
  // EXTENDED_COMMUNITIES
  {
    name: 'EXTENDED_COMMUNITIES rt:65001:100 and ro:192.0.2.1:7',
    rfc: 'RFC 4360 §4',
    bytes: hex`
      0000 0025 ${MANDATORY}
      c0 10 10                   // EXTENDED_COMMUNITIES, 16 octets
        0002 fde9 00000064       //   type 0x00 subtype 0x02: rt:65001:100
        0103 c0000201 0007       //   type 0x01 subtype 0x03: ro:192.0.2.1:7
      08 0a
    `,
    expected: {
      update: update({ ...BASE, extendedCommunities: [0x0002fde900000064n, 0x0103c00002010007n] }, route),
    },
  },
  {
    name: 'EXTENDED_COMMUNITIES of length 12',
    rfc: 'RFC 7606 §7.14',
    bytes: hex`0000 0021 ${MANDATORY} c0 10 0c 0002fde900000064 00000000 08 0a`,
    expected: withdraw(AttrType.EXTENDED_COMMUNITIES),
  },
  // LARGE_COMMUNITY
  {
    name: 'LARGE_COMMUNITY 65001:1:2',
    rfc: 'RFC 8092 §3',
    bytes: hex`0000 0021 ${MANDATORY} c0 20 0c 0000fde9 00000001 00000002 08 0a`,
    expected: {
      update: update({ ...BASE, largeCommunities: [{ global: 65001, local1: 1, local2: 2 }] }, route),
    },
  },
  {
    name: 'LARGE_COMMUNITY of length 8',
    rfc: 'RFC 8092 §6',
    bytes: hex`0000 001d ${MANDATORY} c0 20 08 0000fde9 00000001 08 0a`,
    expected: withdraw(AttrType.LARGE_COMMUNITY),
  },
  // OTC
  {
    name: 'OTC 65001',
    rfc: 'RFC 9234 §4',
    bytes: hex`0000 0019 ${MANDATORY} c0 23 04 0000fde9 08 0a`,
    expected: { update: update({ ...BASE, otc: 65001 }, route) },
  },
  {
    name: 'OTC of length 2',
    rfc: 'RFC 9234 §5',
    bytes: hex`0000 0017 ${MANDATORY} c0 23 02 fde9 08 0a`,
    expected: withdraw(AttrType.OTC),
  },
];
