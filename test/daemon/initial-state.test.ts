// The initial-state gate End-of-RIB waits for: it opens when every hold taken before seal() is
// released, or at the deadline with what was still pending; later holds never delay it.
import { describe, expect, it } from 'vitest';
import { InitialState, settleTimeoutMs } from '../../src/daemon/initial-state.js';
import { ManualClock } from '../../src/session/clock.js';

function gate() {
  const clock = new ManualClock();
  const expired: string[][] = [];
  const g = new InitialState({ clock, expired: (p) => expired.push([...p]) });
  let opened = false;
  void g.settled.then(() => {
    opened = true;
  });
  const isOpened = async () => {
    await Promise.resolve();
    return opened;
  };
  return { g, clock, expired, opened: isOpened };
}

describe('InitialState', () => {
  it('stays shut until sealed and every hold is released', async () => {
    const { g, opened } = gate();
    const a = g.hold('health check of 10.0.0.1/32');
    const b = g.hold('first Kubernetes snapshot');
    a();
    a(); // idempotent: does not release b's hold
    b();
    expect(await opened()).toBe(false); // not sealed: more holds may come
    const c = g.hold('health check of 10.0.0.2/32');
    g.seal(10_000);
    expect(g.pending()).toEqual(['health check of 10.0.0.2/32']);
    expect(await opened()).toBe(false);
    c();
    expect(g.open).toBe(true);
    expect(await opened()).toBe(true);
  });

  it('opens at once when sealed with nothing held', async () => {
    const { g, clock, opened } = gate();
    g.seal(10_000);
    expect(await opened()).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('opens at the deadline and says what was still pending', async () => {
    const { g, clock, expired, opened } = gate();
    g.hold('health check of 10.0.0.1/32');
    g.seal(5000);
    clock.advance(4999);
    expect(await opened()).toBe(false);
    clock.advance(1);
    expect(await opened()).toBe(true);
    expect(expired).toEqual([['health check of 10.0.0.1/32']]);
  });

  it('ignores holds taken once open, and openNow clears the deadline', async () => {
    const { g, clock, expired, opened } = gate();
    g.hold('x');
    g.seal(5000);
    g.openNow();
    expect(await opened()).toBe(true);
    expect(clock.pending).toBe(0);
    g.hold('late');
    expect(g.pending()).toEqual([]);
    clock.advance(10_000);
    expect(expired).toEqual([]);
  });

  it('bounds the wait to half the shortest Restart Time, within 1..60 s', () => {
    expect(settleTimeoutMs([120, 30])).toBe(15_000);
    expect(settleTimeoutMs([])).toBe(60_000);
    expect(settleTimeoutMs([4095])).toBe(60_000);
    expect(settleTimeoutMs([1])).toBe(1000);
  });
});
