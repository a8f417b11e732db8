// The adversarial table: what a hostile peer sends and the RFC-correct reaction Herald must show on
// a live session. UPDATE and OPEN rows are the codec's declare-once vectors (test/wire/vectors), sent
// over the wire instead of into the decoder, so the expected reaction is written once for both;
// the rows below them cover what only a live session can show (header errors in a state, FSM
// errors, peer AS checks, import rules).
import {
  type CodecContext,
  ErrorCode,
  encodeOpen,
  FsmSubcode,
  HeaderSubcode,
  KEEPALIVE,
  MessageType,
  OpenSubcode,
} from '../../src/wire/index.js';
import { hex, MARKER } from '../helpers/hex.js';
import { MANDATORY, message } from '../wire/vectors/common.js';
import { openErrorVectors } from '../wire/vectors/open.js';
import type { ExpectedAttributeError, ExpectedNotification, UpdateVector } from '../wire/vectors/types.js';
import { as4PathVectors, asPathVectors, originVectors } from '../wire/vectors/update-as-path.js';
import { attributeVectors } from '../wire/vectors/update-attributes.js';
import { mpVectors } from '../wire/vectors/update-mp.js';
import { structureVectors } from '../wire/vectors/update-structure.js';
import { HERALD_ASN } from './lab.js';
import { speakerOpen } from './raw-speaker.js';

/** AS of the hostile speaker on eBGP rows (the vectors' AS_PATH starts with it). */
export const PEER_ASN = 65001;
const PEER_ID = '192.0.2.1';

export type Reaction =
  /** Herald sends this NOTIFICATION and closes the connection. */
  | { readonly kind: 'notification'; readonly notification: ExpectedNotification }
  /** RFC 7606 treat-as-withdraw / attribute-discard: the session stays up; these routes move. */
  | {
      readonly kind: 'treat-as-withdraw' | 'attribute-discard';
      readonly errors: readonly ExpectedAttributeError[];
      readonly announced: readonly string[];
      readonly withdrawn: readonly string[];
    }
  /** No error: the session stays up and these routes are held. */
  | { readonly kind: 'accepted'; readonly announced: readonly string[] }
  /** Dropped by an import rule (not an error): the session stays up, the routes are not held. */
  | { readonly kind: 'ignored'; readonly withdrawn: readonly string[] };

export interface Row {
  readonly group: 'header' | 'open' | 'fsm' | 'update' | 'nlri';
  readonly name: string;
  /** The rule checked, e.g. "RFC 7606 §7.8". */
  readonly rfc: string;
  /** Peer AS configured in Herald for this row's neighbor. */
  readonly asn: number;
  /** What the raw speaker does before the hostile bytes: nothing (they replace its OPEN), or OPEN + KEEPALIVE. */
  readonly phase: 'connect' | 'established';
  /** The session the speaker negotiates when `phase` is 'established'. */
  readonly session?: { readonly as4: boolean; readonly addPath?: boolean };
  /** Whole messages (headers included) sent as one write. */
  readonly bytes: Buffer;
  readonly expect: Reaction;
}

const notification = (code: number, subcode: number, data?: Buffer): Reaction => ({
  kind: 'notification',
  notification: { code, subcode, data },
});

/** A vector's session: 4-octet AS, iBGP or eBGP (eBGP when the vector does not say), add-path. */
function vectorSession(ctx: Partial<CodecContext> | undefined) {
  return {
    asn: ctx?.ibgp ? HERALD_ASN : PEER_ASN,
    session: { as4: ctx?.as4 ?? false, addPath: (ctx?.addPath?.size ?? 0) > 0 },
  };
}

/** The vectors that are errors (a NOTIFICATION, or an RFC 7606 outcome), as rows. */
function updateRows(group: Row['group'], vectors: readonly UpdateVector[]): Row[] {
  const rows: Row[] = [];
  for (const v of vectors) {
    const e = v.expected;
    let expect: Reaction;
    if ('notification' in e) expect = { kind: 'notification', notification: e.notification };
    else if ('outcome' in e && e.routes) expect = { kind: e.outcome, errors: e.errors, ...e.routes };
    else continue; // valid messages: the codec vectors cover them
    rows.push({
      group,
      name: v.name,
      rfc: v.rfc,
      ...vectorSession(v.ctx),
      phase: 'established',
      bytes: message(MessageType.UPDATE, v.bytes),
      expect,
    });
  }
  return rows;
}

