// Text forms of the IPv4/IPv6 addresses carried in MRT headers (RFC 5952 canonical IPv6).

import { Afi } from './record-types.js';

export function ipv4Text(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

// RFC 5952 §4.2.1: "The use of the symbol "::" MUST be used to its maximum capability."
// RFC 5952 §4.2.2: "The symbol "::" MUST NOT be used to shorten just one 16-bit 0 field."
// RFC 5952 §4.2.3: "...the first sequence of zero bits MUST be shortened."
export function ipv6Text(buf: Buffer, off: number): string {
  const groups: number[] = new Array(8);
  for (let i = 0; i < 8; i++) groups[i] = buf.readUInt16BE(off + 2 * i);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups
    .slice(bestStart + bestLen)
    .map(hex)
    .join(':');
  return `${head}::${tail}`;
}

function hex(n: number): string {
  return n.toString(16);
}

/** Octet length of an address of the given MRT address family, or 0 if unknown. */
export function addressLength(afi: number): number {
  return afi === Afi.IPv4 ? 4 : afi === Afi.IPv6 ? 16 : 0;
}

export function ipText(buf: Buffer, off: number, afi: number): string {
  return afi === Afi.IPv6 ? ipv6Text(buf, off) : ipv4Text(buf, off);
}
