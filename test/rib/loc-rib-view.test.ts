// The streamed Loc-RIB view over real Adj-RIBs-In filled by encoding and applying UPDATEs: each
// prefix once with its paths from every peer and exactly one best, filters, add-path, graceful
// restart stale paths, loops; a property test against a collect-group-select reference; and the
// by-prefix lookups of the two tables it relies on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { attributesOf } from '../../src/rib/attribute-store.js';
import { type Candidate, idNumber, selectBest } from '../../src/rib/best-path.js';
import { Ipv4Table } from '../../src/rib/ipv4-table.js';
import { Ipv6Table } from '../../src/rib/ipv6-table.js';
import { locRibRoutes, type PeerLike } from '../../src/rib/loc-rib-view.js';
import type { NeighborRibs } from '../../src/rib/neighbor-ribs.js';
import { type RouteFilter, type RouteView, viewAttributes } from '../../src/rib/route-view.js';
import {
  Afi,
  type CodecContext,
  codecContext,
  encodeUpdate,
  HEADER_LENGTH,
  IPV4_UNICAST,
  IPV6_UNICAST,
  type PathAttributes,
  type Prefix,
  parsePrefix,
  Safi,
} from '../../src/wire/index.js';
import { ribEntries } from '../helpers/rib.js';
import { seq } from '../wire/vectors/common.js';

const LOCAL = 64512;

// The routing engine's neighbor routes must be usable as a PeerLike as they are (compile-time check, run by tsc).
const _ribsArePeerLike = (p: NeighborRibs): PeerLike => p;
void _ribsArePeerLike;

const EBGP = codecContext({ as4: true, ibgp: false });
const IBGP = codecContext({ as4: true, ibgp: true });
const ADD_PATH = new Set([IPV4_UNICAST, IPV6_UNICAST]);

const body = (message: Buffer) => message.subarray(HEADER_LENGTH);

/** Announces `routes` ("10.0.0.0/8" or "10.0.0.0/8#3") with `attrs`: classic NLRI for IPv4, MP_REACH for IPv6. */
function announce(rib: AdjRibIn, ctx: CodecContext, attrs: PathAttributes, ...routes: string[]): void {
  const prefixes = routes.map(route);
  const v4 = prefixes.filter((p) => p.afi === Afi.IPV4);
  const v6 = prefixes.filter((p) => p.afi === Afi.IPV6);
  const base: PathAttributes = { origin: 0, ...attrs };
  if (v4.length > 0) {
    const u = encodeUpdate({ withdrawn: [], attributes: { nextHop: '192.0.2.254', ...base }, nlri: v4 }, ctx);
    expect(rib.apply(body(u), ctx).treatAsWithdraw).toBe(false);
  }
  if (v6.length > 0) {
    const mpReach = { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: '2001:db8::fe', nlri: v6 };
    const u = encodeUpdate({ withdrawn: [], attributes: { ...base, mpReach }, nlri: [] }, ctx);
    expect(rib.apply(body(u), ctx).treatAsWithdraw).toBe(false);
  }
}

function withdraw(rib: AdjRibIn, ctx: CodecContext, ...routes: string[]): void {
  const prefixes = routes.map(route);
  const v4 = prefixes.filter((p) => p.afi === Afi.IPV4);
  const v6 = prefixes.filter((p) => p.afi === Afi.IPV6);
  if (v4.length > 0) rib.apply(body(encodeUpdate({ withdrawn: v4, attributes: {}, nlri: [] }, ctx)), ctx);
  if (v6.length > 0) {
    const mpUnreach = { afi: Afi.IPV6, safi: Safi.UNICAST, withdrawn: v6 };
    rib.apply(body(encodeUpdate({ withdrawn: [], attributes: { mpUnreach }, nlri: [] }, ctx)), ctx);
  }
}

function route(text: string): Prefix {
  const [prefix, id] = text.split('#');
  return parsePrefix(prefix, id === undefined ? undefined : Number(id));
}

function ebgpPeer(address: string, asn: number, bgpId: string, rib = new AdjRibIn()): PeerLike {
  return { address, adjRibIn: rib, session: { peerAsn: asn, peerBgpId: bgpId, ibgp: false } };
}

