// OPEN messages (RFC 4271 §4.2, RFC 5492 capabilities, RFC 9072 extended optional parameters) and
// the OPEN Message Errors of RFC 4271 §6.2.
import type { Capability, OpenMessage } from '../../../src/wire/index.js';
import { ErrorCode, OpenSubcode } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';
import type { OpenVector } from './types.js';

/** Version 4, My AS 65001, hold time 180, BGP Identifier 192.0.2.1: the first 9 octets of each OPEN. */
const FIXED = '04 fde9 00b4 c0000201';
const open = (capabilities: Capability[], myAsn = 65001): OpenMessage => ({
  version: 4,
  myAsn,
  holdTime: 180,
  bgpId: '192.0.2.1',
  capabilities,
});
const openError = (subcode: number, data?: Buffer) => ({
  notification: { code: ErrorCode.OPEN_MESSAGE, subcode, data },
});
const mpV4 = { kind: 'multiprotocol', afi: 1, safi: 1 } as const;
const fifty = '01 04 0001 00 01 '.repeat(50);

export const capabilityVectors: OpenVector[] = [
  {
    name: 'no optional parameters',
    rfc: 'RFC 4271 §4.2',
    bytes: hex`
      04                         // version 4
      fde9                       // My Autonomous System 65001
      00b4                       // Hold Time 180
      c0000201                   // BGP Identifier 192.0.2.1
      00                         // Optional Parameters Length 0
    `,
    expected: { open: open([]) },
  },
  {
    name: 'multiprotocol IPv6 unicast',
    rfc: 'RFC 4760 §8',
    bytes: hex`${FIXED} 08 02 06   // parameter 2 (capabilities), 6 octets
      01 04 0002 00 01           // code 1, length 4: AFI 2, reserved, SAFI 1`,
    expected: { open: open([{ kind: 'multiprotocol', afi: 2, safi: 1 }]) },
  },
  {
    name: 'route refresh',
    rfc: 'RFC 2918 §2',
    bytes: hex`${FIXED} 04 02 02 02 00`,
    expected: { open: open([{ kind: 'route-refresh' }]) },
  },
  {
    name: 'enhanced route refresh',
    rfc: 'RFC 7313 §3.1',
    bytes: hex`${FIXED} 04 02 02 46 00`,
    expected: { open: open([{ kind: 'enhanced-route-refresh' }]) },
  },
  {
    name: 'extended message',
    rfc: 'RFC 8654 §3',
    bytes: hex`${FIXED} 04 02 02 06 00`,
    expected: { open: open([{ kind: 'extended-message' }]) },
  },
  {
    name: '4-octet AS 4200000000 with AS_TRANS in My Autonomous System',
    rfc: 'RFC 6793 §3',
    bytes: hex`
      04 5ba0 00b4 c0000201      // My AS 23456 (AS_TRANS)
      08 02 06 41 04 fa56ea00    // capability 65, length 4: 4200000000
    `,
    expected: { open: open([{ kind: 'as4', asn: 4200000000 }], 23456) },
  },
  {
    name: 'BGP role Customer',
    rfc: 'RFC 9234 §4.1',
    bytes: hex`${FIXED} 05 02 03 09 01 03 // capability 9, length 1: role 3`,
    expected: { open: open([{ kind: 'role', role: 3 }]) },
  },
  {
    name: 'graceful restart with R and N bits, restart time 120, IPv4 forwarding kept, IPv6 not',
    rfc: 'RFC 4724 §3',
    bytes: hex`
      ${FIXED} 0e 02 0c
      40 0a                      // capability 64, length 10
        c078                     //   R=1 N=1, restart time 0x078 = 120
        0001 01 80               //   IPv4 unicast, F bit set
        0002 01 00               //   IPv6 unicast, F bit clear
    `,
    expected: {
      open: open([
        {
          kind: 'graceful-restart',
          restarting: true,
          notification: true,
          restartTime: 120,
          families: [
            { afi: 1, safi: 1, forwarding: true },
            { afi: 2, safi: 1, forwarding: false },
          ],
        },
      ]),
    },
  },
  {
    name: 'graceful restart helper only: no flags, no families',
    rfc: 'RFC 4724 §3',
    bytes: hex`${FIXED} 06 02 04 40 02 005a // restart time 90`,
    expected: {
      open: open([
        { kind: 'graceful-restart', restarting: false, notification: false, restartTime: 90, families: [] },
      ]),
    },
  },
  {
    name: 'long-lived graceful restart, stale time 3600',
    rfc: 'RFC 9494 §3',
    bytes: hex`${FIXED} 0b 02 09 47 07 0001 01 80 000e10 // IPv4 unicast, F, 3600 s`,
    expected: {
      open: open([
        {
          kind: 'long-lived-graceful-restart',
          families: [{ afi: 1, safi: 1, forwarding: true, staleTime: 3600 }],
        },
      ]),
    },
  },
  {
    name: 'add-path: IPv4 send/receive, IPv6 receive',
    rfc: 'RFC 7911 §4',
    bytes: hex`${FIXED} 0c 02 0a 45 08 0001 01 03 0002 01 01`,
    expected: {
      open: open([
        {
          kind: 'add-path',
          families: [
            { afi: 1, safi: 1, direction: 3 },
            { afi: 2, safi: 1, direction: 1 },
          ],
        },
      ]),
    },
  },
  {
    name: 'extended next hop: IPv4 unicast over IPv6',
    rfc: 'RFC 8950 §3',
    bytes: hex`${FIXED} 0a 02 08 05 06 0001 0001 0002 // NLRI AFI 1, SAFI 1 (2 octets), next hop AFI 2`,
    expected: { open: open([{ kind: 'extended-next-hop', entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] }]) },
  },
  {
    name: 'FQDN host "host" domain "example"',
    rfc: 'draft-walton-bgp-hostname-capability §3',
    bytes: hex`${FIXED} 11 02 0f 49 0d 04 686f7374 07 6578616d706c65`,
    expected: { open: open([{ kind: 'fqdn', hostname: 'host', domain: 'example' }]) },
  },
  {
    name: 'an unknown capability is kept with its octets',
    rfc: 'RFC 5492 §3',
    bytes: hex`${FIXED} 06 02 04 83 02 abcd // code 131, 2 octets`,
    expected: { open: open([{ kind: 'unknown', code: 131, value: hex`abcd` }]) },
  },
  {
    name: 'capabilities spread over several parameters; we send one Capabilities parameter',
    rfc: 'RFC 5492 §4',
    bytes: hex`
      ${FIXED} 0c
      02 06 01 04 0001 00 01     // parameter: multiprotocol IPv4 unicast
      02 02 02 00                // parameter: route refresh
    `,
    expected: {
      open: open([mpV4, { kind: 'route-refresh' }]),
      encoded: hex`${FIXED} 0a 02 08 01 04 0001 00 01 02 00`,
    },
  },
  {
    name: 'the extended optional parameters form is accepted for short parameters; we use the classic one',
    rfc: 'RFC 9072 §2',
    bytes: hex`
      ${FIXED}
      ff                         // Non-Ext OP Len 255
      ff                         // Non-Ext OP Type 255: extended form
      000b                       // Extended Opt. Parm. Length 11
      02 0008                    // capabilities, 2-octet length 8
        01 04 0001 00 01 02 00
    `,
    expected: {
      open: open([mpV4, { kind: 'route-refresh' }]),
      encoded: hex`${FIXED} 0a 02 08 01 04 0001 00 01 02 00`,
    },
  },
  {
    name: 'capabilities of 300 octets use the extended optional parameters form',
    rfc: 'RFC 9072 §2',
    bytes: hex`
      ${FIXED}
      ff ff 012f                 // extended form, 303 octets of parameters
      02 012c                    // capabilities, 300 octets
      ${fifty}                   // multiprotocol IPv4 unicast × 50
    `,
    expected: { open: open(new Array(50).fill(mpV4)) },
  },
  {
    name: 'parameters of exactly 255 octets keep the classic form (the next octet is not 255)',
    rfc: 'RFC 9072 §2',
    bytes: hex`
      ${FIXED}
      ff                         // Optional Parameters Length 255
      02 fd                      // capabilities, 253 octets
      83 fb ${'00'.repeat(251)}  // unknown capability 131 of 251 octets
    `,
    expected: { open: open([{ kind: 'unknown', code: 131, value: Buffer.alloc(251) }]) },
  },
];