/** NLRI-field errors among the structure vectors get their own group. */
const isNlri = (v: UpdateVector) =>
  /NLRI prefix|withdrawn prefix|add-path NLRI|prefix length 129/.test(v.name);

const HEADER: Row[] = [
  {
    group: 'header',
    name: 'a marker with one zero bit, in Established',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${'ff'.repeat(15)} fe 0013 04 // KEEPALIVE with a bad marker`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED),
  },
  {
    group: 'header',
    name: 'a marker of zeros instead of the OPEN',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'connect',
    bytes: Buffer.concat([
      Buffer.alloc(16),
      encodeOpen(speakerOpen({ asn: PEER_ASN, bgpId: PEER_ID })).subarray(16),
    ]),
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED),
  },
  {
    group: 'header',
    name: 'length 18 (shorter than the header)',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${MARKER} 0012 04`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, hex`0012`),
  },
  {
    group: 'header',
    name: 'length 4097 on a session without Extended Message',
    rfc: 'RFC 4271 §6.1, RFC 8654 §4',
    asn: PEER_ASN,
    phase: 'established',
    bytes: message(MessageType.UPDATE, Buffer.concat([hex`0000 0000`, Buffer.alloc(4097 - 23)])),
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, hex`1001`),
  },
  {
    group: 'header',
    name: 'length 65535',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${MARKER} ffff 02 0000 0000`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, hex`ffff`),
  },
  {
    group: 'header',
    name: 'KEEPALIVE of length 20',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${MARKER} 0014 04 00`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, hex`0014`),
  },
  {
    group: 'header',
    name: 'UPDATE of length 22 (shorter than an UPDATE)',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${MARKER} 0016 02 000000`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, hex`0016`),
  },
  {
    group: 'header',
    name: 'message type 0',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${MARKER} 0013 00`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_TYPE, hex`00`),
  },
  {
    group: 'header',
    name: 'message type 255',
    rfc: 'RFC 4271 §6.1',
    asn: PEER_ASN,
    phase: 'established',
    bytes: hex`${MARKER} 0017 ff 00000000`,
    expect: notification(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_TYPE, hex`ff`),
  },
];

const openBody = (o: Parameters<typeof speakerOpen>[0]) => encodeOpen(speakerOpen(o));

const OPEN: Row[] = [
  ...openErrorVectors.map(
    (v): Row => ({
      group: 'open',
      name: v.name,
      rfc: v.rfc,
      asn: PEER_ASN, // the vectors' My Autonomous System
      phase: 'connect',
      bytes: message(MessageType.OPEN, v.bytes),
      expect:
        'notification' in v.expected
          ? { kind: 'notification', notification: v.expected.notification }
          : { kind: 'accepted', announced: [] },
    }),
  ),
  {
    group: 'open',
    name: 'My Autonomous System other than the configured peer AS',
    rfc: 'RFC 4271 §6.2',
    asn: PEER_ASN,
    phase: 'connect',
    bytes: openBody({ asn: 65099, bgpId: PEER_ID }),
    expect: notification(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS),
  },
  {
    group: 'open',
    name: '4-octet AS capability disagrees with the configured AS (My AS is AS_TRANS)',
    rfc: 'RFC 6793 §4.1, RFC 4271 §6.2',
    asn: 4200000001,
    phase: 'connect',
    bytes: openBody({ asn: 4200000002, bgpId: PEER_ID, as4: true }),
    expect: notification(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS),
  },
  {
    group: 'open',
    name: 'My AS is the configured AS but the 4-octet AS capability names another',
    rfc: 'RFC 6793 §4.1 (the capability carries the real AS)',
    asn: PEER_ASN,
    phase: 'connect',
    bytes: message(
      MessageType.OPEN,
      hex`04 fde9 005a c0000201 08 02 06 41 04 0000fdea // My AS 65001, capability says 65002`,
    ),
    expect: notification(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS),
  },
  {
    group: 'open',
    name: 'a 4-octet peer AS without the 4-octet AS capability (only AS_TRANS seen)',
    rfc: 'RFC 6793 §4.1',
    asn: 4200000001,
    phase: 'connect',
    bytes: message(MessageType.OPEN, hex`04 5ba0 005a c0000201 00 // My AS 23456 (AS_TRANS), no capability`),
    expect: notification(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS),
  },
  {
    group: 'open',
    name: "BGP Identifier equal to Herald's own on an iBGP session",
    rfc: 'RFC 6286 §2.2',
    asn: HERALD_ASN,
    phase: 'connect',
    bytes: openBody({ asn: HERALD_ASN, bgpId: '10.0.0.1' }),
    expect: notification(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_BGP_IDENTIFIER),
  },
];

