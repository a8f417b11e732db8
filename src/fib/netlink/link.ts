// RTM_NEWLINK / RTM_DELLINK: enough of struct ifinfomsg and its attributes to follow interfaces
// coming and going, up and down (next hops over a link that is down are unusable).
//
//   struct ifinfomsg { u8 ifi_family; u8 pad; u16 ifi_type; i32 ifi_index; u32 ifi_flags; u32 ifi_change; }
//   IFLA_LINKINFO { IFLA_INFO_KIND "vrf", IFLA_INFO_DATA { IFLA_VRF_TABLE u32 } }: a VRF device
//   and the routing table it stands for (the kernel's Documentation/networking/vrf.rst).
//   "ifi_flags contains the device flags, see netdevice(7)" — rtnetlink(7); IFF_UP is administrative,
//   IFF_LOWER_UP the carrier ("driver signals L1 up"), IFLA_OPERSTATE the RFC 2863 state.

import { attrString, attrU8, attrU32, forEachAttr } from './attributes.js';
import {
  Flag,
  IFINFOMSG_LEN,
  LinkAttr,
  LinkFlag,
  LinkInfoAttr,
  MessageType,
  NLMSG_HDRLEN,
  OperState,
  VrfAttr,
} from './constants.js';
import { fail } from './errors.js';
import type { Message } from './header.js';
import type { NetlinkWriter } from './writer.js';

export interface Link {
  index: number;
  /** ARPHRD_* (1 ether, 772 loopback). */
  linkType: number;
  /** IFF_* flags. */
  flags: number;
  name?: string;
  mtu?: number;
  /** IFLA_OPERSTATE (IF_OPER_*). */
  operState?: number;
  /** IFLA_MASTER: the bridge, bond or VRF device this link is enslaved to. */
  master?: number;
  /** IFLA_INFO_KIND: "vrf", "veth", "bridge"… (absent for plain devices such as lo). */
  kind?: string;
  /** IFLA_VRF_TABLE of a "vrf" link: the table its routes live in. */
  vrfTable?: number;
}

/** Usable for forwarding: administratively up with carrier (operstate UP, or UNKNOWN as lo and tun report). */
export function linkIsUp(l: Link): boolean {
  if ((l.flags & LinkFlag.UP) === 0 || (l.flags & LinkFlag.LOWER_UP) === 0) return false;
  return l.operState === undefined || l.operState === OperState.UP || l.operState === OperState.UNKNOWN;
}

export function decodeLink(m: Message): Link {
  if (m.type !== MessageType.NEWLINK && m.type !== MessageType.DELLINK) {
    fail('wrongType', `message type ${m.type} is not a link message`);
  }
  const b = m.buf;
  if (b.length < NLMSG_HDRLEN + IFINFOMSG_LEN) fail('truncated', `link message of ${b.length} bytes`);
  const o = NLMSG_HDRLEN;
  const l: Link = {
    linkType: b.readUInt16LE(o + 2),
    index: b.readInt32LE(o + 4),
    flags: b.readUInt32LE(o + 8),
  };
  forEachAttr(b, o + IFINFOMSG_LEN, b.length, 'link', (type, s, e) => {
    if (type === LinkAttr.IFNAME) l.name = attrString(b, s, e);
    else if (type === LinkAttr.MTU) l.mtu = attrU32(b, s, e, 'IFLA_MTU');
    else if (type === LinkAttr.OPERSTATE) l.operState = attrU8(b, s, e, 'IFLA_OPERSTATE');
    else if (type === LinkAttr.MASTER) l.master = attrU32(b, s, e, 'IFLA_MASTER');
    else if (type === LinkAttr.LINKINFO) decodeLinkInfo(b, s, e, l);
  });
  return l;
}

function decodeLinkInfo(b: Buffer, start: number, end: number, l: Link): void {
  let data: [number, number] | undefined;
  forEachAttr(b, start, end, 'IFLA_LINKINFO', (type, s, e) => {
    if (type === LinkInfoAttr.KIND) l.kind = attrString(b, s, e);
    else if (type === LinkInfoAttr.DATA) data = [s, e];
  });
  // IFLA_INFO_DATA is kind-specific: read only a VRF's.
  if (l.kind !== 'vrf' || !data) return;
  forEachAttr(b, data[0], data[1], 'IFLA_INFO_DATA', (type, s, e) => {
    if (type === VrfAttr.TABLE) l.vrfTable = attrU32(b, s, e, 'IFLA_VRF_TABLE');
  });
}

/**
 * An RTM_NEWLINK/RTM_DELLINK/RTM_GETLINK message for `index` (and optionally `name`, `mtu`);
 * with `flags` containing Flag.DUMP and index 0 it is a dump of every link. `change` is the mask of
 * ifi_flags bits to set (e.g. LinkFlag.UP with flags LinkFlag.UP brings a link up).
 */
export function encodeLink(
  w: NetlinkWriter,
  type: number,
  nlFlags: number,
  seq: number,
  l: { index: number; flags?: number; change?: number; name?: string; mtu?: number },
): number {
  const start = w.beginMessage(type, nlFlags | Flag.REQUEST, seq);
  w.u8(0);
  w.u8(0);
  w.u16(0);
  w.i32(l.index);
  w.u32(l.flags ?? 0);
  w.u32(l.change ?? 0);
  if (l.name !== undefined) w.attrString(LinkAttr.IFNAME, l.name);
  if (l.mtu !== undefined) w.attrU32(LinkAttr.MTU, l.mtu);
  w.endMessage(start);
  return start;
}
