// The UPDATE vectors of docs/conformance.md: one per rule about received routes and attributes,
// each fed to a neighbor's real import path (conformance.test.ts). The table in the doc quotes
// every vector's hex; a test checks it still does.
import { hex } from '../helpers/hex.js';

/** An UPDATE body: no withdrawn routes, the attributes (length computed), then the NLRI field. */
export function updateBody(attributes: string, nlri = ''): Buffer {
  const a = hex`${attributes}`;
  const head = Buffer.from([0, 0, a.length >> 8, a.length & 0xff]);
  return Buffer.concat([head, a, hex`${nlri}`]);
}

const ORIGIN = '40 01 01 00';
/** AS_PATH AS_SEQUENCE [65001], 4-octet. */
const PATH_65001 = '40 02 06 02 01 0000fde9';
const NH = (addr: string) => `40 03 04 ${addr}`;
const NLRI_10 = '08 0a'; // 10.0.0.0/8
/** MP_REACH_NLRI for IPv6 unicast 2001:db8::/32 with the given next hop (16 or 32 octets, hex). */
function mpReach(nextHop: string): string {
  const nh = hex`${nextHop}`;
  const len = 2 + 1 + 1 + nh.length + 1 + 5;
  return `90 0e 00${len.toString(16).padStart(2, '0')} 0002 01 ${nh.length.toString(16).padStart(2, '0')} ${nextHop} 00 20 20010db8`;
}
const V6_GLOBAL = '20010db8000000000000000000000001'; // 2001:db8::1
const V6_LL = 'fe800000000000000000000000000001'; // fe80::1

export interface SessionKind {
  readonly ibgp?: boolean;
  /** 2-octet AS session (RFC 6793 OLD peer); default 4-octet. */
  readonly as2?: boolean;
  readonly singleHop?: boolean;
  readonly enforceFirstAs?: boolean;
}

export interface ConformanceVector {
  /** Test name: the rule in a few words. */
  readonly name: string;
  readonly rfc: string;
  readonly session?: SessionKind;
  readonly bytes: Buffer;
  /** Routes held after the UPDATE (the neighbor held 10.0.0.0/8 and 2001:db8::/32 before). */
  readonly expected:
    | { readonly routes: readonly string[]; readonly rejected: number; readonly reason?: RegExp }
    | { readonly notification: readonly [code: number, subcode: number] };
  /** An attribute the stored route must not carry (attribute discard). */
  readonly discarded?: string;
}