const FSM: Row[] = [
  {
    group: 'fsm',
    name: 'a second OPEN in Established',
    rfc: 'RFC 4271 §8.2.2, RFC 6608 §4',
    asn: PEER_ASN,
    phase: 'established',
    bytes: openBody({ asn: PEER_ASN, bgpId: PEER_ID }),
    expect: notification(ErrorCode.FSM, FsmSubcode.UNEXPECTED_IN_ESTABLISHED),
  },
  {
    group: 'fsm',
    name: 'an UPDATE instead of the OPEN (OpenSent)',
    rfc: 'RFC 4271 §8.2.2, RFC 6608 §4',
    asn: PEER_ASN,
    phase: 'connect',
    bytes: message(MessageType.UPDATE, hex`0000 0000`),
    expect: notification(ErrorCode.FSM, FsmSubcode.UNEXPECTED_IN_OPENSENT),
  },
  {
    group: 'fsm',
    name: 'a KEEPALIVE instead of the OPEN (OpenSent)',
    rfc: 'RFC 4271 §8.2.2, RFC 6608 §4',
    asn: PEER_ASN,
    phase: 'connect',
    bytes: KEEPALIVE,
    expect: notification(ErrorCode.FSM, FsmSubcode.UNEXPECTED_IN_OPENSENT),
  },
];

/** Rows only a live session shows: the session kind decides, or an import rule does. */
const SESSION_RULES: Row[] = [
  {
    group: 'update',
    name: 'ORIGINATOR_ID from an external peer: no RFC 7606 rule applies, the route is kept',
    rfc: 'RFC 4456 §8, RFC 7606 §7.9',
    asn: PEER_ASN,
    phase: 'established',
    bytes: message(
      MessageType.UPDATE,
      hex`0000 0019 ${MANDATORY} 80 09 04 c0000202 // ORIGINATOR_ID 192.0.2.2
      08 0a`,
    ),
    expect: { kind: 'accepted', announced: ['10.0.0.0/8'] },
  },
  {
    group: 'update',
    name: 'CLUSTER_LIST from an external peer: no RFC 7606 rule applies, the route is kept',
    rfc: 'RFC 4456 §8, RFC 7606 §7.10',
    asn: PEER_ASN,
    phase: 'established',
    bytes: message(
      MessageType.UPDATE,
      hex`0000 0019 ${MANDATORY} 80 0a 04 c0000201 // CLUSTER_LIST 192.0.2.1
      08 0a`,
    ),
    expect: { kind: 'accepted', announced: ['10.0.0.0/8'] },
  },
  {
    group: 'update',
    name: "ORIGINATOR_ID equal to Herald's BGP Identifier (iBGP): the route is ignored",
    rfc: 'RFC 4456 §8',
    asn: HERALD_ASN,
    phase: 'established',
    bytes: message(
      MessageType.UPDATE,
      hex`0000 0019 ${MANDATORY} 80 09 04 0a000001 // ORIGINATOR_ID 10.0.0.1
      08 0a`,
    ),
    expect: { kind: 'ignored', withdrawn: ['10.0.0.0/8'] },
  },
  {
    group: 'update',
    name: "Herald's own AS in AS_PATH: the route is ignored (AS loop)",
    rfc: 'RFC 4271 §9.1.2',
    asn: PEER_ASN,
    phase: 'established',
    bytes: message(
      MessageType.UPDATE,
      hex`0000 0014 40 01 01 00 40 02 06 02 02 fde9 feb1 // AS_PATH 65001 65201
        40 03 04 c0000201 08 0a`,
    ),
    expect: { kind: 'ignored', withdrawn: ['10.0.0.0/8'] },
  },
];

const allStructure = structureVectors;
export const ROWS: readonly Row[] = [
  ...HEADER,
  ...OPEN,
  ...FSM,
  ...updateRows('update', originVectors),
  ...updateRows('update', asPathVectors),
  ...updateRows('update', as4PathVectors),
  ...updateRows('update', attributeVectors),
  ...updateRows(
    'update',
    allStructure.filter((v) => !isNlri(v)),
  ),
  ...updateRows(
    'update',
    mpVectors.filter((v) => !isNlri(v)),
  ),
  ...updateRows('nlri', [...allStructure, ...mpVectors].filter(isNlri)),
  ...SESSION_RULES,
];
