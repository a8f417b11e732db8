// Truncated and malformed MRT input: always MrtFormatError with an offset, never a RangeError.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Afi,
  Bgp4mpSubtype,
  MrtFormatError,
  MrtType,
  readMrtRecords,
  TableDumpSubtype,
  TableDumpV2Subtype,
} from '../../src/mrt/index.js';
import {
  bgpMessage,
  ip4,
  ip6,
  mrtRecord,
  peerIndexTableBody,
  peering,
  ribEntries,
  SAMPLE_ATTRIBUTES,
  u8,
  u16,
  u32,
} from './mrt-builders.js';

function readAll(buf: Buffer) {
  return [...readMrtRecords(buf)];
}

function formatError(buf: Buffer): MrtFormatError {
  try {
    readAll(buf);
  } catch (err) {
    expect(err).toBeInstanceOf(MrtFormatError);
    return err as MrtFormatError;
  }
  throw new Error('expected MrtFormatError');
}

const V4_PEERING = peering({
  as4: true,
  peerAs: 65001,
  localAs: 65002,
  afi: Afi.IPv4,
  peerIp: ip4('192.0.2.1'),
  localIp: ip4('192.0.2.2'),
});

/** One valid record of every decoded kind, for truncation sweeps. */
const VALID_RECORDS: Record<string, Buffer> = {
  'BGP4MP_ET MESSAGE_AS4': mrtRecord(
    MrtType.BGP4MP_ET,
    Bgp4mpSubtype.MESSAGE_AS4,
    Buffer.concat([V4_PEERING, bgpMessage(4)]),
    { microseconds: 1 },
  ),
  'BGP4MP MESSAGE_ADDPATH': mrtRecord(
    MrtType.BGP4MP,
    Bgp4mpSubtype.MESSAGE_ADDPATH,
    Buffer.concat([
      peering({ as4: false, peerAs: 1, localAs: 2, afi: Afi.IPv6, peerIp: ip6('::1'), localIp: ip6('::2') }),
      bgpMessage(2, Buffer.from([0, 0, 0, 0])),
    ]),
  ),
  'BGP4MP STATE_CHANGE_AS4': mrtRecord(
    MrtType.BGP4MP,
    Bgp4mpSubtype.STATE_CHANGE_AS4,
    Buffer.concat([V4_PEERING, u16(1), u16(2)]),
  ),
  PEER_INDEX_TABLE: mrtRecord(
    MrtType.TABLE_DUMP_V2,
    TableDumpV2Subtype.PEER_INDEX_TABLE,
    peerIndexTableBody('10.0.0.1', 'v', [
      { bgpId: '1.1.1.1', ip: ip6('2001:db8::1'), as: 65001, as4: true },
      { bgpId: '2.2.2.2', ip: ip4('10.0.0.2'), as: 65002, as4: false },
    ]),
  ),
  RIB_IPV6_UNICAST_ADDPATH: mrtRecord(
    MrtType.TABLE_DUMP_V2,
    TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH,
    Buffer.concat([
      u32(1),
      u8(32),
      Buffer.from([0x20, 0x01, 0x0d, 0xb8]),
      ribEntries([{ peerIndex: 0, originatedTime: 1, pathId: 7, attributes: SAMPLE_ATTRIBUTES }]),
    ]),
  ),
  RIB_GENERIC_ADDPATH: mrtRecord(
    MrtType.TABLE_DUMP_V2,
    TableDumpV2Subtype.RIB_GENERIC_ADDPATH,
    Buffer.concat([
      u32(1),
      u16(1),
      u8(1),
      u32(9),
      u8(8),
      u8(10),
      ribEntries([{ peerIndex: 0, originatedTime: 1, attributes: SAMPLE_ATTRIBUTES }]),
    ]),
  ),
  TABLE_DUMP: mrtRecord(
    MrtType.TABLE_DUMP,
    TableDumpSubtype.AFI_IPv4,
    Buffer.concat([u16(0), u16(0), ip4('10.0.0.0'), u8(8), u8(1), u32(0), ip4('1.2.3.4'), u16(1), u16(0)]),
  ),
};

describe('framing errors', () => {
  it('a partial common header', () => {
    const err = formatError(Buffer.concat([VALID_RECORDS.TABLE_DUMP, Buffer.from([0, 0, 0])]));
    expect(err.offset).toBe(VALID_RECORDS.TABLE_DUMP.length);
    expect(err.message).toMatch(/truncated MRT header/);
  });

  it('a Length beyond the end of input', () => {
    const rec = VALID_RECORDS['BGP4MP STATE_CHANGE_AS4'];
    const err = formatError(Buffer.concat([rec, rec.subarray(0, rec.length - 1)]));
    expect(err.offset).toBe(rec.length);
    expect(err.message).toMatch(/truncated MRT record/);
  });

  it('an ET record too short for its Microsecond Timestamp', () => {
    const buf = Buffer.concat([u32(0), u16(MrtType.BGP4MP_ET), u16(4), u32(3), Buffer.from([1, 2, 3])]);
    expect(formatError(buf).message).toMatch(/Microsecond Timestamp/);
  });

  it('MrtFormatError is an Error with a name', () => {
    const err = new MrtFormatError('x', 5);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('MrtFormatError');
    expect(err.offset).toBe(5);
  });
});

