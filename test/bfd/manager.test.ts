// BfdManager: one session per (peer, local address, interface) shared by its users (refcounted),
// running with the most demanding parameters of its holders, changed without a flap; listeners
// fan out; the last release tells the peer AdminDown.
import { describe, expect, it } from 'vitest';
import { BfdAuthConfigError } from '../../src/bfd/auth.js';
import { BfdManager, BfdSpecConflictError, mergeTiming, sessionKey } from '../../src/bfd/manager.js';
import { ManualClock } from '../../src/session/clock.js';
import { MemoryFabric } from './memory-network.js';

const A = '10.0.0.1';
const B = '10.0.0.2';
const T = { minTx: 300, minRx: 300, multiplier: 3 };

function setup() {
  const clock = new ManualClock();
  const fabric = new MemoryFabric(clock);
  const a = new BfdManager({ network: fabric.speaker(A), clock, random: () => 0.5 });
  const b = new BfdManager({ network: fabric.speaker(B), clock, random: () => 0.5 });
  return { clock, fabric, a, b };
}

describe('session keys and parameters', () => {
  it('keys by canonical peer, local address and interface', () => {
    expect(sessionKey({ peer: 'FD00:0::2', local: 'fd00::1', interface: 'eth0' })).toBe(
      'fd00::2|fd00::1|eth0',
    );
    expect(sessionKey({ peer: '10.0.0.2' })).toBe('10.0.0.2||');
  });
  it('merges to the smallest intervals and multiplier; passive only if every user is', () => {
    expect(
      mergeTiming([
        { minTx: 300, minRx: 500, multiplier: 3, passive: true },
        { minTx: 600, minRx: 200, multiplier: 5, passive: false },
      ]),
    ).toEqual({ minTx: 300, minRx: 200, multiplier: 3, passive: false });
  });
});

describe('BfdManager', () => {
  it('shares one session between users, fans events out, and reconfigures without a flap', () => {
    const { clock, fabric, a, b } = setup();
    const events: string[] = [];
    const bgp = a.acquire(
      { peer: B, local: A, ...T },
      { up: () => events.push('bgp up'), down: (d) => events.push(`bgp down ${d}`) },
    );
    const stat = a.acquire(
      { peer: B, local: A, ...T, minTx: 1000, minRx: 1000 },
      { up: () => events.push('static up') },
    );
    b.acquire({ peer: A, local: B, ...T }, {});
    clock.advance(5000);
    expect(a.sessions()).toHaveLength(1);
    expect(a.sessions()[0]).toMatchObject({
      users: 2,
      state: 'Up',
      txInterval: 300,
      peer: B,
      local: A,
      multihop: false,
    });
    expect(events).toEqual(['bgp up', 'static up']);
    expect(bgp.state).toBe('Up');
    // The fast user leaves: the session slows to the remaining user's 1 s through Poll/Final.
    bgp.release();
    clock.advance(5000);
    expect(a.sessions()[0]).toMatchObject({ users: 1, state: 'Up', txInterval: 1000, polling: false });
    stat.update({ minTx: 100, minRx: 100, multiplier: 3 });
    clock.advance(3000);
    expect(a.sessions()[0]).toMatchObject({ state: 'Up', txInterval: 300 }); // B still asks 300 RX
    expect(a.sessions()[0].counters.downTransitions).toBe(0);
    expect(events).toEqual(['bgp up', 'static up']);
    // Last release: AdminDown reaches B, which goes Down with diag 3; A has no session left.
    const bDown: number[] = [];
    b.acquire({ peer: A, local: B, ...T }, { down: (d) => bDown.push(d) });
    stat.release();
    clock.advance(10);
    expect(a.sessions()).toEqual([]);
    expect(bDown).toEqual([3]);
    expect(fabric.speakers.get(A)?.demux.size).toBe(0);
  });

  it('detects Down and tells every user', () => {
    const { clock, fabric, a, b } = setup();
    const downs: number[] = [];
    a.acquire({ peer: B, ...T }, { down: (d) => downs.push(d) });
    a.acquire({ peer: B, ...T }, { down: (d) => downs.push(d) });
    b.acquire({ peer: A, ...T });
    clock.advance(5000);
    fabric.cut(B);
    clock.advance(1000);
    expect(downs).toEqual([1, 1]);
    expect(a.sessions()[0]).toMatchObject({ state: 'Down', lastDownDiag: 1 });
  });

  it('refuses users who disagree on multihop, minimum TTL or authentication, and bad keys', () => {
    const { a } = setup();
    a.acquire({ peer: B, ...T });
    expect(() => a.acquire({ peer: B, ...T, multihop: true })).toThrow(BfdSpecConflictError);
    expect(() => a.acquire({ peer: B, ...T, auth: { type: 'keyed-md5', keyId: 1, secret: 'k' } })).toThrow(
      BfdSpecConflictError,
    );
    a.acquire({ peer: '10.9.9.9', ...T, multihop: true });
    expect(() => a.acquire({ peer: '10.9.9.9', ...T, multihop: true, minTtl: 250 })).toThrow(
      BfdSpecConflictError,
    );
    expect(() =>
      a.acquire({ peer: '10.9.9.8', ...T, auth: { type: 'keyed-md5', keyId: 1, secret: 'x'.repeat(17) } }),
    ).toThrow(BfdAuthConfigError);
  });

  it('gives every session its own nonzero discriminator', () => {
    const { a } = setup();
    for (let i = 1; i <= 50; i++) a.acquire({ peer: `10.1.0.${i}`, ...T });
    const discrs = a.sessions().map((s) => s.localDiscr);
    expect(new Set(discrs).size).toBe(50);
    expect(discrs.every((d) => d > 0 && d <= 0xffffffff)).toBe(true);
    a.closeAll();
    expect(a.sessions()).toEqual([]);
  });
});