export const conformanceVectors: readonly ConformanceVector[] = [
  {
    name: 'NEXT_HOP equal to our own address: route ignored',
    rfc: 'RFC 4271 §6.3',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000202')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /NEXT_HOP 192\.0\.2\.2 is our own address/ },
  },
  {
    name: 'NEXT_HOP 0.0.0.0 is not a host address',
    rfc: 'RFC 4271 §6.3, RFC 7606 §3(e)',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('00000000')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /0\.0\.0\.0\/8/ },
  },
  {
    name: 'NEXT_HOP in 127.0.0.0/8 (loopback)',
    rfc: 'RFC 4271 §6.3, RFC 7606 §3(e)',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('7f000001')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /loopback/ },
  },
  {
    name: 'NEXT_HOP multicast (224.0.0.5)',
    rfc: 'RFC 4271 §6.3, RFC 7606 §3(e)',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('e0000005')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /multicast/ },
  },
  {
    name: 'NEXT_HOP class E (255.255.255.255)',
    rfc: 'RFC 4271 §6.3, RFC 7606 §3(e)',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('ffffffff')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /class E/ },
  },
  {
    name: 'a NEXT_HOP beside MP_REACH_NLRI alone is ignored (even 0.0.0.0)',
    rfc: 'RFC 4760 §3',
    bytes: updateBody(`${mpReach(V6_GLOBAL)} ${ORIGIN} ${PATH_65001} ${NH('00000000')}`),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0 },
  },
  {
    name: 'MP_REACH_NLRI next hop multicast (ff02::1)',
    rfc: 'RFC 4271 §6.3, RFC 2545 §3',
    bytes: updateBody(`${mpReach('ff020000000000000000000000000001')} ${ORIGIN} ${PATH_65001}`),
    expected: { routes: ['10.0.0.0/8'], rejected: 1, reason: /ff02::1 is a multicast address/ },
  },
  {
    name: 'MP_REACH_NLRI next hop IPv4-mapped loopback (::ffff:127.0.0.1)',
    rfc: 'RFC 4271 §6.3, RFC 4291 §2.5.5.2',
    bytes: updateBody(`${mpReach('00000000000000000000ffff7f000001')} ${ORIGIN} ${PATH_65001}`),
    expected: { routes: ['10.0.0.0/8'], rejected: 1, reason: /::ffff:7f00:1 is a loopback address/ },
  },
  {
    name: 'MP_REACH_NLRI next hop :: without a link-local address',
    rfc: 'RFC 4271 §6.3, RFC 2545 §3',
    bytes: updateBody(`${mpReach('00'.repeat(16))} ${ORIGIN} ${PATH_65001}`),
    expected: { routes: ['10.0.0.0/8'], rejected: 1, reason: /unspecified/ },
  },
  {
    name: 'a link-local-only next hop from a multihop session',
    rfc: 'RFC 2545 §3',
    session: { singleHop: false },
    bytes: updateBody(`${mpReach(V6_LL)} ${ORIGIN} ${PATH_65001}`),
    expected: {
      routes: ['10.0.0.0/8'],
      rejected: 1,
      reason: /link-local next hop fe80::1 from a multihop session/,
    },
  },
  {
    name: 'a link-local-only next hop from a single-hop session is kept',
    rfc: 'RFC 2545 §3',
    session: { singleHop: true },
    bytes: updateBody(`${mpReach(V6_LL)} ${ORIGIN} ${PATH_65001}`),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0 },
  },
  {
    name: ':: then a link-local address, single hop: kept',
    rfc: 'RFC 2545 §3',
    session: { singleHop: true },
    bytes: updateBody(`${mpReach(`${'00'.repeat(16)} ${V6_LL}`)} ${ORIGIN} ${PATH_65001}`),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0 },
  },
  {
    name: 'a second next hop that is not link-local is ignored, the route kept',
    rfc: 'RFC 2545 §3',
    bytes: updateBody(`${mpReach(`${V6_GLOBAL} 20010db8000000000000000000000002`)} ${ORIGIN} ${PATH_65001}`),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0 },
  },
  {
    name: 'MP_REACH_NLRI next hop length 4 for IPv6: session reset',
    rfc: 'RFC 4760 §7, RFC 7606 §7.11',
    bytes: updateBody(`90 0e 000d 0002 01 04 c0000201 00 20 20010db8 ${ORIGIN} ${PATH_65001}`),
    expected: { notification: [3, 9] },
  },
  {
    name: "eBGP AS_PATH not starting with the peer's AS",
    rfc: 'RFC 4271 §6.3, RFC 7606 §7.2',
    bytes: updateBody(`${ORIGIN} 40 02 06 02 01 0000fdea ${NH('c0000201')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /does not start with the peer's AS 65001/ },
  },
  {
    name: 'eBGP AS_PATH starting with an AS_SET',
    rfc: 'RFC 4271 §6.3, RFC 7606 §7.2',
    bytes: updateBody(`${ORIGIN} 40 02 06 01 01 0000fde9 ${NH('c0000201')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /does not start with the peer's AS/ },
  },
  {
    name: 'enforceFirstAs: false (a route server) accepts another first AS',
    rfc: 'RFC 4271 §6.3 (MAY)',
    session: { enforceFirstAs: false },
    bytes: updateBody(`${ORIGIN} 40 02 06 02 01 0000fdea ${NH('c0000201')}`, NLRI_10),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0 },
  },
  {
    name: 'AS 0 in AS_PATH: treat-as-withdraw',
    rfc: 'RFC 7607 §2, RFC 7606 §7.2',
    bytes: updateBody(`${ORIGIN} 40 02 0a 02 02 0000fde9 00000000 ${NH('c0000201')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /AS_PATH holds AS 0/ },
  },
  {
    name: 'AS 0 in AGGREGATOR: attribute discard',
    rfc: 'RFC 7607 §2, RFC 7606 §7.7',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')} c0 07 08 00000000 c0000201`, NLRI_10),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0, reason: /AGGREGATOR holds AS 0/ },
    discarded: 'aggregator',
  },
  {
    name: 'AS 0 in AS4_PATH (2-octet session): attribute discard',
    rfc: 'RFC 7607 §2, RFC 6793 §6',
    session: { as2: true },
    bytes: updateBody(`${ORIGIN} 40 02 04 02 01 fde9 ${NH('c0000201')} c0 11 06 02 01 00000000`, NLRI_10),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0, reason: /AS4_PATH holds AS 0/ },
  },
  {
    name: 'AS 0 in AS4_AGGREGATOR (2-octet session): attribute discard',
    rfc: 'RFC 7607 §2, RFC 6793 §6',
    session: { as2: true },
    bytes: updateBody(
      `${ORIGIN} 40 02 04 02 01 fde9 ${NH('c0000201')} c0 07 06 5ba0 c0000201 c0 12 08 00000000 c0000201`,
      NLRI_10,
    ),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0, reason: /AS4_AGGREGATOR holds AS 0/ },
  },
  {
    name: 'AS4_AGGREGATOR of length 6 (2-octet session): attribute discard',
    rfc: 'RFC 6793 §6',
    session: { as2: true },
    bytes: updateBody(
      `${ORIGIN} 40 02 04 02 01 fde9 ${NH('c0000201')} c0 07 06 5ba0 c0000201 c0 12 06 fde9 c0000201`,
      NLRI_10,
    ),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0, reason: /AS4_AGGREGATOR length 6/ },
  },
  {
    name: 'an empty AS4_PATH (2-octet session): attribute discard',
    rfc: 'RFC 6793 §6',
    session: { as2: true },
    bytes: updateBody(`${ORIGIN} 40 02 04 02 01 fde9 ${NH('c0000201')} c0 11 00`, NLRI_10),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0, reason: /AS4_PATH length 0/ },
  },
  {
    name: 'AS4_PATH from a 4-octet (NEW) speaker: attribute discard',
    rfc: 'RFC 6793 §4.1, §6',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')} c0 11 06 02 01 0000fdea`, NLRI_10),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 0,
      reason: /AS4_PATH from a 4-octet AS speaker/,
    },
    discarded: 'as4Path',
  },
  {
    name: 'AS_CONFED_SEQUENCE from an eBGP peer: treat-as-withdraw',
    rfc: 'RFC 5065 §5, RFC 7606 §7.2',
    bytes: updateBody(`${ORIGIN} 40 02 0c 03 01 0000fdeb 02 01 0000fde9 ${NH('c0000201')}`, NLRI_10),
    expected: { routes: ['2001:db8::/32'], rejected: 1, reason: /confederation segment/ },
  },
  {
    name: 'AS_CONFED_SEQUENCE from an iBGP peer is kept',
    rfc: 'RFC 5065 §5',
    session: { ibgp: true },
    bytes: updateBody(`${ORIGIN} 40 02 0c 03 01 0000fdeb 02 01 0000fde9 ${NH('c0000201')}`, NLRI_10),
    expected: { routes: ['10.0.0.0/8', '2001:db8::/32'], rejected: 0 },
  },
  {
    name: 'LOCAL_PREF from an eBGP peer: attribute discard',
    rfc: 'RFC 4271 §5.1.5, RFC 7606 §7.5',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')} 40 05 04 000001f4`, NLRI_10),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 0,
      reason: /LOCAL_PREF from an external peer/,
    },
    discarded: 'localPref',
  },
  {
    name: 'ORIGINATOR_ID from an eBGP peer: attribute discard',
    rfc: 'RFC 7606 §7.9',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')} 80 09 04 c0000263`, NLRI_10),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 0,
      reason: /ORIGINATOR_ID from an external peer/,
    },
    discarded: 'originatorId',
  },
  {
    name: 'CLUSTER_LIST from an eBGP peer: attribute discard',
    rfc: 'RFC 7606 §7.10',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')} 80 0a 04 0a000001`, NLRI_10),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 0,
      reason: /CLUSTER_LIST from an external peer/,
    },
    discarded: 'clusterList',
  },
  {
    name: 'attributes with a treat-as-withdraw error and no NLRI: session reset',
    rfc: 'RFC 7606 §5.2',
    bytes: updateBody(`40 01 01 07 ${PATH_65001} ${NH('c0000201')}`),
    expected: { notification: [3, 6] },
  },
  {
    name: 'AS 0 in AS_PATH and no NLRI: session reset (Malformed AS_PATH)',
    rfc: 'RFC 7606 §5.2, RFC 7607 §2',
    bytes: updateBody(`${ORIGIN} 40 02 06 02 01 00000000 ${NH('c0000201')}`),
    expected: { notification: [3, 11] },
  },
  {
    name: 'only attribute-discard errors and no NLRI: no reset',
    rfc: 'RFC 7606 §5.2',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')} 40 05 04 000001f4`),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 0,
      reason: /LOCAL_PREF from an external peer/,
    },
  },
  {
    name: 'a multicast prefix in the NLRI field is ignored, the others kept',
    rfc: 'RFC 4271 §6.3',
    bytes: updateBody(`${ORIGIN} ${PATH_65001} ${NH('c0000201')}`, `18 e00001 ${NLRI_10}`),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 1,
      reason: /multicast prefix 224\.0\.1\.0\/24 ignored/,
    },
  },
  {
    name: 'an IPv6 multicast prefix (ff00::/8) is ignored',
    rfc: 'RFC 4271 §6.3',
    bytes: updateBody(`90 0e 0017 0002 01 10 ${V6_GLOBAL} 00 08 ff ${ORIGIN} ${PATH_65001}`),
    expected: {
      routes: ['10.0.0.0/8', '2001:db8::/32'],
      rejected: 1,
      reason: /multicast prefix ff00::\/8 ignored/,
    },
  },
];