describe('BGP4MP errors', () => {
  it('an Address Family other than IPv4/IPv6', () => {
    const body = Buffer.concat([u16(1), u16(2), u16(0), u16(3), Buffer.alloc(8), u16(1), u16(2)]);
    const err = formatError(mrtRecord(MrtType.BGP4MP, Bgp4mpSubtype.STATE_CHANGE, body));
    expect(err.message).toMatch(/Address Family 3/);
    expect(err.offset).toBe(12 + 6);
  });

  it('a BGP message shorter than its 19-octet header', () => {
    const body = Buffer.concat([V4_PEERING, Buffer.alloc(18, 0xff)]);
    expect(formatError(mrtRecord(MrtType.BGP4MP, Bgp4mpSubtype.MESSAGE_AS4, body)).message).toMatch(
      /BGP message header/,
    );
  });

  it('a BGP Length that disagrees with the record', () => {
    const msg = bgpMessage(2, Buffer.from([0, 0, 0, 0]));
    const body = Buffer.concat([V4_PEERING, msg, Buffer.from([0])]);
    expect(formatError(mrtRecord(MrtType.BGP4MP, Bgp4mpSubtype.MESSAGE_AS4, body)).message).toMatch(
      /does not match/,
    );
  });

  it('trailing octets after a state change', () => {
    const body = Buffer.concat([V4_PEERING, u16(1), u16(2), u8(0)]);
    expect(formatError(mrtRecord(MrtType.BGP4MP, Bgp4mpSubtype.STATE_CHANGE_AS4, body)).message).toMatch(
      /trailing/,
    );
  });
});

describe('TABLE_DUMP_V2 errors', () => {
  it('a Prefix Length over 32 in RIB_IPV4_UNICAST', () => {
    const body = Buffer.concat([u32(0), u8(33), Buffer.alloc(5), ribEntries([])]);
    expect(formatError(mrtRecord(MrtType.TABLE_DUMP_V2, 2, body)).message).toMatch(/Prefix Length 33/);
  });

  it('an Attribute Length running past the record', () => {
    const entries = ribEntries([{ peerIndex: 0, originatedTime: 0, attributes: SAMPLE_ATTRIBUTES }]);
    const body = Buffer.concat([u32(0), u8(8), u8(10), entries.subarray(0, entries.length - 1)]);
    expect(formatError(mrtRecord(MrtType.TABLE_DUMP_V2, 2, body)).message).toMatch(/BGP Attributes/);
  });

  it('an Entry Count larger than the entries present', () => {
    const body = Buffer.concat([u32(0), u8(8), u8(10), u16(2), ribEntries([]).subarray(2)]);
    expect(formatError(mrtRecord(MrtType.TABLE_DUMP_V2, 2, body)).message).toMatch(/Peer Index/);
  });

  it('octets left over after the RIB entries', () => {
    const body = Buffer.concat([u32(0), u8(8), u8(10), ribEntries([]), u8(0)]);
    expect(formatError(mrtRecord(MrtType.TABLE_DUMP_V2, 2, body)).message).toMatch(/trailing/);
  });

  it('a Peer Count larger than the peers present', () => {
    const body = Buffer.concat([ip4('1.1.1.1'), u16(0), u16(1), u8(0), ip4('2.2.2.2')]);
    expect(formatError(mrtRecord(MrtType.TABLE_DUMP_V2, 1, body)).message).toMatch(/Peer BGP ID/);
  });
});

describe('every truncation of a valid record', () => {
  for (const [name, record] of Object.entries(VALID_RECORDS)) {
    it(`${name} decodes whole, and every shorter Length throws MrtFormatError`, () => {
      expect(readAll(record)).toHaveLength(1);
      for (let cut = 12; cut < record.length; cut++) {
        // Keep the record self-consistent: Length says exactly the octets that remain.
        const short = Buffer.from(record.subarray(0, cut));
        short.writeUInt32BE(cut - 12, 8);
        expect(() => readAll(short), `cut at ${cut}`).toThrow(MrtFormatError);
        // And the raw cut (Length unchanged) is a framing error.
        expect(() => readAll(record.subarray(0, cut)), `raw cut at ${cut}`).toThrow(MrtFormatError);
      }
    });
  }
});

describe('fuzzing', () => {
  const types = [MrtType.TABLE_DUMP, MrtType.TABLE_DUMP_V2, MrtType.BGP4MP, MrtType.BGP4MP_ET, 0, 33];
  const recordArb = fc
    .tuple(fc.constantFrom(...types), fc.integer({ min: 0, max: 13 }), fc.uint8Array({ maxLength: 80 }))
    .map(([type, subtype, body]) => mrtRecord(type, subtype, Buffer.from(body)));

  it('random bodies under real type/subtype codes only ever throw MrtFormatError', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 4 }), fc.nat(), (records, cut) => {
        const buf = Buffer.concat(records);
        const input = buf.subarray(0, buf.length === 0 ? 0 : cut % (buf.length + 1));
        try {
          readAll(input);
        } catch (err) {
          if (!(err instanceof MrtFormatError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('random mutations of valid records only ever throw MrtFormatError', () => {
    const valid = Object.values(VALID_RECORDS);
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
        (rec, flips) => {
          const buf = Buffer.from(rec);
          for (const [at, value] of flips) buf[12 + (at % (buf.length - 12))] = value;
          try {
            readAll(buf);
          } catch (err) {
            if (!(err instanceof MrtFormatError)) throw err;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
