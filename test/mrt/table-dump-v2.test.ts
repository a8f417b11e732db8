// TABLE_DUMP_V2 records: PEER_INDEX_TABLE and every RIB subtype incl. RFC 8050 add-path, hand-built.

import { describe, expect, it } from 'vitest';
import { Afi, MrtType, readMrtRecords, Safi, TableDumpV2Subtype } from '../../src/mrt/index.js';
import {
  ip4,
  ip6,
  mrtRecord,
  peerIndexTableBody,
  ribEntries,
  SAMPLE_ATTRIBUTES,
  u8,
  u16,
  u32,
} from './mrt-builders.js';

function only(buf: Buffer) {
  const records = [...readMrtRecords(buf)];
  expect(records).toHaveLength(1);
  return records[0];
}

describe('PEER_INDEX_TABLE', () => {
  it('decodes peers of every Peer Type combination', () => {
    const body = peerIndexTableBody('10.0.16.1', 'master', [
      { bgpId: '0.0.0.0', ip: ip4('0.0.0.0'), as: 0, as4: false },
      { bgpId: '10.0.17.1', ip: ip4('10.0.16.2'), as: 65017, as4: true },
      { bgpId: '10.0.15.1', ip: ip6('2001:db8:15::1'), as: 65015, as4: false },
      { bgpId: '192.0.2.9', ip: ip6('2001:db8::9'), as: 4_200_000_000, as4: true },
    ]);
    expect(only(mrtRecord(MrtType.TABLE_DUMP_V2, TableDumpV2Subtype.PEER_INDEX_TABLE, body))).toMatchObject({
      kind: 'peer-index-table',
      collectorBgpId: '10.0.16.1',
      viewName: 'master',
      peers: [
        { peerType: 0, bgpId: '0.0.0.0', afi: Afi.IPv4, ip: '0.0.0.0', as: 0, as4: false },
        { peerType: 2, bgpId: '10.0.17.1', afi: Afi.IPv4, ip: '10.0.16.2', as: 65017, as4: true },
        { peerType: 1, bgpId: '10.0.15.1', afi: Afi.IPv6, ip: '2001:db8:15::1', as: 65015, as4: false },
        { peerType: 3, bgpId: '192.0.2.9', afi: Afi.IPv6, ip: '2001:db8::9', as: 4_200_000_000, as4: true },
      ],
    });
  });

  it('accepts an empty view name and no peers', () => {
    const body = peerIndexTableBody('1.2.3.4', '', []);
    expect(only(mrtRecord(MrtType.TABLE_DUMP_V2, 1, body))).toMatchObject({ viewName: '', peers: [] });
  });
});

describe('AFI/SAFI-specific RIB subtypes', () => {
  const cases = [
    ['RIB_IPV4_UNICAST', TableDumpV2Subtype.RIB_IPV4_UNICAST, Afi.IPv4, Safi.UNICAST, false],
    ['RIB_IPV4_MULTICAST', TableDumpV2Subtype.RIB_IPV4_MULTICAST, Afi.IPv4, Safi.MULTICAST, false],
    ['RIB_IPV6_UNICAST', TableDumpV2Subtype.RIB_IPV6_UNICAST, Afi.IPv6, Safi.UNICAST, false],
    ['RIB_IPV6_MULTICAST', TableDumpV2Subtype.RIB_IPV6_MULTICAST, Afi.IPv6, Safi.MULTICAST, false],
    ['RIB_IPV4_UNICAST_ADDPATH', TableDumpV2Subtype.RIB_IPV4_UNICAST_ADDPATH, Afi.IPv4, Safi.UNICAST, true],
    [
      'RIB_IPV4_MULTICAST_ADDPATH',
      TableDumpV2Subtype.RIB_IPV4_MULTICAST_ADDPATH,
      Afi.IPv4,
      Safi.MULTICAST,
      true,
    ],
    ['RIB_IPV6_UNICAST_ADDPATH', TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH, Afi.IPv6, Safi.UNICAST, true],
    [
      'RIB_IPV6_MULTICAST_ADDPATH',
      TableDumpV2Subtype.RIB_IPV6_MULTICAST_ADDPATH,
      Afi.IPv6,
      Safi.MULTICAST,
      true,
    ],
  ] as const;

  it.each(cases)('%s', (_name, subtype, afi, safi, addPath) => {
    // 10.0.8.0/22 (3 octets) or 2001:db8:28::/48 (6 octets)
    const prefixBytes = afi === Afi.IPv4 ? Buffer.from([10, 0, 8]) : ip6('2001:db8:28::').subarray(0, 6);
    const prefixLength = afi === Afi.IPv4 ? 22 : 48;
    const second = Buffer.from([0x40, 0x01, 0x01, 0x02]);
    const entries = [
      {
        peerIndex: 1,
        originatedTime: 1_452_168_000,
        pathId: addPath ? 0x01020304 : undefined,
        attributes: SAMPLE_ATTRIBUTES,
      },
      { peerIndex: 2, originatedTime: 1_452_168_001, pathId: addPath ? 38 : undefined, attributes: second },
    ];
    const body = Buffer.concat([u32(77), u8(prefixLength), prefixBytes, ribEntries(entries)]);
    const buf = mrtRecord(MrtType.TABLE_DUMP_V2, subtype, body);
    const rec = only(buf);
    expect(rec).toEqual({
      kind: 'rib',
      type: MrtType.TABLE_DUMP_V2,
      subtype,
      timestamp: 1_700_000_000,
      microseconds: undefined,
      offset: 0,
      sequence: 77,
      afi,
      safi,
      addPath,
      prefix: { length: prefixLength, bytes: prefixBytes },
      entries,
    });
    if (rec.kind !== 'rib') throw new Error('expected rib');
    expect(rec.prefix.bytes.buffer).toBe(buf.buffer);
    expect(rec.entries[0].attributes.buffer).toBe(buf.buffer);
  });

  it('a /0 prefix has no prefix octets', () => {
    const body = Buffer.concat([u32(0), u8(0), ribEntries([])]);
    expect(only(mrtRecord(MrtType.TABLE_DUMP_V2, TableDumpV2Subtype.RIB_IPV4_UNICAST, body))).toMatchObject({
      prefix: { length: 0, bytes: Buffer.alloc(0) },
      entries: [],
    });
  });
});

