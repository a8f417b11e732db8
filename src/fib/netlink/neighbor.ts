// RTM_NEWNEIGH / RTM_DELNEIGH: the kernel's neighbor table, read to find the routers on a link
// (BGP unnumbered: the peer is whoever sends Router Advertisements on the interface).
//
//   struct ndmsg { u8 ndm_family; u8 ndm_pad1; u16 ndm_pad2; i32 ndm_ifindex; u16 ndm_state;
//                  u8 ndm_flags; u8 ndm_type; }                                  — <linux/neighbour.h>
//   NTF_ROUTER is set from a received Router Advertisement (the IsRouter flag of RFC 4861 §7.3.3),
//   whether or not the interface accepts RAs for its own configuration.

import { attrAddress, forEachAttr } from './attributes.js';
import { Flag, MessageType, NDMSG_LEN, NeighAttr, NLMSG_HDRLEN } from './constants.js';
import { fail } from './errors.js';
import type { Message } from './header.js';
import { afOf, type Family, familyOfAf } from './ip.js';
import type { NetlinkWriter } from './writer.js';

export interface Neighbor {
  family: Family;
  index: number;
  /** NUD_* state bits. */
  state: number;
  /** NTF_* flags. */
  flags: number;
  /** NDA_DST: the neighbor's address. */
  address?: string;
}

export function decodeNeighbor(m: Message): Neighbor {
  if (m.type !== MessageType.NEWNEIGH && m.type !== MessageType.DELNEIGH) {
    fail('wrongType', `message type ${m.type} is not a neighbor message`);
  }
  const b = m.buf;
  if (b.length < NLMSG_HDRLEN + NDMSG_LEN) fail('truncated', `neighbor message of ${b.length} bytes`);
  const o = NLMSG_HDRLEN;
  const family = familyOfAf(b[o]);
  if (family === undefined) fail('unsupportedFamily', `neighbor family ${b[o]}`);
  const n: Neighbor = { family, index: b.readInt32LE(o + 4), state: b.readUInt16LE(o + 8), flags: b[o + 10] };
  forEachAttr(b, o + NDMSG_LEN, b.length, 'neighbor', (type, s, e) => {
    if (type === NeighAttr.DST) n.address = attrAddress(b, s, e, family, 'NDA_DST');
  });
  return n;
}

/** RTM_GETNEIGH dump of one family's neighbor table. */
export function encodeNeighborDump(w: NetlinkWriter, family: Family, seq = 0): number {
  const start = w.beginMessage(MessageType.GETNEIGH, Flag.DUMP | Flag.REQUEST, seq);
  w.u8(afOf(family));
  w.u8(0);
  w.u16(0);
  w.u32(0);
  w.u16(0);
  w.u8(0);
  w.u8(0);
  w.endMessage(start);
  return start;
}
