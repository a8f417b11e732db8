// The decision process rule by rule: each case is decided by the rule under test, and the later
// rules would decide it the other way, so a missing or misplaced rule fails the case. Then MED's
// neighbor-AS scoping (set-wide elimination, order independence) and loop paths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asPathLength,
  type Candidate,
  type CandidatePeer,
  comparePaths,
  multipathSet,
  rankPaths,
  selectBest,
} from '../../src/rib/best-path.js';
import type { PathAttributes } from '../../src/wire/index.js';
import { confedSeq, confedSet, seq, set } from '../wire/vectors/common.js';

const LOCAL = 64512;

const peer = (over: Partial<CandidatePeer> = {}): CandidatePeer => ({
  address: '192.0.2.1',
  asn: 65001,
  bgpId: '10.0.0.1',
  ebgp: true,
  ...over,
});

const cand = (attributes: PathAttributes, p: Partial<CandidatePeer> = {}, stale = false): Candidate => ({
  attributes: { origin: 0, asPath: [seq(65001)], ...attributes },
  peer: peer(p),
  stale,
});

/** The winner, checked in both orders (selectBest must not depend on order) and pairwise. */
function winner(a: Candidate, b: Candidate): 'a' | 'b' | 'none' {
  const ab = selectBest([a, b], LOCAL);
  const ba = selectBest([b, a], LOCAL);
  expect(ab === -1 ? -1 : 1 - ab, 'order independent').toBe(ba);
  if (ab === -1) return 'none';
  expect(Math.sign(comparePaths(a, b, LOCAL)), 'comparator agrees').toBe(ab === 0 ? -1 : 1);
  expect(Math.sign(comparePaths(b, a, LOCAL)), 'comparator antisymmetric').toBe(ab === 0 ? 1 : -1);
  return ab === 0 ? 'a' : 'b';
}

// "Better by every later rule" for a challenger: shorter AS_PATH is not used (it is an early rule);
// a lower router id and a lower address are.
const late = { bgpId: '1.1.1.1', address: '192.0.2.0' };

describe('selectBest: RFC 4271 §9.1.2 eligibility', () => {
  it('every candidate is eligible: AS loops were dropped on import (allowAsIn and prepends by our policy stay)', () => {
    // A path with our ASN is here only because allowAsIn let it in (or our import policy prepended
    // it): it takes part like any other, and the better one wins.
    const allowed = cand({ asPath: [seq(65001, LOCAL)], localPref: 1000 }, { ...late, ebgp: false });
    const other = cand({ asPath: [seq(65002, 65003, 65004)], origin: 2 }, { bgpId: '9.9.9.9', ebgp: false });
    expect(winner(allowed, other)).toBe('a');
    // Two such paths still give a best path.
    expect(selectBest([cand({ asPath: [seq(LOCAL)] }), cand({ asPath: [seq(1, LOCAL)] })], LOCAL)).toBe(0);
  });

  it('no candidate: -1; one: itself', () => {
    expect(selectBest([], LOCAL)).toBe(-1);
    expect(selectBest([cand({ asPath: [seq(1, LOCAL)] })], LOCAL)).toBe(0);
  });
});

