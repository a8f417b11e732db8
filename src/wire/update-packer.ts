// The send hot path: an attribute set is encoded once (`prepareAttributes`) and then copied into
// every UPDATE that carries it; prefixes are written straight into the caller's Buffer until the
// message is full. Nothing here allocates per prefix.
import { encodeAttributes, writeAttribute } from './attributes/attribute-block.js';
import { mpReachCodec, writeMpReachHead } from './attributes/mp-reach.js';
import type { PathAttributes } from './attributes/types.js';
import type { CodecContext } from './context.js';
import { familyKey, IPV4_UNICAST } from './context.js';
import { finishMessage, startMessage } from './header.js';
import { nlriSize, writeIpv4Prefix, writePrefix } from './nlri.js';
import type { Prefix } from './prefix.js';
import { AttrFlag, AttrType, MessageType } from './registry.js';
import { Writer } from './writer.js';

/** An attribute set encoded for one kind of session, ready to be copied into many UPDATEs. */
export interface PreparedAttributes {
  /** Every attribute except MP_REACH_NLRI. */
  readonly block: Buffer;
  /** MP_REACH_NLRI up to its NLRI (AFI, SAFI, next hop, reserved), when routes go in MP_REACH. */
  readonly mpHead?: Buffer;
  readonly addPath: boolean;
}

const scratch = Writer.alloc(65535);

/**
 * Encodes `attrs` once. Routes go in MP_REACH_NLRI when `attrs.mpReach` is set (its `nlri` is
 * ignored: the packer supplies the prefixes), else in the IPv4 NLRI field.
 */
export function prepareAttributes(attrs: PathAttributes, ctx: CodecContext): PreparedAttributes {
  scratch.rollback(0);
  encodeAttributes(scratch, attrs, ctx, true);
  const block = Buffer.from(scratch.view());
  if (!attrs.mpReach) return { block, addPath: ctx.addPath.has(IPV4_UNICAST) };
  scratch.rollback(0);
  writeMpReachHead(scratch, attrs.mpReach);
  const mpHead = Buffer.from(scratch.view());
  return { block, mpHead, addPath: ctx.addPath.has(familyKey(attrs.mpReach.afi, attrs.mpReach.safi)) };
}

/** Header (19) + Withdrawn Routes Length (2) + Total Path Attribute Length (2). */
const UPDATE_OVERHEAD = 23;

/**
 * Octets left for NLRI in an UPDATE carrying `prepared` on a session with `ctx`'s message limit;
 * negative when the attributes alone do not fit (RFC 8654 §4: such a route cannot be sent).
 */
export function nlriRoom(prepared: PreparedAttributes, ctx: CodecContext): number {
  // MP_REACH_NLRI is written with the Extended Length flag: a 4-octet attribute header.
  const mp = prepared.mpHead ? 4 + prepared.mpHead.length : 0;
  return ctx.maxMessageLength - UPDATE_OVERHEAD - prepared.block.length - mp;
}

/** Source of prefixes for the IPv4 fast path: parallel arrays, addresses as 32-bit numbers. */
export interface Ipv4Routes {
  readonly addrs: Uint32Array;
  readonly lengths: Uint8Array;
  readonly pathIds?: Uint32Array;
}

function withMessageLimit<T>(w: Writer, ctx: CodecContext, body: (start: number) => T): T {
  const limit = w.limit;
  const start = startMessage(w, MessageType.UPDATE);
  w.limit = Math.min(limit, start + ctx.maxMessageLength);
  try {
    return body(start);
  } finally {
    w.limit = limit;
  }
}

/**
 * Writes one UPDATE carrying `prepared` and as many of the IPv4 routes [from, to) as fit in the
 * NLRI field. Returns the index of the first route not written (== from if none fit).
 */
export function packIpv4Update(
  w: Writer,
  prepared: PreparedAttributes,
  routes: Ipv4Routes,
  from: number,
  to: number,
  ctx: CodecContext,
): number {
  return withMessageLimit(w, ctx, (start) => {
    w.u16(0);
    w.u16(prepared.block.length);
    w.bytes(prepared.block);
    const { addrs, lengths, pathIds } = routes;
    const addPath = prepared.addPath;
    let i = from;
    for (; i < to; i++) {
      if (!writeIpv4Prefix(w, addrs[i], lengths[i], pathIds ? pathIds[i] : 0, addPath)) break;
    }
    if (i === from && from < to) {
      w.rollback(start);
      return from;
    }
    finishMessage(w, start);
    return i;
  });
}

/**
 * Writes one UPDATE announcing as many of `prefixes` [from, end) as fit, in MP_REACH_NLRI when
 * `prepared.mpHead` is set, else in the NLRI field. Returns the index of the first one not written
 * (== from, with nothing written, when not even one fits: see `nlriRoom`).
 */
