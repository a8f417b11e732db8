// RTM_NEWADDR / RTM_DELADDR: interface addresses (each defines a connected prefix on its link,
// through which next hops resolve).
//
//   struct ifaddrmsg { u8 ifa_family; u8 ifa_prefixlen; u8 ifa_flags; u8 ifa_scope; u32 ifa_index; }
//   "IFA_ADDRESS is prefix address, rather than local interface address. It makes no difference for
//    normally configured broadcast interfaces, but for point-to-point IFA_ADDRESS is DESTINATION
//    address, local address is supplied in IFA_LOCAL attribute." — <linux/if_addr.h>
//   IFA_FLAGS (u32) supersedes the 8-bit ifa_flags when present.

import { attrAddress, attrString, attrU32, forEachAttr } from './attributes.js';
import { AddrAttr, Flag, IFADDRMSG_LEN, MessageType, NLMSG_HDRLEN } from './constants.js';
import { fail } from './errors.js';
import type { Message } from './header.js';
import { addressBytes, afOf, type Family, familyOfAf } from './ip.js';
import type { NetlinkWriter } from './writer.js';

export interface InterfaceAddress {
  family: Family;
  prefixLength: number;
  /** IFA_F_* (from IFA_FLAGS when present). */
  flags: number;
  scope: number;
  index: number;
  /** IFA_ADDRESS: the prefix address (the peer on point-to-point links). */
  address?: string;
  /** IFA_LOCAL: this host's address, when it differs from IFA_ADDRESS. */
  local?: string;
  label?: string;
}

export function decodeAddress(m: Message): InterfaceAddress {
  if (m.type !== MessageType.NEWADDR && m.type !== MessageType.DELADDR) {
    fail('wrongType', `message type ${m.type} is not an address message`);
  }
  const b = m.buf;
  if (b.length < NLMSG_HDRLEN + IFADDRMSG_LEN) fail('truncated', `address message of ${b.length} bytes`);
  const o = NLMSG_HDRLEN;
  const family = familyOfAf(b[o]);
  if (family === undefined) fail('unsupportedFamily', `address family ${b[o]}`);
  const a: InterfaceAddress = {
    family,
    prefixLength: b[o + 1],
    flags: b[o + 2],
    scope: b[o + 3],
    index: b.readUInt32LE(o + 4),
  };
  if (a.prefixLength > (family === 4 ? 32 : 128)) fail('badAttribute', `prefix length ${a.prefixLength}`);
  forEachAttr(b, o + IFADDRMSG_LEN, b.length, 'address', (type, s, e) => {
    if (type === AddrAttr.ADDRESS) a.address = attrAddress(b, s, e, family, 'IFA_ADDRESS');
    else if (type === AddrAttr.LOCAL) a.local = attrAddress(b, s, e, family, 'IFA_LOCAL');
    else if (type === AddrAttr.LABEL) a.label = attrString(b, s, e);
    else if (type === AddrAttr.FLAGS) a.flags = attrU32(b, s, e, 'IFA_FLAGS');
  });
  return a;
}

/** RTM_NEWADDR/RTM_DELADDR for one address, or (Flag.DUMP, no address) a dump of one family or all. */
export function encodeAddress(
  w: NetlinkWriter,
  type: number,
  nlFlags: number,
  seq: number,
  a: {
    family?: Family;
    prefixLength?: number;
    index?: number;
    address?: string;
    local?: string;
    scope?: number;
  },
): number {
  const start = w.beginMessage(type, nlFlags | Flag.REQUEST, seq);
  w.u8(a.family === undefined ? 0 : afOf(a.family));
  w.u8(a.prefixLength ?? 0);
  w.u8(0);
  w.u8(a.scope ?? 0);
  w.u32(a.index ?? 0);
  if (a.family !== undefined) {
    if (a.local !== undefined) w.attrBytes(AddrAttr.LOCAL, addressBytes(a.local, a.family));
    if (a.address !== undefined) w.attrBytes(AddrAttr.ADDRESS, addressBytes(a.address, a.family));
  }
  w.endMessage(start);
  return start;
}
