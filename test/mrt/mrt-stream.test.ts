// Streaming reader: chunk reassembly, gunzip, and truncation at end of stream.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Afi,
  Bgp4mpSubtype,
  MrtFormatError,
  type MrtRecord,
  MrtType,
  readMrtChunks,
  readMrtRecords,
  streamMrtRecords,
  TableDumpV2Subtype,
} from '../../src/mrt/index.js';
import { bgpMessage, ip4, mrtRecord, peerIndexTableBody, peering, u8, u16, u32 } from './mrt-builders.js';

const SAMPLE = Buffer.concat([
  mrtRecord(
    MrtType.TABLE_DUMP_V2,
    TableDumpV2Subtype.PEER_INDEX_TABLE,
    peerIndexTableBody('10.0.0.1', 'view', [{ bgpId: '1.1.1.1', ip: ip4('10.0.0.2'), as: 65001, as4: true }]),
  ),
  mrtRecord(
    MrtType.BGP4MP_ET,
    Bgp4mpSubtype.MESSAGE_AS4,
    Buffer.concat([
      peering({
        as4: true,
        peerAs: 1,
        localAs: 2,
        afi: Afi.IPv4,
        peerIp: ip4('10.0.0.1'),
        localIp: ip4('10.0.0.2'),
      }),
      bgpMessage(2, Buffer.from([0, 0, 0, 0])),
    ]),
    { microseconds: 12 },
  ),
  mrtRecord(MrtType.OSPFv2, 0, Buffer.alloc(0)),
  mrtRecord(
    MrtType.BGP4MP,
    Bgp4mpSubtype.STATE_CHANGE,
    Buffer.concat([
      peering({
        as4: false,
        peerAs: 1,
        localAs: 2,
        afi: Afi.IPv4,
        peerIp: ip4('10.0.0.1'),
        localIp: ip4('10.0.0.2'),
      }),
      u16(5),
      u16(6),
    ]),
  ),
  mrtRecord(MrtType.TABLE_DUMP_V2, 2, Buffer.concat([u32(0), u8(8), u8(10), u16(0)])),
]);

async function* chunked(buf: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let pos = 0;
  let i = 0;
  while (pos < buf.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    yield new Uint8Array(buf.subarray(pos, pos + n));
    pos += n;
  }
}

async function collect(it: AsyncIterable<MrtRecord>): Promise<MrtRecord[]> {
  const out: MrtRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('readMrtChunks', () => {
  const expected = [...readMrtRecords(SAMPLE)];

  it('matches readMrtRecords for every single split point', async () => {
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      const parts = [SAMPLE.subarray(0, cut), SAMPLE.subarray(cut)];
      async function* two() {
        yield* parts;
      }
      expect(await collect(readMrtChunks(two())), `split at ${cut}`).toEqual(expected);
    }
  });

  it.each([[[1]], [[2, 3]], [[5, 13, 1]], [[11]], [[12]], [[100]]])(
    'matches with chunk sizes %j',
    async (sizes) => {
      expect(await collect(readMrtChunks(chunked(SAMPLE, sizes)))).toEqual(expected);
    },
  );

  it('reports input offsets across chunks', async () => {
    const offsets = (await collect(readMrtChunks(chunked(SAMPLE, [7])))).map((r) => r.offset);
    expect(offsets).toEqual(expected.map((r) => r.offset));
  });

  it.each([1, 11, 12, 20])(
    'throws MrtFormatError when the stream stops %i octets into a record',
    async (extra) => {
      const last = mrtRecord(MrtType.BGP4MP, 0, Buffer.alloc(40));
      const input = Buffer.concat([SAMPLE, last.subarray(0, extra)]);
      const err = await collect(readMrtChunks(chunked(input, [9]))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MrtFormatError);
      expect((err as MrtFormatError).offset).toBe(SAMPLE.length);
    },
  );

  it('refuses an implausible record Length at once, without waiting for (and buffering) that much', async () => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(MrtType.BGP4MP, 4);
    header.writeUInt32BE(0x7fffffff, 8); // 2 GiB: no MRT record is that long
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield Buffer.concat([SAMPLE, header]);
      for (; pulled < 1000; pulled++) yield Buffer.alloc(1 << 16);
    }
    const err = await collect(readMrtChunks(endless())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MrtFormatError);
    expect((err as MrtFormatError).message).toMatch(/^implausible MRT record Length 2147483647/);
    expect((err as MrtFormatError).offset).toBe(SAMPLE.length);
    expect(pulled).toBe(0);
  });
});

describe('streamMrtRecords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-mrt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a plain file', async () => {
    const path = join(dir, 'plain.mrt');
    writeFileSync(path, SAMPLE);
    expect(await collect(streamMrtRecords(path, { highWaterMark: 16 }))).toEqual([...readMrtRecords(SAMPLE)]);
  });

  it('gunzips a .gz file', async () => {
    const path = join(dir, 'sample.mrt.gz');
    writeFileSync(path, gzipSync(SAMPLE));
    expect(await collect(streamMrtRecords(path, { highWaterMark: 8 }))).toEqual([...readMrtRecords(SAMPLE)]);
  });

  it('stops cleanly when the consumer breaks early', async () => {
    const path = join(dir, 'early.mrt.gz');
    writeFileSync(path, gzipSync(SAMPLE));
    for await (const rec of streamMrtRecords(path)) {
      expect(rec.kind).toBe('peer-index-table');
      break;
    }
  });

  it('rejects a missing file with the fs error', async () => {
    await expect(collect(streamMrtRecords(join(dir, 'missing.gz')))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
