// DirtyQueue: each route id once, in the order first queued; taken ones can be queued again.
import { describe, expect, it } from 'vitest';
import { DirtyQueue, type QueueMarks } from '../../src/fib/dirty-queue.js';

/** The queued marks of ids 0..n-1 in a Set (the reconciler keeps them in its route table). */
function marks(): QueueMarks & { set: Set<number> } {
  const set = new Set<number>();
  return {
    set,
    isQueued: (id) => set.has(id),
    setQueued: (id, on) => void (on ? set.add(id) : set.delete(id)),
  };
}

describe('DirtyQueue', () => {
  it('keeps each id once, in order, and lets a taken id come back at the end', () => {
    const m = marks();
    const q = new DirtyQueue(m);
    q.add(1);
    q.add(2);
    q.add(1);
    expect(q.size).toBe(2);
    expect(q.has(1)).toBe(true);
    expect(q.take()).toBe(1);
    expect(q.has(1)).toBe(false);
    q.add(3);
    q.add(1);
    expect([q.take(), q.take(), q.take()]).toEqual([2, 3, 1]);
    expect(q.take()).toBeUndefined();
    expect(q.size).toBe(0);
    expect(m.set.size).toBe(0);
  });

  it('stays correct across its compaction (many taken while more are added)', () => {
    const q = new DirtyQueue(marks());
    const ids = Array.from({ length: 20_000 }, (_, id) => id);
    const seen: number[] = [];
    for (const id of ids.slice(0, 10_000)) q.add(id);
    for (let i = 0; i < 6_000; i++) seen.push(q.take()!);
    for (const id of ids.slice(10_000)) q.add(id);
    expect(q.size).toBe(14_000);
    for (let id = q.take(); id !== undefined; id = q.take()) seen.push(id);
    expect(seen).toEqual(ids);
  });
});
