// Reads every sample file in ../shared/data/mrt and checks the reader against test/fixtures/mrt-totals.json.
// The fixture is derived independently (scripts/mrt-totals.py, cross-checked with bgpdump); see mrt-totals.md.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  Afi,
  type MrtRecord,
  MrtType,
  type PeerIndexTableRecord,
  readMrtRecords,
  streamMrtRecords,
} from '../../src/mrt/index.js';

const DATA_DIR = fileURLToPath(new URL('../../../shared/data/mrt/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/mrt-totals.json', import.meta.url));

interface PeerTotals {
  subtypes: Record<string, number>;
  stateChanges: number;
  messagesByBgpType: Record<string, number>;
  updates: number;
  localMessages: number;
}

interface FamilyRib {
  ribRecords: number;
  ribEntries: number;
  distinctPrefixes: number;
  distinctPrefixPathIds: number;
}

interface FileTotals {
  records: number;
  recordsByTypeSubtype: Record<string, number>;
  bgp4mp?: { bgpMessagesByType: Record<string, number>; updates: number; peers: Record<string, PeerTotals> };
  tableDumpV2?: {
    peerIndexTable: string[];
    families: Record<string, FamilyRib>;
    entriesPerPeer: Record<string, Record<string, number>>;
  };
}

const BGP_TYPE_NAMES: Record<number, string> = {
  1: 'OPEN',
  2: 'UPDATE',
  3: 'NOTIFICATION',
  4: 'KEEPALIVE',
  5: 'ROUTE-REFRESH',
};

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function family(afi: number, safi: number): string {
  return (
    (afi === Afi.IPv4 ? 'ipv4' : afi === Afi.IPv6 ? 'ipv6' : `afi${afi}`) + (safi === 1 ? '' : `-safi${safi}`)
  );
}

/** Tallies records the same way the fixture is laid out, from reader output only. */
function tally(records: Iterable<MrtRecord>): FileTotals {
  const out: FileTotals = { records: 0, recordsByTypeSubtype: {} };
  let peerTable: PeerIndexTableRecord | undefined;
  const distinct = new Map<string, Set<string>>();
  const distinctWithPathId = new Map<string, Set<string>>();
  for (const r of records) {
    out.records++;
    bump(out.recordsByTypeSubtype, `${r.type}/${r.subtype}`);
    switch (r.kind) {
      case 'bgp4mp-message':
      case 'bgp4mp-state-change': {
        out.bgp4mp ??= { bgpMessagesByType: {}, updates: 0, peers: {} };
        const key = `${r.peerIp}|${r.peerAs}`;
        out.bgp4mp.peers[key] ??= {
          subtypes: {},
          stateChanges: 0,
          messagesByBgpType: {},
          updates: 0,
          localMessages: 0,
        };
        const peer = out.bgp4mp.peers[key];
        bump(peer.subtypes, String(r.subtype));
        if (r.kind === 'bgp4mp-state-change') {
          peer.stateChanges++;
          break;
        }
        // The BGP header is read here only to classify the message; decoding is src/wire's job.
        const name = BGP_TYPE_NAMES[r.message[18]] ?? String(r.message[18]);
        bump(out.bgp4mp.bgpMessagesByType, name);
        bump(peer.messagesByBgpType, name);
        if (r.local) {
          peer.localMessages++;
        } else if (name === 'UPDATE') {
          out.bgp4mp.updates++;
          peer.updates++;
        }
        break;
      }
      case 'peer-index-table':
        peerTable = r;
        out.tableDumpV2 ??= { peerIndexTable: [], families: {}, entriesPerPeer: {} };
        out.tableDumpV2.peerIndexTable = r.peers.map((p) => `${p.ip}|${p.as}`);
        break;
      case 'rib': {
        out.tableDumpV2 ??= { peerIndexTable: [], families: {}, entriesPerPeer: {} };
        const fam = family(r.afi, r.safi);
        out.tableDumpV2.families[fam] ??= {
          ribRecords: 0,
          ribEntries: 0,
          distinctPrefixes: 0,
          distinctPrefixPathIds: 0,
        };
        const totals = out.tableDumpV2.families[fam];
        totals.ribRecords++;
        totals.ribEntries += r.entries.length;
        const prefixKey = `${r.prefix.bytes.toString('hex')}/${r.prefix.length}`;
        if (!distinct.has(fam)) distinct.set(fam, new Set());
        if (!distinctWithPathId.has(fam)) distinctWithPathId.set(fam, new Set());
        distinct.get(fam)!.add(prefixKey);
        for (const e of r.entries) {
          distinctWithPathId.get(fam)!.add(`${prefixKey}#${e.pathId}`);
          const p = peerTable?.peers[e.peerIndex];
          const peerKey = p ? `${p.ip}|${p.as}` : `index${e.peerIndex}`;
          out.tableDumpV2.entriesPerPeer[peerKey] ??= {};
          bump(out.tableDumpV2.entriesPerPeer[peerKey], fam);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const [fam, set] of distinct) out.tableDumpV2!.families[fam].distinctPrefixes = set.size;
  for (const [fam, set] of distinctWithPathId)
    out.tableDumpV2!.families[fam].distinctPrefixPathIds = set.size;
  return out;
}

/** The parts of the fixture this reader can reproduce without a BGP UPDATE decoder. */
function comparable(t: FileTotals): FileTotals {
  return {
    records: t.records,
    recordsByTypeSubtype: t.recordsByTypeSubtype,
    bgp4mp: t.bgp4mp && {
      bgpMessagesByType: t.bgp4mp.bgpMessagesByType,
      updates: t.bgp4mp.updates,
      peers: Object.fromEntries(
        Object.entries(t.bgp4mp.peers).map(([k, p]) => [
          k,
          {
            subtypes: p.subtypes,
            stateChanges: p.stateChanges,
            messagesByBgpType: p.messagesByBgpType,
            updates: p.updates,
            localMessages: p.localMessages,
          },
        ]),
      ),
    },
    tableDumpV2: t.tableDumpV2 && {
      peerIndexTable: t.tableDumpV2.peerIndexTable,
      families: t.tableDumpV2.families,
      entriesPerPeer: t.tableDumpV2.entriesPerPeer,
    },
  };
}

function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortedDeep(x)]),
    );
  }
  return v;
}