describe('selectBest: one rule at a time', () => {
  it('§9.1.1: the highest LOCAL_PREF wins over a shorter AS_PATH (iBGP)', () => {
    const a = cand({ localPref: 200, asPath: [seq(65001, 65002, 65003)] }, { ebgp: false, bgpId: '9.9.9.9' });
    const b = cand({ localPref: 100, asPath: [seq(65001)] }, { ...late, ebgp: false });
    expect(winner(a, b)).toBe('a');
  });

  it('§5.1.5: a missing LOCAL_PREF counts as 100', () => {
    const a = cand({ asPath: [seq(65001, 65002)] }, { ebgp: false, bgpId: '9.9.9.9' });
    const b = cand({ localPref: 90, asPath: [seq(65001)] }, { ...late, ebgp: false });
    expect(winner(a, b)).toBe('a');
  });

  it('§9.1.1: a LOCAL_PREF on an eBGP path counts: import policy set it (a received one is discarded)', () => {
    const a = cand({ localPref: 500, asPath: [seq(65001, 65002)] }, { bgpId: '1.1.1.1' });
    const b = cand({ asPath: [seq(65003)] }, { bgpId: '9.9.9.9', address: '192.0.2.9' });
    expect(winner(a, b)).toBe('a');
    // ...over an iBGP path with LOCAL_PREF 150 too, before eBGP-over-iBGP is reached.
    const ibgp = cand(
      { localPref: 150, asPath: [seq(65004, 65005, 65006)] },
      { ebgp: false, bgpId: '9.9.9.9' },
    );
    expect(winner(a, ibgp)).toBe('a');
    // Without one, an eBGP path has the default, 100: an iBGP path's 150 beats it.
    expect(winner(b, ibgp)).toBe('b');
  });

  it('§9.1.2.2 a: the shortest AS_PATH wins over a lower ORIGIN', () => {
    const a = cand({ asPath: [seq(65001, 65002)], origin: 2 }, { bgpId: '9.9.9.9', address: '192.0.2.9' });
    const b = cand({ asPath: [seq(65001, 65002, 65003)], origin: 0 }, late);
    expect(winner(a, b)).toBe('a');
  });

  it('§9.1.2.2 a: an AS_SET counts 1', () => {
    expect(asPathLength({ asPath: [seq(1), set(2, 3, 4, 5)] })).toBe(2);
    const a = cand({ asPath: [seq(65001), set(2, 3, 4, 5)], origin: 2 }, { bgpId: '9.9.9.9' });
    const b = cand({ asPath: [seq(65001, 65002, 65003)], origin: 0 }, late);
    expect(winner(a, b)).toBe('a');
  });

  it('RFC 5065 §5.3: confederation segments count 0', () => {
    expect(asPathLength({ asPath: [confedSeq(1, 2, 3), confedSet(4, 5), seq(6)] })).toBe(1);
    const a = cand({ asPath: [confedSeq(65010, 65011, 65012), seq(65001)], origin: 2 }, { bgpId: '9.9.9.9' });
    const b = cand({ asPath: [seq(65001, 65002)], origin: 0 }, late);
    expect(winner(a, b)).toBe('a');
  });

  it('§9.1.2.2 b: IGP < EGP < INCOMPLETE, before MED', () => {
    const igp = cand({ origin: 0, med: 50 }, { bgpId: '9.9.9.9', address: '192.0.2.9' });
    const egp = cand({ origin: 1, med: 10 }, late);
    const incomplete = cand({ origin: 2, med: 0 }, late);
    expect(winner(igp, egp)).toBe('a');
    expect(winner(egp, incomplete)).toBe('a');
  });

  it('§9.1.2.2 c: the lowest MED wins among paths from the same neighbor AS', () => {
    const a = cand({ asPath: [seq(65001, 65002)], med: 10 }, { bgpId: '9.9.9.9', address: '192.0.2.9' });
    const b = cand({ asPath: [seq(65001, 65003)], med: 20 }, late);
    expect(winner(a, b)).toBe('a');
  });

  it('§9.1.2.2 c: a missing MED is the lowest possible (0)', () => {
    const a = cand({ asPath: [seq(65001, 65002)] }, { bgpId: '9.9.9.9', address: '192.0.2.9' });
    const b = cand({ asPath: [seq(65001, 65003)], med: 5 }, late);
    expect(winner(a, b)).toBe('a');
  });

  it('§9.1.2.2 c: MEDs from different neighbor ASes are not compared', () => {
    const a = cand({ asPath: [seq(65001)], med: 0 }, { bgpId: '9.9.9.9', address: '192.0.2.9' });
    const b = cand({ asPath: [seq(65002)], med: 100 }, late);
    expect(winner(a, b)).toBe('b');
  });

  it('§9.1.2.2 c: the neighbor AS skips confederation segments; an iBGP-originated path is the local AS', () => {
    const a = cand({ asPath: [confedSeq(65010), seq(65001)], med: 10 }, { ebgp: false, bgpId: '9.9.9.9' });
    const b = cand({ asPath: [confedSeq(65011), seq(65001)], med: 20 }, { ...late, ebgp: false });
    expect(winner(a, b)).toBe('a');
    // Empty AS_PATHs over iBGP: both are the local AS, so MED decides.
    const c = cand({ asPath: [], med: 1 }, { ebgp: false, bgpId: '9.9.9.9' });
    const d = cand({ asPath: [], med: 2 }, { ...late, ebgp: false });
    expect(winner(c, d)).toBe('a');
  });

  it('§9.1.2.2 d: eBGP wins over iBGP, before the router id', () => {
    const a = cand({}, { ebgp: true, bgpId: '9.9.9.9', address: '192.0.2.9' });
    const b = cand({}, { ...late, ebgp: false });
    expect(winner(a, b)).toBe('a');
  });

  it('§9.1.2.2 f: the lowest BGP Identifier wins, numerically (9.x < 10.x), before the address', () => {
    const a = cand({}, { bgpId: '9.0.0.0', address: '192.0.2.9' });
    const b = cand({}, { bgpId: '10.0.0.0', address: '192.0.2.1' });
    expect(winner(a, b)).toBe('a');
    // A number and its dotted quad are the same identifier.
    expect(comparePaths(cand({}, { bgpId: 0x0a000001 }), cand({}, { bgpId: '10.0.0.1' }), LOCAL)).toBe(0);
    // An unknown identifier loses.
    expect(
      winner(cand({}, { bgpId: undefined, address: '192.0.2.0' }), cand({}, { bgpId: '255.0.0.0' })),
    ).toBe('b');
  });

  it('RFC 4456 §9: ORIGINATOR_ID stands in for the BGP Identifier', () => {
    const a = cand({ originatorId: '1.1.1.1' }, { ebgp: false, bgpId: '10.0.0.9', address: '192.0.2.9' });
    const b = cand({}, { ebgp: false, bgpId: '5.5.5.5', address: '192.0.2.1' });
    expect(winner(a, b)).toBe('a');
  });

  it('RFC 4456 §9: the shorter CLUSTER_LIST wins, after the router id, before the address', () => {
    const a = cand(
      { originatorId: '1.1.1.1', clusterList: ['2.2.2.2'] },
      { ebgp: false, address: '192.0.2.9' },
    );
    const b = cand(
      { originatorId: '1.1.1.1', clusterList: ['2.2.2.2', '3.3.3.3'] },
      { ebgp: false, address: '192.0.2.1' },
    );
    expect(winner(a, b)).toBe('a');
    // The router id still comes first.
    const c = cand({ originatorId: '0.0.0.1', clusterList: ['2.2.2.2', '3.3.3.3'] }, { ebgp: false });
    expect(winner(a, c)).toBe('b');
  });

  it('§9.1.2.2 g: the lowest peer address wins, numerically; IPv4 before IPv6', () => {
    expect(winner(cand({}, { address: '192.0.2.2' }), cand({}, { address: '192.0.2.10' }))).toBe('a');
    expect(winner(cand({}, { address: '2001:db8::2' }), cand({}, { address: '2001:db8::10' }))).toBe('a');
    expect(winner(cand({}, { address: '2001:db8::1' }), cand({}, { address: '203.0.113.1' }))).toBe('b');
  });

  it('add-path paths of one peer: the lowest path id', () => {
    const a: Candidate = { ...cand({ nextHop: '192.0.2.7' }), pathId: 7 };
    const b: Candidate = { ...cand({ nextHop: '192.0.2.3' }), pathId: 3 };
    expect(winner(a, b)).toBe('b');
  });

  it('RFC 4724: a stale path is compared like any other', () => {
    const staleBetter = cand({ asPath: [seq(65001)] }, { address: '192.0.2.9' }, true);
    const fresh = cand({ asPath: [seq(65001, 65002)] }, late, false);
    expect(winner(staleBetter, fresh)).toBe('a');
    expect(comparePaths(cand({}, {}, true), cand({}, {}, false), LOCAL)).toBe(0);
  });
});

