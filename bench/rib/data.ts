// The rib bench's inputs, derived from the ingest bench's stream (bench/ingest/data.ts): the same
// UPDATEs with one more AS on every AS_PATH (the second peer's longer path), and UPDATEs that
// withdraw every prefix the table holds at the end (the first peer leaving). Plain byte work,
// independent of src/ like the rest of the bench's input.
import type { UpdateStream } from '../ingest/data.js';

const HEADER = 19;
const MAX_MESSAGE = 4096;
const ATTR_AS_PATH = 2;
const AS_SEQUENCE = 2;
/** Prepended to an empty AS_PATH (the capture has two such routes). */
const FALLBACK_ASN = 64512;

function message(body: Buffer): Buffer {
  const head = Buffer.alloc(HEADER, 0xff);
  head.writeUInt16BE(HEADER + body.length, 16);
  head[18] = 2;
  return Buffer.concat([head, body]);
}

/** An UPDATE body: withdrawn routes, path attributes, NLRI. */
function updateBody(withdrawn: Buffer, attrs: Buffer, nlri: Buffer): Buffer {
  const b = Buffer.alloc(4 + withdrawn.length + attrs.length + nlri.length);
  b.writeUInt16BE(withdrawn.length, 0);
  withdrawn.copy(b, 2);
  b.writeUInt16BE(attrs.length, 2 + withdrawn.length);
  attrs.copy(b, 4 + withdrawn.length);
  nlri.copy(b, 4 + withdrawn.length + attrs.length);
  return b;
}

/** Splits an NLRI (or withdrawn-routes) field into prefixes, as views. */
function prefixesOf(field: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < field.length; ) {
    const n = 1 + ((field[pos] + 7) >> 3);
    out.push(field.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

/** An AS_PATH value (4-octet ASNs) with one more AS in front: its own first AS again. */
function prependedAsPath(v: Buffer): Buffer {
  if (v.length >= 6 && v[0] === AS_SEQUENCE && v[1] < 255) {
    const out = Buffer.alloc(v.length + 4);
    out[0] = AS_SEQUENCE;
    out[1] = v[1] + 1;
    v.copy(out, 2, 2, 6); // the first AS twice
    v.copy(out, 6, 2);
    return out;
  }
  const seg = Buffer.alloc(6);
  seg[0] = AS_SEQUENCE;
  seg[1] = 1;
  seg.writeUInt32BE(v.length >= 6 ? v.readUInt32BE(2) : FALLBACK_ASN, 2);
  return Buffer.concat([seg, v]);
}

/** The path attributes with the AS_PATH one AS longer. */
function prependedAttributes(attrs: Buffer): Buffer {
  const parts: Buffer[] = [];
  let seen = false;
  for (let p = 0; p < attrs.length; ) {
    const flags = attrs[p];
    const type = attrs[p + 1];
    const ext = (flags & 0x10) !== 0;
    const len = ext ? attrs.readUInt16BE(p + 2) : attrs[p + 2];
    const start = p + (ext ? 4 : 3);
    if (type === ATTR_AS_PATH) {
      seen = true;
      const v = prependedAsPath(attrs.subarray(start, start + len));
      const head =
        v.length > 255
          ? Buffer.from([flags | 0x10, type, 0, 0])
          : Buffer.from([flags & ~0x10, type, v.length]);
      if (v.length > 255) head.writeUInt16BE(v.length, 2);
      parts.push(head, v);
    } else parts.push(attrs.subarray(p, start + len));
    p = start + len;
  }
  if (!seen && attrs.length > 0) throw new Error('an UPDATE with attributes but no AS_PATH');
  return Buffer.concat(parts);
}

/**
 * The stream's UPDATEs with one AS prepended to every AS_PATH. An UPDATE the longer path pushes
 * past 4,096 octets is cut in two at a prefix boundary (withdrawals stay in the first part).
 */
export function prependOneAs(stream: UpdateStream): Buffer {
  const out: Buffer[] = [];
  const all = stream.bytes;
  for (let pos = 0; pos < all.length; ) {
    const len = all.readUInt16BE(pos + 16);
    const body = all.subarray(pos + HEADER, pos + len);
    pos += len;
    const wl = body.readUInt16BE(0);
    const al = body.readUInt16BE(2 + wl);
    const withdrawn = body.subarray(2, 2 + wl);
    const attrs = prependedAttributes(body.subarray(4 + wl, 4 + wl + al));
    const nlri = body.subarray(4 + wl + al);
    const whole = updateBody(withdrawn, attrs, nlri);
    if (HEADER + whole.length <= MAX_MESSAGE) {
      out.push(message(whole));
      continue;
    }
    const prefixes = prefixesOf(nlri);
    const half = Math.ceil(prefixes.length / 2);
    const first = updateBody(withdrawn, attrs, Buffer.concat(prefixes.slice(0, half)));
    const second = updateBody(Buffer.alloc(0), attrs, Buffer.concat(prefixes.slice(half)));
    if (HEADER + first.length > MAX_MESSAGE || HEADER + second.length > MAX_MESSAGE)
      throw new Error('an UPDATE too long even when cut in two');
    out.push(message(first), message(second));
  }
  return Buffer.concat(out);
}

/** `LEN.o1.o2…` (the held-set key of bench/ingest/data.ts) → the NLRI encoding. */
function encodedPrefix(key: string): Buffer {
  const [len, ...octets] = key.split('.').map(Number);
  return Buffer.from([len, ...octets]);
}

/** `LEN.o1.o2…` → `a.b.c.d/len`. */
export function prefixText(key: string): string {
  const [len, ...octets] = key.split('.').map(Number);
  while (octets.length < 4) octets.push(0);
  return `${octets.join('.')}/${len}`;
}

/** UPDATEs that withdraw every prefix held at the end of the stream, packed into full messages. */
export function withdrawAll(stream: UpdateStream): { bytes: Buffer; messages: number } {
  const room = MAX_MESSAGE - HEADER - 4;
  const out: Buffer[] = [];
  let batch: Buffer[] = [];
  let size = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    out.push(message(updateBody(Buffer.concat(batch), Buffer.alloc(0), Buffer.alloc(0))));
    batch = [];
    size = 0;
  };
  for (const key of [...stream.held, ...stream.asZero]) {
    const p = encodedPrefix(key);
    if (size + p.length > room) flush();
    batch.push(p);
    size += p.length;
  }
  flush();
  return { bytes: Buffer.concat(out), messages: out.length };
}

/** `n` prefixes of the held set spread evenly over it, as text (the convergence sample). */
export function samplePrefixes(stream: UpdateStream, n: number): string[] {
  const keys = [...stream.held];
  const step = Math.max(1, Math.floor(keys.length / n));
  const out: string[] = [];
  for (let i = 0; i < keys.length && out.length < n; i += step) out.push(prefixText(keys[i]));
  return out;
}
