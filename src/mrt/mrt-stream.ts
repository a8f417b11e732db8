// Streaming MRT reader: reassembles records across chunk boundaries of a (gunzipped) file stream.

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { recordLengthAt } from './common-header.js';
import { MrtFormatError } from './mrt-format-error.js';
import { decodeMrtRecord } from './mrt-reader.js';
import { MRT_HEADER_LENGTH } from './record-types.js';
import type { MrtRecord } from './records.js';

/**
 * Yields the records in a sequence of byte chunks. Records wholly inside a chunk are decoded
 * in place (views into that chunk); only a record that straddles chunks is copied together,
 * once. Chunks must not be mutated after they are handed over.
 */
export async function* readMrtChunks(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<MrtRecord, void, undefined> {
  // Pieces of one record split across chunks; `needed` is its total length once its header is known.
  let parts: Buffer[] = [];
  let partsLength = 0;
  let needed = 0;
  let consumed = 0; // input offset of the next record's first octet
  for await (const raw of chunks) {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (partsLength > 0) {
      if (needed === 0) {
        if (partsLength + chunk.length < MRT_HEADER_LENGTH) {
          parts.push(chunk);
          partsLength += chunk.length;
          continue;
        }
        const head = Buffer.concat([...parts, chunk.subarray(0, MRT_HEADER_LENGTH - partsLength)]);
        needed = recordLengthAt(head, 0, consumed);
      }
      const take = needed - partsLength;
      if (chunk.length < take) {
        parts.push(chunk);
        partsLength += chunk.length;
        continue;
      }
      parts.push(chunk.subarray(0, take));
      yield decodeMrtRecord(Buffer.concat(parts, needed), 0, consumed);
      chunk = chunk.subarray(take);
      consumed += needed;
      parts = [];
      partsLength = 0;
      needed = 0;
    }
    let pos = 0;
    const chunkBase = consumed;
    while (chunk.length - pos >= MRT_HEADER_LENGTH) {
      const total = recordLengthAt(chunk, pos, chunkBase);
      if (chunk.length - pos < total) {
        needed = total;
        break;
      }
      yield decodeMrtRecord(chunk, pos, chunkBase);
      pos += total;
      consumed += total;
    }
    if (pos < chunk.length) {
      parts = [chunk.subarray(pos)];
      partsLength = chunk.length - pos;
    }
  }
  if (partsLength > 0) {
    throw new MrtFormatError(
      needed === 0
        ? `truncated MRT header: need ${MRT_HEADER_LENGTH} octets, ${partsLength} left`
        : `truncated MRT record: Length says ${needed - MRT_HEADER_LENGTH} octets, ${partsLength - MRT_HEADER_LENGTH} present`,
      consumed,
    );
  }
}

export interface StreamMrtOptions {
  /** Read-stream and gunzip output chunk size in octets (default 1 MiB). */
  highWaterMark?: number;
}

/** Yields the records of an MRT file, gunzipping it on the fly when the name ends in `.gz`. */
export async function* streamMrtRecords(
  path: string,
  options: StreamMrtOptions = {},
): AsyncGenerator<MrtRecord, void, undefined> {
  const chunkSize = options.highWaterMark ?? 1 << 20;
  const file = createReadStream(path, { highWaterMark: chunkSize });
  // Large gunzip output chunks keep records that straddle a chunk boundary (and get copied) rare.
  const source: Readable = path.endsWith('.gz')
    ? file.pipe(createGunzip({ chunkSize: Math.max(64, chunkSize) }))
    : file;
  if (source !== file) file.on('error', (err) => source.destroy(err));
  try {
    yield* readMrtChunks(source);
  } finally {
    file.destroy();
    source.destroy();
  }
}
