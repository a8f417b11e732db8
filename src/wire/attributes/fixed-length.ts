// Helpers shared by attributes whose value is a fixed-size number or address.
import { MalformedAttribute } from '../errors.js';
import { parseAddress } from '../prefix.js';
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

/**
 * Address text by its 32-bit value, for the addresses met recently: a peer's UPDATEs repeat a few
 * next hops, originator ids and cluster ids, so each is formatted (and held) once, not once per
 * attribute set. Cleared when full.
 */
const ipv4Text = new Map<number, string>();
const IPV4_TEXT_KEPT = 4096;

export function readIpv4(buf: Buffer, off: number): string {
  const key = (buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3] | 0;
  let text = ipv4Text.get(key);
  if (text === undefined) {
    text = `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
    if (ipv4Text.size >= IPV4_TEXT_KEPT) ipv4Text.clear();
    ipv4Text.set(key, text);
  }
  return text;
}

export function writeIpv4(w: Writer, text: string): void {
  const bytes = parseAddress(text);
  if (bytes.length !== 4) throw new Error(`"${text}" is not an IPv4 address`);
  w.bytes(bytes);
}