function ibgpPeer(address: string, bgpId: string, rib = new AdjRibIn()): PeerLike {
  return { address, adjRibIn: rib, session: { peerAsn: LOCAL, peerBgpId: bgpId, ibgp: true } };
}

const all = (peers: PeerLike[], filter: RouteFilter = {}, cacheLimit?: number) => [
  ...locRibRoutes(peers, LOCAL, filter, cacheLimit),
];

/** Rows grouped by prefix, checking each prefix's rows are contiguous (emitted once). */
function groups(rows: RouteView[]): Map<string, RouteView[]> {
  const out = new Map<string, RouteView[]>();
  let last: string | undefined;
  for (const r of rows) {
    if (r.prefix !== last) {
      expect(out.has(r.prefix), `${r.prefix} emitted twice`).toBe(false);
      out.set(r.prefix, []);
      last = r.prefix;
    }
    out.get(r.prefix)!.push(r);
  }
  return out;
}

const brief = (r: RouteView) => `${r.neighbor}${r.pathId ? `#${r.pathId}` : ''}${r.stale ? ' stale' : ''}`;

describe('locRibRoutes', () => {
  // Three peers: two eBGP, one iBGP. 10.0.0.0/8 is everywhere, 10.1.0.0/16 only at the first,
  // 10.3.0.0/16 only at the last, 2001:db8::/32 at the first two.
  function threePeers(): PeerLike[] {
    const a = ebgpPeer('192.0.2.1', 65001, '10.0.0.1');
    const b = ebgpPeer('192.0.2.2', 65002, '10.0.0.2');
    const c = ibgpPeer('192.0.2.3', '10.0.0.3');
    announce(a.adjRibIn, EBGP, { asPath: [seq(65001, 65010, 65020)] }, '10.0.0.0/8', '10.1.0.0/16');
    announce(a.adjRibIn, EBGP, { asPath: [seq(65001)] }, '2001:db8::/32');
    announce(b.adjRibIn, EBGP, { asPath: [seq(65002, 65020)] }, '10.0.0.0/8');
    announce(b.adjRibIn, EBGP, { asPath: [seq(65002, 65030)] }, '2001:db8::/32');
    announce(c.adjRibIn, IBGP, { asPath: [seq(65003, 65004, 65005)], localPref: 200 }, '10.0.0.0/8');
    announce(c.adjRibIn, IBGP, { asPath: [seq(65003)] }, '10.3.0.0/16');
    return [a, b, c];
  }

  it('emits each prefix once with all its paths, exactly one best, the best first', () => {
    const g = groups(all(threePeers()));
    expect([...g.keys()].sort()).toEqual(['10.0.0.0/8', '10.1.0.0/16', '10.3.0.0/16', '2001:db8::/32']);
    for (const [prefix, rows] of g) {
      expect(
        rows.filter((r) => r.best),
        prefix,
      ).toHaveLength(1);
      expect(rows[0].best, prefix).toBe(true);
    }
    // LOCAL_PREF 200 over iBGP beats the shorter eBGP paths; the rest follow in peer order.
    expect(g.get('10.0.0.0/8')!.map(brief)).toEqual(['192.0.2.3', '192.0.2.1', '192.0.2.2']);
    expect(g.get('10.0.0.0/8')![0]).toMatchObject({ localPref: 200, asPath: '65003 65004 65005' });
    // A shorter AS_PATH between the two eBGP paths of 2001:db8::/32.
    expect(g.get('2001:db8::/32')!.map(brief)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(g.get('2001:db8::/32')![0].nextHop).toBe('2001:db8::fe');
    expect(g.get('10.1.0.0/16')!.map(brief)).toEqual(['192.0.2.1']);
    expect(g.get('10.3.0.0/16')!.map(brief)).toEqual(['192.0.2.3']);
  });

  it('rows look like the Adj-RIB-In rows (same fields), with best and stale', () => {
    const row = all(threePeers(), { prefix: '10.1.0.0/16' })[0];
    expect(row).toEqual({
      prefix: '10.1.0.0/16',
      neighbor: '192.0.2.1',
      nextHop: '192.0.2.254',
      asPath: '65001 65010 65020',
      origin: 'IGP',
      med: null,
      localPref: null,
      communities: [],
      largeCommunities: [],
      extCommunities: [],
      best: true,
      stale: false,
    });
  });

  it('the peer order does not change which path is best', () => {
    const peers = threePeers();
    const best = (ps: PeerLike[]) =>
      all(ps)
        .filter((r) => r.best)
        .map((r) => `${r.prefix} ${r.neighbor}`)
        .sort();
    expect(best([...peers].reverse())).toEqual(best(peers));
    expect(best([peers[1], peers[2], peers[0]])).toEqual(best(peers));
  });

  it('afi filter', () => {
    const peers = threePeers();
    expect(new Set(all(peers, { afi: 'ipv4' }).map((r) => r.prefix))).toEqual(
      new Set(['10.0.0.0/8', '10.1.0.0/16', '10.3.0.0/16']),
    );
    expect(all(peers, { afi: 'ipv6' }).map(brief)).toEqual(['192.0.2.1', '192.0.2.2']);
  });

  it('prefix filter: the one prefix from every peer; absent, mismatched or non-canonical prefixes: nothing', () => {
    const peers = threePeers();
    expect(all(peers, { prefix: '10.0.0.0/8' }).map(brief)).toEqual(['192.0.2.3', '192.0.2.1', '192.0.2.2']);
    expect(all(peers, { prefix: '10.3.0.0/16' }).map(brief)).toEqual(['192.0.2.3']);
    expect(all(peers, { prefix: '2001:db8::/32', afi: 'ipv6' }).map(brief)).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
    expect(all(peers, { prefix: '2001:db8::/32', afi: 'ipv4' })).toEqual([]);
    expect(all(peers, { prefix: '10.2.0.0/16' })).toEqual([]);
    expect(all(peers, { prefix: '10.0.0.1/8' })).toEqual([]);
    expect(all(peers, { prefix: 'nonsense' })).toEqual([]);
  });

  it('RFC 7911: every add-path path of a peer is a candidate, the prefix still emitted once', () => {
    const ctx = codecContext({ as4: true, ibgp: true, addPath: ADD_PATH });
    const rr = ibgpPeer('192.0.2.9', '10.0.0.9');
    const plain = ebgpPeer('192.0.2.1', 65001, '10.0.0.1');
    announce(rr.adjRibIn, ctx, { asPath: [seq(65005, 65006)], nextHop: '192.0.2.50' }, '10.0.0.0/8#7');
    announce(rr.adjRibIn, ctx, { asPath: [seq(65005)], nextHop: '192.0.2.51' }, '10.0.0.0/8#3');
    announce(rr.adjRibIn, ctx, { asPath: [seq(65005)], nextHop: '192.0.2.52' }, '10.0.0.0/8#9');
    announce(
      rr.adjRibIn,
      ctx,
      { asPath: [seq(65007)] },
      '2001:db8::/32#4',
      '2001:db8::/32#2',
      '10.5.0.0/16#8',
    );
    announce(plain.adjRibIn, EBGP, { asPath: [seq(65001, 65002, 65003)] }, '10.0.0.0/8');
    for (const peers of [
      [rr, plain],
      [plain, rr],
    ]) {
      const g = groups(all(peers));
      // The two one-hop paths tie up to the path id; the lowest wins. Then source and path id order.
      expect(g.get('10.0.0.0/8')!.map(brief).join()).toBe(
        peers[0] === rr
          ? '192.0.2.9#3,192.0.2.9#7,192.0.2.9#9,192.0.2.1'
          : '192.0.2.9#3,192.0.2.1,192.0.2.9#7,192.0.2.9#9',
      );
      expect(g.get('10.0.0.0/8')![0].nextHop).toBe('192.0.2.51');
      expect(g.get('2001:db8::/32')!.map(brief)).toEqual(['192.0.2.9#2', '192.0.2.9#4']);
      expect(g.get('10.5.0.0/16')!.map(brief)).toEqual(['192.0.2.9#8']);
    }
    // Withdrawing the smallest path id moves the emission to the next one, still once.
    withdraw(rr.adjRibIn, ctx, '10.0.0.0/8#3', '2001:db8::/32#2');
    const g = groups(all([rr, plain]));
    expect(g.get('10.0.0.0/8')!.map(brief)).toEqual(['192.0.2.9#9', '192.0.2.9#7', '192.0.2.1']);
    expect(g.get('2001:db8::/32')!.map(brief)).toEqual(['192.0.2.9#4']);
    expect(all([rr, plain], { prefix: '10.0.0.0/8' }).map(brief)).toEqual([
      '192.0.2.9#9',
      '192.0.2.9#7',
      '192.0.2.1',
    ]);
  });

  it('RFC 4724: stale paths are candidates like the others; a path re-announced after the restart replaces its stale copy', () => {
    const restarting = ebgpPeer('192.0.2.1', 65001, '10.0.0.1');
    const other = ebgpPeer('192.0.2.2', 65002, '10.0.0.2');
    const stale = new AdjRibIn();
    announce(stale, EBGP, { asPath: [seq(65001)] }, '10.0.0.0/8', '10.1.0.0/16', '2001:db8::/32');
    // Back up: 10.1.0.0/16 announced again (with a longer path), the rest not yet.
    announce(restarting.adjRibIn, EBGP, { asPath: [seq(65001, 65009)] }, '10.1.0.0/16');
    const peers: PeerLike[] = [{ ...restarting, stale }, other];
    announce(other.adjRibIn, EBGP, { asPath: [seq(65002, 65003)] }, '10.0.0.0/8', '10.1.0.0/16');
    const g = groups(all(peers));
    expect(g.get('10.0.0.0/8')!.map(brief)).toEqual(['192.0.2.1 stale', '192.0.2.2']);
    expect(g.get('10.0.0.0/8')![0].best).toBe(true);
    // The fresh path replaced the stale one; equal length, so the lower router id decides.
    expect(g.get('10.1.0.0/16')!.map(brief)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(g.get('2001:db8::/32')!.map(brief)).toEqual(['192.0.2.1 stale']);
    expect(all(peers, { prefix: '10.1.0.0/16' }).map(brief)).toEqual(['192.0.2.1', '192.0.2.2']);
    // Later peers' stale tables count too, and a prefix only stale there is emitted once.
    const g2 = groups(all([other, { ...restarting, stale }]));
    expect(g2.get('10.0.0.0/8')!.map(brief)).toEqual(['192.0.2.1 stale', '192.0.2.2']);
    expect(g2.get('2001:db8::/32')!.map(brief)).toEqual(['192.0.2.1 stale']);
  });

  it('a peer that is down keeps its stale paths; the configured ASN tells eBGP from iBGP', () => {
    const stale = new AdjRibIn();
    announce(stale, IBGP, { asPath: [seq(65001)], localPref: 300 }, '10.0.0.0/8');
    const down: PeerLike = { address: '192.0.2.1', adjRibIn: new AdjRibIn(), stale, configuredAsns: [LOCAL] };
    const up = ebgpPeer('192.0.2.2', 65002, '10.0.0.2');
    announce(up.adjRibIn, EBGP, { asPath: [seq(65002)] }, '10.0.0.0/8');
    // iBGP (configured ASN = ours): its LOCAL_PREF 300 counts.
    expect(all([down, up]).map(brief)).toEqual(['192.0.2.1 stale', '192.0.2.2']);
    // eBGP: the LOCAL_PREF it sent was discarded on receipt (RFC 7606 §7.5); its router id is
    // unknown, so it loses the tie.
    const staleEbgp = new AdjRibIn();
    announce(staleEbgp, EBGP, { asPath: [seq(65001)], localPref: 300 }, '10.0.0.0/8');
    const downEbgp: PeerLike = { ...down, stale: staleEbgp, address: '192.0.2.0', configuredAsns: [65001] };
    expect(all([downEbgp, up]).map(brief)).toEqual(['192.0.2.2', '192.0.2.0 stale']);
  });

  it('a path with our ASN that allowAsIn let in takes part in the decision like any other', () => {
    const a = ebgpPeer('192.0.2.1', 65001, '10.0.0.1');
    const b = ebgpPeer('192.0.2.2', 65002, '10.0.0.2');
    announce(a.adjRibIn, EBGP, { asPath: [seq(65001, LOCAL)] }, '10.0.0.0/8', '10.9.0.0/16');
    announce(b.adjRibIn, EBGP, { asPath: [seq(65002, 65003, 65004)] }, '10.0.0.0/8');
    const g = groups(all([a, b]));
    expect(g.get('10.0.0.0/8')!.map((r) => `${brief(r)} ${r.best}`)).toEqual([
      '192.0.2.1 true',
      '192.0.2.2 false',
    ]);
    expect(g.get('10.9.0.0/16')!.map((r) => `${brief(r)} ${r.best}`)).toEqual(['192.0.2.1 true']);
  });

  it('MED is compared only between paths from the same neighbor AS', () => {
    // A and B from AS 65001 (B's MED lower), C from AS 65002 over a third peer: B beats A on MED,
    // then C beats B on router id; a pairwise scan in peer order would have picked B.
    const a = ibgpPeer('192.0.2.1', '1.0.0.1');
    const b = ibgpPeer('192.0.2.3', '3.0.0.3');
    const c = ibgpPeer('192.0.2.2', '2.0.0.2');
    announce(a.adjRibIn, IBGP, { asPath: [seq(65001, 1)], med: 50 }, '10.0.0.0/8');
    announce(b.adjRibIn, IBGP, { asPath: [seq(65001, 2)], med: 10 }, '10.0.0.0/8');
    announce(c.adjRibIn, IBGP, { asPath: [seq(65002, 3)], med: 0 }, '10.0.0.0/8');
    expect(all([a, b, c]).map(brief)).toEqual(['192.0.2.2', '192.0.2.1', '192.0.2.3']);
  });

  it('streams: the first row comes before the tables are walked', () => {
    const peers = [ebgpPeer('192.0.2.1', 65001, '10.0.0.1'), ebgpPeer('192.0.2.2', 65002, '10.0.0.2')];
    const many: string[] = [];
    for (let i = 0; i < 20_000; i++) many.push(`10.${i >> 8}.${i & 255}.0/24`);
    for (let k = 0; k < many.length; k += 500) {
      announce(peers[0].adjRibIn, EBGP, { asPath: [seq(65001)] }, ...many.slice(k, k + 500));
      announce(peers[1].adjRibIn, EBGP, { asPath: [seq(65002, 1)] }, ...many.slice(k, k + 500));
    }
    const it = locRibRoutes(peers, LOCAL, {});
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ neighbor: '192.0.2.1', best: true });
    let n = 1;
    for (const _ of it) n++;
    expect(n).toBe(40_000);
  });
});

