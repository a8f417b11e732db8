// The state machine of a health check: the first result decides at once, then `rise` successes in
// a row bring a down check up and `fall` failures in a row take an up check down.
import type { HealthCheckSpec, HealthState } from './types.js';

/** `streak`: how many results in a row, this one included, had this outcome. */
export function nextState(
  current: HealthState,
  ok: boolean,
  streak: number,
  spec: Pick<HealthCheckSpec, 'rise' | 'fall'>,
): HealthState {
  if (current === 'unknown') return ok ? 'up' : 'down';
  if (current === 'down' && ok && streak >= spec.rise) return 'up';
  if (current === 'up' && !ok && streak >= spec.fall) return 'down';
  return current;
}
