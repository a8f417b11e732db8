// Bounds-checked cursor over a Buffer. Reads never run past `end`: an overrun throws the
// Notification the caller chose, so truncated input yields a typed error, not a RangeError.
import { Notification } from './errors.js';

export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    /** NOTIFICATION code/subcode to raise when the input is shorter than its own lengths say. */
    private readonly code: number,
    private readonly subcode: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new Notification(this.code, this.subcode, undefined, `truncated ${what}`);
    }
  }

  u8(what = 'octet'): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what = 'two-octet field'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'four-octet field'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A zero-copy view of the next `n` bytes. */
  bytes(n: number, what = 'field'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A sub-reader over the next `n` bytes (same error code), advancing this one past them. */
  sub(n: number, what: string, subcode = this.subcode): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n, this.code, subcode);
    this.pos += n;
    return r;
  }
}
