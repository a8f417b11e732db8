// RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE: struct rtmsg and the route attributes Herald uses.
//
//   struct rtmsg {                           0       1        2        3
//     u8 rtm_family;  u8 rtm_dst_len;     +--------+--------+--------+--------+
//     u8 rtm_src_len; u8 rtm_tos;         | family | dst_len| src_len|  tos   |
//     u8 rtm_table;   u8 rtm_protocol;    +--------+--------+--------+--------+
//     u8 rtm_scope;   u8 rtm_type;        | table  |protocol| scope  |  type  |
//     u32 rtm_flags;                      +--------+--------+--------+--------+
//   }                                     |             flags (u32)           |
//                                         +-----------------------------------+
//   then rtattrs: RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC, RTA_TABLE, RTA_VIA,
//   RTA_MULTIPATH = a list of struct rtnexthop { u16 rtnh_len; u8 rtnh_flags; u8 rtnh_hops;
//   i32 rtnh_ifindex; } each followed by its own rtattrs (RTA_GATEWAY or RTA_VIA).
//
//   "rtnh_hops: Nexthop priority" — the kernel uses it as weight - 1 (iproute2 `weight N`).
//   "RTA_VIA: Gateway in different AF" (struct rtvia { u16 family; u8 addr[]; }) — RFC 5549 routes.
//   "RTA_TABLE ... when the table id is > 255, rtm_table is RT_TABLE_COMPAT" — the kernel fills
//   both; we write RTA_TABLE always and rtm_table only when the id fits.

import { attrAddress, attrU32, forEachAttr } from './attributes.js';
import {
  AF_INET,
  AF_INET6,
  Flag,
  MessageType,
  NLMSG_HDRLEN,
  RouteAttr,
  RouteType,
  RTMSG_LEN,
  RTNEXTHOP_LEN,
  Scope,
  Table,
} from './constants.js';
import { fail } from './errors.js';
import type { Message } from './header.js';
import { addressBytes, afOf, type Family, familyOf, familyOfAf } from './ip.js';
import type { NetlinkWriter } from './writer.js';

export interface RouteNextHop {
  /** RTA_GATEWAY (same family as the route). */
  gateway?: string;
  /** RTA_VIA: a gateway of the other family (an IPv6 next hop for an IPv4 route). */
  via?: string;
  /** Output interface (0 = let the kernel find it from the gateway). */
  ifindex: number;
  /** ECMP weight, 1–256 (rtnh_hops + 1). */
  weight: number;
  /** rtnh_flags (RTNH_F_ONLINK, and DEAD/LINKDOWN as reported by the kernel). */
  flags: number;
}

export interface Route {
  family: Family;
  /** Destination prefix address (undefined: the default route, no RTA_DST). */
  dst?: string;
  dstLength: number;
  srcLength: number;
  tos: number;
  /** RTA_TABLE when present, else rtm_table. */
  table: number;
  protocol: number;
  scope: number;
  type: number;
  /** rtm_flags. */
  flags: number;
  /** RTA_PRIORITY (the metric). */
  priority?: number;
  prefsrc?: string;
  /** A single next hop: RTA_GATEWAY / RTA_VIA / RTA_OIF in the top-level attributes. */
  gateway?: string;
  via?: string;
  oif?: number;
  /** RTA_MULTIPATH: several next hops (ECMP). */
  multipath?: RouteNextHop[];
}

/** The next hops of a route, whichever way they were encoded (single or RTA_MULTIPATH). */
export function nextHopsOf(r: Route): RouteNextHop[] {
  if (r.multipath) return r.multipath;
  if (r.gateway === undefined && r.via === undefined && r.oif === undefined) return [];
  return [{ gateway: r.gateway, via: r.via, ifindex: r.oif ?? 0, weight: 1, flags: 0 }];
}

function decodeVia(buf: Buffer, s: number, e: number): string {
  if (e - s < 2) fail('badAttribute', 'RTA_VIA shorter than its family');
  const family = familyOfAf(buf.readUInt16LE(s));
  if (family === undefined) fail('badAttribute', `RTA_VIA of family ${buf.readUInt16LE(s)}`);
  return attrAddress(buf, s + 2, e, family, 'RTA_VIA');
}

