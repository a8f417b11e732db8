// Judging a new attribute set: the quick way (a plain block read from its octets) must give what
// decoding it in full gives, for any block, session and import rules; and it must be the way
// nearly every block of a real table takes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImportRules } from '../../src/rib/import-rules.js';
import { CLEAN, type Judgement, judgeSet } from '../../src/rib/set-findings.js';
import {
  type CodecContext,
  codecContext,
  type MpReach,
  plainFacts,
  scanPlainBlock,
} from '../../src/wire/index.js';

const LOCAL_ASN = 64512;
const PEER_ASN = 64513;
const ROUTER_ID = '10.0.0.9';

/** One attribute: flags, type, value (the length follows from the value; long ones get Extended Length). */
function attribute(flags: number, type: number, value: Uint8Array): Uint8Array {
  const extended = value.length > 255 || (flags & 0x10) !== 0;
  const head = extended
    ? [flags | 0x10, type, value.length >> 8, value.length & 0xff]
    : [flags, type, value.length];
  return Uint8Array.from([...head, ...value]);
}

/** Mostly what a codec accepts (weight 12), now and then what it may not (weight 1). */
const mostly = <T>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: odd });
const u32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const asn = mostly(fc.constantFrom(1, LOCAL_ASN, PEER_ASN, 65535, 4_200_000_000), fc.constant(0));
const ipv4 = fc.constantFrom(
  '10.0.0.1',
  ROUTER_ID,
  '0.0.0.0',
  '127.0.0.1',
  '224.0.0.5',
  '255.255.255.255',
  '2.2.2.2',
);
const ipv4Octets = ipv4.map((a) => a.split('.').map(Number));

const octets = (...values: number[][]) => fc.constantFrom<number[]>(...values);

const segment = mostly<[number, number[]]>(
  fc.tuple(fc.constantFrom(1, 2, 2, 2, 3, 4), fc.array(asn, { minLength: 1, maxLength: 4 })),
  fc.tuple(fc.constantFrom(0, 5, 2), fc.array(asn, { maxLength: 2 })),
).map(([type, asns]) => [type, asns.length, ...asns.flatMap(u32)]);

/** A value the attribute's codec would mostly accept, now and then one it would not. */
function valueFor(type: number): fc.Arbitrary<number[]> {
  switch (type) {
    case 1:
      return mostly(octets([0], [1], [2]), octets([3], [], [0, 0]));
    case 2:
      return mostly(fc.array(segment, { maxLength: 3 }), fc.array(segment, { maxLength: 1 })).map((s) =>
        s.flat(),
      );
    case 3:
    case 9:
      return mostly(ipv4Octets, octets([], [10, 0, 0]));
    case 4:
    case 5:
      return mostly(fc.nat().map(u32), octets([], [1, 2]));
    case 6:
      return mostly(octets([]), octets([1]));
    case 7:
      return mostly(
        fc.tuple(asn, ipv4Octets).map(([a, ip]) => [...u32(a), ...ip]),
        octets([0, 0, 0, 0, 10, 0, 0, 1], [0, 1, 10, 0, 0, 1], [0, 0, 0, 1]),
      );
    case 10:
      return mostly(
        fc.array(ipv4Octets, { minLength: 1, maxLength: 3 }),
        fc.array(ipv4Octets, { maxLength: 0 }),
      ).map((l) => l.flat());
    default: {
      const unit = type === 8 ? 4 : type === 16 ? 8 : type === 32 ? 12 : 4;
      return mostly(
        fc
          .array(fc.integer({ min: 0, max: 255 }), { minLength: unit, maxLength: unit })
          .chain((one) =>
            fc
              .integer({ min: 1, max: 3 })
              .map((n) => Array.from({ length: n * unit }, (_, i) => one[i % unit])),
          ),
        fc.oneof(octets([]), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 13 })),
      );
    }
  }
}