export function packUpdate(
  w: Writer,
  prepared: PreparedAttributes,
  prefixes: readonly Prefix[],
  from: number,
  ctx: CodecContext,
): number {
  if (from >= prefixes.length || nlriRoom(prepared, ctx) < nlriSize(prefixes[from], prepared.addPath))
    return from;
  return withMessageLimit(w, ctx, (start) => {
    w.u16(0);
    const attrLen = w.reserve16();
    let i = from;
    if (prepared.mpHead) {
      w.u8(AttrFlag.OPTIONAL | AttrFlag.EXTENDED_LENGTH);
      w.u8(AttrType.MP_REACH_NLRI);
      const mpLen = w.reserve16();
      w.bytes(prepared.mpHead);
      const room = w.limit - w.pos - prepared.block.length;
      let used = 0;
      while (i < prefixes.length && used + nlriSize(prefixes[i], prepared.addPath) <= room) {
        used += nlriSize(prefixes[i], prepared.addPath);
        writePrefix(w, prefixes[i++], prepared.addPath);
      }
      w.patch16(mpLen);
      w.bytes(prepared.block);
      w.patch16(attrLen);
    } else {
      w.bytes(prepared.block);
      w.patch16(attrLen);
      while (i < prefixes.length && nlriSize(prefixes[i], prepared.addPath) <= w.remaining) {
        writePrefix(w, prefixes[i++], prepared.addPath);
      }
    }
    if (i === from) {
      w.rollback(start);
      return from;
    }
    finishMessage(w, start);
    return i;
  });
}

/**
 * Writes one UPDATE withdrawing as many of the IPv4 unicast routes [from, to) as fit in the
 * Withdrawn Routes field. Returns the index of the first route not written (== from if none fit).
 */
export function packIpv4Withdrawal(
  w: Writer,
  routes: Ipv4Routes,
  from: number,
  to: number,
  ctx: CodecContext,
): number {
  const addPath = ctx.addPath.has(IPV4_UNICAST);
  return withMessageLimit(w, ctx, (start) => {
    const wl = w.reserve16();
    // Room for the Total Path Attribute Length that follows the withdrawn routes.
    w.limit -= 2;
    const { addrs, lengths, pathIds } = routes;
    let i = from;
    for (; i < to; i++) {
      if (!writeIpv4Prefix(w, addrs[i], lengths[i], pathIds ? pathIds[i] : 0, addPath)) break;
    }
    w.limit += 2;
    // Nothing fitted: an UPDATE with no withdrawn routes would read as an End-of-RIB (RFC 4724 §2).
    if (i === from) {
      w.rollback(start);
      return from;
    }
    w.patch16(wl);
    w.u16(0);
    finishMessage(w, start);
    return i;
  });
}

/**
 * Writes one UPDATE withdrawing as many of `prefixes` [from, end) as fit: IPv4 unicast in the
 * Withdrawn Routes field, other families in MP_UNREACH_NLRI. All prefixes must share one family.
 */
export function packWithdrawal(
  w: Writer,
  prefixes: readonly Prefix[],
  from: number,
  safi: number,
  ctx: CodecContext,
): number {
  if (from >= prefixes.length) return from;
  const afi = prefixes[from].afi;
  const family = familyKey(afi, safi);
  const addPath = ctx.addPath.has(family);
  return withMessageLimit(w, ctx, (start) => {
    let i = from;
    const fill = (after = 0) => {
      while (i < prefixes.length && nlriSize(prefixes[i], addPath) <= w.remaining - after) {
        writePrefix(w, prefixes[i++], addPath);
      }
    };
    if (family === IPV4_UNICAST) {
      const wl = w.reserve16();
      // Leave room for the Total Path Attribute Length that follows the withdrawn routes.
      fill(2);
      w.patch16(wl);
      w.u16(0);
    } else {
      w.u16(0);
      const al = w.reserve16();
      writeAttribute(w, mpReachCodec.flags, AttrType.MP_UNREACH_NLRI, true, () => {
        w.u16(afi);
        w.u8(safi);
        fill();
      });
      w.patch16(al);
    }
    // Nothing fitted: an UPDATE with no withdrawn routes would read as an End-of-RIB (RFC 4724 §2).
    if (i === from) {
      w.rollback(start);
      return from;
    }
    finishMessage(w, start);
    return i;
  });
}

/** RFC 4724 §2 End-of-RIB: an empty UPDATE for IPv4 unicast, an empty MP_UNREACH_NLRI otherwise. */
export function writeEndOfRib(w: Writer, afi: number, safi: number): void {
  const start = startMessage(w, MessageType.UPDATE);
  w.u16(0);
  if (familyKey(afi, safi) === IPV4_UNICAST) w.u16(0);
  else {
    const al = w.reserve16();
    writeAttribute(w, mpReachCodec.flags, AttrType.MP_UNREACH_NLRI, true, () => {
      w.u16(afi);
      w.u8(safi);
    });
    w.patch16(al);
  }
  finishMessage(w, start);
}
