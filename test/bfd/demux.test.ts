// RFC 5880 §6.3 demultiplexing on a shared socket: by Your Discriminator, else by peer address.
import { describe, expect, it } from 'vitest';
import { BfdDemux, canonicalAddress } from '../../src/bfd/demux.js';
import type { BfdPacketSink } from '../../src/bfd/network.js';
import { encodeControl } from '../../src/bfd/packet.js';

const sink = (localDiscr: number, remoteDiscr = 0) => {
  const got: number[] = [];
  const s: BfdPacketSink = { localDiscr, remoteDiscr, receive: (_raw, p) => got.push(p.myDiscr) };
  return { s, got };
};
const pkt = (myDiscr: number, yourDiscr: number, state: 'Down' | 'Up' = yourDiscr ? 'Up' : 'Down') =>
  encodeControl({
    diag: 0,
    state,
    poll: false,
    final: false,
    cpi: false,
    demand: false,
    detectMult: 3,
    myDiscr,
    yourDiscr,
    desiredMinTx: 1_000_000,
    requiredMinRx: 300_000,
    requiredMinEchoRx: 0,
  });

describe('BfdDemux', () => {
  it('selects by Your Discriminator and checks the source address', () => {
    const d = new BfdDemux();
    const one = sink(1);
    const two = sink(2);
    d.add('10.0.0.2', one.s);
    d.add('10.0.0.3', two.s);
    expect(d.dispatch(pkt(9, 2), '10.0.0.3')).toBe('delivered');
    expect(two.got).toEqual([9]);
    expect(d.dispatch(pkt(9, 2), '10.0.0.2')).toBe('wrongSource');
    expect(d.dispatch(pkt(9, 7), '10.0.0.2')).toBe('noSession');
    expect(d.stats).toEqual({ malformed: 0, noSession: 1, wrongSource: 1 });
  });
  it('with Your Discriminator 0, selects by peer address (any spelling, IPv4-mapped too)', () => {
    const d = new BfdDemux();
    const v6 = sink(1);
    const v4 = sink(2);
    d.add('FD00:0:0::2', v6.s);
    d.add('10.0.0.2', v4.s);
    expect(d.dispatch(pkt(5, 0), 'fd00::2')).toBe('delivered');
    expect(d.dispatch(pkt(6, 0), '::ffff:10.0.0.2')).toBe('delivered');
    expect([v6.got, v4.got]).toEqual([[5], [6]]);
    expect(d.dispatch(pkt(5, 0), '10.0.0.9')).toBe('noSession');
    expect(canonicalAddress('fe80::1%eth0')).toBe('fe80::1');
  });
  it('prefers the session that already knows the sender’s discriminator, then one that knows none', () => {
    const d = new BfdDemux();
    const known = sink(1, 77);
    const fresh = sink(2, 0);
    d.add('10.0.0.2', known.s);
    d.add('10.0.0.2', fresh.s);
    d.dispatch(pkt(77, 0), '10.0.0.2');
    d.dispatch(pkt(88, 0), '10.0.0.2');
    expect([known.got, fresh.got]).toEqual([[77], [88]]);
    d.remove(fresh.s);
    expect(d.size).toBe(1);
  });
  it('counts malformed datagrams', () => {
    const d = new BfdDemux();
    expect(d.dispatch(Buffer.alloc(10), '10.0.0.2')).toBe('malformed');
  });
});