describe('selectBest: MED only within a neighbor AS', () => {
  // A and B from AS 65001 (B has the lower MED), C from AS 65002. RFC 4271 §9.1.2.2 c removes A
  // (beaten by B's MED), then the router id picks C over B. A pairwise left-to-right scan would
  // keep A over C (router id) and then lose A to B (MED): the answer would depend on the order.
  const A = cand({ asPath: [seq(65001, 1)], med: 50 }, { bgpId: '1.0.0.1', address: '192.0.2.1' });
  const B = cand({ asPath: [seq(65001, 2)], med: 10 }, { bgpId: '3.0.0.3', address: '192.0.2.3' });
  const C = cand({ asPath: [seq(65002, 3)], med: 0 }, { bgpId: '2.0.0.2', address: '192.0.2.2' });

  it('eliminates set-wide, so every order selects C', () => {
    for (const order of [
      [A, B, C],
      [A, C, B],
      [B, A, C],
      [B, C, A],
      [C, A, B],
      [C, B, A],
    ]) {
      expect(order[selectBest(order, LOCAL)]).toBe(C);
    }
  });

  it('the comparator is not transitive here (documented): A < C, C < B, B < A', () => {
    expect(comparePaths(A, C, LOCAL)).toBeLessThan(0);
    expect(comparePaths(C, B, LOCAL)).toBeLessThan(0);
    expect(comparePaths(B, A, LOCAL)).toBeLessThan(0);
  });

  it('a path with our ASN (allowAsIn) is ranked by the rules like any other', () => {
    // Two ASNs long, as A, B and C are: it ties them on length and wins on MED 0 within AS 65001.
    const allowed = cand({ asPath: [seq(65001, LOCAL)], med: 0 }, { bgpId: '0.0.0.1', address: '192.0.2.0' });
    expect(comparePaths(allowed, A, LOCAL)).toBeLessThan(0);
    expect(comparePaths(A, allowed, LOCAL)).toBeGreaterThan(0);
  });
});