function decodeMultipath(buf: Buffer, start: number, end: number, family: Family): RouteNextHop[] {
  const out: RouteNextHop[] = [];
  let pos = start;
  while (pos < end) {
    if (end - pos < RTNEXTHOP_LEN) fail('truncated', `RTA_MULTIPATH: ${end - pos} bytes, no rtnexthop`);
    const len = buf.readUInt16LE(pos);
    if (len < RTNEXTHOP_LEN || pos + len > end) {
      fail('truncated', `rtnexthop length ${len} with ${end - pos} bytes left`);
    }
    const nh: RouteNextHop = {
      flags: buf[pos + 2],
      weight: buf[pos + 3] + 1,
      ifindex: buf.readInt32LE(pos + 4),
    };
    forEachAttr(buf, pos + RTNEXTHOP_LEN, pos + len, 'rtnexthop', (type, s, e) => {
      if (type === RouteAttr.GATEWAY) nh.gateway = attrAddress(buf, s, e, family, 'RTA_GATEWAY');
      else if (type === RouteAttr.VIA) nh.via = decodeVia(buf, s, e);
    });
    out.push(nh);
    pos += Math.min((len + 3) & ~3, end - pos);
  }
  return out;
}

/** Decodes an RTM_NEWROUTE / RTM_DELROUTE message. Families other than IPv4/IPv6 are 'unsupportedFamily'. */
export function decodeRoute(m: Message): Route {
  if (m.type !== MessageType.NEWROUTE && m.type !== MessageType.DELROUTE && m.type !== MessageType.GETROUTE) {
    fail('wrongType', `message type ${m.type} is not a route message`);
  }
  const b = m.buf;
  if (b.length < NLMSG_HDRLEN + RTMSG_LEN) fail('truncated', `route message of ${b.length} bytes`);
  const o = NLMSG_HDRLEN;
  const family = familyOfAf(b[o]);
  if (family === undefined) fail('unsupportedFamily', `route family ${b[o]}`);
  const r: Route = {
    family,
    dstLength: b[o + 1],
    srcLength: b[o + 2],
    tos: b[o + 3],
    table: b[o + 4],
    protocol: b[o + 5],
    scope: b[o + 6],
    type: b[o + 7],
    flags: b.readUInt32LE(o + 8),
  };
  if (r.dstLength > (family === 4 ? 32 : 128)) fail('badAttribute', `prefix length ${r.dstLength}`);
  forEachAttr(b, o + RTMSG_LEN, b.length, 'route', (type, s, e) => {
    switch (type) {
      case RouteAttr.DST:
        r.dst = attrAddress(b, s, e, family, 'RTA_DST');
        break;
      case RouteAttr.GATEWAY:
        r.gateway = attrAddress(b, s, e, family, 'RTA_GATEWAY');
        break;
      case RouteAttr.VIA:
        r.via = decodeVia(b, s, e);
        break;
      case RouteAttr.OIF:
        r.oif = attrU32(b, s, e, 'RTA_OIF');
        break;
      case RouteAttr.PRIORITY:
        r.priority = attrU32(b, s, e, 'RTA_PRIORITY');
        break;
      case RouteAttr.PREFSRC:
        r.prefsrc = attrAddress(b, s, e, family, 'RTA_PREFSRC');
        break;
      case RouteAttr.TABLE:
        r.table = attrU32(b, s, e, 'RTA_TABLE');
        break;
      case RouteAttr.MULTIPATH:
        r.multipath = decodeMultipath(b, s, e, family);
        break;
    }
  });
  return r;
}

/** What an encoder needs; the kernel fills in the rest. */
export interface RouteSpec {
  family: Family;
  /** Text, or the octets (4 or 16, host bits cleared) when the caller has them. */
  dst?: string | Uint8Array;
  dstLength: number;
  table: number;
  protocol: number;
  /** Default: RT_SCOPE_UNIVERSE (routes via a gateway); RT_SCOPE_LINK for on-link routes. */
  scope?: number;
  /** Default: RTN_UNICAST. */
  type?: number;
  tos?: number;
  flags?: number;
  priority?: number;
  prefsrc?: string;
  /** One next hop is written as top-level attributes, several as RTA_MULTIPATH. */
  nextHops?: readonly RouteNextHopSpec[];
}

export interface RouteNextHopSpec {
  /** Same family as the route → RTA_GATEWAY; the other family → RTA_VIA. Text or 4 / 16 octets. */
  gateway?: string | Uint8Array;
  ifindex?: number;
  /** 1–256, default 1. */
  weight?: number;
  flags?: number;
}

