// Helpers shared by attributes whose value is a fixed-size number or address.
import { MalformedAttribute } from '../errors.js';
import { formatAddress, parseAddress } from '../prefix.js';
import type { Writer } from '../writer.js';

export function expectLength(length: number, expected: number, name: string): void {
  if (length !== expected) {
    throw new MalformedAttribute(`${name} length ${length}, expected ${expected}`);
  }
}

/** Expects a non-zero multiple of `unit` octets (RFC 7606 wording for list attributes). */
export function expectMultiple(length: number, unit: number, name: string): void {
  if (length === 0 || length % unit !== 0) {
    throw new MalformedAttribute(`${name} length ${length} is not a non-zero multiple of ${unit}`);
  }
}

export function readIpv4(buf: Buffer, off: number): string {
  return formatAddress(buf.subarray(off, off + 4));
}

export function writeIpv4(w: Writer, text: string): void {
  const bytes = parseAddress(text);
  if (bytes.length !== 4) throw new Error(`"${text}" is not an IPv4 address`);
  w.bytes(bytes);
}
