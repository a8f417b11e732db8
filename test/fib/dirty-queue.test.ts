// DirtyQueue: each item once, in the order first queued; taken ones can be queued again.
import { describe, expect, it } from 'vitest';
import { DirtyQueue } from '../../src/fib/dirty-queue.js';

describe('DirtyQueue', () => {
  it('keeps each item once, in order, and lets a taken item come back at the end', () => {
    const q = new DirtyQueue<{ id: number; queued: boolean }>();
    const [a, b, c] = [1, 2, 3].map((id) => ({ id, queued: false }));
    q.add(a);
    q.add(b);
    q.add(a);
    expect(q.size).toBe(2);
    expect(q.has(a)).toBe(true);
    expect(q.take()).toBe(a);
    expect(q.has(a)).toBe(false);
    q.add(c);
    q.add(a);
    expect([q.take(), q.take(), q.take()].map((x) => x?.id)).toEqual([2, 3, 1]);
    expect(q.take()).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it('stays correct across its compaction (many taken while more are added)', () => {
    const q = new DirtyQueue<{ id: number; queued: boolean }>();
    const items = Array.from({ length: 20_000 }, (_, id) => ({ id, queued: false }));
    const seen: number[] = [];
    for (const x of items.slice(0, 10_000)) q.add(x);
    for (let i = 0; i < 6_000; i++) seen.push(q.take()!.id);
    for (const x of items.slice(10_000)) q.add(x);
    expect(q.size).toBe(14_000);
    for (let x = q.take(); x !== undefined; x = q.take()) seen.push(x.id);
    expect(seen).toEqual(items.map((x) => x.id));
  });
});
