// BGP4MP / BGP4MP_ET records: every RFC 6396 and RFC 8050 subtype, hand-built.

import { describe, expect, it } from 'vitest';
import { Afi, Bgp4mpSubtype, BgpFsmState, MrtType, readMrtRecords } from '../../src/mrt/index.js';
import { bgpMessage, ip4, ip6, mrtRecord, peering, u16, u32 } from './mrt-builders.js';

const KEEPALIVE = bgpMessage(4);
const UPDATE = bgpMessage(2, Buffer.from([0, 0, 0, 0]));

function only(buf: Buffer) {
  const records = [...readMrtRecords(buf)];
  expect(records).toHaveLength(1);
  return records[0];
}

describe('BGP4MP message subtypes', () => {
  const cases = [
    ['MESSAGE', Bgp4mpSubtype.MESSAGE, false, false, false],
    ['MESSAGE_AS4', Bgp4mpSubtype.MESSAGE_AS4, true, false, false],
    ['MESSAGE_LOCAL', Bgp4mpSubtype.MESSAGE_LOCAL, false, true, false],
    ['MESSAGE_AS4_LOCAL', Bgp4mpSubtype.MESSAGE_AS4_LOCAL, true, true, false],
    ['MESSAGE_ADDPATH', Bgp4mpSubtype.MESSAGE_ADDPATH, false, false, true],
    ['MESSAGE_AS4_ADDPATH', Bgp4mpSubtype.MESSAGE_AS4_ADDPATH, true, false, true],
    ['MESSAGE_LOCAL_ADDPATH', Bgp4mpSubtype.MESSAGE_LOCAL_ADDPATH, false, true, true],
    ['MESSAGE_AS4_LOCAL_ADDPATH', Bgp4mpSubtype.MESSAGE_AS4_LOCAL_ADDPATH, true, true, true],
  ] as const;

  it.each(cases)('%s over IPv4', (_name, subtype, as4, local, addPath) => {
    const peerAs = as4 ? 4_200_000_001 : 65001;
    const body = Buffer.concat([
      peering({
        as4,
        peerAs,
        localAs: 64512,
        ifIndex: 7,
        afi: Afi.IPv4,
        peerIp: ip4('192.0.2.1'),
        localIp: ip4('192.0.2.2'),
      }),
      UPDATE,
    ]);
    const buf = mrtRecord(MrtType.BGP4MP, subtype, body, { timestamp: 1234 });
    expect(only(buf)).toEqual({
      kind: 'bgp4mp-message',
      type: MrtType.BGP4MP,
      subtype,
      timestamp: 1234,
      microseconds: undefined,
      offset: 0,
      peerAs,
      localAs: 64512,
      ifIndex: 7,
      afi: Afi.IPv4,
      peerIp: '192.0.2.1',
      localIp: '192.0.2.2',
      as4,
      addPath,
      local,
      message: UPDATE,
    });
  });

  it.each(cases)('%s over IPv6 with an Extended Timestamp header', (_name, subtype, as4) => {
    const body = Buffer.concat([
      peering({
        as4,
        peerAs: 65001,
        localAs: 65002,
        afi: Afi.IPv6,
        peerIp: ip6('2001:db8::1'),
        localIp: ip6('fe80::2'),
      }),
      KEEPALIVE,
    ]);
    const rec = only(mrtRecord(MrtType.BGP4MP_ET, subtype, body, { microseconds: 999_999 }));
    expect(rec).toMatchObject({
      kind: 'bgp4mp-message',
      type: MrtType.BGP4MP_ET,
      microseconds: 999_999,
      peerIp: '2001:db8::1',
      localIp: 'fe80::2',
      afi: Afi.IPv6,
      message: KEEPALIVE,
    });
  });

  it('returns the BGP message as a zero-copy view of the input', () => {
    const body = Buffer.concat([
      peering({
        as4: true,
        peerAs: 1,
        localAs: 2,
        afi: Afi.IPv4,
        peerIp: ip4('10.0.0.1'),
        localIp: ip4('10.0.0.2'),
      }),
      UPDATE,
    ]);
    const buf = mrtRecord(MrtType.BGP4MP_ET, Bgp4mpSubtype.MESSAGE_AS4, body, { microseconds: 5 });
    const rec = only(buf);
    if (rec.kind !== 'bgp4mp-message') throw new Error('expected a message');
    expect(rec.message.buffer).toBe(buf.buffer);
    expect(rec.message.byteOffset).toBe(buf.byteOffset + buf.length - UPDATE.length);
    buf[buf.length - 1] = 0x55;
    expect(rec.message[rec.message.length - 1]).toBe(0x55);
  });

  it('counts the Microsecond Timestamp in the ET Length field (RFC 6396 §3)', () => {
    const body = Buffer.concat([
      peering({
        as4: true,
        peerAs: 1,
        localAs: 2,
        afi: Afi.IPv4,
        peerIp: ip4('10.0.0.1'),
        localIp: ip4('10.0.0.2'),
      }),
      KEEPALIVE,
    ]);
    const et = mrtRecord(MrtType.BGP4MP_ET, Bgp4mpSubtype.MESSAGE_AS4, body, { microseconds: 1 });
    expect(et.readUInt32BE(8)).toBe(4 + body.length);
    const two = Buffer.concat([et, et]);
    const recs = [...readMrtRecords(two)];
    expect(recs.map((r) => r.offset)).toEqual([0, et.length]);
  });
});

