// Human text for wire values, as operators know it from BIRD, FRR and GoBGP:
// AS paths "65001 3356 {64512,64513}", communities "64512:100" / "no-advertise", large communities
// "1:2:3", extended communities "rt:65000:1", "ro:192.0.2.1:7", "lb:65000:125000000".
// Every format has a parser, and parse(format(x)) == x.
import type { AsPathSegment, LargeCommunity } from './attributes/types.js';
import { didYouMean } from './nearest.js';
import { formatAddress, parseAddress } from './prefix.js';
import { AsPathSegmentType, type Origin } from './registry.js';

const ORIGIN_NAMES = ['IGP', 'EGP', 'incomplete'] as const;

export function formatOrigin(o: Origin): string {
  return ORIGIN_NAMES[o];
}

/** Confederation segments print as "(65001 65002)" (sequence) and "[65001,65002]" (set). */
export function formatAsPath(path: readonly AsPathSegment[]): string {
  return path
    .map((s) => {
      switch (s.type) {
        case AsPathSegmentType.AS_SET:
          return `{${s.asns.join(',')}}`;
        case AsPathSegmentType.AS_CONFED_SEQUENCE:
          return `(${s.asns.join(' ')})`;
        case AsPathSegmentType.AS_CONFED_SET:
          return `[${s.asns.join(',')}]`;
        default:
          return s.asns.join(' ');
      }
    })
    .join(' ');
}

function parseAsn(text: string, what: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff)
    throw new Error(`invalid ASN "${text}" in ${what}`);
  return Number(text);
}

/** Parses the format of `formatAsPath`; consecutive plain ASNs form one AS_SEQUENCE. */
export function parseAsPath(text: string): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  const re = /\{([^}]*)\}|\(([^)]*)\)|\[([^\]]*)\]|(\d+)|(\S)/g;
  let seq: number[] | undefined;
  for (const m of text.matchAll(re)) {
    if (m[5] !== undefined) throw new Error(`invalid AS path "${text}": unexpected "${m[5]}"`);
    if (m[4] !== undefined) {
      if (!seq) {
        seq = [];
        segments.push({ type: AsPathSegmentType.AS_SEQUENCE, asns: seq });
      }
      seq.push(parseAsn(m[4], text));
      continue;
    }
    seq = undefined;
    const [body, type] =
      m[1] !== undefined
        ? [m[1], AsPathSegmentType.AS_SET]
        : m[2] !== undefined
          ? [m[2], AsPathSegmentType.AS_CONFED_SEQUENCE]
          : [m[3], AsPathSegmentType.AS_CONFED_SET];
    const asns = body
      .split(type === AsPathSegmentType.AS_CONFED_SEQUENCE ? /\s+/ : /\s*,\s*/)
      .filter((x) => x !== '')
      .map((x) => parseAsn(x, text));
    if (asns.length === 0) throw new Error(`invalid AS path "${text}": empty segment`);
    segments.push({ type, asns });
  }
  return segments;
}

/** Well-known communities: RFC 1997, RFC 7999 (blackhole), RFC 8326 (graceful-shutdown),
 * RFC 9494 (llgr-stale, no-llgr), RFC 7611 (accept-own), RFC 3765 (no-peer). */
export const WELL_KNOWN_COMMUNITIES = {
  'graceful-shutdown': 0xffff0000,
  'accept-own': 0xffff0001,
  'llgr-stale': 0xffff0006,
  'no-llgr': 0xffff0007,
  blackhole: 0xffff029a,
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
  'no-peer': 0xffffff04,
} as const;

const COMMUNITY_NAMES = new Map<number, string>(
  Object.entries(WELL_KNOWN_COMMUNITIES).map(([k, v]) => [v, k]),
);

export function formatCommunity(c: number): string {
  return COMMUNITY_NAMES.get(c) ?? `${c >>> 16}:${c & 0xffff}`;
}

/**
 * One number of a community, checked against `max`; the error quotes the whole value and names
 * the part: `invalid community "65001:100000": the second half 100000 is above 65535`.
 */
function communityPart(part: string, max: number, what: string, whole: string, which: string): number {
  const name = which ? `the ${which} ` : '';
  if (!/^\d+$/.test(part))
    throw new Error(`invalid ${what} "${whole}": ${name}${JSON.stringify(part)} is not a number`);
  if (Number(part) > max) throw new Error(`invalid ${what} "${whole}": ${name}${part} is above ${max}`);
  return Number(part);
}

/** "64512:100", a well-known name, or a plain 32-bit number. */
export function parseCommunity(text: string): number {
  // Own properties only: "constructor" or "toString" must not resolve to Object.prototype members.
  const name = text.toLowerCase();
  if (Object.hasOwn(WELL_KNOWN_COMMUNITIES, name))
    return (WELL_KNOWN_COMMUNITIES as Record<string, number>)[name];
  const parts = text.split(':');
  if (parts.length === 1 && !/^\d+$/.test(text))
    throw new Error(
      `invalid community "${text}": expected ASN:value or a well-known name${didYouMean(text, Object.keys(WELL_KNOWN_COMMUNITIES))}`,
    );
  if (parts.length === 1) return communityPart(text, 0xffffffff, 'community', text, '');
  if (parts.length !== 2)
    throw new Error(`invalid community "${text}": expected ASN:value or a well-known name`);
  return (
    communityPart(parts[0], 0xffff, 'community', text, 'first half') * 0x10000 +
    communityPart(parts[1], 0xffff, 'community', text, 'second half')
  );
}

