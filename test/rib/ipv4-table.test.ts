// Ipv4Table: an open-addressing hash of (address, length, path id) → value, checked by example
// and against a Map model under random operation sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipv4Table } from '../../src/rib/ipv4-table.js';
import { evalInFreshProcess } from '../helpers/fresh-process.js';

const A = 0x0a000000; // 10.0.0.0
const contents = (t: Ipv4Table) => {
  const out: string[] = [];
  t.forEach((addr, length, pathId, value) => {
    out.push(`${addr}/${length}#${pathId}=${value}`);
  });
  return out.sort();
};

describe('Ipv4Table', () => {
  it('set returns -1 for a new key, get finds it, size counts it', () => {
    const t = new Ipv4Table();
    expect(t.set(A, 8, 0, 7)).toBe(-1);
    expect(t.get(A, 8)).toBe(7);
    expect(t.get(A, 8, 0)).toBe(7);
    expect(t.size).toBe(1);
  });

  it('overwriting returns the previous value and keeps the size', () => {
    const t = new Ipv4Table();
    t.set(A, 8, 0, 7);
    expect(t.set(A, 8, 0, 9)).toBe(7);
    expect(t.get(A, 8)).toBe(9);
    expect(t.size).toBe(1);
  });

  it('length and path id are part of the key', () => {
    const t = new Ipv4Table();
    t.set(A, 8, 0, 1);
    t.set(A, 16, 0, 2);
    t.set(A, 8, 1, 3);
    t.set(0, 0, 0, 4); // the default route
    expect([t.get(A, 8), t.get(A, 16), t.get(A, 8, 1), t.get(0, 0), t.get(A, 24)]).toEqual([
      1,
      2,
      3,
      4,
      undefined,
    ]);
    expect(t.size).toBe(4);
  });

  it('delete returns the value, or -1 when absent', () => {
    const t = new Ipv4Table();
    t.set(A, 8, 0, 5);
    expect(t.delete(A, 8)).toBe(5);
    expect(t.delete(A, 8)).toBe(-1);
    expect(t.get(A, 8)).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('a key colliding past a deleted slot is still found (tombstones keep probe chains)', () => {
    const t = new Ipv4Table();
    for (let i = 0; i < 600; i++) t.set(A + i * 256, 24, 0, i);
    for (let i = 0; i < 600; i += 2) t.delete(A + i * 256, 24);
    for (let i = 1; i < 600; i += 2) expect(t.get(A + i * 256, 24)).toBe(i);
    expect(t.size).toBe(300);
  });

  it('set/delete churn on a fixed key set reuses slots instead of growing', () => {
    const t = new Ipv4Table(16, 'wide');
    let bytes = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 500; i++) t.set(A + i, 32, round, i);
      for (let i = 0; i < 250; i++) t.delete(A + i, 32, round);
      if (round === 0) bytes = t.byteSize; // grown once to hold 500
      expect(t.byteSize).toBe(bytes);
      for (let i = 250; i < 500; i++) t.delete(A + i, 32, round);
    }
    expect(t.size).toBe(0);
  });

  it('grows past its initial capacity and keeps every route', () => {
    const t = new Ipv4Table();
    const bytes = t.byteSize;
    for (let i = 0; i < 50_000; i++) t.set((i * 2654435761) >>> 0, 32, 0, i);
    expect(t.byteSize).toBeGreaterThan(bytes);
    expect(t.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 97) expect(t.get((i * 2654435761) >>> 0, 32)).toBe(i);
    let seen = 0;
    t.forEach(() => {
      seen++;
    });
    expect(seen).toBe(50_000);
  });

  it('clear empties a grown, wide table back to a small compact one that takes routes again', () => {
    const t = new Ipv4Table();
    for (let i = 0; i < 1000; i++) t.set((10 << 24) | (i << 8), 24, 0, i);
    t.set(10 << 24, 24, 7, 1); // a path id: the table is wide now
    expect(t.layout).toBe('wide');
    t.clear();
    expect([t.size, t.layout, t.get(10 << 24, 24, 0)]).toEqual([0, 'compact', undefined]);
    expect(t.byteSize).toBe(new Ipv4Table().byteSize);
    const seen: number[] = [];
    t.forEach((_a, _l, _p, v) => {
      seen.push(v);
    });
    expect(seen).toEqual([]);
    t.set(10 << 24, 24, 0, 5);
    t.clear(); // a small table is cleared in place
    expect([t.size, t.get(10 << 24, 24, 0)]).toEqual([0, undefined]);
    expect(t.set(10 << 24, 24, 0, 6)).toBe(-1);
    expect(t.get(10 << 24, 24, 0)).toBe(6);
  });

  it('forEach visits live routes only', () => {
    const t = new Ipv4Table();
    t.set(A, 8, 0, 1);
    t.set(A, 9, 2, 3);
    t.delete(A, 8);
    expect(contents(t)).toEqual([`${A}/9#2=3`]);
  });

  it('starts compact, two words a slot, and holds 26-bit values, /0 and /32 there', () => {
    const t = new Ipv4Table();
    expect(t.layout).toBe('compact');
    expect(t.byteSize).toBe(16 * 8);
    t.set(0, 0, 0, 0);
    t.set(0xffffffff, 32, 0, 2 ** 26 - 1);
    expect([t.get(0, 0), t.get(0xffffffff, 32), t.get(0xffffffff, 32, 1)]).toEqual([
      0,
      2 ** 26 - 1,
      undefined,
    ]);
    expect(t.layout).toBe('compact');
    expect(contents(t)).toEqual([`0/0#0=0`, `${0xffffffff}/32#0=${2 ** 26 - 1}`]);
  });

  it.each([
    ['a path id', 5, 1],
    ['a value past 26 bits', 0, 2 ** 26],
    ['a 32-bit value', 0, 0xffffffff],
  ])('widens for good on %s, keeping every route', (_what, pathId, value) => {
    const t = new Ipv4Table();
    for (let i = 0; i < 100; i++) t.set(A + i * 256, 24, 0, i);
    const compactBytes = t.byteSize;
    t.set(A, 8, pathId, value);
    expect(t.layout).toBe('wide');
    expect(t.byteSize).toBe(compactBytes * 2);
    expect(t.get(A, 8, pathId)).toBe(value);
    for (let i = 0; i < 100; i++) expect(t.get(A + i * 256, 24)).toBe(i);
    t.delete(A, 8, pathId);
    t.set(A, 8, 0, 1);
    expect(t.layout).toBe('wide');
  });

  it("'wide' is wide from the start", () => {
    const t = new Ipv4Table(16, 'wide');
    expect(t.layout).toBe('wide');
    expect(t.byteSize).toBe(16 * 16);
    t.set(A, 8, 3, 0xffffffff);
    expect(t.paths(A, 8)).toEqual([[3, 0xffffffff]]);
  });

  it('forRoutes holds that many routes at 70 % load without growing (no power-of-two rounding)', () => {
    const t = Ipv4Table.forRoutes(1000);
    const bytes = t.byteSize;
    expect(bytes).toBe((Math.ceil(1000 / 0.7) + 1) * 8); // 1,430 slots; a power of two would be 2,048
    for (let i = 0; i < 1000; i++) t.set((i * 2654435761) >>> 0, 32, 0, i);
    expect(t.byteSize).toBe(bytes);
    for (let i = 0; i < 1000; i++) expect(t.get((i * 2654435761) >>> 0, 32)).toBe(i);
    t.set(A, 8, 0, 1); // one more than reserved: it grows as any table does
    expect(t.byteSize).toBe(bytes * 2);
    expect(t.size).toBe(1001);
  });

  it('reserving one more at a time grows by doubling, not a rebuild per route', () => {
    const t = new Ipv4Table();
    const sizes = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      t.reserve(t.size + 1);
      t.set((i * 2654435761) >>> 0, 32, 0, i);
      sizes.add(t.byteSize);
    }
    expect(sizes.size).toBeLessThanOrEqual(10); // 16 → 8,192 slots: 10 sizes
    expect(t.size).toBe(5000);
  });

  it('grows 4× between 64k and 1M slots (a full table arriving), 2× below and above', () => {
    const t = new Ipv4Table();
    const slots: number[] = [t.byteSize / 8];
    for (let i = 0; i < 800_000; i++) {
      t.set((i * 2654435761) >>> 0, 32, 0, i & 0xffff);
      if (t.byteSize / 8 !== slots[slots.length - 1]) slots.push(t.byteSize / 8);
    }
    const doubling = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
    expect(slots).toEqual([...doubling, 262_144, 1_048_576, 2_097_152]);
    for (let i = 0; i < 800_000; i += 997) expect(t.get((i * 2654435761) >>> 0, 32)).toBe(i & 0xffff);
  });

  it('a table reserved for a full table grows 2× past it, not 4×', () => {
    const t = Ipv4Table.forRoutes(600_000);
    const bytes = t.byteSize;
    for (let i = 0; i <= 600_000; i++) t.set((i * 2654435761) >>> 0, 32, 0, i & 0xffff);
    expect(t.byteSize).toBe(bytes * 2);
  });

  it.each(['compact', 'wide'] as const)(
    'a %s table emptied by deletes shrinks, keeping what is left',
    (layout) => {
      const t = new Ipv4Table(16, layout);
      const small = t.byteSize;
      for (let i = 0; i < 20_000; i++) t.set((i * 2654435761) >>> 0, 32, 0, i);
      const full = t.byteSize;
      for (let i = 10; i < 20_000; i++) t.delete((i * 2654435761) >>> 0, 32);
      expect(t.byteSize).toBeLessThanOrEqual(full / 256);
      expect(t.layout).toBe(layout);
      for (let i = 0; i < 10; i++) expect(t.get((i * 2654435761) >>> 0, 32)).toBe(i);
      for (let i = 0; i < 10; i++) t.delete((i * 2654435761) >>> 0, 32);
      expect([t.size, t.byteSize]).toEqual([0, small]);
    },
  );

  // A small key space forces collisions, overwrites, tombstones and reuse; enough ops to rehash.
  // Mostly path id 0 and small values: tables stay compact a while, then some widen mid-sequence;
  // runs of deletes make them shrink.
  it.each(['compact', 'wide'] as const)(
    'behaves like a Map under any sequence of set, delete and get (%s)',
    (layout) => {
      const key = fc.record({
        addr: fc.nat({ max: 300 }).map((n) => (n * 0x01000000 + n) >>> 0),
        length: fc.nat({ max: 32 }),
        pathId: fc.oneof(
          { arbitrary: fc.constant(0), weight: 30 },
          { arbitrary: fc.nat({ max: 2 }), weight: 1 },
        ),
      });
      const value = fc.oneof(
        { arbitrary: fc.nat({ max: 2 ** 26 - 1 }), weight: 30 },
        { arbitrary: fc.nat({ max: 0xffffffff }), weight: 1 },
      );
      const op = fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant('set' as const), key, value }), weight: 10 },
        { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 10 },
        { arbitrary: fc.record({ kind: fc.constant('get' as const), key }), weight: 10 },
        // room for this many more: capacities that are no power of two
        {
          arbitrary: fc.record({ kind: fc.constant('reserve' as const), more: fc.nat({ max: 400 }) }),
          weight: 1,
        },
      );
      fc.assert(
        fc.property(fc.array(op, { maxLength: 3000, size: 'max' }), fc.nat({ max: 3000 }), (ops, purgeAt) => {
          const t = new Ipv4Table(16, layout);
          const model = new Map<string, [number, number, number]>();
          const got: (number | undefined)[] = [];
          const want: (number | undefined)[] = [];
          const del = (addr: number, length: number, pathId: number) => {
            const k = `${addr}/${length}#${pathId}`;
            got.push(t.delete(addr, length, pathId));
            want.push(model.has(k) ? (model.get(k) as [number, number, number])[2] : -1);
            model.delete(k);
          };
          for (const [n, o] of ops.entries()) {
            // Once, most of what is held goes: the table shrinks with routes left in it.
            if (n === purgeAt)
              for (const [k, [addr, length]] of [...model].slice(2))
                del(addr, length, Number(k.split('#')[1]));
            if (o.kind === 'reserve') {
              t.reserve(t.size + o.more);
              continue;
            }
            const { addr, length, pathId } = o.key;
            const k = `${addr}/${length}#${pathId}`;
            if (o.kind === 'set') {
              got.push(t.set(addr, length, pathId, o.value));
              want.push(model.has(k) ? (model.get(k) as [number, number, number])[2] : -1);
              model.set(k, [addr, length, o.value]);
            } else if (o.kind === 'delete') {
              del(addr, length, pathId);
            } else {
              got.push(t.get(addr, length, pathId));
              want.push(model.get(k)?.[2]);
            }
            got.push(t.size);
            want.push(model.size);
          }
          expect(got).toEqual(want);
          expect(contents(t)).toEqual([...model].map(([k, v]) => `${k}=${v[2]}`).sort());
          for (const [k, [addr, length]] of model) {
            const id = Number(k.split('#')[1]);
            expect(t.paths(addr, length).some(([p]) => p === id)).toBe(true);
            expect(t.hasPrefix(addr, length)).toBe(true);
            const flat = [7, 7, 7, 7, 7]; // its start overwritten with this prefix's paths
            const n = t.pathsInto(addr, length, flat);
            expect(n).toBe(t.paths(addr, length).length);
            expect(flat.slice(0, 2 * n)).toEqual(t.paths(addr, length).flat());
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe('Ipv4Table hash seeds', () => {
  it('differ from one process to the next: the slot order of the same routes is not predictable', () => {
    // The first table of a process, the same 64 /32s: their walk order is their slot order.
    const script =
      "import { Ipv4Table } from './src/rib/ipv4-table.ts';" +
      'const t = new Ipv4Table();' +
      'for (let i = 0; i < 64; i++) t.set((0x0a000000 + i) >>> 0, 32, 0, i);' +
      'const order = []; t.forEach((_a, _l, _p, v) => order.push(v)); console.log(order.join(","));';
    const [a, b] = [evalInFreshProcess(script), evalInFreshProcess(script)];
    expect(
      a
        .split(',')
        .map(Number)
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(a).not.toBe(b);
  });
});