export const openErrorVectors: OpenVector[] = [
  {
    name: 'version 3: Unsupported Version Number, data the largest version we support',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`03 fde9 00b4 c0000201 00`,
    expected: openError(OpenSubcode.UNSUPPORTED_VERSION, hex`0004`),
  },
  {
    name: 'hold time 1: Unacceptable Hold Time',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`04 fde9 0001 c0000201 00`,
    expected: openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME),
  },
  {
    name: 'hold time 2: Unacceptable Hold Time',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`04 fde9 0002 c0000201 00`,
    expected: openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME),
  },
  {
    name: 'BGP Identifier 0.0.0.0: Bad BGP Identifier',
    rfc: 'RFC 6286 §2.2',
    bytes: hex`04 fde9 00b4 00000000 00`,
    expected: openError(OpenSubcode.BAD_BGP_IDENTIFIER),
  },
  {
    name: 'optional parameter type 1 (authentication): Unsupported Optional Parameter',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`${FIXED} 04 01 02 abcd`,
    expected: openError(OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER),
  },
  {
    name: 'a capability longer than its parameter',
    rfc: 'RFC 5492 §4',
    bytes: hex`${FIXED} 06 02 04 41 04 fa56 // 4-octet AS capability says 4, 2 present`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: 'a parameter longer than the optional parameters',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`${FIXED} 04 02 04 0200 // parameter says 4 octets, 2 present`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: 'Optional Parameters Length larger than what follows',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`${FIXED} 08 02 02 02 00`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: 'Optional Parameters Length smaller than what follows',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`${FIXED} 02 02 02 02 00`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: '4-octet AS capability of length 2',
    rfc: 'RFC 6793 §3',
    bytes: hex`${FIXED} 06 02 04 41 02 fde9`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: 'multiprotocol capability of length 3',
    rfc: 'RFC 4760 §8',
    bytes: hex`${FIXED} 07 02 05 01 03 0001 01`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: 'add-path Send/Receive value 4',
    rfc: 'RFC 7911 §4',
    bytes: hex`${FIXED} 08 02 06 45 04 0001 01 04`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
  {
    name: 'graceful restart capability of length 3',
    rfc: 'RFC 4724 §3',
    bytes: hex`${FIXED} 07 02 05 40 03 005a 00`,
    expected: openError(OpenSubcode.UNSPECIFIC),
  },
];
