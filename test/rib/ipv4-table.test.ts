// Ipv4Table: an open-addressing hash of (address, length, path id) → value, checked by example
// and against a Map model under random operation sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipv4Table } from '../../src/rib/ipv4-table.js';

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
    const t = new Ipv4Table();
    let bytes = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 500; i++) t.set(A + i, 32, round, i);
      for (let i = 0; i < 500; i++) t.delete(A + i, 32, round);
      if (round === 0) bytes = t.byteSize; // grown once to hold 500
    }
    expect(t.size).toBe(0);
    expect(t.byteSize).toBe(bytes);
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

  it('forEach visits live routes only', () => {
    const t = new Ipv4Table();
    t.set(A, 8, 0, 1);
    t.set(A, 9, 2, 3);
    t.delete(A, 8);
    expect(contents(t)).toEqual([`${A}/9#2=3`]);
  });

  it('behaves like a Map under any sequence of set, delete and get', () => {
    // A small key space forces collisions, overwrites, tombstones and reuse; enough ops to rehash.
    const key = fc.record({
      addr: fc.nat({ max: 300 }).map((n) => (n * 0x01000000 + n) >>> 0),
      length: fc.nat({ max: 32 }),
      pathId: fc.nat({ max: 2 }),
    });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value: fc.nat({ max: 0xffffffff }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({ kind: fc.constant('get' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000, size: 'max' }), (ops) => {
        const t = new Ipv4Table();
        const model = new Map<string, number>();
        const got: (number | undefined)[] = [];
        const want: (number | undefined)[] = [];
        for (const o of ops) {
          const { addr, length, pathId } = o.key;
          const k = `${addr}/${length}#${pathId}`;
          if (o.kind === 'set') {
            got.push(t.set(addr, length, pathId, o.value));
            want.push(model.get(k) ?? -1);
            model.set(k, o.value);
          } else if (o.kind === 'delete') {
            got.push(t.delete(addr, length, pathId));
            want.push(model.get(k) ?? -1);
            model.delete(k);
          } else {
            got.push(t.get(addr, length, pathId));
            want.push(model.get(k));
          }
          got.push(t.size);
          want.push(model.size);
        }
        expect(got).toEqual(want);
        expect(contents(t)).toEqual([...model].map(([k, v]) => `${k}=${v}`).sort());
      }),
      { numRuns: 60 },
    );
  });
});
