// Routes taken out of service are gone at once for readers and let go of a batch per turn
// (retired-routes.ts, issue 16): the batches, the attribute sets released, and what the Loc-RIB's
// followers, the decision process and a new session of the same neighbor see meanwhile.
import { describe, expect, it } from 'vitest';
import { AttributeStore } from '../../src/rib/attribute-store.js';
import { Ipv4Table } from '../../src/rib/ipv4-table.js';
import { Ipv6Table } from '../../src/rib/ipv6-table.js';
import { RETIRE_BATCH, RetiredRoutes } from '../../src/rib/retired-routes.js';
import { adjRibInRoutes } from '../../src/rib/route-view.js';
import type { RoutingEngine } from '../../src/rib/routing-engine.js';
import {
  codecContext,
  encodeUpdate,
  formatPrefix,
  IPV4_UNICAST,
  type PathAttributes,
  type Prefix,
  parsePrefix,
} from '../../src/wire/index.js';
import { nullSink, sessionFacts, testEngine } from '../helpers/engine.js';

/** A `later` run by hand: the test turns the event loop. */
function manualTurns() {
  const queue: (() => void)[] = [];
  return {
    later: (fn: () => void) => queue.push(fn),
    turn: () => queue.shift()?.(),
    get waiting() {
      return queue.length;
    },
  };
}

const texts = (ps: readonly Prefix[]) => ps.map(formatPrefix);

describe('RetiredRoutes', () => {
  it('handles a batch at once, then a batch per turn, reporting each prefix once (add-path siblings too)', () => {
    const t = manualTurns();
    const retired = new RetiredRoutes(3, t.later);
    const v4 = new Ipv4Table();
    for (let i = 0; i < 5; i++) v4.set((10 << 24) | (i << 16), 16, 0, 1);
    v4.set(10 << 24, 16, 7, 1); // a second path of 10.0.0.0/16
    const v6 = new Ipv6Table();
    v6.set(parsePrefix('2001:db8::/32').bytes, 0, 32, 0, 2);
    const batches: string[][] = [];
    retired.retire({ tables: { ipv4: v4, ipv6: v6 }, report: (p) => batches.push(texts(p)) });
    expect(retired.pending).toBe(4);
    expect(batches.flat().length).toBeLessThanOrEqual(3);
    expect(t.waiting).toBe(1);
    while (t.waiting > 0) t.turn();
    expect(retired.pending).toBe(0);
    expect(batches.length).toBe(3);
    expect(batches.flat().sort()).toEqual([
      '10.0.0.0/16',
      '10.1.0.0/16',
      '10.2.0.0/16',
      '10.3.0.0/16',
      '10.4.0.0/16',
      '2001:db8::/32',
    ]);
  });

  it('releases the attribute sets of a table that stays only as its batches go', () => {
    const t = manualTurns();
    const retired = new RetiredRoutes(2, t.later);
    const store = new AttributeStore();
    const ctx = codecContext({ as4: true });
    const raw = Buffer.from('40010100', 'hex'); // ORIGIN IGP
    const set = store.intern(raw, 0, raw.length, ctx);
    const v4 = new Ipv4Table();
    for (let i = 0; i < 4; i++) {
      v4.set(i << 24, 8, 0, set.id);
      store.retain(set.id);
    }
    retired.retire({ tables: { ipv4: v4 }, release: store });
    expect(store.refCount(set.id)).toBe(2);
    t.turn();
    expect(store.refCount(set.id)).toBe(0);
    expect(store.size).toBe(0);
    expect(t.waiting).toBe(0);
  });

  it('a retirement made from inside a report waits for the next turn: one batch per turn', () => {
    const t = manualTurns();
    const retired = new RetiredRoutes(2, t.later);
    const a = new Ipv4Table();
    for (let i = 0; i < 4; i++) a.set(i << 24, 8, 0, 1);
    const b = new Ipv4Table();
    for (let i = 0; i < 2; i++) b.set((100 + i) << 24, 8, 0, 1);
    const heard: string[][] = [];
    retired.retire({
      tables: { ipv4: a },
      report: (p) => {
        heard.push(texts(p));
        if (heard.length === 1) retired.retire({ tables: { ipv4: b }, report: (q) => heard.push(texts(q)) });
      },
    });
    expect(heard.flat()).toHaveLength(2);
    expect(retired.pending).toBe(4);
    expect(t.waiting).toBe(1);
    t.turn();
    expect(heard.flat()).toHaveLength(4);
    expect(t.waiting).toBe(1);
    t.turn();
    expect(heard.at(-1)?.sort()).toEqual(['100.0.0.0/8', '101.0.0.0/8']);
    expect(retired.pending).toBe(0);
    expect(t.waiting).toBe(0);
  });

  it('a report that throws is handed to `failed` and the rest still goes', () => {
    const t = manualTurns();
    const retired = new RetiredRoutes(1, t.later);
    const v4 = new Ipv4Table();
    v4.set(10 << 24, 8, 0, 1);
    v4.set(11 << 24, 8, 0, 1);
    const failed: string[] = [];
    let calls = 0;
    retired.retire({
      tables: { ipv4: v4 },
      report: () => {
        if (++calls === 1) throw new Error('bug');
      },
      failed: (e) => failed.push(e.message),
    });
    t.turn();
    expect(failed).toEqual(['bug']);
    expect(calls).toBe(2);
    expect(retired.pending).toBe(0);
  });
});

