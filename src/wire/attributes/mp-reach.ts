// MP_REACH_NLRI (type 14) and MP_UNREACH_NLRI (type 15), optional non-transitive, RFC 4760 §3-4:
//
//   MP_REACH_NLRI                               MP_UNREACH_NLRI
//   +---------------------------------------+   +---------------------------------------+
//   | AFI (2) | SAFI (1)                    |   | AFI (2) | SAFI (1)                    |
//   | Length of Next Hop Address (1)        |   | Withdrawn Routes (variable)           |
//   | Next Hop Address (variable)           |   +---------------------------------------+
//   | Reserved (1)                          |
//   | NLRI (variable)                       |
//   +---------------------------------------+
//
// IPv6 next hops are 16 octets, or 32 with a link-local address (RFC 2545 §3); IPv4 routes may
// carry an IPv6 next hop (RFC 8950). Families other than IPv4/IPv6 unicast/multicast stay raw.
import type { CodecContext } from '../context.js';
import { familyKey } from '../context.js';
import { Notification } from '../errors.js';
import { decodeNlri, writePrefix } from '../nlri.js';
import { ErrorCode, UpdateSubcode } from '../notification-codes.js';
import { formatAddress, parseAddress } from '../prefix.js';
import { Afi, AttrType, Safi } from '../registry.js';
import type { Writer } from '../writer.js';
import { OPTIONAL_NON_TRANSITIVE } from './flags.js';
import type { AttributeCodec, MpReach } from './types.js';

/** RFC 4760 §7: an incorrect MP attribute leaves "session reset" (or AFI/SAFI disable). */
function fatal(reason: string): Notification {
  return new Notification(
    ErrorCode.UPDATE_MESSAGE,
    UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
    undefined,
    reason,
  );
}

export function isIpFamily(afi: number, safi: number): boolean {
  return (afi === Afi.IPV4 || afi === Afi.IPV6) && (safi === Safi.UNICAST || safi === Safi.MULTICAST);
}

function decodeNextHop(afi: number, nh: Buffer): { nextHop: string; linkLocal?: string } {
  if (afi === Afi.IPV4 && nh.length === 4) return { nextHop: formatAddress(nh) };
  if (nh.length === 16) return { nextHop: formatAddress(nh) };
  if (nh.length === 32) {
    const nextHop = formatAddress(nh.subarray(0, 16));
    // RFC 2545 §3: the second address is "the link-local IPv6 address of the next hop". One that
    // is not link-local (fe80::/10) is ignored, as FRR and BIRD do.
    if (nh[16] !== 0xfe || (nh[17] & 0xc0) !== 0x80) return { nextHop };
    return { nextHop, linkLocal: formatAddress(nh.subarray(16)) };
  }
  // RFC 7606 §7.11: "If the Length of Next Hop Network Address field of the MP_REACH attribute is
  // inconsistent with that which was expected ... the 'session reset' approach or the 'AFI/SAFI
  // disable' approach MUST be used."
  throw fatal(`MP_REACH_NLRI next hop length ${nh.length} for AFI ${afi}`);
}

function readFamily(value: Buffer, min: number, name: string): { afi: number; safi: number } {
  if (value.length < min) throw fatal(`${name} too short (${value.length} octets)`);
  return { afi: value.readUInt16BE(0), safi: value[2] };
}

export const mpReachCodec: AttributeCodec = {
  type: AttrType.MP_REACH_NLRI,
  name: 'MP_REACH_NLRI',
  flags: OPTIONAL_NON_TRANSITIVE,
  malformed: 'session-reset',
  alwaysExtendedLength: true,
  decode(buf, start, end, ctx, out) {
    const value = buf.subarray(start, end);
    const { afi, safi } = readFamily(value, 5, 'MP_REACH_NLRI');
    const nhLen = value[3];
    const nlriStart = 4 + nhLen + 1;
    if (nlriStart > value.length) throw fatal('MP_REACH_NLRI next hop overruns the attribute');
    const nh = value.subarray(4, 4 + nhLen);
    if (!isIpFamily(afi, safi)) {
      out.mpReach = { afi, safi, nlri: [], raw: { nextHop: nh, nlri: value.subarray(nlriStart) } };
      return;
    }
    const addPath = ctx.addPath.has(familyKey(afi, safi));
    const nlri = decodeNlri(
      value,
      nlriStart,
      value.length,
      afi as Afi,
      addPath,
      ErrorCode.UPDATE_MESSAGE,
      UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
    );
    out.mpReach = { afi, safi, ...decodeNextHop(afi, nh), nlri };
  },
  present: (a) => a.mpReach !== undefined,
  encode(w, a, ctx) {
    writeMpReachHead(w, a.mpReach!);
    const addPath = ctx.addPath.has(familyKey(a.mpReach!.afi, a.mpReach!.safi));
    if (a.mpReach!.raw) w.bytes(a.mpReach!.raw.nlri);
    else for (const p of a.mpReach!.nlri) writePrefix(w, p, addPath);
  },
};

/** AFI, SAFI, next hop and the reserved octet: everything before the NLRI (reused by packers). */
export function writeMpReachHead(w: Writer, mp: MpReach): void {
  w.u16(mp.afi);
  w.u8(mp.safi);
  const at = w.reserve8();
  if (mp.raw) w.bytes(mp.raw.nextHop);
  else {
    w.bytes(parseAddress(mp.nextHop ?? (mp.afi === Afi.IPV4 ? '0.0.0.0' : '::')));
    if (mp.linkLocal) w.bytes(parseAddress(mp.linkLocal));
  }
  w.patch8(at);
  // RFC 4760 §3: "Reserved: A 1 octet field that MUST be set to 0, and SHOULD be ignored upon receipt."
  w.u8(0);
}

export const mpUnreachCodec: AttributeCodec = {
  type: AttrType.MP_UNREACH_NLRI,
  name: 'MP_UNREACH_NLRI',
  flags: OPTIONAL_NON_TRANSITIVE,
  malformed: 'session-reset',
  alwaysExtendedLength: true,
  decode(buf, start, end, ctx: CodecContext, out) {
    const value = buf.subarray(start, end);
    const { afi, safi } = readFamily(value, 3, 'MP_UNREACH_NLRI');
    if (!isIpFamily(afi, safi)) {
      out.mpUnreach = { afi, safi, withdrawn: [], raw: value.subarray(3) };
      return;
    }
    const addPath = ctx.addPath.has(familyKey(afi, safi));
    const withdrawn = decodeNlri(
      value,
      3,
      value.length,
      afi as Afi,
      addPath,
      ErrorCode.UPDATE_MESSAGE,
      UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
    );
    out.mpUnreach = { afi, safi, withdrawn };
  },
  present: (a) => a.mpUnreach !== undefined,
  encode(w, a, ctx) {
    const mp = a.mpUnreach!;
    w.u16(mp.afi);
    w.u8(mp.safi);
    const addPath = ctx.addPath.has(familyKey(mp.afi, mp.safi));
    if (mp.raw) w.bytes(mp.raw);
    else for (const p of mp.withdrawn) writePrefix(w, p, addPath);
  },
};
