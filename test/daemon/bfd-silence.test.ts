// BfdSilenceWatch: a BFD hold on BGP ends only when the peer stops sending BFD altogether.
import { describe, expect, it } from 'vitest';
import { BFD_SILENT_RELEASE_MS, BfdSilenceWatch } from '../../src/daemon/bfd-silence.js';
import { ManualClock } from '../../src/session/clock.js';

describe('BfdSilenceWatch', () => {
  it('fires once the packet count stood still for the silent time', () => {
    const clock = new ManualClock();
    let fired = 0;
    const w = new BfdSilenceWatch(
      clock,
      () => 7,
      () => fired++,
    );
    clock.advance(BFD_SILENT_RELEASE_MS - 1);
    expect(fired).toBe(0);
    clock.advance(1_000);
    expect(fired).toBe(1);
    clock.advance(60_000);
    expect(fired).toBe(1);
    expect(clock.pending).toBe(0);
    w.stop();
  });

  it('never fires while the peer keeps sending (Down or Init packets)', () => {
    const clock = new ManualClock();
    let packets = 0;
    let fired = 0;
    const w = new BfdSilenceWatch(
      clock,
      () => packets,
      () => fired++,
    );
    for (let i = 0; i < 60; i++) {
      packets += 1;
      clock.advance(1_000);
    }
    expect(fired).toBe(0);
    w.stop();
    expect(clock.pending).toBe(0);
  });

  it('the quiet time starts at the last packet', () => {
    const clock = new ManualClock();
    let packets = 0;
    let fired = 0;
    const w = new BfdSilenceWatch(
      clock,
      () => packets,
      () => fired++,
      3_000,
    );
    clock.advance(2_000);
    packets = 5;
    clock.advance(2_500);
    expect(fired).toBe(0);
    clock.advance(3_000);
    expect(fired).toBe(1);
    w.stop();
  });
});
