// Typed arrays by set id grow only when an id reaches their end: twice as long, contents kept.
import { describe, expect, it } from 'vitest';
import { withRoomFor } from '../../src/rib/id-array.js';

describe('withRoomFor', () => {
  it('keeps the array while the id fits, else doubles it (at least to the id) with its contents', () => {
    const a = new Uint32Array([7, 8, 9, 10]);
    expect(withRoomFor(a, 3)).toBe(a);
    const b = withRoomFor(a, 4);
    expect([...b]).toEqual([7, 8, 9, 10, 0, 0, 0, 0]);
    expect(withRoomFor(a, 20)).toHaveLength(21);
  });
});
