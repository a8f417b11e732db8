// BGP4MP and BGP4MP_ET records: state changes and BGP messages (RFC 6396 §4.4, RFC 8050 §3).

import type { ByteCursor } from './byte-cursor.js';
import { addressLength, ipText } from './ip-text.js';
import { Bgp4mpSubtype } from './record-types.js';
import type {
  Bgp4mpMessageRecord,
  Bgp4mpPeering,
  Bgp4mpStateChangeRecord,
  MrtRecord,
  MrtRecordHeader,
} from './records.js';
import { unknownRecord } from './unknown-record.js';

const BGP_HEADER_LENGTH = 19;

/** [as4, local, addPath] per message subtype. */
const MESSAGE_SUBTYPES: ReadonlyMap<number, readonly [boolean, boolean, boolean]> = new Map([
  [Bgp4mpSubtype.MESSAGE, [false, false, false]],
  [Bgp4mpSubtype.MESSAGE_AS4, [true, false, false]],
  [Bgp4mpSubtype.MESSAGE_LOCAL, [false, true, false]],
  [Bgp4mpSubtype.MESSAGE_AS4_LOCAL, [true, true, false]],
  [Bgp4mpSubtype.MESSAGE_ADDPATH, [false, false, true]],
  [Bgp4mpSubtype.MESSAGE_AS4_ADDPATH, [true, false, true]],
  [Bgp4mpSubtype.MESSAGE_LOCAL_ADDPATH, [false, true, true]],
  [Bgp4mpSubtype.MESSAGE_AS4_LOCAL_ADDPATH, [true, true, true]],
]);

export function decodeBgp4mp(h: MrtRecordHeader, cur: ByteCursor): MrtRecord {
  if (h.subtype === Bgp4mpSubtype.STATE_CHANGE) return stateChange(h, cur, false);
  if (h.subtype === Bgp4mpSubtype.STATE_CHANGE_AS4) return stateChange(h, cur, true);
  const flags = MESSAGE_SUBTYPES.get(h.subtype);
  if (flags === undefined) return unknownRecord(h, cur);
  return message(h, cur, flags[0], flags[1], flags[2]);
}

function readPeering(cur: ByteCursor, as4: boolean): Bgp4mpPeering {
  const peerAs = as4 ? cur.u32('Peer AS Number') : cur.u16('Peer AS Number');
  const localAs = as4 ? cur.u32('Local AS Number') : cur.u16('Local AS Number');
  const ifIndex = cur.u16('Interface Index');
  const afiAt = cur.pos;
  const afi = cur.u16('Address Family');
  // RFC 6396 §4.4.1: "The Address Family indicates what types of addresses are in the address
  // fields. At present, the following AFI Types are supported: 1 AFI_IPv4 2 AFI_IPv6"
  const len = addressLength(afi);
  if (len === 0) cur.fail(`unsupported BGP4MP Address Family ${afi}`, afiAt);
  cur.need(2 * len, 'Peer/Local IP Address');
  const peerIp = ipText(cur.buf, cur.pos, afi);
  const localIp = ipText(cur.buf, cur.pos + len, afi);
  cur.pos += 2 * len;
  return { peerAs, localAs, ifIndex, afi, peerIp, localIp, as4 };
}

function stateChange(h: MrtRecordHeader, cur: ByteCursor, as4: boolean): Bgp4mpStateChangeRecord {
  const p = readPeering(cur, as4);
  // RFC 6396 §4.4.1: "Both the Old State value and the New State value are encoded as
  // 2-octet numbers."
  const oldState = cur.u16('Old State');
  const newState = cur.u16('New State');
  if (cur.remaining !== 0) cur.fail(`${cur.remaining} trailing octets after BGP4MP state change`);
  return { kind: 'bgp4mp-state-change', ...common(h, p, as4), oldState, newState };
}

/** Header and peering fields shared by both BGP4MP record kinds. */
function common(h: MrtRecordHeader, p: ReturnType<typeof readPeering>, as4: boolean) {
  return {
    type: h.type,
    subtype: h.subtype,
    timestamp: h.timestamp,
    microseconds: h.microseconds,
    offset: h.offset,
    peerAs: p.peerAs,
    localAs: p.localAs,
    ifIndex: p.ifIndex,
    afi: p.afi,
    peerIp: p.peerIp,
    localIp: p.localIp,
    as4,
  };
}

function message(
  h: MrtRecordHeader,
  cur: ByteCursor,
  as4: boolean,
  local: boolean,
  addPath: boolean,
): Bgp4mpMessageRecord {
  const p = readPeering(cur, as4);
  // RFC 6396 §4.4.2: "The entire BGP message is encapsulated in the BGP Message field,
  // including the 16-octet marker, the 2-octet length, and the 1-octet type fields."
  cur.need(BGP_HEADER_LENGTH, 'BGP message header');
  const at = cur.pos;
  const bgpLength = cur.buf.readUInt16BE(at + 16);
  // RFC 6396 §4.4.2: "Only one BGP message SHALL be encoded in the BGP4MP_MESSAGE Subtype."
  if (bgpLength !== cur.remaining) {
    cur.fail(`BGP message Length ${bgpLength} does not match the ${cur.remaining} octets in the record`, at);
  }
  return { kind: 'bgp4mp-message', ...common(h, p, as4), addPath, local, message: cur.rest() };
}
