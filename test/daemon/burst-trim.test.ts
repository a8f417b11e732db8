import { describe, expect, it } from 'vitest';
import { BurstEnd, giveMemoryBack, trimAfterBursts } from '../../src/daemon/burst-trim.js';

describe('BurstEnd', () => {
  it('answers once when an idle period follows a busy one', () => {
    const end = new BurstEnd();
    expect([0.01, 0.02, 0.9, 0.7, 0.2, 0.01, 0.01].map((u) => end.observe(u))).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      false,
    ]);
  });

  it('never answers under a steady load or while idle from the start', () => {
    const steady = new BurstEnd();
    expect([0.2, 0.3, 0.2, 0.4].some((u) => steady.observe(u))).toBe(false);
    const idle = new BurstEnd();
    expect([0, 0.01, 0].some((u) => idle.observe(u))).toBe(false);
  });
});

describe('trimAfterBursts', () => {
  it('trims after the event loop was kept busy, then stops', async () => {
    let trims = 0;
    const stop = trimAfterBursts(100, () => trims++);
    const until = Date.now() + 250;
    while (Date.now() < until) {} // a busy stretch of the event loop
    for (let i = 0; i < 40 && trims === 0; i++) await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(trims).toBe(1);
  });
});

describe('giveMemoryBack', () => {
  it('runs the full collection bin/herald exposes, and does without one', () => {
    const g = globalThis as { gc?: () => void };
    const before = g.gc;
    let collections = 0;
    try {
      g.gc = () => void collections++;
      giveMemoryBack();
      expect(collections).toBe(1);
      g.gc = undefined;
      expect(() => giveMemoryBack()).not.toThrow();
    } finally {
      g.gc = before;
    }
  });
});
