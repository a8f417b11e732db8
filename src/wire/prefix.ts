// IP prefixes as the codec sees them: an address family, a length and the packed address octets
// (only ceil(length/8) of them, as on the wire), plus an RFC 7911 path identifier when present.
// Parsing and printing use ipaddr.js; comparison keys mask the bits past the length.
import ipaddr from 'ipaddr.js';
import { Afi } from './registry.js';

export interface Prefix {
  readonly afi: Afi;
  readonly length: number;
  /** ceil(length/8) octets; when decoded, a view into the message. Bits past `length` are ignored. */
  readonly bytes: Uint8Array;
  /** RFC 7911 Path Identifier, present only on add-path sessions. */
  readonly pathId?: number;
}

export function maxLength(afi: Afi): number {
  return afi === Afi.IPV4 ? 32 : 128;
}

export function addressLength(afi: Afi): number {
  return afi === Afi.IPV4 ? 4 : 16;
}

/** Full-width address octets with the bits past `length` cleared. */
export function prefixAddress(p: Prefix): Buffer {
  const out = Buffer.alloc(addressLength(p.afi));
  const n = (p.length + 7) >> 3;
  out.set(p.bytes.subarray(0, n));
  const rem = p.length & 7;
  if (rem !== 0) out[n - 1] &= (0xff << (8 - rem)) & 0xff;
  return out;
}

/** Dotted-quad IPv4 or IPv6 text (not the legacy "10.1" or hex IPv4 forms ipaddr.js also accepts). */
export function isIpAddress(text: string): boolean {
  // IPv6 text always has a colon, IPv4 never: one check each (ipaddr's IPv4 test throws and catches
  // internally on IPv6 text, which made validating 100,000 announcements take seconds).
  return text.includes(':') ? ipaddr.IPv6.isValid(text) : ipaddr.IPv4.isValidFourPartDecimal(text);
}

/**
 * An IPv6 address's zone (`fe80::1%eth0.100`: an interface name or index) split off: ipaddr.js
 * knows zones of letters and digits only, and Linux interface names have '-', '.', '_' and more.
 */
export function splitZone(text: string): { address: string; zone?: string } {
  const at = text.indexOf('%');
  return at < 0 ? { address: text } : { address: text.slice(0, at), zone: text.slice(at + 1) };
}

/** Whether address text is IPv6 link-local (fe80::/10), a zone after it or not. */
export function isLinkLocalText(text: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(text);
}

/** An IP address, IPv6 with a zone allowed (an interface name: up to 15 bytes, no '/' or white space). */
export function isZonedIpAddress(text: string): boolean {
  const { address, zone } = splitZone(text);
  if (zone === undefined) return isIpAddress(text);
  return address.includes(':') && isIpAddress(address) && /^[^\s/%]{1,15}$/.test(zone);
}

/** The canonical text of an address (an IPv4-mapped IPv6 one as IPv4), its zone kept as given. */
export function canonicalAddress(text: string): string {
  const { address, zone } = splitZone(text);
  const canonical = ipaddr.process(address).toString();
  return zone === undefined ? canonical : `${canonical}%${zone}`;
}

/** Parses "10.0.0.0/8" or "2001:db8::/32"; a bare address is a host route. Throws on bad input. */
export function parsePrefix(text: string, pathId?: number): Prefix {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (!isIpAddress(addrText)) throw new Error(`invalid prefix "${text}": bad address`);
  const addr = ipaddr.parse(addrText);
  const afi = addr.kind() === 'ipv4' ? Afi.IPV4 : Afi.IPV6;
  const max = maxLength(afi);
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) {
    throw new Error(`invalid prefix "${text}": length must be 0..${max}`);
  }
  const length = Number(lenText);
  const full = Buffer.from(addr.toByteArray());
  const masked = prefixAddress({ afi, length, bytes: full });
  const p: Prefix = { afi, length, bytes: masked.subarray(0, (length + 7) >> 3) };
  return pathId === undefined ? p : { ...p, pathId };
}

/** "10.0.0.0/8", "2001:db8::/32" (RFC 5952 form). */
export function formatPrefix(p: Prefix): string {
  return `${formatAddress(prefixAddress(p))}/${p.length}`;
}

/** Dotted quad for 4 octets, RFC 5952 text for 16. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  return ipaddr.fromByteArray(Array.from(bytes)).toString();
}

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) → "192.0.2.1"; other text unchanged. */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Address text to octets (4 or 16). Throws on bad input. */
export function parseAddress(text: string): Uint8Array {
  if (!isIpAddress(text)) throw new Error(`invalid IP address "${text}"`);
  return Uint8Array.from(ipaddr.parse(text).toByteArray());
}

/** A stable string key: "afi:masked-hex/len[#pathId]". For maps and equality in tests and tables. */
export function prefixKey(p: Prefix): string {
  const hex = Buffer.from(prefixAddress(p)).toString('hex');
  return p.pathId === undefined ? `${p.afi}:${hex}/${p.length}` : `${p.afi}:${hex}/${p.length}#${p.pathId}`;
}

/**
 * IPv4 prefix as one number: masked address × 64 + length (< 2^38, exact in a double).
 * Reads the packed form at `off` (ceil(length/8) octets) without allocating.
 */
export function ipv4Key(buf: Uint8Array, off: number, length: number): number {
  let addr = 0;
  const n = (length + 7) >> 3;
  for (let i = 0; i < 4; i++) addr = addr * 256 + (i < n ? buf[off + i] : 0);
  const hostBits = 32 - length;
  if (hostBits > 0) addr -= addr % 2 ** hostBits;
  return addr * 64 + length;
}

export function ipv4KeyToPrefix(key: number): Prefix {
  const length = key % 64;
  const addr = (key - length) / 64;
  const all = [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff];
  return { afi: Afi.IPV4, length, bytes: Uint8Array.from(all.slice(0, (length + 7) >> 3)) };
}

/** Whether `address` (a zone is ignored) lies in `range` ("10.0.0.0/24"); false for either unreadable. */
export function addressInRange(address: string, range: string): boolean {
  try {
    const addr = ipaddr.parse(splitZone(address).address);
    const [net, len] = ipaddr.parseCIDR(range);
    return addr.kind() === net.kind() && addr.match(net, len);
  } catch {
    return false;
  }
}
