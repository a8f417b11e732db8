// The session driver on a manual clock: two Herald sessions talking through the in-memory fabric
// (real encoding, demultiplexing and authentication), transmission jitter, detection when packets
// stop, Poll/Final on reconfigure without going Down, and the passive role.
import { describe, expect, it } from 'vitest';
import type { BfdAuthConfig } from '../../src/bfd/auth.js';
import { BfdSession, type BfdTimingConfig, jitteredInterval } from '../../src/bfd/driver.js';
import { decodeControl } from '../../src/bfd/packet.js';
import { BfdDiag } from '../../src/bfd/registry.js';
import { ManualClock } from '../../src/session/clock.js';
import { MemoryFabric } from './memory-network.js';

const A = '10.0.0.1';
const B = '10.0.0.2';
const FAST: BfdTimingConfig = { minTx: 300, minRx: 300, multiplier: 3 };

function pair(
  opts: {
    a?: Partial<BfdTimingConfig>;
    b?: Partial<BfdTimingConfig>;
    auth?: [BfdAuthConfig?, BfdAuthConfig?];
  } = {},
) {
  const clock = new ManualClock();
  const fabric = new MemoryFabric(clock);
  const make = (
    self: string,
    peer: string,
    discr: number,
    timing: Partial<BfdTimingConfig> = {},
    auth?: BfdAuthConfig,
  ) => {
    const net = fabric.speaker(self);
    let link: ReturnType<typeof net.attach> | undefined;
    const session = new BfdSession({
      localDiscr: discr,
      timing: { ...FAST, ...timing },
      clock,
      ...(auth && { auth }),
      link: { send: (p) => link?.send(p) },
      random: () => 0.5,
    });
    link = net.attach({ peer, multihop: false }, session);
    const events: string[] = [];
    session.on('up', () => events.push('up'));
    session.on('down', (diag) => events.push(`down:${diag}`));
    session.on('pollComplete', () => events.push('poll'));
    return { session, events };
  };
  const a = make(A, B, 0xa, opts.a, opts.auth?.[0]);
  const b = make(B, A, 0xb, opts.b, opts.auth?.[1]);
  return { clock, fabric, a, b };
}

const sent = (fabric: MemoryFabric, from: string) =>
  fabric.wire.filter(([f]) => f === from).map(([, , p]) => decodeControl(p));

describe('jitter (RFC 5880 §6.8.7)', () => {
  it('is 75–100 % of the interval, 75–90 % with Detect Mult 1', () => {
    expect(jitteredInterval(1000, 3, () => 0)).toBe(750);
    expect(jitteredInterval(1000, 3, () => 0.999999)).toBeCloseTo(1000, 2);
    expect(jitteredInterval(1000, 1, () => 0)).toBe(750);
    expect(jitteredInterval(1000, 1, () => 0.999999)).toBeCloseTo(900, 2);
  });
  it('spaces periodic packets within the jitter bounds, measured on the clock', () => {
    const clock = new ManualClock();
    const times: number[] = [];
    let r = 0;
    const s = new BfdSession({
      localDiscr: 1,
      timing: FAST,
      clock,
      link: { send: () => times.push(clock.now()) },
      random: () => (r = (r + 0.37) % 1),
    });
    s.start();
    clock.advance(20_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.length).toBeGreaterThan(15);
    // Not Up: the 1 s slow rate, jittered.
    for (const g of gaps) expect(g >= 750 && g <= 1000).toBe(true);
    expect(new Set(gaps.map(Math.round)).size).toBeGreaterThan(1);
  });
});