describe('selectBest: properties', () => {
  // Candidates with distinct (address, path id), so no two tie on every rule.
  const arbCandidates = (neighborAses: fc.Arbitrary<number>) =>
    fc
      .uniqueArray(
        fc.record({
          a: fc.nat({ max: 5 }),
          pathId: fc.nat({ max: 2 }),
          ebgp: fc.boolean(),
          bgpId: fc.nat({ max: 3 }),
          localPref: fc.option(fc.constantFrom(50, 100, 200), { nil: undefined }),
          neighbor: neighborAses,
          tail: fc.array(fc.constantFrom(65100, 65101, LOCAL), { maxLength: 2 }),
          origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
          med: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
          originatorId: fc.option(fc.constantFrom('0.0.0.2', '0.0.0.5'), { nil: undefined }),
          clusters: fc.nat({ max: 2 }),
          stale: fc.boolean(),
        }),
        { minLength: 1, maxLength: 7, selector: (r) => `${r.a}#${r.pathId}` },
      )
      .map((rs) =>
        rs.map(
          (r): Candidate => ({
            attributes: {
              origin: r.origin,
              asPath: [seq(r.neighbor, ...r.tail)],
              ...(r.localPref === undefined ? {} : { localPref: r.localPref }),
              ...(r.med === undefined ? {} : { med: r.med }),
              ...(r.originatorId === undefined ? {} : { originatorId: r.originatorId }),
              ...(r.clusters ? { clusterList: new Array(r.clusters).fill('9.9.9.9') } : {}),
            },
            peer: { address: `192.0.2.${r.a}`, asn: r.neighbor, bgpId: r.bgpId, ebgp: r.ebgp },
            stale: r.stale,
            pathId: r.pathId,
          }),
        ),
      );

  it('the selection does not depend on the order of the candidates', () => {
    fc.assert(
      fc.property(
        arbCandidates(fc.constantFrom(65001, 65002, 65003)).chain((cs) =>
          fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })),
        ),
        ([cs, shuffled]) => {
          const i = selectBest(cs, LOCAL);
          const j = selectBest(shuffled, LOCAL);
          expect(j === -1 ? undefined : shuffled[j]).toBe(i === -1 ? undefined : cs[i]);
          expect(i === -1).toBe(cs.length === 0);
        },
      ),
    );
  });

  it('with one neighbor AS the comparator is a total order and its minimum is the selection', () => {
    fc.assert(
      fc.property(arbCandidates(fc.constant(65001)), (cs) => {
        const i = selectBest(cs, LOCAL);
        if (i < 0) return;
        for (const c of cs) if (c !== cs[i]) expect(comparePaths(cs[i], c, LOCAL)).toBeLessThan(0);
      }),
    );
  });

  it('with distinct neighbor ASes the same holds (MED never compared)', () => {
    fc.assert(
      fc.property(
        arbCandidates(fc.nat({ max: 1000 }).map((n) => 65000 + n)).filter(
          (cs) => new Set(cs.map((c) => c.attributes.asPath![0].asns[0])).size === cs.length,
        ),
        (cs) => {
          const i = selectBest(cs, LOCAL);
          if (i < 0) return;
          for (const c of cs) if (c !== cs[i]) expect(comparePaths(cs[i], c, LOCAL)).toBeLessThan(0);
        },
      ),
    );
  });
});