const LOCAL_ASN = 65000;
const ctx = codecContext({ as4: true });
/** More routes than one batch: the retirement takes several turns. */
const ROUTES = RETIRE_BATCH * 2 + 500;

/** `count` /24s from 20.0.0.0 on, in UPDATEs of 900 prefixes, from a path through `asn`. */
function table(asn: number, nextHop: string, count = ROUTES, from = 0): Buffer[] {
  const out: Buffer[] = [];
  for (let i = from; i < from + count; i += 900) {
    const nlri: Prefix[] = [];
    for (let j = i; j < Math.min(from + count, i + 900); j++)
      nlri.push({ afi: 1, length: 24, bytes: Uint8Array.from([20 + (j >> 16), (j >> 8) & 255, j & 255]) });
    const attributes: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [asn] }], nextHop };
    out.push(encodeUpdate({ withdrawn: [], nlri, attributes }, ctx).subarray(19));
  }
  return out;
}

const P0 = parsePrefix('20.0.0.0/24');
const LAST = parsePrefix(`20.${(ROUTES - 1) >> 8}.${(ROUTES - 1) & 255}.0/24`);

function followed(e: RoutingEngine) {
  const heard = new Map<string, string[]>();
  e.followLocRib((p, s) => {
    const k = formatPrefix(p);
    heard.set(k, [...(heard.get(k) ?? []), s?.paths.find((x) => x.best)?.neighbor ?? 'gone']);
  });
  return heard;
}

function upWithTable(e: RoutingEngine, address: string, asn: number) {
  const n = e.neighbor(address) ?? e.addNeighbor({ address, configuredAsns: [asn] });
  n.up(sessionFacts({ peerAsn: asn, peerBgpId: address, localAsn: LOCAL_ASN, ctx }), nullSink);
  for (const u of table(asn, address)) n.received(u);
  return n;
}

