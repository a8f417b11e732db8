// A listing streams its rows a chunk per turn of the event loop (row-stream.ts, issue 16): other
// work (timers, sessions) runs between two chunks of a full table, and the output is unchanged.
import { describe, expect, it } from 'vitest';
import { CHUNK, rowStream } from '../../src/api/row-stream.js';

const rows = Array.from({ length: 20_000 }, (_, i) => ({ prefix: `10.${i >> 8}.${i & 255}.0/24`, n: i }));

async function read(ndjson: boolean, onChunk?: () => void): Promise<string> {
  let text = '';
  for await (const chunk of rowStream(rows, ndjson)) {
    text += chunk;
    onChunk?.();
  }
  return text;
}

describe('rowStream', () => {
  it('gives the event loop a turn between two chunks', async () => {
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    await read(true, () => seen.push(turns));
    ticking = false;
    expect(seen.length).toBeGreaterThan(3);
    // a reader taking chunks as fast as they come still sees other work run between them
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });

  it('writes every row, as NDJSON or as one JSON array', async () => {
    const nd = await read(true);
    expect(
      nd
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
    expect(nd.length).toBeGreaterThan(CHUNK);
    expect(JSON.parse(await read(false))).toEqual(rows);
  });
});
