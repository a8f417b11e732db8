// Ipv6Table: (packed prefix, path id) → value, host bits ignored, checked against a Map model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipv6Table } from '../../src/rib/ipv6-table.js';
import { Afi, formatPrefix, parsePrefix } from '../../src/wire/index.js';
import { prefixArb } from '../helpers/arbitraries.js';

const p = (text: string) => parsePrefix(text);
const entries = (t: Ipv6Table) => {
  const out: string[] = [];
  t.forEach((bytes, length, pathId, value) => {
    expect(bytes.length).toBe(16);
    out.push(`${formatPrefix({ afi: Afi.IPV6, length, bytes })}#${pathId}=${value}`);
  });
  return out.sort();
};

describe('Ipv6Table', () => {
  it('set, get, overwrite, delete', () => {
    const t = new Ipv6Table();
    const a = p('2001:db8::/32');
    expect(t.set(a.bytes, 0, 32, 0, 1)).toBe(-1);
    expect(t.get(a.bytes, 0, 32)).toBe(1);
    expect(t.set(a.bytes, 0, 32, 0, 2)).toBe(1);
    expect(t.size).toBe(1);
    expect(t.delete(a.bytes, 0, 32, 0)).toBe(2);
    expect(t.delete(a.bytes, 0, 32, 0)).toBe(-1);
    expect(t.get(a.bytes, 0, 32)).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('reads the packed prefix at an offset and ignores bits past the length', () => {
    const t = new Ipv6Table();
    t.set(Uint8Array.from([0xff, 0x20, 0x01, 0x0d, 0xbf]), 1, 29, 0, 7); // 2001:db8::/29 with host bits
    expect(t.get(p('2001:db8::/29').bytes, 0, 29)).toBe(7);
    expect(entries(t)).toEqual(['2001:db8::/29#0=7']);
  });

  it('length and path id are part of the key; path id 0 is the no-add-path key', () => {
    const t = new Ipv6Table();
    const a = p('2001:db8::/32').bytes;
    t.set(a, 0, 32, 0, 1);
    t.set(a, 0, 33, 0, 2);
    t.set(a, 0, 32, 5, 3);
    t.set(new Uint8Array(0), 0, 0, 0, 4); // ::/0
    expect([t.get(a, 0, 32), t.get(a, 0, 33), t.get(a, 0, 32, 5), t.get(a, 0, 0)]).toEqual([1, 2, 3, 4]);
    expect(entries(t)).toEqual(['2001:db8::/32#0=1', '2001:db8::/32#5=3', '2001:db8::/33#0=2', '::/0#0=4']);
  });

  it('forEach is not fooled by a "#" octet (0x23) in the prefix', () => {
    const t = new Ipv6Table();
    const hash = p('2323:2323::/32').bytes;
    t.set(hash, 0, 32, 0, 1);
    t.set(hash, 0, 32, 0x23, 2);
    expect(entries(t)).toEqual(['2323:2323::/32#0=1', '2323:2323::/32#35=2']);
  });

  it('behaves like a Map keyed by prefix text', () => {
    // Few distinct addresses, host bits set, short and long lengths: keys collide after masking.
    const prefix = fc.tuple(fc.nat({ max: 7 }), fc.constantFrom(0, 3, 8, 64, 127, 128)).map(([n, length]) => {
      const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0x20 | n : i === 15 ? n : 0));
      return { afi: Afi.IPV6, length, bytes: bytes.subarray(0, (length + 7) >> 3) };
    });
    const key = fc.tuple(fc.oneof(prefix, prefixArb(Afi.IPV6, false)), fc.nat({ max: 2 }));
    const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), key, fc.nat());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const t = new Ipv6Table();
        const model = new Map<string, number>();
        for (const [kind, [prefix, pathId], value] of ops) {
          const k = `${formatPrefix(prefix)}#${pathId}`;
          if (kind === 'set') {
            expect(t.set(prefix.bytes, 0, prefix.length, pathId, value)).toBe(model.get(k) ?? -1);
            model.set(k, value);
          } else if (kind === 'delete') {
            expect(t.delete(prefix.bytes, 0, prefix.length, pathId)).toBe(model.get(k) ?? -1);
            model.delete(k);
          } else {
            expect(t.get(prefix.bytes, 0, prefix.length, pathId)).toBe(model.get(k));
          }
        }
        expect(t.size).toBe(model.size);
        expect(entries(t)).toEqual([...model].map(([k, v]) => `${k}=${v}`).sort());
      }),
      { numRuns: 100 },
    );
  });
});
