// Seed messages for the receive-path fuzzer: real UPDATEs from the public MRT capture
// (../shared/data/mrt, read with src/mrt) and the messages captured from BIRD, FRR and GoBGP
// (test/fixtures/captures/messages.json). Each seed is a whole BGP message with the 4-octet-AS
// setting of the session it came from.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeMrtRecord } from '../../src/mrt/index.js';
import { codecContext, decodeUpdate, encodeUpdate, MessageType } from '../../src/wire/index.js';

export interface Seed {
  readonly message: Buffer;
  readonly as4: boolean;
  readonly from: string;
}

const MRT = new URL('../../../shared/data/mrt/updates.20160811.1600.gz', import.meta.url);
const CAPTURES = new URL('../fixtures/captures/messages.json', import.meta.url);

/** Up to `limit` UPDATEs (without add-path, received by the collector) from the MRT update dump. */
export function mrtSeeds(limit: number): Seed[] {
  if (!existsSync(MRT)) return [];
  const data = gunzipSync(readFileSync(MRT));
  const seeds: Seed[] = [];
  for (let off = 0; off < data.length && seeds.length < limit; ) {
    const length = data.readUInt32BE(off + 8) + 12;
    const r = decodeMrtRecord(data, off);
    off += length;
    if (r.kind !== 'bgp4mp-message' || r.local || r.addPath || r.message[18] !== MessageType.UPDATE) continue;
    // Spread over the file: keep about one in three.
    if (off % 3 !== 0) continue;
    seeds.push({ message: Buffer.from(r.message), as4: r.as4, from: 'mrt' });
  }
  return seeds;
}

/**
 * Every captured UPDATE, with the session's 4-octet AS setting. (Those of add-path sessions are read
 * without path ids here: one more way of being wrong for the decoder to survive.)
 */
export function captureSeeds(): Seed[] {
  const rows = JSON.parse(readFileSync(CAPTURES, 'utf8')) as Array<{
    type: string;
    hex: string;
    session: { as4: boolean };
  }>;
  return rows
    .filter((r) => r.type === 'UPDATE')
    .map((r) => ({ message: Buffer.from(r.hex, 'hex'), as4: r.session.as4, from: 'capture' }));
}

/**
 * The 4-octet-AS seeds as a 2-octet speaker would send them (RFC 6793 §4.2.2: ASNs above 65535
 * as AS_TRANS in AS_PATH and AGGREGATOR, the real ones in AS4_PATH and AS4_AGGREGATOR): the
 * captures hold few 2-octet sessions and the MRT dump none.
 */
export function twoOctetSeeds(from: readonly Seed[], limit: number): Seed[] {
  const as4 = codecContext({ as4: true });
  const as2 = codecContext({ as4: false });
  const out: Seed[] = [];
  for (const seed of from) {
    if (out.length >= limit) break;
    if (!seed.as4) continue;
    const u = decodeUpdate(seed.message.subarray(19), as4);
    if (u.errors.length > 0) continue;
    out.push({ message: encodeUpdate(u, as2), as4: false, from: `${seed.from}, as a 2-octet speaker` });
  }
  return out;
}
