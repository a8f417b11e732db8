// Stream reassembly: turns TCP chunks into whole BGP messages. A message inside one chunk is
// returned as a zero-copy view; only a message spanning chunks is copied (once). Header errors
// throw the RFC 4271 §6.1 Notification.
import { checkHeader } from './header.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './registry.js';

export class Frame {
  constructor(
    readonly type: number,
    /** The message body after the 19-octet header (a view into the whole message). */
    readonly body: Buffer,
  ) {}

  /** The whole message, header included: made on demand (a full table is ~90,000 UPDATEs, and only
   * ROUTE-REFRESH and error reports read it). */
  get message(): Buffer {
    const b = this.body;
    return Buffer.from(b.buffer, b.byteOffset - HEADER_LENGTH, b.length + HEADER_LENGTH);
  }
}

export class Framer {
  private chunks: Buffer[] = [];
  private head = 0;
  private buffered = 0;
  private readonly scratch = Buffer.allocUnsafe(HEADER_LENGTH);

  /** 4096, or 65535 after RFC 8654 Extended Message is negotiated (see `setMaxLength`). */
  constructor(private maxLength = MAX_MESSAGE_LENGTH) {}

  setMaxLength(n: number): void {
    this.maxLength = n;
  }

  /** Bytes received but not yet returned as a message. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete message, or undefined when more bytes are needed. */
  next(): Frame | undefined {
    if (this.buffered < HEADER_LENGTH) return undefined;
    const first = this.chunks[0];
    let header: Buffer = first;
    let hoff = this.head;
    if (first.length - this.head < HEADER_LENGTH) {
      this.copyOut(this.scratch, HEADER_LENGTH);
      header = this.scratch;
      hoff = 0;
    }
    const { length, type } = checkHeader(header, hoff, this.maxLength);
    if (this.buffered < length) return undefined;
    let body: Buffer;
    if (first.length - this.head >= length) {
      body = first.subarray(this.head + HEADER_LENGTH, this.head + length);
    } else {
      const message = Buffer.allocUnsafe(length);
      this.copyOut(message, length);
      body = message.subarray(HEADER_LENGTH);
    }
    this.consume(length);
    return new Frame(type, body);
  }

  /** Copies the first `n` buffered bytes into `dst` without consuming them. */
  private copyOut(dst: Buffer, n: number): void {
    let copied = 0;
    let off = this.head;
    for (let i = 0; copied < n; i++) {
      const c = this.chunks[i];
      const take = Math.min(c.length - off, n - copied);
      c.copy(dst, copied, off, off + take);
      copied += take;
      off = 0;
    }
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const c = this.chunks[0];
      const avail = c.length - this.head;
      if (avail > n) {
        this.head += n;
        return;
      }
      n -= avail;
      this.chunks.shift();
      this.head = 0;
    }
  }
}
