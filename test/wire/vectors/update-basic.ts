// UPDATE encoding basics (RFC 4271 §4.3, RFC 6793, RFC 7911, RFC 4724): clean messages that decode
// without error and that our encoder writes back octet for octet (or in the canonical form given).
import { IPV4_UNICAST } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';
import { BASE, MANDATORY, MANDATORY_AS4, p, seq, update } from './common.js';
import type { UpdateVector } from './types.js';

const AS4 = { as4: true };
const ADD_PATH_V4 = { addPath: new Set([IPV4_UNICAST]) };
const sixtyFive = 'fde90064'.repeat(65);

export const updateBasicVectors: UpdateVector[] = [
  {
    name: 'an IPv4 route with ORIGIN, AS_PATH (2-octet ASNs) and NEXT_HOP',
    rfc: 'RFC 4271 §4.3',
    bytes: hex`
      0000            // withdrawn routes length 0
      0012            // total path attribute length 18
      ${MANDATORY}    // ORIGIN IGP, AS_PATH 65001, NEXT_HOP 192.0.2.1
      08 0a           // NLRI 10.0.0.0/8
    `,
    expected: { update: update(BASE, [p('10.0.0.0/8')]) },
  },
  {
    name: 'AS_PATH with 4-octet ASNs on a session where both sent the 4-octet AS capability',
    rfc: 'RFC 6793 §4.1',
    ctx: AS4,
    bytes: hex`
      0000 0018
      40 01 01 00                          // ORIGIN IGP
      40 02 0a 02 02 0000fde9 fa56ea00     // AS_PATH AS_SEQUENCE 65001 4200000000
      40 03 04 c0000201                    // NEXT_HOP 192.0.2.1
      08 0a                                // 10.0.0.0/8
    `,
    expected: { update: update({ ...BASE, asPath: [seq(65001, 4200000000)] }, [p('10.0.0.0/8')]) },
  },
  {
    name: 'a 2-octet AS_PATH is read as 4-octet on a 4-octet session only: same path, wider ASNs',
    rfc: 'RFC 6793 §4.1',
    ctx: AS4,
    bytes: hex`
      0000 0014
      ${MANDATORY_AS4}   // AS_PATH 65001 in 4 octets
      08 0a
    `,
    expected: { update: update(BASE, [p('10.0.0.0/8')]) },
  },
  {
    name: 'to an OLD speaker a 4-octet ASN is AS_TRANS in AS_PATH and the real path goes in AS4_PATH',
    rfc: 'RFC 6793 §4.2.2',
    bytes: hex`
      0000 0021                            // attributes: 33 octets
      40 01 01 00                          // ORIGIN IGP
      40 02 06 02 02 fde9 5ba0             // AS_PATH 65001 AS_TRANS
      40 03 04 c0000201                    // NEXT_HOP
      c0 11 0a 02 02 0000fde9 fa56ea00     // AS4_PATH 65001 4200000000 (optional transitive)
      08 0a
    `,
    expected: { update: update({ ...BASE, asPath: [seq(65001, 4200000000)] }, [p('10.0.0.0/8')]) },
  },
  {
    name: 'withdrawn routes only: no attributes, no NLRI',
    rfc: 'RFC 4271 §4.3',
    bytes: hex`
      0007            // withdrawn routes length 7
      18 0a0000       // 10.0.0.0/24
      10 ac10         // 172.16.0.0/16
      0000            // no attributes
    `,
    expected: { update: update({}, [], [p('10.0.0.0/24'), p('172.16.0.0/16')]) },
  },
  {
    name: 'prefix lengths 0, 25 and 32 take 0, 4 and 4 octets',
    rfc: 'RFC 4271 §4.3',
    bytes: hex`
      0000 0012 ${MANDATORY}
      00              // 0.0.0.0/0
      19 0a000080     // 10.0.0.128/25
      20 c0000201     // 192.0.2.1/32
    `,
    expected: { update: update(BASE, [p('0.0.0.0/0'), p('10.0.0.128/25'), p('192.0.2.1/32')]) },
  },
  {
    name: 'every attribute we know, on an iBGP 4-octet session, in type-code order',
    rfc: 'RFC 4271 §5',
    ctx: { as4: true, ibgp: true },
    bytes: hex`
      0000 006a                            // attributes: 106 octets
      40 01 01 02                          // ORIGIN INCOMPLETE
      40 02 06 02 01 0000fde9              // AS_PATH 65001
      40 03 04 c0000201                    // NEXT_HOP 192.0.2.1
      80 04 04 00000064                    // MULTI_EXIT_DISC 100
      40 05 04 000000c8                    // LOCAL_PREF 200
      40 06 00                             // ATOMIC_AGGREGATE
      c0 07 08 0000fde9 c0000209           // AGGREGATOR 65001 192.0.2.9
      c0 08 08 fde90064 ffffff01           // COMMUNITIES 65001:100 no-export
      80 09 04 c0000202                    // ORIGINATOR_ID 192.0.2.2
      80 0a 04 c0000203                    // CLUSTER_LIST 192.0.2.3
      c0 10 08 0002fde900000064            // EXTENDED_COMMUNITIES rt:65001:100
      c0 20 0c 0000fde9 00000001 00000002  // LARGE_COMMUNITY 65001:1:2
      c0 23 04 0000fde9                    // OTC 65001
      08 0a
    `,
    expected: {
      update: update(
        {
          origin: 2,
          asPath: [seq(65001)],
          nextHop: '192.0.2.1',
          med: 100,
          localPref: 200,
          atomicAggregate: true,
          aggregator: { asn: 65001, address: '192.0.2.9' },
          communities: [0xfde90064, 0xffffff01],
          originatorId: '192.0.2.2',
          clusterList: ['192.0.2.3'],
          extendedCommunities: [0x0002fde900000064n],
          largeCommunities: [{ global: 65001, local1: 1, local2: 2 }],
          otc: 65001,
        },
        [p('10.0.0.0/8')],
      ),
    },
  },
  {
    name: 'attributes out of type-code order are accepted; we send them in order',
    rfc: 'RFC 4271 §5',
    bytes: hex`
      0000 0012
      40 03 04 c0000201          // NEXT_HOP first
      40 02 04 02 01 fde9        // AS_PATH
      40 01 01 00                // ORIGIN last
      08 0a
    `,
    expected: {
      update: update(BASE, [p('10.0.0.0/8')]),
      encoded: hex`0000 0012 ${MANDATORY} 08 0a`,
    },
  },
  {
    name: 'Extended Length on a 1-octet value is accepted; we use it only past 255 octets',
    rfc: 'RFC 4271 §4.3',
    bytes: hex`
      0000 0013
      50 01 0001 00              // ORIGIN with Extended Length: length 0x0001
      40 02 04 02 01 fde9
      40 03 04 c0000201
      08 0a
    `,
    expected: { update: update(BASE, [p('10.0.0.0/8')]), encoded: hex`0000 0012 ${MANDATORY} 08 0a` },
  },
  {
    name: 'a value of 260 octets gets the Extended Length bit and a 2-octet length',
    rfc: 'RFC 4271 §4.3',
    bytes: hex`
      0000 011a                  // attributes: 18 + 4 + 260 = 282 octets
      ${MANDATORY}
      d0 08 0104 ${sixtyFive}    // COMMUNITIES, Extended Length, 260 octets: 65001:100 × 65
      08 0a
    `,
    expected: {
      update: update({ ...BASE, communities: new Array(65).fill(0xfde90064) }, [p('10.0.0.0/8')]),
    },
  },
  {
    name: 'an unknown optional transitive attribute is kept and passed on with the Partial bit set',
    rfc: 'RFC 4271 §5',
    bytes: hex`
      0000 0017
      ${MANDATORY}
      c0 63 02 abcd              // type 99, optional transitive, unknown to us
      08 0a
    `,
    expected: {
      update: update({ ...BASE, unknown: [{ flags: 0xc0, type: 99, value: hex`abcd` }] }, [p('10.0.0.0/8')]),
      encoded: hex`0000 0017 ${MANDATORY} e0 63 02 abcd 08 0a`,
      roundTrip: false,
    },
  },
  {
    name: 'an unknown transitive attribute that already has Partial set goes out unchanged',
    rfc: 'RFC 4271 §5',
    bytes: hex`
      0000 0017
      ${MANDATORY}
      e0 63 02 abcd              // optional transitive partial
      08 0a
    `,
    expected: {
      update: update({ ...BASE, unknown: [{ flags: 0xe0, type: 99, value: hex`abcd` }] }, [p('10.0.0.0/8')]),
    },
  },
  {
    name: 'an unknown transitive attribute longer than 255 octets keeps its Extended Length',
    rfc: 'RFC 4271 §5',
    bytes: hex`
      0000 0116                  // 18 + 4 + 256
      ${MANDATORY}
      f0 63 0100 ${'5a'.repeat(256)}
      08 0a
    `,
    expected: {
      update: update({ ...BASE, unknown: [{ flags: 0xf0, type: 99, value: Buffer.alloc(256, 0x5a) }] }, [
        p('10.0.0.0/8'),
      ]),
    },
  },
  {
    name: 'an unknown optional non-transitive attribute is kept for display but not passed on',
    rfc: 'RFC 4271 §5',
    bytes: hex`
      0000 0017
      ${MANDATORY}
      80 64 02 abcd              // type 100, optional non-transitive
      08 0a
    `,
    expected: {
      update: update({ ...BASE, unknown: [{ flags: 0x80, type: 100, value: hex`abcd` }] }, [p('10.0.0.0/8')]),
      encoded: hex`0000 0012 ${MANDATORY} 08 0a`,
      roundTrip: false,
    },
  },
  {
    name: 'the Partial bit on a well-known attribute is not a flags conflict',
    rfc: 'RFC 7606 §3(c)',
    bytes: hex`
      0000 0012
      60 01 01 00                // ORIGIN: transitive + partial
      40 02 04 02 01 fde9
      40 03 04 c0000201
      08 0a
    `,
    expected: { update: update(BASE, [p('10.0.0.0/8')]), encoded: hex`0000 0012 ${MANDATORY} 08 0a` },
  },
  {
    name: 'End-of-RIB for IPv4 unicast is an UPDATE with nothing in it',
    rfc: 'RFC 4724 §2',
    bytes: hex`
      0000            // no withdrawn routes
      0000            // no attributes (and no NLRI)
    `,
    expected: { update: update({}), endOfRib: IPV4_UNICAST },
  },
  {
    name: 'add-path: the same prefix twice with path identifiers 1 and 2 in the NLRI field',
    rfc: 'RFC 7911 §3',
    ctx: ADD_PATH_V4,
    bytes: hex`
      0000 0012 ${MANDATORY}
      00000001 08 0a             // path id 1, 10.0.0.0/8
      00000002 08 0a             // path id 2, 10.0.0.0/8
    `,
    expected: { update: update(BASE, [p('10.0.0.0/8', 1), p('10.0.0.0/8', 2)]) },
  },
  {
    name: 'add-path: a withdrawn route carries its path identifier',
    rfc: 'RFC 7911 §3',
    ctx: ADD_PATH_V4,
    bytes: hex`
      0008                       // withdrawn routes length 8
      00000007 18 0a0000         // path id 7, 10.0.0.0/24
      0000
    `,
    expected: { update: update({}, [], [p('10.0.0.0/24', 7)]) },
  },
];