/** The types a plain block may hold besides the mandatory three, mostly; others now and then. */
const otherType = mostly(
  fc.constantFrom(4, 5, 6, 7, 8, 9, 10, 16, 32),
  fc.constantFrom(1, 2, 3, 17, 18, 35, 99, 14, 0),
);
/** Each type's own category, mostly; sometimes Partial or Extended Length set, or a wrong category. */
const CATEGORY: Record<number, number> = {
  1: 0x40,
  2: 0x40,
  3: 0x40,
  4: 0x80,
  5: 0x40,
  6: 0x40,
  9: 0x80,
  10: 0x80,
};
const flagsFor = (type: number) =>
  mostly(
    fc.constantFrom(CATEGORY[type] ?? 0xc0, (CATEGORY[type] ?? 0xc0) | 0x10, (CATEGORY[type] ?? 0xc0) | 0x20),
    fc.constantFrom(0x00, 0x40, 0x80, 0xc0, 0xe0),
  );
const anyAttribute = otherType
  .chain((type) => fc.tuple(flagsFor(type), fc.constant(type), valueFor(type)))
  .map(([flags, type, value]) => attribute(flags, type, Uint8Array.from(value)));

/** Mostly ORIGIN, AS_PATH and NEXT_HOP with a few others, in any order; a truncated tail now and then. */
const block = fc
  .tuple(
    mostly<number[]>(fc.constantFrom([1, 2, 3], [1, 2, 3], [1, 2]), fc.subarray([1, 2, 3])),
    fc.array(anyAttribute, { maxLength: 4 }),
    fc.nat({ max: 20 }),
    mostly(fc.constant(false), fc.constant(true)),
  )
  .chain(([mandatory, others, cut, truncate]) =>
    fc
      .tuple(...mandatory.map((t) => fc.tuple(flagsFor(t), valueFor(t))))
      .map((made) => made.map(([flags, value], i) => attribute(flags, mandatory[i], Uint8Array.from(value))))
      .chain((head) => fc.shuffledSubarray([...head, ...others], { minLength: head.length + others.length }))
      .map((parts) => {
        const all = Buffer.concat(parts);
        return truncate && all.length > 0
          ? all.subarray(0, Math.max(0, all.length - 1 - (cut % all.length)))
          : all;
      }),
  );

const context = fc
  .tuple(fc.boolean(), fc.constantFrom(true, false, undefined))
  .map(([as4, ibgp]) => codecContext({ as4: as4 || ibgp === true, ibgp }));

function rulesFor(ctx: CodecContext): fc.Arbitrary<ImportRules | undefined> {
  const session = fc.record({
    peerAsn: fc.constantFrom(PEER_ASN, LOCAL_ASN),
    ebgp: fc.constant(ctx.ibgp === false),
    localAddress: fc.constantFrom(ROUTER_ID, '2001:db8::9', undefined),
    singleHop: fc.boolean(),
    enforceFirstAs: fc.boolean(),
  });
  const rules = fc.record({
    localAsn: fc.constantFrom(LOCAL_ASN, PEER_ASN),
    allowAsIn: fc.constantFrom(0, 1),
    routerId: fc.constantFrom(ROUTER_ID, undefined),
    clusterId: fc.constantFrom('2.2.2.2', undefined),
    session: fc.option(session, { nil: undefined }),
  });
  return fc.option(rules, { nil: undefined, freq: 5 });
}

const mpHead = fc.option(
  fc.record({
    afi: fc.constant(2),
    safi: fc.constant(1),
    nextHop: fc.constantFrom('2001:db8::1', 'fe80::1', '::', 'ff02::1', '2001:db8::9'),
    linkLocal: fc.constantFrom('fe80::2', undefined),
  }),
  { nil: undefined, freq: 3 },
);

