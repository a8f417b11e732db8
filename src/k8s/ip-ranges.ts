// IP arithmetic for pools and aggregation: addresses as bigints, CIDRs, `a-b` ranges split into
// the CIDRs that cover them exactly (as MetalLB's ParseCIDR does), containment, overlap and
// masking to an aggregation length. Pure.
import { formatAddress, isIpAddress, parseAddress } from '../wire/prefix.js';

export type Family = 4 | 6;

export interface Ip {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** The network address (bits past `length` are zero). */
  base: bigint;
  length: number;
}

export function bitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

export function parseIp(text: string): Ip | undefined {
  if (!isIpAddress(text)) return undefined;
  const bytes = parseAddress(text);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { family: bytes.length === 4 ? 4 : 6, value };
}

export function formatIp(ip: Ip): string {
  const n = ip.family === 4 ? 4 : 16;
  const bytes = new Uint8Array(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return formatAddress(bytes);
}

function hostMask(family: Family, length: number): bigint {
  return (1n << BigInt(bitsOf(family) - length)) - 1n;
}

/** The prefix of `length` bits holding `ip`. */
export function maskIp(ip: Ip, length: number): Cidr {
  return { family: ip.family, base: ip.value & ~hostMask(ip.family, length), length };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp({ family: c.family, value: c.base })}/${c.length}`;
}

export function lastOf(c: Cidr): bigint {
  return c.base | hostMask(c.family, c.length);
}

/** "10.0.0.0/24" (host bits are masked off, as Go's net.ParseCIDR does); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(lenText) || Number(lenText) > bitsOf(ip.family)) return undefined;
  return maskIp(ip, Number(lenText));
}

/** The fewest CIDRs covering exactly start..end (same family, start ≤ end). */
export function rangeToCidrs(start: Ip, end: Ip): Cidr[] {
  const bits = bitsOf(start.family);
  const out: Cidr[] = [];
  let cur = start.value;
  while (cur <= end.value) {
    let length = bits;
    // Grow the block while it stays aligned at `cur` and ends within the range.
    while (length > 0) {
      const next = length - 1;
      const size = 1n << BigInt(bits - next);
      if (cur % size !== 0n || cur + size - 1n > end.value) break;
      length = next;
    }
    out.push({ family: start.family, base: cur, length });
    cur += 1n << BigInt(bits - length);
  }
  return out;
}

/**
 * A pool entry: "192.0.2.0/24", "192.0.2.10-192.0.2.20" (spaces around the dash allowed) or
 * "2001:db8::1-2001:db8::ff". Returns the CIDRs or the reason it is invalid.
 */
export function parseAddressRange(text: string): Cidr[] | string {
  if (!text.includes('-')) {
    const c = parseCidr(text.trim());
    return c ? [c] : `invalid CIDR "${text}"`;
  }
  const [a, b] = text.split('-', 2).map((s) => s.trim());
  const start = parseIp(a);
  const end = parseIp(b);
  if (!start) return `invalid IP range "${text}": invalid start IP "${a}"`;
  if (!end) return `invalid IP range "${text}": invalid end IP "${b}"`;
  if (start.family !== end.family)
    return `invalid IP range "${text}": start and end are of different families`;
  if (start.value > end.value) return `invalid IP range "${text}": start IP is after the end IP`;
  return rangeToCidrs(start, end);
}

export function cidrContains(c: Cidr, ip: Ip): boolean {
  return c.family === ip.family && ip.value >= c.base && ip.value <= lastOf(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= lastOf(b) && b.base <= lastOf(a);
}
