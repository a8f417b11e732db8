// Named prefix lists with FRR semantics: entries in order, the first whose prefix covers the route
// and whose length range holds the route's length decides permit or deny; no match is a deny.
// Compiled once into typed arrays (network, mask, length range per entry) so that matching a route
// is integer work only: no strings, no allocation. Pure: no node:* imports.
import { Afi, formatPrefix, type Prefix, parseAddress, parsePrefix, prefixAddress } from '../wire/index.js';
import type { RawPrefixListEntry } from './policy-schema.js';

export interface PrefixList {
  readonly name: string;
  /** Whether the list permits `prefix` (implicit deny when no entry matches). */
  matches(prefix: Prefix): boolean;
  /** Whether the list permits the host prefix of `address` (4 or 16 octets): next-hop matching. */
  matchesAddress(address: Uint8Array): boolean;
  /** `matches` for an IPv4 prefix held as numbers (address 0..2^32-1, as in the RIB's IPv4 keys). */
  matchesIpv4(address: number, length: number): boolean;
}

/** One family's entries as parallel arrays; `words` 32-bit words per address (1 or 4). */
class FamilyEntries {
  readonly net: Int32Array;
  readonly mask: Int32Array;
  readonly lo: Uint8Array;
  readonly hi: Uint8Array;
  readonly permit: Uint8Array;
  count = 0;

  constructor(
    readonly words: number,
    capacity: number,
  ) {
    this.net = new Int32Array(capacity * words);
    this.mask = new Int32Array(capacity * words);
    this.lo = new Uint8Array(capacity);
    this.hi = new Uint8Array(capacity);
    this.permit = new Uint8Array(capacity);
  }

  add(address: Uint8Array, length: number, lo: number, hi: number, permit: boolean): void {
    const i = this.count++;
    for (let w = 0; w < this.words; w++) {
      const bits = Math.min(32, Math.max(0, length - 32 * w));
      const mask = bits === 0 ? 0 : (-1 << (32 - bits)) | 0;
      this.mask[i * this.words + w] = mask;
      this.net[i * this.words + w] = word(address, w) & mask;
    }
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.permit[i] = permit ? 1 : 0;
    this.byFirstOctet = undefined;
  }

  /** IPv4 only: the first matching entry's verdict for address word `a` (any sign); false when none. */
  matchIpv4(a: number, length: number): boolean {
    const { net, mask, lo, hi, permit } = this;
    const { from, to, entries } = this.byFirstOctet ?? this.indexByFirstOctet();
    const first = a >>> 24;
    for (let k = from[first], end = to[first]; k < end; k++) {
      const i = entries[k];
      if ((a & mask[i]) === net[i] && length >= lo[i] && length <= hi[i]) return permit[i] === 1;
    }
    return false;
  }

  /**
   * IPv4: for each first octet, the entries whose network can hold an address starting with it,
   * in list order (`entries[from[o]..to[o]]`), so a bogon list's twenty entries cost an address the
   * two or three that concern it. Made on the first match (entries are all added by then). A list
   * of many entries shorter than /8 (each in many octets' runs) is scanned whole instead.
   */
  private byFirstOctet?: { from: Uint32Array; to: Uint32Array; entries: Uint32Array };

  private indexByFirstOctet(): { from: Uint32Array; to: Uint32Array; entries: Uint32Array } {
    const octets = (i: number): [number, number] => {
      const first = this.net[i] >>> 24;
      return [first, first | (~this.mask[i] >>> 24)];
    };
    const from = new Uint32Array(256);
    const to = new Uint32Array(256);
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      const [a, b] = octets(i);
      for (let o = a; o <= b; o++) to[o]++;
      total += b - a + 1;
    }
    let entries: Uint32Array;
    if (total > 4 * this.count + 1024) {
      entries = Uint32Array.from({ length: this.count }, (_, i) => i);
      to.fill(this.count);
    } else {
      for (let o = 1; o < 256; o++) from[o] = from[o - 1] + to[o - 1];
      entries = new Uint32Array(total);
      to.set(from);
      for (let i = 0; i < this.count; i++) {
        const [a, b] = octets(i);
        for (let o = a; o <= b; o++) entries[to[o]++] = i;
      }
    }
    this.byFirstOctet = { from, to, entries };
    return this.byFirstOctet;
  }

  /** The first matching entry's verdict; false when none matches. */
  match(bytes: Uint8Array, length: number): boolean {
    if (this.words === 1) return this.matchIpv4(word(bytes, 0), length);
    const { net, mask, lo, hi, permit } = this;
    const a0 = word(bytes, 0);
    const a1 = word(bytes, 1);
    const a2 = word(bytes, 2);
    const a3 = word(bytes, 3);
    for (let i = 0, j = 0; i < this.count; i++, j += 4) {
      if (
        length >= lo[i] &&
        length <= hi[i] &&
        (a0 & mask[j]) === net[j] &&
        (a1 & mask[j + 1]) === net[j + 1] &&
        (a2 & mask[j + 2]) === net[j + 2] &&
        (a3 & mask[j + 3]) === net[j + 3]
      ) {
        return permit[i] === 1;
      }
    }
    return false;
  }
}

