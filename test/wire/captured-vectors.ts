// Reference messages from real daemons (test/fixtures/captures, see its README for how they were
// captured), annotated field by field. Each generates decode, encode and round-trip tests in
// captured-vectors.test.ts; `exact: false` marks messages whose encoding choices (attribute order,
// Extended Length use) differ from ours, so only decode and round trip apply.
import type { BgpMessage, CodecContext } from '../../src/wire/index.js';
import { codecContext, IPV4_UNICAST, IPV6_UNICAST } from '../../src/wire/index.js';
import { hex, MARKER } from '../helpers/hex.js';

export interface CapturedVector {
  readonly name: string;
  readonly source: string;
  readonly ctx: CodecContext;
  readonly bytes: Buffer;
  readonly expected: BgpMessage;
  readonly exact: boolean;
}

const p4 = (bytes: number[], length: number, pathId?: number) => ({
  afi: 1 as const,
  length,
  bytes: Buffer.from(bytes),
  ...(pathId === undefined ? {} : { pathId }),
});

export const CAPTURED_VECTORS: CapturedVector[] = [
  {
    name: 'OPEN with 4-octet AS behind AS_TRANS and ten capabilities in one parameter',
    source: 'BIRD 2.0.12 → FRR 8.4.4 (bird-frr)',
    ctx: codecContext(),
    exact: true,
    bytes: hex`
      ${MARKER}
      0055 01            // length 85, OPEN
      04                 // version 4
      5ba0               // My AS 23456 = AS_TRANS (RFC 6793)
      0009               // hold time 9
      0aff0101           // BGP identifier 10.255.1.1
      38                 // optional parameters length 56
      02 36              // parameter 2 (capabilities), 54 octets
        01 04 0001 00 01         // multiprotocol IPv4 unicast
        02 00                    // route refresh
        06 00                    // extended message (RFC 8654)
        09 01 00                 // BGP role: provider (RFC 9234)
        40 06 005a 0001 01 00    // graceful restart: 90 s, IPv4 unicast, no forwarding state
        41 04 fa56ea01           // 4-octet AS 4200000001
        45 04 0001 01 03         // add-path IPv4 unicast, send and receive
        46 00                    // enhanced route refresh (RFC 7313)
        47 07 0001 01 00 00001e  // long-lived GR: IPv4 unicast, stale time 30 s
        49 08 06 626972642d61 00 // FQDN: hostname "bird-a", no domain
    `,
    expected: {
      type: 'open',
      open: {
        version: 4,
        myAsn: 23456,
        holdTime: 9,
        bgpId: '10.255.1.1',
        capabilities: [
          { kind: 'multiprotocol', afi: 1, safi: 1 },
          { kind: 'route-refresh' },
          { kind: 'extended-message' },
          { kind: 'role', role: 0 },
          {
            kind: 'graceful-restart',
            restarting: false,
            notification: false,
            restartTime: 90,
            families: [{ afi: 1, safi: 1, forwarding: false }],
          },
          { kind: 'as4', asn: 4200000001 },
          { kind: 'add-path', families: [{ afi: 1, safi: 1, direction: 3 }] },
          { kind: 'enhanced-route-refresh' },
          {
            kind: 'long-lived-graceful-restart',
            families: [{ afi: 1, safi: 1, forwarding: false, staleTime: 30 }],
          },
          { kind: 'fqdn', hostname: 'bird-a', domain: '' },
        ],
      },
    },
  },
  {
    name: 'IPv6 UPDATE: MP_REACH with global and link-local next hop, add-path, OTC',
    source: 'BIRD 2.0.12 → FRR 8.4.4 (bird-frr)',
    ctx: codecContext({ as4: true, addPath: new Set([IPV4_UNICAST, IPV6_UNICAST]) }),
    exact: true,
    bytes: hex`
      ${MARKER}
      0083 02                 // length 131, UPDATE
      0000                    // no withdrawn routes
      006c                    // path attributes: 108 octets
      90 0e 0032              // MP_REACH_NLRI, optional, extended length 50
        0002 01               // AFI IPv6, SAFI unicast
        20                    // next hop: 32 octets (RFC 2545 global + link-local)
        fd000255000100000000000000000001   // fd00:255:1::1
        fe8000000000000000000afffeff0101   // fe80::aff:feff:101
        00                    // reserved
        00000004 40 20010db800010001       // path id 4, 2001:db8:1:1::/64
      40 01 01 01             // ORIGIN EGP
      40 02 0e 02 03 fa56ea01 fa56ea01 fa56ea01   // AS_PATH: sequence of 3 × 4200000001
      80 04 04 0000000a       // MULTI_EXIT_DISC 10
      c0 08 10 fc000064 ffff0000 ffff029a ffffff01 // COMMUNITIES 64512:100 graceful-shutdown blackhole no-export
      c0 23 04 fa56ea01       // OTC 4200000001 (RFC 9234)
    `,
    expected: {
      type: 'update',
      update: {
        withdrawn: [],
        nlri: [],
        attributes: {
          mpReach: {
            afi: 2,
            safi: 1,
            nextHop: 'fd00:255:1::1',
            linkLocal: 'fe80::aff:feff:101',
            nlri: [{ afi: 2, length: 64, bytes: Buffer.from('20010db800010001', 'hex'), pathId: 4 }],
          },
          origin: 1,
          asPath: [{ type: 2, asns: [4200000001, 4200000001, 4200000001] }],
          med: 10,
          communities: [0xfc000064, 0xffff0000, 0xffff029a, 0xffffff01],
          otc: 4200000001,
        },
        errors: [],
        outcome: 'none',
        endOfRib: undefined,
      },
    },
  },
  {
    name: 'UPDATE to a 2-octet AS session: AS_TRANS in AS_PATH and AGGREGATOR, merged with AS4_PATH/AS4_AGGREGATOR',
    source: 'GoBGP 3.10.0 → BIRD 2.0.12 without 4-octet AS (gobgp-bird)',
    ctx: codecContext({ as4: false }),
    exact: false, // GoBGP orders NEXT_HOP and LARGE_COMMUNITY differently
    bytes: hex`
      ${MARKER}
      0090 02 0000 0075                // length 144, UPDATE, no withdrawn, attributes 117 octets
      40 01 01 00                      // ORIGIN IGP
      40 02 0c 02 02 fe10 fcbc 01 02 fcbd 5ba0   // AS_PATH: 65040 64700 {64701, AS_TRANS}
      80 04 04 0000001e                // MULTI_EXIT_DISC 30
      c0 07 06 5ba0 0aff0401           // AGGREGATOR AS_TRANS 10.255.4.1
      c0 08 0c ffff0000 ffff029a fcbc0001   // COMMUNITIES graceful-shutdown blackhole 64700:1
      c0 10 08 0002fcbc00000005        // EXTENDED_COMMUNITIES rt:64700:5
      c0 20 0c fa56ea03 00000001 00000001    // LARGE_COMMUNITY 4200000003:1:1
      40 03 04 0aff0405                // NEXT_HOP 10.255.4.5
      c0 11 14 02 02 0000fe10 0000fcbc 01 02 0000fcbd fa56ea63   // AS4_PATH: 65040 64700 {64701, 4200000099}
      c0 12 08 fa56ea03 0aff0401       // AS4_AGGREGATOR 4200000003 10.255.4.1
      18 0a0501                        // NLRI 10.5.1.0/24
    `,
    expected: {
      type: 'update',
      update: {
        withdrawn: [],
        nlri: [p4([10, 5, 1], 24)],
        attributes: {
          origin: 0,
          // RFC 6793 §4.2.3: equal AS counts (3), so the path is AS4_PATH itself.
          asPath: [
            { type: 2, asns: [65040, 64700] },
            { type: 1, asns: [64701, 4200000099] },
          ],
          med: 30,
          aggregator: { asn: 4200000003, address: '10.255.4.1' },
          communities: [0xffff0000, 0xffff029a, 0xfcbc0001],
          extendedCommunities: [0x0002fcbc00000005n],
          largeCommunities: [{ global: 4200000003, local1: 1, local2: 1 }],
          nextHop: '10.255.4.5',
        },
        errors: [],
        outcome: 'none',
        endOfRib: undefined,
      },
    },
  },
  {
    name: 'NOTIFICATION Cease/Administrative Shutdown with an RFC 9003 shutdown communication',
    source: 'FRR 8.4.4 → BIRD 2.0.12 (bird-frr)',
    ctx: codecContext(),
    exact: true,
    bytes: hex`
      ${MARKER}
      003f 03          // length 63, NOTIFICATION
      06 02            // Cease / Administrative Shutdown
      29               // shutdown communication: 41 octets of UTF-8
      486572616c64207265666572656e636520636170747572653a20465252206d61696e74656e616e6365
    `,
    expected: {
      type: 'notification',
      notification: Object.assign(new Error(), {
        code: 6,
        subcode: 2,
        data: Buffer.from(
          '29486572616c64207265666572656e636520636170747572653a20465252206d61696e74656e616e6365',
          'hex',
        ),
      }) as never,
    },
  },
  {
    name: 'ROUTE-REFRESH Beginning of Route Refresh (RFC 7313)',
    source: 'FRR 8.4.4 → BIRD 2.0.12 (bird-frr)',
    ctx: codecContext(),
    exact: true,
    bytes: hex`
      ${MARKER}
      0017 05          // length 23, ROUTE-REFRESH
      0001 01 01       // AFI IPv4, subtype 1 (BoRR), SAFI unicast
    `,
    expected: { type: 'route-refresh', routeRefresh: { afi: 1, subtype: 1, safi: 1 } },
  },
];
