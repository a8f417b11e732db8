// ORIGIN and AS_PATH (RFC 7606 §7.1, §7.2) and the RFC 6793 §4.2.3 merge of AS_PATH with AS4_PATH
// on a session with a 2-octet ("OLD") speaker.
import { AttrType } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';
import {
  AS_PATH_65001,
  BASE,
  confedSeq,
  confedSet,
  NEXT_HOP_192_0_2_1,
  p,
  seq,
  set,
  update,
  WITHDRAWS_10_8,
} from './common.js';
import type { UpdateVector } from './types.js';

const AS4 = { as4: true };
const ORIGIN_WITHDRAW = {
  outcome: 'treat-as-withdraw',
  errors: [{ type: AttrType.ORIGIN, outcome: 'treat-as-withdraw' }],
} as const;
const AS_PATH_WITHDRAW = {
  outcome: 'treat-as-withdraw',
  errors: [{ type: AttrType.AS_PATH, outcome: 'treat-as-withdraw' }],
} as const;

export const originVectors: UpdateVector[] = [
  {
    name: 'ORIGIN EGP',
    rfc: 'RFC 4271 §5.1.1',
    bytes: hex`0000 0004  40 01 01 01  // ORIGIN EGP, no NLRI`,
    expected: { update: update({ origin: 1 }) },
  },
  {
    name: 'ORIGIN value 3 is undefined',
    rfc: 'RFC 7606 §7.1',
    bytes: hex`
      0000 0012
      40 01 01 03                // ORIGIN 3
      ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: {
      ...ORIGIN_WITHDRAW,
      attributes: { asPath: [seq(65001)], nextHop: '192.0.2.1' },
      routes: WITHDRAWS_10_8,
    },
  },
  {
    name: 'ORIGIN of length 0',
    rfc: 'RFC 7606 §7.1',
    bytes: hex`
      0000 0011
      40 01 00                   // ORIGIN, no value
      ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...ORIGIN_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
  {
    name: 'ORIGIN of length 2',
    rfc: 'RFC 7606 §7.1',
    bytes: hex`
      0000 0013
      40 01 02 00 00             // ORIGIN, 2 octets
      ${AS_PATH_65001} ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...ORIGIN_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
];

export const asPathVectors: UpdateVector[] = [
  {
    name: 'AS_SET, AS_CONFED_SEQUENCE and AS_CONFED_SET segments',
    rfc: 'RFC 5065 §3',
    bytes: hex`
      0000 0022
      40 01 01 00
      40 02 14                   // AS_PATH, 20 octets:
        03 01 fdf2               //   AS_CONFED_SEQUENCE (65010)
        04 02 fdf3 fdf4          //   AS_CONFED_SET [65011,65012]
        02 01 fde9               //   AS_SEQUENCE 65001
        01 02 0001 0002          //   AS_SET {1,2}
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: {
      update: update(
        { ...BASE, asPath: [confedSeq(65010), confedSet(65011, 65012), seq(65001), set(1, 2)] },
        [p('10.0.0.0/8')],
      ),
    },
  },
  {
    name: 'an empty AS_PATH (iBGP-originated route)',
    rfc: 'RFC 4271 §5.1.2',
    bytes: hex`
      0000 000e
      40 01 01 00
      40 02 00                   // AS_PATH, no segments
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { update: update({ ...BASE, asPath: [] }, [p('10.0.0.0/8')]) },
  },
  {
    name: 'AS_PATH segment of length zero',
    rfc: 'RFC 7606 §7.2',
    bytes: hex`
      0000 0010
      40 01 01 00
      40 02 02 02 00             // AS_SEQUENCE with no ASNs
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: {
      ...AS_PATH_WITHDRAW,
      attributes: { origin: 0, nextHop: '192.0.2.1' },
      routes: WITHDRAWS_10_8,
    },
  },
  {
    name: 'AS_PATH segment overruns the attribute',
    rfc: 'RFC 7606 §7.2',
    bytes: hex`
      0000 0012
      40 01 01 00
      40 02 04 02 02 fde9        // AS_SEQUENCE of 2 ASNs, only one present
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...AS_PATH_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
  {
    name: 'AS_PATH with a single octet left after the last segment',
    rfc: 'RFC 7606 §7.2',
    bytes: hex`
      0000 0013
      40 01 01 00
      40 02 05 02 01 fde9 02     // a segment, then one stray octet
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...AS_PATH_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
  {
    name: 'AS_PATH with unknown segment type 5',
    rfc: 'RFC 7606 §7.2',
    bytes: hex`
      0000 0012
      40 01 01 00
      40 02 04 05 01 fde9        // segment type 5
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...AS_PATH_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
  {
    name: '2-octet AS_PATH received on a 4-octet session overruns',
    rfc: 'RFC 7606 §7.2',
    ctx: AS4,
    bytes: hex`
      0000 0012
      40 01 01 00
      ${AS_PATH_65001}           // read as 4-octet: 1 ASN needs 4 octets, 2 present
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...AS_PATH_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
  {
    name: '4-octet AS_PATH received on a 2-octet session leaves an unknown segment type',
    rfc: 'RFC 7606 §7.2',
    bytes: hex`
      0000 0014
      40 01 01 00
      40 02 06 02 01 0000fde9    // read as 2-octet: AS 0, then "segment" type 0xfd
      ${NEXT_HOP_192_0_2_1}
      08 0a
    `,
    expected: { ...AS_PATH_WITHDRAW, routes: WITHDRAWS_10_8 },
  },
];

/** RFC 6793 §4.2.3 on a 2-octet session; UPDATEs without NLRI so only the AS path matters. */
export const as4PathVectors: UpdateVector[] = [
  {
    name: 'an OLD speaker prepended itself to AS_PATH only: leading ASNs of AS_PATH, then AS4_PATH',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 0016
      40 01 01 00
      40 02 06 02 02 fde9 5ba0           // AS_PATH 65001 AS_TRANS
      c0 11 06 02 01 fa56ea00            // AS4_PATH 4200000000
    `,
    expected: {
      update: update({ origin: 0, asPath: [seq(65001), seq(4200000000)] }),
      encoded: hex`
        0000 001e
        40 01 01 00
        40 02 08 02 01 fde9 02 01 5ba0           // AS_PATH 65001, AS_TRANS
        c0 11 0c 02 01 0000fde9 02 01 fa56ea00   // AS4_PATH: the whole path in 4 octets
      `,
    },
  },
  {
    name: 'AS4_PATH with as many ASNs as AS_PATH replaces it',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 001a
      40 01 01 00
      40 02 06 02 02 5ba0 fdea           // AS_PATH AS_TRANS 65002
      c0 11 0a 02 02 fa56ea00 0000fdea   // AS4_PATH 4200000000 65002
    `,
    expected: { update: update({ origin: 0, asPath: [seq(4200000000, 65002)] }) },
  },
  {
    name: 'AS4_PATH longer than AS_PATH is ignored',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 0018
      40 01 01 00
      40 02 04 02 01 5ba0                // AS_PATH AS_TRANS
      c0 11 0a 02 02 fa56ea00 fa56ea01   // AS4_PATH with two ASNs
    `,
    expected: {
      update: update({ origin: 0, asPath: [seq(23456)] }),
      encoded: hex`0000 000b 40 01 01 00 40 02 04 02 01 5ba0`,
    },
  },
  {
    name: 'an AS_SET counts as one AS when comparing the two paths',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 0026
      40 01 01 00
      40 02 0c 02 02 fde9 5ba0 01 02 0001 0002              // AS_PATH 65001 AS_TRANS {1,2}: 3 ASes
      c0 11 10 02 01 fa56ea00 01 02 00000001 00000002       // AS4_PATH 4200000000 {1,2}: 2 ASes
    `,
    expected: {
      update: update({ origin: 0, asPath: [seq(65001), seq(4200000000), set(1, 2)] }),
      encoded: hex`
        0000 002e
        40 01 01 00
        40 02 0e 02 01 fde9 02 01 5ba0 01 02 0001 0002
        c0 11 16 02 01 0000fde9 02 01 fa56ea00 01 02 00000001 00000002
      `,
    },
  },
  {
    name: 'a leading AS_SET is taken whole',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 001a
      40 01 01 00
      40 02 0a 01 02 fde9 fdea 02 01 5ba0   // AS_PATH {65001,65002} AS_TRANS
      c0 11 06 02 01 fa56ea00               // AS4_PATH 4200000000
    `,
    expected: {
      update: update({ origin: 0, asPath: [set(65001, 65002), seq(4200000000)] }),
      encoded: hex`
        0000 0024
        40 01 01 00
        40 02 0a 01 02 fde9 fdea 02 01 5ba0
        c0 11 10 01 02 0000fde9 0000fdea 02 01 fa56ea00
      `,
    },
  },
  {
    name: 'a leading AS_CONFED_SEQUENCE is prepended even when no ASN is needed from AS_PATH',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 0018
      40 01 01 00
      40 02 08 03 01 fdf2 02 01 5ba0        // AS_PATH (65010) AS_TRANS
      c0 11 06 02 01 fa56ea00               // AS4_PATH 4200000000
    `,
    expected: { update: update({ origin: 0, asPath: [confedSeq(65010), seq(4200000000)] }) },
  },
  {
    name: 'confederation segments in AS4_PATH are discarded',
    rfc: 'RFC 6793 §6',
    bytes: hex`
      0000 001c
      40 01 01 00
      40 02 06 02 02 fde9 5ba0              // AS_PATH 65001 AS_TRANS
      c0 11 0c 03 01 0000fdf2 02 01 fa56ea00   // AS4_PATH (65010) 4200000000
    `,
    expected: {
      update: update({ origin: 0, asPath: [seq(65001), seq(4200000000)] }),
      encoded: hex`
        0000 001e
        40 01 01 00
        40 02 08 02 01 fde9 02 01 5ba0
        c0 11 0c 02 01 0000fde9 02 01 fa56ea00
      `,
    },
  },
  {
    name: 'an AGGREGATOR other than AS_TRANS makes AS4_PATH ignored',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 001f
      40 01 01 00
      40 02 06 02 02 fde9 5ba0              // AS_PATH 65001 AS_TRANS
      c0 07 06 fde9 c0000209                // AGGREGATOR 65001 192.0.2.9
      c0 11 06 02 01 fa56ea00               // AS4_PATH 4200000000: ignored
    `,
    expected: {
      update: update({
        origin: 0,
        asPath: [seq(65001, 23456)],
        aggregator: { asn: 65001, address: '192.0.2.9' },
      }),
      encoded: hex`0000 0016 40 01 01 00 40 02 06 02 02 fde9 5ba0 c0 07 06 fde9 c0000209`,
    },
  },
  {
    name: 'AGGREGATOR AS_TRANS: AS4_AGGREGATOR gives the aggregator and AS4_PATH is merged',
    rfc: 'RFC 6793 §4.2.3',
    bytes: hex`
      0000 002a
      40 01 01 00
      40 02 06 02 02 fde9 5ba0              // AS_PATH 65001 AS_TRANS
      c0 07 06 5ba0 c0000209                // AGGREGATOR AS_TRANS 192.0.2.9
      c0 11 06 02 01 fa56ea00               // AS4_PATH 4200000000
      c0 12 08 fa56ea00 c0000209            // AS4_AGGREGATOR 4200000000 192.0.2.9
    `,
    expected: {
      update: update({
        origin: 0,
        asPath: [seq(65001), seq(4200000000)],
        aggregator: { asn: 4200000000, address: '192.0.2.9' },
      }),
      encoded: hex`
        0000 0032
        40 01 01 00
        40 02 08 02 01 fde9 02 01 5ba0
        c0 07 06 5ba0 c0000209
        c0 11 0c 02 01 0000fde9 02 01 fa56ea00
        c0 12 08 fa56ea00 c0000209
      `,
    },
  },
  {
    name: 'a malformed AS4_PATH is discarded and AS_PATH used as is',
    rfc: 'RFC 7606 §7.2',
    bytes: hex`
      0000 0013
      40 01 01 00
      40 02 06 02 02 fde9 5ba0              // AS_PATH 65001 AS_TRANS
      c0 11 03 02 01 fa                     // AS4_PATH: segment overruns
    `,
    expected: {
      outcome: 'attribute-discard',
      errors: [{ type: AttrType.AS4_PATH, outcome: 'attribute-discard' }],
      attributes: { origin: 0, asPath: [seq(65001, 23456)] },
    },
  },
  {
    name: 'AS4_PATH from a 4-octet (NEW) speaker is discarded',
    rfc: 'RFC 6793 §4.1',
    ctx: AS4,
    bytes: hex`
      0000 0016
      40 01 01 00
      40 02 06 02 01 0000fde9               // AS_PATH 65001
      c0 11 06 02 01 fa56ea00               // AS4_PATH
    `,
    expected: {
      outcome: 'attribute-discard',
      errors: [{ type: AttrType.AS4_PATH, outcome: 'attribute-discard' }],
      attributes: { origin: 0, asPath: [seq(65001)] },
    },
  },
  {
    name: 'AS4_AGGREGATOR from a 4-octet (NEW) speaker is discarded',
    rfc: 'RFC 6793 §4.1',
    ctx: AS4,
    bytes: hex`
      0000 0018
      40 01 01 00
      40 02 06 02 01 0000fde9               // AS_PATH 65001
      c0 12 08 fa56ea00 c0000209            // AS4_AGGREGATOR
    `,
    expected: {
      outcome: 'attribute-discard',
      errors: [{ type: AttrType.AS4_AGGREGATOR, outcome: 'attribute-discard' }],
      attributes: { origin: 0, asPath: [seq(65001)] },
    },
  },
];