/** Word `w` (big-endian, as a signed 32-bit integer) of packed address octets; missing octets are 0. */
function word(bytes: Uint8Array, w: number): number {
  const o = w * 4;
  const n = bytes.length;
  return (
    (o < n ? bytes[o] << 24 : 0) |
    (o + 1 < n ? bytes[o + 1] << 16 : 0) |
    (o + 2 < n ? bytes[o + 2] << 8 : 0) |
    (o + 3 < n ? bytes[o + 3] : 0) |
    0
  );
}

/** The length range an entry matches, per FRR: exact without ge/le; ge..max; len..le; ge..le. */
function lengthRange(
  e: RawPrefixListEntry,
  length: number,
  max: number,
  path: string,
  problems: string[],
): [number, number] | undefined {
  const before = problems.length;
  // FRR refuses the entry unless "len < ge <= le" (and le >= len when only le is given).
  if (e.ge !== undefined && e.ge > max) problems.push(`${path}.ge: must be at most ${max} for this prefix`);
  else if (e.ge !== undefined && e.ge <= length) {
    problems.push(`${path}.ge: must be longer than the prefix length ${length} (len < ge <= le)`);
  }
  if (e.le !== undefined && e.le > max) problems.push(`${path}.le: must be at most ${max} for this prefix`);
  else if (e.le !== undefined && e.le < length) {
    problems.push(`${path}.le: must be at least the prefix length ${length} (len < ge <= le)`);
  } else if (e.le !== undefined && e.ge !== undefined && e.ge > e.le) {
    problems.push(`${path}.le: must be at least ge (${e.ge}) (len < ge <= le)`);
  }
  if (problems.length > before) return undefined;
  if (e.ge === undefined && e.le === undefined) return [length, length];
  return [e.ge ?? length, e.le ?? max];
}

/** Compiles one list; problems (each naming its path under `path`) go to `problems`. */
export function compilePrefixList(
  name: string,
  entries: readonly RawPrefixListEntry[],
  path: string,
  problems: string[],
): PrefixList {
  const v4 = new FamilyEntries(1, entries.length);
  const v6 = new FamilyEntries(4, entries.length);
  entries.forEach((e, i) => {
    const at = `${path}[${i}]`;
    let p: Prefix;
    try {
      p = parsePrefix(e.prefix);
    } catch (err) {
      problems.push(`${at}.prefix: ${(err as Error).message}`);
      return;
    }
    const address = prefixAddress(p);
    const given = parseAddress(e.prefix.split('/')[0]);
    if (given.some((b, k) => b !== address[k])) {
      problems.push(`${at}.prefix: host bits set (did you mean ${formatPrefix(p)}?)`);
      return;
    }
    const v6Entry = p.afi === Afi.IPV6;
    const range = lengthRange(e, p.length, v6Entry ? 128 : 32, at, problems);
    if (!range) return;
    (v6Entry ? v6 : v4).add(address, p.length, range[0], range[1], e.action === 'permit');
  });
  return {
    name,
    matches: (prefix) => (prefix.afi === Afi.IPV4 ? v4 : v6).match(prefix.bytes, prefix.length),
    matchesAddress: (address) => (address.length === 4 ? v4.match(address, 32) : v6.match(address, 128)),
    matchesIpv4: (address, length) => v4.matchIpv4(address | 0, length),
  };
}