/** Address octets given as text or as octets (checked: 4 for IPv4, 16 for IPv6). */
function octets(address: string | Uint8Array, family: Family): Uint8Array {
  if (typeof address === 'string') return addressBytes(address, family);
  if (address.length !== (family === 4 ? 4 : 16))
    fail('badValue', `${address.length} octets for IPv${family}`);
  return address;
}

function writeGateway(w: NetlinkWriter, family: Family, gateway: string | Uint8Array): void {
  const gwFamily = typeof gateway === 'string' ? familyOf(gateway) : gateway.length === 4 ? 4 : 6;
  const bytes = octets(gateway, gwFamily);
  if (gwFamily === family) {
    w.attrBytes(RouteAttr.GATEWAY, bytes);
    return;
  }
  const a = w.beginAttr(RouteAttr.VIA);
  w.u16(afOf(gwFamily));
  w.bytes(bytes);
  w.endAttr(a);
}

/**
 * Writes one route message (RTM_NEWROUTE with `Flag.CREATE | Flag.REPLACE` to install or replace,
 * RTM_DELROUTE to delete, RTM_GETROUTE with `Flag.DUMP` for a filtered dump) and returns its start.
 */
export function encodeRoute(
  w: NetlinkWriter,
  type: number,
  flags: number,
  seq: number,
  r: RouteSpec,
): number {
  const maxLen = r.family === 4 ? 32 : 128;
  if (!Number.isInteger(r.dstLength) || r.dstLength < 0 || r.dstLength > maxLen) {
    fail('badValue', `prefix length ${r.dstLength} for IPv${r.family}`);
  }
  const start = w.beginMessage(type, flags | Flag.REQUEST, seq);
  w.u8(afOf(r.family));
  w.u8(r.dstLength);
  w.u8(0);
  w.u8(r.tos ?? 0);
  w.u8(r.table > 255 ? Table.COMPAT : r.table);
  w.u8(r.protocol);
  w.u8(r.scope ?? Scope.UNIVERSE);
  w.u8(r.type ?? RouteType.UNICAST);
  w.u32(r.flags ?? 0);
  if (r.dst !== undefined) w.attrBytes(RouteAttr.DST, octets(r.dst, r.family));
  if (r.table !== Table.UNSPEC) w.attrU32(RouteAttr.TABLE, r.table);
  if (r.priority !== undefined) w.attrU32(RouteAttr.PRIORITY, r.priority);
  if (r.prefsrc !== undefined) w.attrBytes(RouteAttr.PREFSRC, addressBytes(r.prefsrc, r.family));
  const hops = r.nextHops ?? [];
  if (hops.length === 1 && (hops[0].weight ?? 1) === 1 && !hops[0].flags) {
    const nh = hops[0];
    if (nh.gateway !== undefined) writeGateway(w, r.family, nh.gateway);
    if (nh.ifindex) w.attrU32(RouteAttr.OIF, nh.ifindex);
  } else if (hops.length > 0) {
    const mp = w.beginAttr(RouteAttr.MULTIPATH);
    for (const nh of hops) {
      const weight = nh.weight ?? 1;
      if (!Number.isInteger(weight) || weight < 1 || weight > 256) fail('badValue', `weight ${weight}`);
      const at = w.mark();
      w.u16(0);
      w.u8(nh.flags ?? 0);
      w.u8(weight - 1);
      w.i32(nh.ifindex ?? 0);
      if (nh.gateway !== undefined) writeGateway(w, r.family, nh.gateway);
      w.buf.writeUInt16LE(w.pos - at, at);
    }
    w.endAttr(mp);
  }
  w.endMessage(start);
  return start;
}

/** A dump request for the routes of one family (or both, family undefined), optionally filtered
 * by table and protocol (honoured by the kernel on sockets with NETLINK_GET_STRICT_CHK). */
export function encodeRouteDump(
  w: NetlinkWriter,
  seq: number,
  filter: { family?: Family; table?: number; protocol?: number } = {},
): number {
  const start = w.beginMessage(MessageType.GETROUTE, Flag.REQUEST | Flag.DUMP, seq);
  w.u8(filter.family === undefined ? 0 : filter.family === 4 ? AF_INET : AF_INET6);
  w.u8(0);
  w.u8(0);
  w.u8(0);
  w.u8(filter.table !== undefined && filter.table <= 255 ? filter.table : 0);
  w.u8(filter.protocol ?? 0);
  w.u8(0);
  w.u8(0);
  w.u32(0);
  if (filter.table !== undefined) w.attrU32(RouteAttr.TABLE, filter.table);
  w.endMessage(start);
  return start;
}