describe('decision knobs (top-level config), in RFC 4271 §9.1.2.2 order', () => {
  // A from AS 65001 with MED 50 and the lower router id; C from AS 65002 with MED 0.
  const A = cand({ asPath: [seq(65001, 1)], med: 50 }, { bgpId: '1.0.0.1', address: '192.0.2.1' });
  const B = cand({ asPath: [seq(65001, 2)], med: 10 }, { bgpId: '3.0.0.3', address: '192.0.2.3' });
  const C = cand({ asPath: [seq(65002, 3)], med: 0 }, { bgpId: '2.0.0.2', address: '192.0.2.2' });
  const always = { alwaysCompareMed: true };

  it('c, default: MEDs of different neighbor ASes are not compared (A wins on router id)', () => {
    expect(selectBest([A, C], LOCAL)).toBe(0);
    expect(rankPaths([A, C], LOCAL).lostAt).toEqual([undefined, 'routerId']);
  });

  it('c, alwaysCompareMed: the lowest MED wins across neighbor ASes (C), before eBGP over iBGP', () => {
    expect(selectBest([A, C], LOCAL, always)).toBe(1);
    expect(rankPaths([A, C], LOCAL, always).lostAt).toEqual(['med', undefined]);
    expect(comparePaths(C, A, LOCAL, always)).toBeLessThan(0);
    expect(comparePaths(A, C, LOCAL)).toBeLessThan(0);
    // An iBGP path with a lower MED beats an eBGP one: MED (c) comes before eBGP over iBGP (d).
    const ibgp = cand({ asPath: [seq(65003)], med: 1 }, { ebgp: false, bgpId: '9.9.9.9' });
    const ebgp = cand({ asPath: [seq(65004)], med: 2 }, { bgpId: '1.1.1.1' });
    expect(selectBest([ebgp, ibgp], LOCAL, always)).toBe(1);
    expect(selectBest([ebgp, ibgp], LOCAL)).toBe(0);
  });

  it('c, alwaysCompareMed: still after LOCAL_PREF, AS_PATH length and ORIGIN', () => {
    const shorter = cand({ asPath: [seq(65001)], med: 100 }, { bgpId: '9.9.9.9' });
    expect(selectBest([C, shorter], LOCAL, always)).toBe(1);
  });

  it('deterministicMed: the best of each neighbor AS, then the best of those (C over B; A lost to B on MED)', () => {
    const det = { deterministicMed: true };
    for (const order of [
      [A, B, C],
      [C, B, A],
      [B, C, A],
    ]) {
      const r = rankPaths(order, LOCAL, det);
      expect(order[r.best]).toBe(C);
      expect(r.lostAt[order.indexOf(A)]).toBe('med');
      expect(r.lostAt[order.indexOf(B)]).toBe('routerId');
    }
    expect(rankPaths([], LOCAL, det).best).toBe(-1);
  });

  it('deterministicMed with multipath relax: a path of a group that lost on AS_PATH length is no tie', () => {
    // Two identical paths from AS 65001 (longer AS_PATH), one from AS 65002: the 65001 group loses
    // at asPathLength, and so do both its paths, whatever they lost at inside the group.
    const g1 = cand({ asPath: [seq(65001, 65010)] }, { bgpId: '0.0.0.1', address: '192.0.2.1' });
    const g2 = cand({ asPath: [seq(65001, 65010)] }, { bgpId: '0.0.0.2', address: '192.0.2.2' });
    const other = cand({ asPath: [seq(65002)] }, { bgpId: '0.0.0.3', address: '192.0.2.3' });
    const det = { deterministicMed: true };
    for (const order of [
      [g1, g2, other],
      [other, g2, g1],
    ]) {
      const r = rankPaths(order, LOCAL, det);
      expect(order[r.best]).toBe(other);
      expect([r.lostAt[order.indexOf(g1)], r.lostAt[order.indexOf(g2)]]).toEqual([
        'asPathLength',
        'asPathLength',
      ]);
      expect(multipathSet(order, r, { maximumPaths: 4, multipathRelax: true })).toEqual([
        order.indexOf(other),
      ]);
    }
  });

  it('deterministicMed selects what the RFC set-wide elimination selects, in every order', () => {
    const arb = fc.array(
      fc.record({
        a: fc.nat({ max: 250 }),
        neighbor: fc.constantFrom(65001, 65002, 65003),
        tail: fc.nat({ max: 2 }),
        origin: fc.constantFrom(0 as const, 1 as const),
        med: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
        ebgp: fc.boolean(),
        bgpId: fc.nat({ max: 3 }),
      }),
      { minLength: 1, maxLength: 7 },
    );
    fc.assert(
      fc.property(arb, (rs) => {
        const cs = rs.map(
          (r, i): Candidate => ({
            attributes: {
              origin: r.origin,
              asPath: [seq(r.neighbor, ...new Array(r.tail).fill(65100))],
              ...(r.med === undefined ? {} : { med: r.med }),
            },
            peer: { address: `192.0.2.${i}`, asn: r.neighbor, bgpId: r.bgpId, ebgp: r.ebgp },
            stale: false,
          }),
        );
        expect(selectBest(cs, LOCAL, { deterministicMed: true })).toBe(selectBest(cs, LOCAL));
      }),
    );
  });
});
