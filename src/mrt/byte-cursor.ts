// ByteCursor: bounds-checked big-endian reads over one MRT record, failing with MrtFormatError.

import { MrtFormatError } from './mrt-format-error.js';

/**
 * Reads forward through `buf[pos, end)`. Every read checks the bound first, so a short
 * record surfaces as MrtFormatError rather than a RangeError. `base` is added to
 * positions in error offsets (the input offset of `buf[0]`).
 */
export class ByteCursor {
  pos: number;
  readonly buf: Buffer;
  readonly end: number;
  private readonly base: number;

  constructor(buf: Buffer, start: number, end: number, base = 0) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.base = base;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Input offset of the current position, for error reporting. */
  get offset(): number {
    return this.base + this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new MrtFormatError(message, this.base + at);
  }

  need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      this.fail(`truncated ${what}: need ${n} octets, ${this.end - this.pos} left`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A zero-copy view of the next `n` octets. */
  take(n: number, what: string): Buffer {
    this.need(n, what);
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** Everything up to the end, as a zero-copy view. */
  rest(): Buffer {
    const view = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return view;
  }
}