describe('two Herald sessions', () => {
  it('come Up through Down → Init → Up and settle on the configured rate after Poll/Final', () => {
    const { clock, fabric, a, b } = pair({ b: { minTx: 200, minRx: 500 } });
    a.session.start();
    b.session.start();
    clock.advance(3000);
    expect(a.session.state).toBe('Up');
    expect(b.session.state).toBe('Up');
    expect(a.events).toEqual(['up', 'poll']);
    const va = a.session.view();
    // A sends at max(its 300, B's Required Min RX 500); B at max(200, A's 300); detection = 3 × that.
    expect(va).toMatchObject({
      txInterval: 500,
      rxInterval: 300,
      detectionTime: 900,
      remoteDiscr: 0xb,
      localDiscr: 0xa,
    });
    expect(b.session.view()).toMatchObject({ txInterval: 300, rxInterval: 500, detectionTime: 1500 });
    // Steady state: A's packets are spaced by 375–500 ms.
    fabric.wire.length = 0;
    clock.advance(5000);
    const n = sent(fabric, A).length;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThanOrEqual(14);
    expect(a.session.view().counters).toMatchObject({ upTransitions: 1, downTransitions: 0, discarded: 0 });
  });

  it('detects the peer gone within the detection time (diag 1) and tells it (diag 3 on the other side)', () => {
    const { clock, fabric, a, b } = pair();
    a.session.start();
    b.session.start();
    clock.advance(5000);
    expect(a.session.state).toBe('Up');
    fabric.cut(B);
    const cutAt = clock.now();
    let downAt = 0;
    a.session.once('down', () => (downAt = clock.now()));
    clock.advance(2000);
    expect(a.events).toContain(`down:${BfdDiag.CONTROL_DETECTION_TIME_EXPIRED}`);
    expect(downAt - cutAt).toBeLessThanOrEqual(900);
    expect(downAt - cutAt).toBeGreaterThan(600);
    // B still hears A, which now says Down: B goes Down with "neighbor signaled session down".
    expect(b.events).toContain(`down:${BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN}`);
    expect(a.session.view()).toMatchObject({ lastDownDiag: 1, remoteDiscr: 0 });
    // Restored: both come back Up.
    fabric.cut(B, false);
    clock.advance(5000);
    expect([a.session.state, b.session.state]).toEqual(['Up', 'Up']);
    expect(a.session.view().counters).toMatchObject({ upTransitions: 2, downTransitions: 1 });
  });

  it('reconfigure uses Poll/Final and never leaves Up', () => {
    const { clock, fabric, a, b } = pair();
    a.session.start();
    b.session.start();
    clock.advance(5000);
    fabric.wire.length = 0;
    a.session.reconfigure({ minTx: 100, minRx: 100, multiplier: 5 });
    b.session.reconfigure({ minTx: 100, minRx: 100, multiplier: 5 });
    clock.advance(100);
    const polls = sent(fabric, A).filter((p) => p.poll);
    const finals = sent(fabric, B).filter((p) => p.final);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls[0]).toMatchObject({ desiredMinTx: 100_000, requiredMinRx: 100_000, detectMult: 5 });
    expect(finals.length).toBeGreaterThan(0);
    clock.advance(3000);
    expect(a.events).toEqual(['up', 'poll', 'poll']);
    expect(a.session.view()).toMatchObject({
      state: 'Up',
      txInterval: 100,
      detectionTime: 500,
      polling: false,
    });
    // Slower again: the larger interval waits for the Final, still no flap.
    a.session.reconfigure({ minTx: 1000, minRx: 1000, multiplier: 3 });
    clock.advance(5000);
    expect(a.session.view()).toMatchObject({ state: 'Up', txInterval: 1000, rxInterval: 1000 });
    expect(b.session.view()).toMatchObject({ state: 'Up', detectionTime: 3000 });
    expect(a.session.view().counters.downTransitions + b.session.view().counters.downTransitions).toBe(0);
  });

  it('close() tells the peer AdminDown: it goes Down with diag 3 at once', () => {
    const { clock, a, b } = pair();
    a.session.start();
    b.session.start();
    clock.advance(5000);
    a.session.close();
    clock.advance(5);
    expect(b.events).toContain('down:3');
    expect(b.session.view().remoteState).toBe('AdminDown');
    expect(clock.pending).toBeGreaterThan(0); // B's timers only
  });

  it('a passive session sends nothing until it hears from the peer', () => {
    const { clock, fabric, a, b } = pair({ a: { passive: true } });
    a.session.start();
    clock.advance(5000);
    expect(sent(fabric, A)).toEqual([]);
    b.session.start();
    clock.advance(5000);
    expect(a.session.state).toBe('Up');
  });

  it.each<BfdAuthConfig['type']>([
    'simple-password',
    'keyed-md5',
    'meticulous-keyed-md5',
    'keyed-sha1',
    'meticulous-keyed-sha1',
  ])('authenticates with %s; a wrong key never comes Up', (type) => {
    const auth: BfdAuthConfig = { type, keyId: 3, secret: 'secret' };
    const ok = pair({ auth: [auth, auth] });
    ok.a.session.start();
    ok.b.session.start();
    ok.clock.advance(10_000);
    expect([ok.a.session.state, ok.b.session.state]).toEqual(['Up', 'Up']);
    expect(ok.a.session.view().counters.discarded).toBe(0);
    const bad = pair({ auth: [auth, { ...auth, secret: 'wrong' }] });
    bad.a.session.start();
    bad.b.session.start();
    bad.clock.advance(10_000);
    expect(bad.a.session.state).toBe('Down');
    expect(bad.a.session.view().counters.discardedBy.authFailed).toBeGreaterThan(0);
  });

  it('a session with authentication discards a peer without it', () => {
    const { clock, a, b } = pair({ auth: [{ type: 'keyed-sha1', keyId: 1, secret: 'k' }, undefined] });
    a.session.start();
    b.session.start();
    clock.advance(5000);
    expect(a.session.view().counters.discardedBy.authMissing).toBeGreaterThan(0);
    expect(b.session.view().counters.discardedBy.authUnexpected).toBeGreaterThan(0);
    expect(a.session.state).toBe('Down');
  });
});
