// The codec on real routing data: every UPDATE and RIB entry of every MRT file in
// ../shared/data/mrt decodes without error, and the prefix totals match the ones derived
// independently (scripts/mrt-totals.py, cross-checked with bgpdump; see test/fixtures/mrt-totals.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readMrtRecords } from '../../src/mrt/index.js';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import {
  Afi,
  codecContext,
  decodeAttributes,
  decodeUpdate,
  HEADER_LENGTH,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MessageType,
  prefixKey,
  updateRoutes,
} from '../../src/wire/index.js';

const DATA_DIR = fileURLToPath(new URL('../../../shared/data/mrt/', import.meta.url));
const totals = JSON.parse(readFileSync(new URL('../fixtures/mrt-totals.json', import.meta.url), 'utf8'));

interface FamilyCount {
  announced: number;
  withdrawn: number;
  distinct: Set<string>;
  table: Set<string>;
}

const family = (): FamilyCount => ({ announced: 0, withdrawn: 0, distinct: new Set(), table: new Set() });

describe.each(['updates.et-header.2015.gz', 'updates.20160811.1600.gz'])('BGP4MP updates in %s', (file) => {
  const expected = totals[file].bgp4mp;
  const data = gunzipSync(readFileSync(DATA_DIR + file));

  it('every UPDATE decodes cleanly and per-peer totals match the independent count', () => {
    const peers = new Map<string, { v4: FamilyCount; v6: FamilyCount; rib: AdjRibIn }>();
    let updates = 0;
    for (const r of readMrtRecords(data)) {
      if (r.kind !== 'bgp4mp-message' || r.message[18] !== MessageType.UPDATE) continue;
      updates++;
      const ctx = codecContext({
        as4: r.as4,
        addPath: r.addPath ? new Set([IPV4_UNICAST, IPV6_UNICAST]) : undefined,
      });
      const key = `${r.peerIp}|${r.peerAs}`;
      let peer = peers.get(key);
      if (!peer) {
        peer = { v4: family(), v6: family(), rib: new AdjRibIn() };
        peers.set(key, peer);
      }
      const body = r.message.subarray(HEADER_LENGTH);
      const u = decodeUpdate(body, ctx);
      expect(u.errors, `${key} UPDATE at offset ${r.offset}`).toEqual([]);
      const { announced, withdrawn } = updateRoutes(u);
      for (const p of withdrawn) {
        const f = p.afi === Afi.IPV4 ? peer.v4 : peer.v6;
        f.withdrawn++;
        f.table.delete(prefixKey(p));
      }
      for (const p of announced) {
        const f = p.afi === Afi.IPV4 ? peer.v4 : peer.v6;
        f.announced++;
        f.distinct.add(prefixKey(p));
        f.table.add(prefixKey(p));
      }
      peer.rib.apply(body, ctx);
    }
    expect(updates).toBe(expected.updates);
    for (const [key, want] of Object.entries<
      Record<string, { announced: number; withdrawn: number; distinctAnnounced: number; finalTable: number }>
    >(expected.peers)) {
      const got = peers.get(key);
      for (const [name, fam] of [
        ['ipv4', got?.v4],
        ['ipv6', got?.v6],
      ] as const) {
        const w = want[name];
        if (!w) {
          expect(fam?.announced ?? 0, `${key} ${name}`).toBe(0);
          continue;
        }
        expect(
          {
            announced: fam!.announced,
            withdrawn: fam!.withdrawn,
            distinct: fam!.distinct.size,
            final: fam!.table.size,
          },
          `${key} ${name}`,
        ).toEqual({
          announced: w.announced,
          withdrawn: w.withdrawn,
          distinct: w.distinctAnnounced,
          final: w.finalTable,
        });
      }
      // The Adj-RIB-In (interned attributes, compact tables) ends with the same routes.
      const rib = got?.rib;
      expect(rib?.ipv4.size ?? 0, `${key} Adj-RIB-In IPv4`).toBe(want.ipv4?.finalTable ?? 0);
      expect(rib?.ipv6.size ?? 0, `${key} Adj-RIB-In IPv6`).toBe(want.ipv6?.finalTable ?? 0);
    }
  }, 60_000); // the whole file decoded: seconds on a loaded machine
});

describe.each(['bview.ipv4_unicast_add_path.gz', 'bview.ipv6_unicast_add_path.gz'])(
  'TABLE_DUMP_V2 in %s',
  (file) => {
    const expected = totals[file].tableDumpV2;

    it('every RIB entry’s attributes decode cleanly; entries and (prefix, path id) pairs match', () => {
      const data = gunzipSync(readFileSync(DATA_DIR + file));
      // RFC 6396 §4.3.4: attributes in TABLE_DUMP_V2 RIB entries always use 4-octet AS numbers.
      const ctx = codecContext({ as4: true });
      let entries = 0;
      const pairs = new Set<string>();
      for (const r of readMrtRecords(data)) {
        if (r.kind !== 'rib') continue;
        for (const e of r.entries) {
          entries++;
          const { errors, attributes } = decodeAttributes(e.attributes, 0, e.attributes.length, ctx);
          expect(errors).toEqual([]);
          if (e.attributes.length > 0) expect(attributes.asPath).toBeDefined();
          pairs.add(`${r.prefix.bytes.toString('hex')}/${r.prefix.length}#${e.pathId}`);
        }
      }
      const fam = Object.values<{ ribEntries: number; distinctPrefixPathIds: number }>(expected.families)[0];
      expect(entries).toBe(fam.ribEntries);
      expect(pairs.size).toBe(fam.distinctPrefixPathIds);
    });
  },
);