describe('BGP4MP state changes', () => {
  it('STATE_CHANGE uses 2-octet AS numbers', () => {
    const body = Buffer.concat([
      peering({
        as4: false,
        peerAs: 3856,
        localAs: 3857,
        ifIndex: 1,
        afi: Afi.IPv4,
        peerIp: ip4('206.220.231.55'),
        localIp: ip4('0.0.0.0'),
      }),
      u16(BgpFsmState.Idle),
      u16(BgpFsmState.Connect),
    ]);
    expect(only(mrtRecord(MrtType.BGP4MP, Bgp4mpSubtype.STATE_CHANGE, body))).toMatchObject({
      kind: 'bgp4mp-state-change',
      subtype: Bgp4mpSubtype.STATE_CHANGE,
      peerAs: 3856,
      localAs: 3857,
      ifIndex: 1,
      afi: Afi.IPv4,
      peerIp: '206.220.231.55',
      localIp: '0.0.0.0',
      as4: false,
      oldState: BgpFsmState.Idle,
      newState: BgpFsmState.Connect,
    });
  });

  it('STATE_CHANGE_AS4 over IPv6 in an ET record', () => {
    const body = Buffer.concat([
      peering({
        as4: true,
        peerAs: 4_200_000_000,
        localAs: 65000,
        afi: Afi.IPv6,
        peerIp: ip6('2001:7f8:54::188'),
        localIp: ip6('2001:7f8:54::1:99'),
      }),
      u16(BgpFsmState.OpenConfirm),
      u16(BgpFsmState.Established),
    ]);
    const rec = only(
      mrtRecord(MrtType.BGP4MP_ET, Bgp4mpSubtype.STATE_CHANGE_AS4, body, { microseconds: 42 }),
    );
    expect(rec).toMatchObject({
      kind: 'bgp4mp-state-change',
      type: MrtType.BGP4MP_ET,
      microseconds: 42,
      peerAs: 4_200_000_000,
      peerIp: '2001:7f8:54::188',
      localIp: '2001:7f8:54::1:99',
      as4: true,
      oldState: BgpFsmState.OpenConfirm,
      newState: BgpFsmState.Established,
    });
  });
});

describe('BGP4MP subtypes the reader does not decode', () => {
  it.each([2, 3, 12, 0xffff])('subtype %i yields an unknown record', (subtype) => {
    const body = Buffer.from([1, 2, 3]);
    expect(only(mrtRecord(MrtType.BGP4MP, subtype, body))).toEqual({
      kind: 'unknown',
      type: MrtType.BGP4MP,
      subtype,
      timestamp: 1_700_000_000,
      microseconds: undefined,
      offset: 0,
      body,
    });
  });

  it('an unknown ET type still has its microseconds split off', () => {
    const rec = only(mrtRecord(MrtType.ISIS_ET, 0, u32(7), { microseconds: 3 }));
    expect(rec).toMatchObject({ kind: 'unknown', microseconds: 3, body: u32(7) });
  });
});
