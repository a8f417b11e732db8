// A kernel route's prefix in the reconciler's compact form: the routes are grouped by family,
// table, metric and prefix length, and within a group keyed by the network address alone — an
// IPv4 address as one 32-bit integer (a small integer to V8: no allocation, cheap hashing), an
// IPv6 one as its hex text. The text form ("10.0.0.0/8") and the destination octets are derived
// from the key when needed (status, messages), never stored per route.
//
// "rtm_dst_len: Length of destination" with RTA_DST the network address — rtnetlink(7): host
// bits are cleared, as the kernel refuses them ("Invalid prefix for given prefix length").

import { type Prefix, parsePrefix, prefixAddress } from '../wire/prefix.js';
import { Afi } from '../wire/registry.js';
import { addressBytes, type Family, formatAddress } from './netlink/ip.js';

/** IPv4: the masked address as a signed 32-bit integer; IPv6: the masked address in hex. */
export type AddressKey = number | string;

/** The codec's Prefix of a prefix given as text (parsed) or as a Prefix (as is). */
export function asPrefix(prefix: string | Prefix): Prefix {
  return typeof prefix === 'string' ? parsePrefix(prefix) : prefix;
}

export function familyOfPrefix(p: Prefix): Family {
  return p.afi === Afi.IPV4 ? 4 : 6;
}

/** The key of a prefix's network address (bits past its length cleared), without allocating for IPv4. */
export function addressKeyOf(p: Prefix): AddressKey {
  if (p.afi !== Afi.IPV4) return prefixAddress(p).toString('hex');
  const n = (p.length + 7) >> 3;
  let a = 0;
  for (let i = 0; i < 4; i++) a = (a << 8) | (i < n ? p.bytes[i] : 0);
  return p.length === 0 ? 0 : a & (-1 << (32 - p.length));
}

/** The key of a route message's destination (text, undefined for a default route). */
export function addressKeyOfRoute(family: Family, dst: string | undefined, length: number): AddressKey {
  const bytes = dst === undefined ? new Uint8Array(family === 4 ? 4 : 16) : addressBytes(dst, family);
  return addressKeyOf({ afi: family === 4 ? Afi.IPV4 : Afi.IPV6, length, bytes });
}

/**
 * Writes the destination octets into `out4` (IPv4) or `out16` (IPv6) and returns it: scratch
 * buffers the caller reuses, as the encoder copies them at once.
 */
export function dstOfKey(key: AddressKey, out4: Uint8Array, out16: Uint8Array): Uint8Array {
  if (typeof key === 'number') {
    out4[0] = key >>> 24;
    out4[1] = (key >>> 16) & 0xff;
    out4[2] = (key >>> 8) & 0xff;
    out4[3] = key & 0xff;
    return out4;
  }
  for (let i = 0; i < 16; i++) out16[i] = Number.parseInt(key.slice(i * 2, i * 2 + 2), 16);
  return out16;
}

/** Canonical "addr/len" (RFC 5952 for IPv6). */
export function formatKey(key: AddressKey, length: number): string {
  return `${formatAddress(dstOfKey(key, new Uint8Array(4), new Uint8Array(16)))}/${length}`;
}
