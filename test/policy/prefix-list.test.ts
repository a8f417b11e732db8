// Prefix lists against FRR semantics (lib/plist.c): exact match without ge/le, `ge` alone up to the
// family maximum, `le` alone from the prefix length, first matching entry decides, implicit deny;
// and a property: the compiled matcher agrees with a naive bit-by-bit reference on random input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawPrefixListEntry } from '../../src/policy/policy-schema.js';
import { compilePrefixList } from '../../src/policy/prefix-list.js';
import {
  Afi,
  formatAddress,
  formatPrefix,
  type Prefix,
  parseAddress,
  parsePrefix,
  prefixAddress,
} from '../../src/wire/index.js';
import { prefixArb } from '../helpers/arbitraries.js';

function list(...entries: RawPrefixListEntry[]) {
  const problems: string[] = [];
  const pl = compilePrefixList('t', entries, 'prefixLists.t', problems);
  expect(problems).toEqual([]);
  return (text: string) => pl.matches(parsePrefix(text));
}

function problemsOf(...entries: RawPrefixListEntry[]): string[] {
  const problems: string[] = [];
  compilePrefixList('t', entries, 'prefixLists.t', problems);
  return problems;
}

describe('prefix list (FRR semantics)', () => {
  it('the seed router filter `permit 192.168.0.0/24 ge 32` takes service /32s and nothing else', () => {
    const m = list({ action: 'permit', prefix: '192.168.0.0/24', ge: 32 });
    expect(m('192.168.0.11/32')).toBe(true);
    expect(m('192.168.0.255/32')).toBe(true);
    expect(m('192.168.0.0/24')).toBe(false);
    expect(m('192.168.0.0/31')).toBe(false);
    expect(m('192.168.1.11/32')).toBe(false);
    expect(m('10.0.0.1/32')).toBe(false);
  });

  it('without ge/le an entry matches its prefix exactly', () => {
    const m = list({ action: 'permit', prefix: '10.0.0.0/8' });
    expect(m('10.0.0.0/8')).toBe(true);
    expect(m('10.0.0.0/9')).toBe(false);
    expect(m('10.0.0.0/7')).toBe(false);
    expect(m('11.0.0.0/8')).toBe(false);
  });

  it('le alone matches from the prefix length up to le', () => {
    const m = list({ action: 'permit', prefix: '10.0.0.0/8', le: 16 });
    expect(m('10.0.0.0/8')).toBe(true);
    expect(m('10.1.0.0/16')).toBe(true);
    expect(m('10.1.1.0/24')).toBe(false);
    expect(m('8.0.0.0/6')).toBe(false);
  });

  it('ge and le together bound both ends, inclusive', () => {
    const m = list({ action: 'permit', prefix: '10.0.0.0/8', ge: 16, le: 24 });
    expect(['10.0.0.0/8', '10.1.0.0/15', '10.1.0.0/16', '10.1.1.0/24', '10.1.1.0/25'].map(m)).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
  });

  it('0.0.0.0/0 le 32 matches everything IPv4; 0.0.0.0/0 alone only the default route', () => {
    expect(
      ['0.0.0.0/0', '1.2.3.4/32', '128.0.0.0/1'].map(list({ action: 'permit', prefix: '0.0.0.0/0', le: 32 })),
    ).toEqual([true, true, true]);
    const exact = list({ action: 'permit', prefix: '0.0.0.0/0' });
    expect([exact('0.0.0.0/0'), exact('0.0.0.0/1')]).toEqual([true, false]);
  });

  it('the first matching entry decides; no match is an implicit deny', () => {
    const m = list(
      { action: 'deny', prefix: '192.168.0.0/24', ge: 32 },
      { action: 'permit', prefix: '192.168.0.0/16', le: 32 },
    );
    expect(m('192.168.0.5/32')).toBe(false); // denied by the first entry
    expect(m('192.168.1.5/32')).toBe(true);
    expect(m('192.168.0.0/24')).toBe(true); // the first entry wants /32 only
    expect(m('172.16.0.0/12')).toBe(false); // implicit deny
  });

  it('an empty list denies everything', () => {
    expect(list()('10.0.0.0/8')).toBe(false);
  });

  it('IPv6 entries: ge/le over 128 bits, words past the first compared too', () => {
    const m = list(
      { action: 'permit', prefix: '2001:db8::/32', ge: 48, le: 64 },
      { action: 'permit', prefix: '2001:db8:0:0:1::/80', ge: 128 },
    );
    expect(m('2001:db8:1::/48')).toBe(true);
    expect(m('2001:db8:1:2::/64')).toBe(true);
    expect(m('2001:db8::/32')).toBe(false);
    expect(m('2001:db8:1:2::/65')).toBe(false);
    expect(m('2001:db9::/48')).toBe(false);
    expect(m('2001:db8::1:0:0:7/128')).toBe(true);
    expect(m('2001:db8::2:0:0:7/128')).toBe(false);
  });

  it('entries of one family never match the other family', () => {
    const m = list({ action: 'permit', prefix: '0.0.0.0/0', le: 32 });
    expect(m('::/0')).toBe(false);
    expect(m('2001:db8::/32')).toBe(false);
    expect(list({ action: 'permit', prefix: '::/0', le: 128 })('10.0.0.0/8')).toBe(false);
  });

  it('bits past the length in a decoded prefix are ignored', () => {
    const problems: string[] = [];
    const pl = compilePrefixList('t', [{ action: 'permit', prefix: '10.0.0.0/8' }], 'p', problems);
    const dirty: Prefix = { afi: Afi.IPV4, length: 8, bytes: Uint8Array.of(10) };
    expect(pl.matches(dirty)).toBe(true);
    const longer: Prefix = { afi: Afi.IPV4, length: 9, bytes: Uint8Array.of(10, 0xff) };
    expect(pl.matches(longer)).toBe(false); // a /9 is not the exact /8
  });

  it('many entries shorter than /8 (scanned whole, not indexed by first octet): first match still decides', () => {
    const m = list(
      ...Array.from({ length: 12 }, (_, i) => ({
        action: i % 2 === 0 ? ('deny' as const) : ('permit' as const),
        prefix: '0.0.0.0/0',
        ge: 2 * i + 1,
        le: 2 * i + 2,
      })),
      { action: 'permit', prefix: '10.0.0.0/8', le: 32 },
    );
    expect(m('10.0.0.0/1')).toBe(false); // entry 0: ge 1 le 2, deny
    expect(m('10.0.0.0/4')).toBe(true); // entry 1: ge 3 le 4, permit
    expect(m('10.1.2.0/24')).toBe(true); // entry 11: ge 23 le 24, permit
    expect(m('10.1.2.0/23')).toBe(true);
    expect(m('10.1.2.4/30')).toBe(true); // no /0 entry reaches 30: 10.0.0.0/8 le 32
    expect(m('11.1.2.4/30')).toBe(false); // implicit deny
    expect(m('11.1.2.0/21')).toBe(false); // entry 10: ge 21 le 22, deny
  });

  it('IPv4 prefixes held as numbers (the RIB keys) match like Prefix values', () => {
    const problems: string[] = [];
    const pl = compilePrefixList(
      't',
      [{ action: 'permit', prefix: '192.168.0.0/24', ge: 32 }],
      'p',
      problems,
    );
    expect(pl.matchesIpv4(0xc0a8000b, 32)).toBe(true); // 192.168.0.11/32
    expect(pl.matchesIpv4(0xc0a80000, 24)).toBe(false);
    expect(pl.matchesIpv4(0xc0a8010b, 32)).toBe(false);
  });

  it('next-hop matching tests the address as a host prefix', () => {
    const problems: string[] = [];
    const pl = compilePrefixList(
      't',
      [{ action: 'permit', prefix: '10.205.32.0/22', le: 32 }],
      'p',
      problems,
    );
    expect(pl.matchesAddress(parseAddress('10.205.32.15'))).toBe(true);
    expect(pl.matchesAddress(parseAddress('10.205.36.1'))).toBe(false);
  });

  it('FRR refuses ranges that are not len < ge <= le: each refusal names its path', () => {
    expect(problemsOf({ action: 'permit', prefix: '10.0.0.0/8', ge: 8 })).toEqual([
      'prefixLists.t[0].ge: must be longer than the prefix length 8 (len < ge <= le)',
    ]);
    expect(problemsOf({ action: 'permit', prefix: '10.0.0.0/8', le: 7 })).toEqual([
      'prefixLists.t[0].le: must be at least the prefix length 8 (len < ge <= le)',
    ]);
    expect(problemsOf({ action: 'permit', prefix: '10.0.0.0/8', ge: 24, le: 16 })).toEqual([
      'prefixLists.t[0].le: must be at least ge (24) (len < ge <= le)',
    ]);
    expect(problemsOf({ action: 'permit', prefix: '10.0.0.0/8', ge: 33 })).toEqual([
      'prefixLists.t[0].ge: must be at most 32 for this prefix',
    ]);
    expect(problemsOf({ action: 'permit', prefix: '10.0.0.0/8', le: 8 })).toEqual([]); // le = len is fine
  });

  it('a prefix with host bits set is refused with the masked form', () => {
    expect(problemsOf({ action: 'permit', prefix: '192.168.0.1/24' })).toEqual([
      'prefixLists.t[0].prefix: host bits set (did you mean 192.168.0.0/24?)',
    ]);
    expect(problemsOf({ action: 'permit', prefix: '2001:db8::1/64' })).toEqual([
      'prefixLists.t[0].prefix: host bits set (did you mean 2001:db8::/64?)',
    ]);
  });
});