describe('RIB_GENERIC', () => {
  it('RIB_GENERIC carries AFI/SAFI and one NLRI', () => {
    const nlri = Buffer.concat([u8(32), ip6('2001:db8::')]).subarray(0, 5);
    const body = Buffer.concat([
      u32(5),
      u16(Afi.IPv6),
      u8(Safi.UNICAST),
      nlri,
      ribEntries([{ peerIndex: 0, originatedTime: 9, attributes: SAMPLE_ATTRIBUTES }]),
    ]);
    expect(only(mrtRecord(MrtType.TABLE_DUMP_V2, TableDumpV2Subtype.RIB_GENERIC, body))).toMatchObject({
      kind: 'rib',
      sequence: 5,
      afi: Afi.IPv6,
      safi: Safi.UNICAST,
      addPath: false,
      prefix: { length: 32, bytes: ip6('2001:db8::').subarray(0, 4) },
      entries: [{ peerIndex: 0, originatedTime: 9, pathId: undefined, attributes: SAMPLE_ATTRIBUTES }],
    });
  });

  it('RIB_GENERIC_ADDPATH takes the Path Identifier from the NLRI, not the entries (RFC 8050 §4.2)', () => {
    const body = Buffer.concat([
      u32(6),
      u16(Afi.IPv4),
      u8(Safi.MULTICAST),
      u32(42),
      u8(24),
      Buffer.from([198, 51, 100]),
      ribEntries([
        { peerIndex: 3, originatedTime: 10, attributes: SAMPLE_ATTRIBUTES },
        { peerIndex: 4, originatedTime: 11, attributes: Buffer.alloc(0) },
      ]),
    ]);
    expect(
      only(mrtRecord(MrtType.TABLE_DUMP_V2, TableDumpV2Subtype.RIB_GENERIC_ADDPATH, body)),
    ).toMatchObject({
      kind: 'rib',
      afi: Afi.IPv4,
      safi: Safi.MULTICAST,
      addPath: true,
      prefix: { length: 24, bytes: Buffer.from([198, 51, 100]) },
      entries: [
        { peerIndex: 3, originatedTime: 10, pathId: 42, attributes: SAMPLE_ATTRIBUTES },
        { peerIndex: 4, originatedTime: 11, pathId: 42, attributes: Buffer.alloc(0) },
      ],
    });
  });

  it('an unrecognised AFI/SAFI is yielded as unknown with the whole body (RFC 6396 §4.3.3)', () => {
    const body = Buffer.concat([u32(1), u16(Afi.IPv4), u8(133), Buffer.from([0x05, 0x01, 0x18, 10, 0, 0])]);
    expect(only(mrtRecord(MrtType.TABLE_DUMP_V2, TableDumpV2Subtype.RIB_GENERIC, body))).toMatchObject({
      kind: 'unknown',
      subtype: TableDumpV2Subtype.RIB_GENERIC,
      body,
    });
  });
});

describe('TABLE_DUMP_V2 subtypes the reader does not decode', () => {
  it.each([TableDumpV2Subtype.GEO_PEER_TABLE, 0, 13, 999])('subtype %i yields unknown', (subtype) => {
    const body = Buffer.from('opaque');
    expect(only(mrtRecord(MrtType.TABLE_DUMP_V2, subtype, body))).toMatchObject({
      kind: 'unknown',
      subtype,
      body,
    });
  });
});