describe('locRibRoutes against a collect-group-select reference', () => {
  const PREFIXES = [
    '10.0.0.0/8',
    '10.0.0.0/16',
    '10.1.0.0/16',
    '0.0.0.0/0',
    '2001:db8::/32',
    '2001:db8::/48',
    '::/0',
  ];
  const ATTRS: PathAttributes[] = [
    { asPath: [seq(65001)] },
    { asPath: [seq(65001, 65002)], med: 5 },
    { asPath: [seq(65001, 65003)], med: 1 },
    { asPath: [seq(65002, 65003)], localPref: 200 },
    { asPath: [seq(65004)], origin: 2, localPref: 50 },
    { asPath: [seq(65001, LOCAL)] },
    { asPath: [seq(65005)], originatorId: '0.0.0.1', clusterList: ['9.9.9.9'] },
  ];
  const op = fc.record({
    withdraw: fc.boolean(),
    prefix: fc.constantFrom(...PREFIXES),
    pathId: fc.nat({ max: 3 }),
    attrs: fc.nat({ max: ATTRS.length - 1 }),
  });
  const peerSpec = fc.record({
    ibgp: fc.boolean(),
    addPath: fc.boolean(),
    bgpId: fc.nat({ max: 3 }),
    ops: fc.array(op, { maxLength: 12 }),
    staleOps: fc.option(fc.array(op, { maxLength: 8 }), { nil: undefined }),
    up: fc.boolean(),
  });

  type Spec = typeof peerSpec extends fc.Arbitrary<infer T> ? T : never;
  type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

  function build(specs: Spec[]): PeerLike[] {
    return specs.map((s, i) => {
      const ctx = codecContext({ as4: true, ibgp: s.ibgp, addPath: s.addPath ? ADD_PATH : undefined });
      const fill = (rib: AdjRibIn, ops: Op[]) => {
        for (const o of ops) {
          const text = s.addPath ? `${o.prefix}#${o.pathId}` : o.prefix;
          if (o.withdraw) withdraw(rib, ctx, text);
          else announce(rib, ctx, ATTRS[o.attrs], text);
        }
      };
      const adjRibIn = new AdjRibIn();
      fill(adjRibIn, s.ops);
      const stale = s.staleOps ? new AdjRibIn() : undefined;
      if (stale && s.staleOps) fill(stale, s.staleOps);
      const asn = s.ibgp ? LOCAL : 65001 + i;
      return {
        address: `192.0.2.${10 - i}`,
        adjRibIn: s.up || !stale ? adjRibIn : new AdjRibIn(),
        stale,
        ...(s.up || !stale
          ? { session: { peerAsn: asn, peerBgpId: `10.0.0.${s.bgpId}`, ibgp: s.ibgp } }
          : { configuredAsns: [asn] }),
      };
    });
  }

  /** Every path of every table collected, grouped by prefix, the decision run per group. */
  function reference(peers: PeerLike[], filter: RouteFilter): Map<string, string[]> {
    type Row = { prefix: string; key: string; candidate: Candidate; view: object };
    const rows: Row[] = [];
    for (const p of peers) {
      const peer = p.session
        ? {
            address: p.address,
            asn: p.session.peerAsn,
            bgpId: idNumber(p.session.peerBgpId),
            ebgp: !p.session.ibgp,
          }
        : { address: p.address, asn: p.configuredAsns![0], ebgp: p.configuredAsns![0] !== LOCAL };
      const current = new Set(ribEntries(p.adjRibIn).map(([text]) => text));
      for (const [rib, stale] of [
        [p.adjRibIn, false],
        [p.stale, true],
      ] as const) {
        if (!rib) continue;
        for (const [text, id] of ribEntries(rib)) {
          if (stale && current.has(text)) continue; // re-announced: replaces the stale copy
          const [prefix, pathId] = text.split('#');
          if (filter.prefix && filter.prefix !== prefix) continue;
          if (filter.afi && filter.afi !== (prefix.includes(':') ? 'ipv6' : 'ipv4')) continue;
          const attributes = attributesOf(rib.attributes.get(id)!);
          rows.push({
            prefix,
            key: `${p.address}#${pathId ?? 0}${stale ? ' stale' : ''}`,
            candidate: { attributes, peer, stale, pathId: Number(pathId ?? 0) },
            view: viewAttributes(attributes),
          });
        }
      }
    }
    const byPrefix = new Map<string, Row[]>();
    for (const r of rows) byPrefix.set(r.prefix, [...(byPrefix.get(r.prefix) ?? []), r]);
    const out = new Map<string, string[]>();
    for (const [prefix, group] of byPrefix) {
      const best = selectBest(
        group.map((r) => r.candidate),
        LOCAL,
      );
      out.set(prefix, group.map((r, i) => `${r.key} ${JSON.stringify(r.view)} ${i === best}`).sort());
    }
    return out;
  }

  function streamed(peers: PeerLike[], filter: RouteFilter, cacheLimit?: number): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [prefix, rows] of groups(all(peers, filter, cacheLimit))) {
      const best = rows.filter((r) => r.best);
      expect(best.length).toBeLessThanOrEqual(1);
      if (best.length === 1) expect(rows[0].best).toBe(true);
      out.set(
        prefix,
        rows
          .map((r) => {
            const { prefix: _p, pathId, neighbor, best: isBest, stale, ...view } = r;
            return `${neighbor}#${pathId ?? 0}${stale ? ' stale' : ''} ${JSON.stringify(view)} ${isBest}`;
          })
          .sort(),
      );
    }
    return out;
  }

  const sorted = (m: Map<string, string[]>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

  it('equal for random tables, peer orders and filters', () => {
    fc.assert(
      fc.property(
        fc.array(peerSpec, { minLength: 1, maxLength: 4 }),
        fc.record({
          afi: fc.option(fc.constantFrom('ipv4' as const, 'ipv6' as const), { nil: undefined }),
          prefix: fc.option(fc.constantFrom(...PREFIXES, '10.2.0.0/16'), { nil: undefined }),
        }),
        // A tiny cache limit makes the decoded-set cache start over constantly.
        fc.option(fc.nat({ max: 3 }), { nil: undefined }),
        (specs, filter, cacheLimit) => {
          const peers = build(specs);
          expect(sorted(streamed(peers, filter, cacheLimit))).toEqual(sorted(reference(peers, filter)));
          expect(sorted(streamed(peers, {}, cacheLimit))).toEqual(sorted(reference(peers, {})));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('table lookups by prefix', () => {
  const ops = fc.array(
    fc.record({
      del: fc.boolean(),
      n: fc.nat({ max: 40 }),
      length: fc.constantFrom(0, 8, 16, 24, 32),
      pathId: fc.constantFrom(0, 1, 2, 0xffffffff),
    }),
    { maxLength: 400 },
  );

  it('Ipv4Table.paths / hasPrefix agree with the entries', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const t = new Ipv4Table();
        const addrOf = (n: number, length: number) =>
          length === 0 ? 0 : ((n * 0x01010101) & (0xffffffff << (32 - length))) >>> 0;
        list.forEach((o, i) => {
          const addr = addrOf(o.n, o.length);
          if (o.del) t.delete(addr, o.length, o.pathId);
          else t.set(addr, o.length, o.pathId, i);
        });
        const model = new Map<string, [number, number][]>();
        for (const [addr, length, pathId, v] of t.entries()) {
          const k = `${addr}/${length}`;
          model.set(k, [...(model.get(k) ?? []), [pathId, v]]);
        }
        for (let n = 0; n <= 40; n++)
          for (const length of [0, 8, 16, 24, 32]) {
            const addr = addrOf(n, length);
            const want = (model.get(`${addr}/${length}`) ?? []).sort((a, b) => a[0] - b[0]);
            expect([...t.paths(addr, length)].sort((a, b) => a[0] - b[0])).toEqual(want);
            expect(t.hasPrefix(addr, length)).toBe(want.length > 0);
          }
      }),
    );
  });

  it('Ipv6Table.paths / hasPrefix agree with the entries', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const t = new Ipv6Table();
        const bytesOf = (n: number) =>
          Uint8Array.from([0x20, 0x01, n, n, 0x23, n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        list.forEach((o, i) => {
          if (o.del) t.delete(bytesOf(o.n), 0, o.length, o.pathId);
          else t.set(bytesOf(o.n), 0, o.length, o.pathId, i);
        });
        const model = new Map<string, [number, number][]>();
        for (const [bytes, length, pathId, v] of t.entries()) {
          const k = `${bytes.toString('hex')}/${length}`;
          model.set(k, [...(model.get(k) ?? []), [pathId, v]]);
        }
        for (let n = 0; n <= 40; n++)
          for (const length of [0, 8, 16, 24, 32]) {
            const masked = Buffer.alloc(16);
            for (let b = 0; b < length / 8; b++) masked[b] = bytesOf(n)[b];
            const want = (model.get(`${masked.toString('hex')}/${length}`) ?? []).sort((a, b) => a[0] - b[0]);
            expect(t.paths(bytesOf(n), 0, length).sort((a, b) => a[0] - b[0])).toEqual(want);
            expect(t.hasPrefix(bytesOf(n), 0, length)).toBe(want.length > 0);
          }
      }),
    );
  });
});
