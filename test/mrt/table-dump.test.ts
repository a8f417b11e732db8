// Legacy TABLE_DUMP (type 12) records, hand-built.

import { describe, expect, it } from 'vitest';
import { Afi, MrtType, readMrtRecords, TableDumpSubtype } from '../../src/mrt/index.js';
import { ip4, ip6, mrtRecord, SAMPLE_ATTRIBUTES, u8, u16, u32 } from './mrt-builders.js';

function tableDumpBody(prefix: Buffer, length: number, peerIp: Buffer, peerAs: number, attributes: Buffer) {
  return Buffer.concat([
    u16(0),
    u16(12),
    prefix,
    u8(length),
    u8(1),
    u32(1_000_000),
    peerIp,
    u16(peerAs),
    u16(attributes.length),
    attributes,
  ]);
}

describe('TABLE_DUMP', () => {
  it('AFI_IPv4', () => {
    const body = tableDumpBody(ip4('192.0.2.0'), 24, ip4('198.51.100.1'), 64500, SAMPLE_ATTRIBUTES);
    expect([...readMrtRecords(mrtRecord(MrtType.TABLE_DUMP, TableDumpSubtype.AFI_IPv4, body))]).toEqual([
      {
        kind: 'table-dump',
        type: MrtType.TABLE_DUMP,
        subtype: TableDumpSubtype.AFI_IPv4,
        timestamp: 1_700_000_000,
        microseconds: undefined,
        offset: 0,
        viewNumber: 0,
        sequence: 12,
        afi: Afi.IPv4,
        prefix: { length: 24, bytes: Buffer.from([192, 0, 2]) },
        status: 1,
        originatedTime: 1_000_000,
        peerIp: '198.51.100.1',
        peerAs: 64500,
        attributes: SAMPLE_ATTRIBUTES,
      },
    ]);
  });

  it('AFI_IPv6', () => {
    const body = tableDumpBody(ip6('2001:db8::'), 32, ip6('2001:db8::1'), 65535, Buffer.alloc(0));
    expect([...readMrtRecords(mrtRecord(MrtType.TABLE_DUMP, TableDumpSubtype.AFI_IPv6, body))]).toMatchObject(
      [
        {
          kind: 'table-dump',
          afi: Afi.IPv6,
          prefix: { length: 32, bytes: ip6('2001:db8::').subarray(0, 4) },
          peerIp: '2001:db8::1',
          peerAs: 65535,
        },
      ],
    );
  });

  it('an unknown subtype is yielded as unknown', () => {
    expect([...readMrtRecords(mrtRecord(MrtType.TABLE_DUMP, 3, u32(0)))]).toMatchObject([
      { kind: 'unknown' },
    ]);
  });
});