export function formatLargeCommunity(c: LargeCommunity): string {
  return `${c.global}:${c.local1}:${c.local2}`;
}

export function parseLargeCommunity(text: string): LargeCommunity {
  const parts = text.split(':');
  if (parts.length !== 3) throw new Error(`invalid large community "${text}": expected global:local1:local2`);
  const which = [
    'first part (global administrator)',
    'second part (local data 1)',
    'third part (local data 2)',
  ];
  const [global, local1, local2] = parts.map((p, i) =>
    communityPart(p, 0xffffffff, 'large community', text, which[i]),
  );
  return { global, local1, local2 };
}

// RFC 4360 / RFC 5668 / RFC 7153 extended community types we name.
const EC_TWO_OCTET_AS = 0x00;
const EC_IPV4 = 0x01;
const EC_FOUR_OCTET_AS = 0x02;
const EC_TWO_OCTET_AS_NON_TRANSITIVE = 0x40;
const SUB_ROUTE_TARGET = 0x02;
const SUB_ROUTE_ORIGIN = 0x03;
const SUB_LINK_BANDWIDTH = 0x04;
const SUBTYPE_NAMES: Record<number, string> = { [SUB_ROUTE_TARGET]: 'rt', [SUB_ROUTE_ORIGIN]: 'ro' };

function ecBytes(c: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(c);
  return b;
}

/** "rt:65000:1", "rt:192.0.2.1:5", "rt:4200000000:1" ("65000L:1" for a 4-octet-AS type holding a small
 * ASN), "ro:…", "lb:65000:125000000" (link bandwidth in bytes/s), else "0x" and 16 hex digits. */
export function formatExtendedCommunity(c: bigint): string {
  const b = ecBytes(c);
  const [type, sub] = [b[0], b[1]];
  const name = SUBTYPE_NAMES[sub];
  if (name && type === EC_TWO_OCTET_AS) return `${name}:${b.readUInt16BE(2)}:${b.readUInt32BE(4)}`;
  if (name && type === EC_IPV4) return `${name}:${formatAddress(b.subarray(2, 6))}:${b.readUInt16BE(6)}`;
  if (name && type === EC_FOUR_OCTET_AS) {
    const asn = b.readUInt32BE(2);
    return `${name}:${asn}${asn <= 0xffff ? 'L' : ''}:${b.readUInt16BE(6)}`;
  }
  // Only a bandwidth the parser accepts back (finite, not negative, not -0) prints as "lb:".
  const bw = b.readFloatBE(4);
  if (
    type === EC_TWO_OCTET_AS_NON_TRANSITIVE &&
    sub === SUB_LINK_BANDWIDTH &&
    bw >= 0 &&
    bw !== Infinity &&
    !Object.is(bw, -0)
  ) {
    return `lb:${b.readUInt16BE(2)}:${bw}`;
  }
  return `0x${b.toString('hex')}`;
}

export function parseExtendedCommunity(text: string): bigint {
  if (/^0x[0-9a-f]{16}$/i.test(text)) return BigInt(text);
  const m = /^(rt|ro|lb):(.+):([^:]+)$/i.exec(text);
  if (!m)
    throw new Error(`invalid extended community "${text}": expected rt:ASN:N, ro:IP:N, lb:ASN:BYTES or 0x…`);
  const [kind, admin, local] = [m[1].toLowerCase(), m[2], m[3]];
  const ecPart = (part: string, max: number, which: string) =>
    communityPart(part, max, 'extended community', text, which);
  const b = Buffer.alloc(8);
  if (kind === 'lb') {
    const bw = Number(local);
    if (!Number.isFinite(bw) || bw < 0)
      throw new Error(
        `invalid extended community "${text}": the bandwidth ${JSON.stringify(local)} is not a number ≥ 0`,
      );
    b[0] = EC_TWO_OCTET_AS_NON_TRANSITIVE;
    b[1] = SUB_LINK_BANDWIDTH;
    b.writeUInt16BE(ecPart(admin, 0xffff, 'ASN'), 2);
    b.writeFloatBE(bw, 4);
    return b.readBigUInt64BE();
  }
  b[1] = kind === 'rt' ? SUB_ROUTE_TARGET : SUB_ROUTE_ORIGIN;
  if (admin.includes('.')) {
    b[0] = EC_IPV4;
    const ip = parseAddress(admin);
    if (ip.length !== 4) throw new Error(`invalid extended community "${text}": IPv4 administrator expected`);
    b.set(ip, 2);
    b.writeUInt16BE(ecPart(local, 0xffff, 'value'), 6);
  } else if (admin.endsWith('L') || Number(admin) > 0xffff) {
    b[0] = EC_FOUR_OCTET_AS;
    b.writeUInt32BE(ecPart(admin.replace(/L$/, ''), 0xffffffff, 'ASN'), 2);
    b.writeUInt16BE(ecPart(local, 0xffff, 'value'), 6);
  } else {
    b[0] = EC_TWO_OCTET_AS;
    b.writeUInt16BE(ecPart(admin, 0xffff, 'ASN'), 2);
    b.writeUInt32BE(ecPart(local, 0xffffffff, 'value'), 4);
  }
  return b.readBigUInt64BE();
}
