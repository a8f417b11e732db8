// Encoder target: writes big-endian fields into a preallocated Buffer at an offset.
// Lengths are reserved and patched once known; mark/rollback lets a packer undo a partial write
// when a message would overflow. Writes past the end throw `WriterOverflow` (caught by packers).

export class WriterOverflow extends Error {
  override readonly name = 'WriterOverflow';
}

export class Writer {
  pos: number;
  /** Writes may not pass this offset (the message size limit, not just the buffer size). */
  limit: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    limit = buf.length,
  ) {
    this.pos = start;
    this.limit = Math.min(limit, buf.length);
  }

  static alloc(size: number): Writer {
    return new Writer(Buffer.allocUnsafe(size));
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  ensure(n: number): void {
    if (this.pos + n > this.limit) throw new WriterOverflow(`needs ${n} bytes, ${this.remaining} left`);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** Reserves a 1-octet length field; returns its offset for `patch8`. */
  reserve8(): number {
    this.ensure(1);
    return this.pos++;
  }

  reserve16(): number {
    this.ensure(2);
    const at = this.pos;
    this.pos += 2;
    return at;
  }

  /** Patches the length reserved at `at` with the number of bytes written after it. */
  patch8(at: number): void {
    const len = this.pos - at - 1;
    if (len > 0xff) throw new WriterOverflow(`length ${len} does not fit one octet`);
    this.buf[at] = len;
  }

  patch16(at: number): void {
    const len = this.pos - at - 2;
    if (len > 0xffff) throw new WriterOverflow(`length ${len} does not fit two octets`);
    this.buf.writeUInt16BE(len, at);
  }

  mark(): number {
    return this.pos;
  }

  rollback(mark: number): void {
    this.pos = mark;
  }

  /** A view of what was written from `start` to the current position. */
  view(start = 0): Buffer {
    return this.buf.subarray(start, this.pos);
  }
}