describe('a session going down with a full table', () => {
  it('its routes are gone at once for readers; followers hear of each prefix once, a batch per turn', async () => {
    const e = testEngine({ localAsn: LOCAL_ASN });
    const heard = followed(e);
    const n = upWithTable(e, '192.0.2.1', 65001);
    heard.clear();
    n.down();
    // readers: the decision process, the counters, the API's listing
    expect(n.receivedCount).toBe(0);
    expect(e.select(P0)).toBeUndefined();
    expect(e.select(LAST)).toBeUndefined();
    expect([...adjRibInRoutes(n.address, n.adjRibIn, {})]).toEqual([]);
    // followers: one batch so far, the rest on later turns
    expect(heard.size).toBe(RETIRE_BATCH);
    expect(e.retired.pending).toBe(ROUTES - RETIRE_BATCH);
    await e.retired.drained();
    expect(e.retired.pending).toBe(0);
    expect(heard.size).toBe(ROUTES);
    expect([...heard.values()].every((v) => v.length === 1 && v[0] === 'gone')).toBe(true);
  });

  it('a new session of the same neighbor during the removal: its routes stand, late reports repeat them', async () => {
    const e = testEngine({ localAsn: LOCAL_ASN });
    const heard = followed(e);
    const n = upWithTable(e, '192.0.2.1', 65001);
    n.down();
    expect(e.retired.pending).toBeGreaterThan(0);
    n.up(sessionFacts({ peerAsn: 65001, peerBgpId: '192.0.2.1', localAsn: LOCAL_ASN, ctx }), nullSink);
    // the new session sends the last 1,000 prefixes again, before their old paths are reported
    for (const u of table(65001, '192.0.2.1', 1000, ROUTES - 1000)) n.received(u);
    await e.retired.drained();
    expect(n.receivedCount).toBe(1000);
    expect(e.select(LAST)?.paths[0]).toMatchObject({ neighbor: '192.0.2.1', best: true });
    expect(e.select(P0)).toBeUndefined();
    // What followers heard last is what the Loc-RIB holds, whether a prefix's old path was reported
    // before the new session sent it again (in the first batch: the table's hash order) or after.
    const resent = Array.from({ length: 1000 }, (_, k) => ROUTES - 1000 + k);
    const lastHeard = resent.map((i) => heard.get(`20.${i >> 8}.${i & 255}.0/24`)?.at(-1));
    expect(lastHeard.every((h) => h === '192.0.2.1')).toBe(true);
    expect(heard.get(formatPrefix(P0))?.at(-1)).toBe('gone');
    // and some of them were reported late, as a repeat of what the new session sent
    expect(resent.some((i) => heard.get(`20.${i >> 8}.${i & 255}.0/24`)?.at(-2) === '192.0.2.1')).toBe(true);
  });

  it('another neighbor holding the same prefixes: the best path moves to it, whatever the order', async () => {
    const e = testEngine({ localAsn: LOCAL_ASN });
    const heard = followed(e);
    const a = upWithTable(e, '192.0.2.1', 65001);
    upWithTable(e, '192.0.2.2', 65002);
    a.down();
    e.removeNeighbor('192.0.2.1'); // removed from the config while its routes are still retiring
    heard.clear();
    await e.retired.drained();
    expect(heard.size).toBe(ROUTES - RETIRE_BATCH);
    expect([...heard.values()].every((v) => v.at(-1) === '192.0.2.2')).toBe(true);
    expect(e.select(P0)?.paths.map((p) => p.neighbor)).toEqual(['192.0.2.2']);
  });

  it("the neighbor's next session makes room for as many IPv4 routes at once (no rehash as they come)", () => {
    const e = testEngine({ localAsn: LOCAL_ASN });
    const n = upWithTable(e, '192.0.2.1', 65001);
    const full = n.adjRibIn.ipv4.byteSize;
    n.down();
    expect(n.adjRibIn.ipv4.byteSize).toBeLessThan(full); // no room kept while the session is down
    n.up(sessionFacts({ peerAsn: 65001, peerBgpId: '192.0.2.1', localAsn: LOCAL_ASN, ctx }), nullSink);
    // Room made to the table's size (at most what growing had reached: no power-of-two rounding)
    const reserved = n.adjRibIn.ipv4.byteSize;
    expect(reserved).toBeGreaterThan(full / 2);
    expect(reserved).toBeLessThanOrEqual(full);
    for (const u of table(65001, '192.0.2.1')) n.received(u);
    expect(n.adjRibIn.ipv4.byteSize).toBe(reserved);
    expect(n.receivedCount).toBe(ROUTES);
  });

  it('stale routes swept at End-of-RIB: gone at once, reported on later turns', async () => {
    const e = testEngine({ localAsn: LOCAL_ASN });
    const heard = followed(e);
    const n = upWithTable(e, '192.0.2.1', 65001);
    n.down(120);
    expect(e.select(P0)?.paths[0]).toMatchObject({ stale: true });
    n.up(
      {
        ...sessionFacts({ peerAsn: 65001, peerBgpId: '192.0.2.1', localAsn: LOCAL_ASN, ctx }),
        gracefulRestart: { forwarding: new Set([IPV4_UNICAST]) },
      },
      nullSink,
    );
    expect(n.stale?.size).toBe(ROUTES);
    heard.clear();
    n.received(encodeUpdate({ withdrawn: [], nlri: [], attributes: {} }, ctx).subarray(19)); // End-of-RIB
    expect(n.stale).toBeUndefined();
    expect(e.select(P0)).toBeUndefined();
    expect(heard.size).toBe(RETIRE_BATCH);
    await e.retired.drained();
    expect(heard.size).toBe(ROUTES);
  });
});