// A naive reference: compare the first `entry length` bits one by one, then the length range.
function bit(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3] >> (7 - (i & 7))) & 1;
}

function reference(entries: readonly RawPrefixListEntry[], p: Prefix): boolean {
  for (const e of entries) {
    const ep = parsePrefix(e.prefix);
    if (ep.afi !== p.afi) continue;
    const max = p.afi === Afi.IPV4 ? 32 : 128;
    const lo = e.ge ?? ep.length;
    const hi = e.le ?? (e.ge === undefined ? ep.length : max);
    if (p.length < lo || p.length > hi || p.length < ep.length) continue;
    const a = prefixAddress(p);
    const b = prefixAddress(ep);
    let same = true;
    for (let i = 0; i < ep.length && same; i++) same = bit(a, i) === bit(b, i);
    if (same) return e.action === 'permit';
  }
  return false;
}

/** Valid FRR entries around a random prefix: exact, ge, le or both, chosen within len < ge <= le. */
function entryArb(afi: Afi): fc.Arbitrary<RawPrefixListEntry> {
  const max = afi === Afi.IPV4 ? 32 : 128;
  return fc
    .record({
      p: prefixArb(afi, false),
      action: fc.constantFrom('permit' as const, 'deny' as const),
      a: fc.nat({ max }),
      b: fc.nat({ max }),
      kind: fc.constantFrom('exact', 'ge', 'le', 'both'),
    })
    .map(({ p, action, a, b, kind }) => {
      const prefix = formatPrefix(p);
      const ge = Math.min(max, p.length + 1 + (a % Math.max(1, max - p.length)));
      const le = p.length + (b % (max - p.length + 1));
      if (kind === 'exact' || p.length === max) return { action, prefix };
      if (kind === 'ge') return { action, prefix, ge };
      if (kind === 'le') return { action, prefix, le };
      return { action, prefix, ge, le: Math.max(le, ge) };
    });
}

