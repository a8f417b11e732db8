// RouteTable: the reconciler's routes as ids in parallel arrays, found by group and address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PENDING, RouteTable } from '../../src/fib/route-table.js';

describe('RouteTable', () => {
  it('finds a route by group and address; IPv4 keys above 2^31 (negative as keys) included', () => {
    const t = new RouteTable();
    const g24 = t.groupId(4, 254, 20, 24);
    const g16 = t.groupId(4, 254, 20, 16);
    const g6 = t.groupId(6, 254, 1024, 48);
    expect(new Set([g24, g16, g6]).size).toBe(3);
    expect(t.groupId(4, 254, 20, 24)).toBe(g24);
    const high = 0xc0a80100 | 0; // 192.168.1.0: negative as a signed 32-bit key
    const a = t.add(g24, high, undefined, false);
    const b = t.add(g16, high & ~0xffff, 'sig', true);
    const c = t.add(g6, '20010db8000000000000000000000000', undefined, false);
    expect([
      t.find(g24, high),
      t.find(g16, high & ~0xffff),
      t.find(g6, '20010db8000000000000000000000000'),
    ]).toEqual([a, b, c]);
    expect(t.find(g16, high)).toBe(-1);
    expect(t.find(g24, 0x0a000000)).toBe(-1);
    expect(t.group(b)).toMatchObject({ family: 4, table: 254, metric: 20, length: 16 });
    expect(t.key(a)).toBe(high);
    expect(t.installed[b]).toBe('sig');
    expect(t.isStale(b)).toBe(true);
    expect(t.state[a]).toBe(PENDING);
    expect([...t.ids()]).toEqual([a, b, c]);
    expect(t.size).toBe(3);
  });

  it('does not reuse the id of a forgotten route while it is queued or in flight', () => {
    const t = new RouteTable();
    const g = t.groupId(4, 254, 20, 24);
    const a = t.add(g, 0x0a000000, undefined, false);
    t.setQueued(a, true);
    t.setInFlight(a, true);
    t.forget(a);
    expect(t.isCurrent(a)).toBe(false);
    expect(t.find(g, 0x0a000000)).toBe(-1);
    const b = t.add(g, 0x0a000100, undefined, false);
    expect(b).not.toBe(a);
    t.setQueued(a, false);
    expect(t.add(g, 0x0a000200, undefined, false)).not.toBe(a);
    t.setInFlight(a, false);
    // Let go of on both counts: free now.
    expect(t.add(g, 0x0a000300, undefined, false)).toBe(a);
    expect(t.isCurrent(a)).toBe(true);
    expect(t.key(a)).toBe(0x0a000300);
  });

  it('agrees with a Map model under random adds and forgets (ids stay distinct while live)', () => {
    const op = fc.oneof(
      fc.record({
        add: fc.constant(true),
        len: fc.constantFrom(8, 24, 32),
        addr: fc.integer({ min: 0, max: 63 }),
      }),
      fc.record({
        add: fc.constant(false),
        len: fc.constantFrom(8, 24, 32),
        addr: fc.integer({ min: 0, max: 63 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const t = new RouteTable();
        const model = new Map<string, number>();
        for (const o of ops) {
          const g = t.groupId(4, 254, 20, o.len);
          const key = (o.addr * 0x04000000) | 0; // spread over the address space, high bit included
          const k = `${o.len}/${key}`;
          const id = t.find(g, key);
          expect(id).toBe(model.get(k) ?? -1);
          if (o.add && id < 0) model.set(k, t.add(g, key, undefined, false));
          if (!o.add && id >= 0) {
            t.forget(id);
            model.delete(k);
          }
        }
        expect(t.size).toBe(model.size);
        expect(new Set(model.values()).size).toBe(model.size);
        expect([...t.ids()].sort((x, y) => x - y)).toEqual([...model.values()].sort((x, y) => x - y));
      }),
    );
  });
});