describe('MRT sample files against independently derived totals', () => {
  const expected: Record<string, FileTotals> = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const files = readdirSync(DATA_DIR).sort();

  it('the fixture covers exactly the files present', () => {
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it('the fixture reproduces the known full-table reference (577,706 announced, 577,703 left)', () => {
    const peers = (
      expected['updates.et-header.2015.gz'] as unknown as {
        bgp4mp: { peers: Record<string, { ipv4: { distinctAnnounced: number; finalTable: number } }> };
      }
    ).bgp4mp.peers;
    expect(Object.keys(peers)).toEqual(['206.220.231.55|3856']);
    expect(peers['206.220.231.55|3856'].ipv4).toMatchObject({
      distinctAnnounced: 577_706,
      finalTable: 577_703,
    });
  });

  describe.each(files)('%s', (name) => {
    const path = DATA_DIR + name;
    const want = sortedDeep(comparable(expected[name]));

    it('readMrtRecords over the gunzipped buffer matches the totals', () => {
      const buf = gunzipSync(readFileSync(path));
      const records = [...readMrtRecords(buf)];
      expect(records.filter((r) => r.kind === 'unknown')).toEqual([]);
      expect(sortedDeep(comparable(tally(records)))).toEqual(want);
      const odd = records.filter(
        (r) =>
          (r.microseconds !== undefined) !== (r.type === MrtType.BGP4MP_ET) ||
          (r.kind === 'bgp4mp-message' && r.message.buffer !== buf.buffer),
      );
      expect(odd).toEqual([]);
    });

    it('streamMrtRecords matches the totals', async () => {
      const records: MrtRecord[] = [];
      for await (const r of streamMrtRecords(path, { highWaterMark: 64 * 1024 })) records.push(r);
      expect(sortedDeep(comparable(tally(records)))).toEqual(want);
    });
  });
});
