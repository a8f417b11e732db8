// Encodes netlink messages into a caller-owned Buffer at an offset: nlmsghdr and rtattr lengths
// are reserved and patched when the message or a nested attribute ends. Every write checks the
// space left and throws NetlinkDecodeError('bufferFull') instead of writing past the end, so a
// batcher can `mark()`, try a message and `rollback()` when it does not fit.
//
// Netlink is in host byte order. Herald writes little-endian: src/sys refuses big-endian machines.

import { align4, NLMSG_HDRLEN, RTATTR_HDRLEN } from './constants.js';
import { fail } from './errors.js';

export class NetlinkWriter {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.end) fail('bufferFull', `netlink buffer full (${n} more bytes needed)`);
  }

  mark(): number {
    return this.pos;
  }

  rollback(mark: number): void {
    this.pos = mark;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  // Octet stores rather than Buffer#writeUInt16LE and the like: a full table writes millions of
  // fields, and the Buffer methods re-check what ensure() has checked.
  u16(v: number): void {
    this.ensure(2);
    const { buf, pos } = this;
    buf[pos] = v;
    buf[pos + 1] = v >>> 8;
    this.pos = pos + 2;
  }

  u32(v: number): void {
    this.ensure(4);
    const { buf, pos } = this;
    buf[pos] = v;
    buf[pos + 1] = v >>> 8;
    buf[pos + 2] = v >>> 16;
    buf[pos + 3] = v >>> 24;
    this.pos = pos + 4;
  }

  i32(v: number): void {
    this.u32(v);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Zero bytes up to the next 4-byte boundary (NLMSG_ALIGN / RTA_ALIGN). */
  pad(): void {
    const to = align4(this.pos);
    this.ensure(to - this.pos);
    for (let i = this.pos; i < to; i++) this.buf[i] = 0;
    this.pos = to;
  }

  /** Starts a message: writes the 16-byte nlmsghdr with length 0; `endMessage()` patches it. */
  beginMessage(type: number, flags: number, seq = 0, pid = 0): number {
    const start = this.pos;
    this.ensure(NLMSG_HDRLEN);
    this.u32(0);
    this.u16(type);
    this.u16(flags);
    this.u32(seq);
    this.u32(pid);
    return start;
  }

  endMessage(start: number): void {
    const at = this.pos;
    this.pos = start;
    this.u32(at - start);
    this.pos = at;
    this.pad();
  }

  /** Starts an attribute (nested or not); `endAttr()` patches rta_len and pads. */
  beginAttr(type: number): number {
    const start = this.pos;
    this.ensure(RTATTR_HDRLEN);
    this.u16(0);
    this.u16(type);
    return start;
  }

  endAttr(start: number): void {
    const len = this.pos - start;
    if (len > 0xffff) fail('badValue', `attribute of ${len} bytes exceeds 65535`);
    this.buf[start] = len;
    this.buf[start + 1] = len >>> 8;
    this.pad();
  }

  attrU8(type: number, v: number): void {
    const a = this.beginAttr(type);
    this.u8(v);
    this.endAttr(a);
  }

  attrU32(type: number, v: number): void {
    const a = this.beginAttr(type);
    this.u32(v);
    this.endAttr(a);
  }

  attrBytes(type: number, b: Uint8Array): void {
    const a = this.beginAttr(type);
    this.bytes(b);
    this.endAttr(a);
  }

  /** A NUL-terminated string attribute (IFLA_IFNAME, IFA_LABEL). */
  attrString(type: number, s: string): void {
    const a = this.beginAttr(type);
    this.bytes(Buffer.from(`${s}\0`, 'utf8'));
    this.endAttr(a);
  }
}