/** A route inside `entry`'s prefix: its leading bits, then random bits, at a random longer length. */
function inside(entry: RawPrefixListEntry, fill: Uint8Array, extra: number): Prefix {
  const ep = parsePrefix(entry.prefix);
  const bytes = prefixAddress(ep);
  for (let i = ep.length; i < bytes.length * 8; i++) {
    if (bit(fill, i)) bytes[i >> 3] |= 0x80 >> (i & 7);
  }
  const length = Math.min(bytes.length * 8, ep.length + extra);
  return parsePrefix(`${formatAddress(bytes)}/${length}`);
}

describe('prefix list property', () => {
  for (const afi of [Afi.IPV4, Afi.IPV6]) {
    it(`compiled matching equals the naive reference (${afi === Afi.IPV4 ? 'IPv4' : 'IPv6'})`, () => {
      const width = afi === Afi.IPV4 ? 4 : 16;
      let permitted = 0;
      fc.assert(
        fc.property(
          fc.array(entryArb(afi), { maxLength: 12 }),
          fc.array(prefixArb(afi, false), { maxLength: 10 }),
          fc.uint8Array({ minLength: width, maxLength: width }),
          fc.nat({ max: 40 }),
          (entries, routes, fill, extra) => {
            const problems: string[] = [];
            const pl = compilePrefixList('t', entries, 'p', problems);
            expect(problems).toEqual([]);
            // Random routes rarely fall inside an entry: add each entry's prefix and one inside it.
            const near = entries.flatMap((e) => [parsePrefix(e.prefix), inside(e, fill, extra)]);
            for (const r of [...routes, ...near]) {
              const expected = reference(entries, r);
              expect(pl.matches(r)).toBe(expected);
              if (afi === Afi.IPV4)
                expect(pl.matchesIpv4(prefixAddress(r).readUInt32BE(0), r.length)).toBe(expected);
              if (expected) permitted++;
            }
          },
        ),
        { numRuns: 300 },
      );
      expect(permitted).toBeGreaterThan(100); // the property saw many permits, not only denies
    });
  }
});
