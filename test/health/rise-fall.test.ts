// The rise/fall state machine, one transition at a time.
import { describe, expect, it } from 'vitest';
import { nextState } from '../../src/health/rise-fall.js';
import type { HealthState } from '../../src/health/types.js';

const spec = { rise: 3, fall: 2 };

describe('nextState', () => {
  it.each<[HealthState, boolean, number, HealthState]>([
    ['unknown', true, 1, 'up'],
    ['unknown', false, 1, 'down'],
    ['down', true, 1, 'down'],
    ['down', true, 2, 'down'],
    ['down', true, 3, 'up'],
    ['down', false, 7, 'down'],
    ['up', false, 1, 'up'],
    ['up', false, 2, 'down'],
    ['up', true, 9, 'up'],
  ])('%s + ok=%s (streak %d) -> %s', (from, ok, streak, to) => {
    expect(nextState(from, ok, streak, spec)).toBe(to);
  });
});