/** The judgement, or the message of the Notification it throws. */
function judged(
  quick: boolean,
  b: Buffer,
  ctx: CodecContext,
  mp: Omit<MpReach, 'nlri'> | undefined,
  rules?: ImportRules,
): Judgement | string {
  try {
    return judgeSet(b, 0, b.length, ctx, mp, rules, quick);
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

const FACTS = plainFacts();

describe('judgeSet', () => {
  it('judges a plain block from its octets exactly as decoding it in full does', () => {
    let plain = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        context.chain((ctx) => fc.tuple(block, fc.constant(ctx), rulesFor(ctx), mpHead)),
        ([b, ctx, rules, mp]) => {
          runs++;
          if (scanPlainBlock(b, 0, b.length, ctx, FACTS)) plain++;
          const full = judged(false, b, ctx, mp, rules);
          const quick = judged(true, b, ctx, mp, rules);
          expect(quick).toEqual(full);
          // a clean set's findings are one shared object either way (two: with and without NEXT_HOP)
          if (typeof full !== 'string' && typeof quick !== 'string' && Object.isFrozen(full.findings))
            expect(quick.findings).toBe(full.findings);
        },
      ),
      { numRuns: 5000 },
    );
    // The quick way was taken often enough for the comparison to mean something.
    expect(plain).toBeGreaterThan(runs / 10);
  });

  it('takes the quick way for a plain iBGP block, and reads its next hop', () => {
    const b = Buffer.concat([
      attribute(0x40, 1, Uint8Array.from([0])),
      attribute(0x50, 2, Uint8Array.from([2, 2, ...u32(PEER_ASN), ...u32(65001)])),
      attribute(0x40, 3, Uint8Array.from([10, 0, 0, 1])),
      attribute(0x40, 5, Uint8Array.from(u32(100))),
      attribute(0xc0, 8, Uint8Array.from(u32(0xfde80001))),
      attribute(0x80, 10, Uint8Array.from([1, 1, 1, 1])),
    ]);
    const ctx = codecContext({ as4: true, ibgp: true });
    expect(scanPlainBlock(b, 0, b.length, ctx, FACTS)).toBe(true);
    expect(
      judgeSet(b, 0, b.length, ctx, undefined, { localAsn: LOCAL_ASN, allowAsIn: 0, routerId: ROUTER_ID }),
    ).toEqual({
      findings: CLEAN,
      nextHop: '10.0.0.1',
    });
    // the same from an external peer: LOCAL_PREF and CLUSTER_LIST are discarded, which only decoding reports
    const ebgp = codecContext({ as4: true, ibgp: false });
    expect(scanPlainBlock(b, 0, b.length, ebgp, FACTS)).toBe(false);
    expect(judgeSet(b, 0, b.length, ebgp, undefined, undefined).findings.outcome).toBe('attribute-discard');
  });

  it('takes the quick way for a block of IPv6 routes (no NEXT_HOP): clean for MP_REACH_NLRI, its next hop', () => {
    const b = Buffer.concat([
      attribute(0x40, 1, Uint8Array.from([2])),
      attribute(0x40, 2, Uint8Array.from([2, 1, ...u32(PEER_ASN)])),
      attribute(0x80, 4, Uint8Array.from(u32(10))),
    ]);
    const ctx = codecContext({ as4: true, ibgp: false });
    const mp = { afi: 2, safi: 1, nextHop: '2001:db8::1' };
    const rules: ImportRules = {
      localAsn: LOCAL_ASN,
      allowAsIn: 0,
      session: { peerAsn: PEER_ASN, ebgp: true, singleHop: true, enforceFirstAs: true },
    };
    expect(scanPlainBlock(b, 0, b.length, ctx, FACTS)).toBe(true);
    const quick = judgeSet(b, 0, b.length, ctx, mp, rules);
    expect(quick).toEqual({
      findings: { outcome: 'none', errors: [], missingClassic: 'NEXT_HOP missing' },
      nextHop: '2001:db8::1',
    });
    expect(quick.findings).toBe(judgeSet(b, 0, b.length, ctx, mp, rules, false).findings);
  });
});
