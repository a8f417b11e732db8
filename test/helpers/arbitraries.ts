// fast-check generators for codec values: prefixes, path attributes, capabilities, OPENs.
import fc from 'fast-check';
import type {
  AsPathSegment,
  Capability,
  CodecContext,
  OpenMessage,
  PathAttributes,
  Prefix,
  Update,
} from '../../src/wire/index.js';
import {
  Afi,
  codecContext,
  formatAddress,
  IPV4_UNICAST,
  IPV6_UNICAST,
  parsePrefix,
} from '../../src/wire/index.js';

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.nat({ max: 0xffff });
export const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatAddress(b));
export const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatAddress(b));

export function prefixArb(afi: Afi, withPathId: boolean): fc.Arbitrary<Prefix> {
  const width = afi === Afi.IPV4 ? 4 : 16;
  return fc
    .record({
      bytes: fc.uint8Array({ minLength: width, maxLength: width }),
      length: fc.nat({ max: width * 8 }),
      pathId: u32,
    })
    .map(({ bytes, length, pathId }) => {
      const text = `${formatAddress(bytes)}/${length}`;
      return parsePrefix(text, withPathId ? pathId : undefined);
    });
}

export function asPathArb(asn: fc.Arbitrary<number>, confed: boolean): fc.Arbitrary<AsPathSegment[]> {
  const types = confed ? [1, 2, 3, 4] : [1, 2];
  return fc.array(
    fc.record({
      type: fc.constantFrom(...types) as fc.Arbitrary<1 | 2 | 3 | 4>,
      asns: fc.array(asn, { minLength: 1, maxLength: 8 }),
    }),
    { maxLength: 4 },
  );
}

/** An AS number a peer may send: AS 0 is malformed on a session (RFC 7607 §2). */
const asnOn = (ctx: CodecContext, a: fc.Arbitrary<number>) =>
  ctx.ibgp === undefined ? a : a.filter((n) => n !== 0);

/**
 * Attributes that survive encode → decode unchanged on a session with `ctx`: no AS 0 (RFC 7607),
 * and towards eBGP no confederation segment (RFC 5065 §5) nor route-reflection attribute (RFC 7606
 * §7.9, §7.10).
 */
export function attributesArb(
  ctx: CodecContext,
  mp?: { afi: Afi; withPathId: boolean },
): fc.Arbitrary<PathAttributes> {
  const asn = asnOn(ctx, ctx.as4 ? u32 : fc.oneof(u16, u32));
  return fc
    .record(
      {
        origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
        asPath: asPathArb(asn, ctx.as4 && ctx.ibgp !== false),
        nextHop: ipv4,
        med: u32,
        localPref: u32,
        atomicAggregate: fc.constant(true),
        // On a 2-octet session an AGGREGATOR AS other than AS_TRANS makes the receiver ignore AS4_PATH
        // (RFC 6793 §4.2.3), so generate 4-octet aggregators there (sent as AS_TRANS + AS4_AGGREGATOR).
        aggregator: fc.record({
          asn: asnOn(ctx, ctx.as4 ? u32 : fc.integer({ min: 0x10000, max: 0xffffffff })),
          address: ipv4,
        }),
        communities: fc.array(u32, { minLength: 1, maxLength: 6 }),
        originatorId: ipv4,
        clusterList: fc.array(ipv4, { minLength: 1, maxLength: 3 }),
        extendedCommunities: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), {
          minLength: 1,
          maxLength: 4,
        }),
        largeCommunities: fc.array(fc.record({ global: u32, local1: u32, local2: u32 }), {
          minLength: 1,
          maxLength: 4,
        }),
        otc: u32,
        unknown: fc.array(
          fc.record({
            // Optional transitive with Partial set: what an encoder passes on (RFC 4271 §5).
            flags: fc.constant(0xe0),
            type: fc.constantFrom(40, 99, 200, 250),
            value: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
          }),
          { minLength: 1, maxLength: 1 },
        ),
        mpReach: mp
          ? fc.record({
              afi: fc.constant(mp.afi),
              safi: fc.constant(1),
              nextHop: mp.afi === Afi.IPV4 ? ipv4 : ipv6,
              nlri: fc.array(prefixArb(mp.afi, mp.withPathId), { minLength: 1, maxLength: 10 }),
            })
          : fc.constant(undefined),
      },
      { requiredKeys: ['origin', 'asPath', 'nextHop'] },
    )
    .map((a) => {
      const out: PathAttributes = { ...a };
      if (out.mpReach === undefined) delete out.mpReach;
      if (ctx.ibgp === false) {
        delete out.originatorId;
        delete out.clusterList;
      }
      return out;
    });
}

export const contextArb: fc.Arbitrary<CodecContext> = fc
  .record({ as4: fc.boolean(), v4: fc.boolean(), v6: fc.boolean(), ibgp: fc.boolean() })
  .map(({ as4, v4, v6, ibgp }) =>
    codecContext({
      as4,
      ibgp,
      addPath: new Set([...(v4 ? [IPV4_UNICAST] : []), ...(v6 ? [IPV6_UNICAST] : [])]),
    }),
  );

/** An UPDATE (IPv4 NLRI, or IPv6 in MP_REACH) that fits one message on `ctx`. */
export function updateArb(ctx: CodecContext): fc.Arbitrary<Update> {
  const v4 = ctx.addPath.has(IPV4_UNICAST);
  const v6 = ctx.addPath.has(IPV6_UNICAST);
  return fc
    .oneof(
      fc.record({
        withdrawn: fc.array(prefixArb(Afi.IPV4, v4), { maxLength: 20 }),
        attributes: attributesArb(ctx).map((a) => (ctx.ibgp ? a : { ...a, localPref: undefined })),
        nlri: fc.array(prefixArb(Afi.IPV4, v4), { minLength: 1, maxLength: 40 }),
      }),
      fc.record({
        withdrawn: fc.constant([]),
        attributes: attributesArb(ctx, { afi: Afi.IPV6, withPathId: v6 }).map((a) => {
          const { nextHop: _, ...rest } = a;
          return ctx.ibgp ? rest : { ...rest, localPref: undefined };
        }),
        nlri: fc.constant([]),
      }),
    )
    .map((u) => {
      const attributes = { ...u.attributes };
      if (attributes.localPref === undefined) delete attributes.localPref;
      return { ...u, attributes };
    });
}

const family = fc.record({ afi: fc.constantFrom(1, 2, 25), safi: fc.constantFrom(1, 2, 4, 70, 128) });

export const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(
  family.map((f) => ({ kind: 'multiprotocol' as const, ...f })),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.constant({ kind: 'enhanced-route-refresh' as const }),
  fc.constant({ kind: 'extended-message' as const }),
  u32.map((asn) => ({ kind: 'as4' as const, asn })),
  fc.nat({ max: 4 }).map((role) => ({ kind: 'role' as const, role })),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    restarting: fc.boolean(),
    notification: fc.boolean(),
    restartTime: fc.nat({ max: 4095 }),
    families: fc.array(fc.record({ afi: u16, safi: fc.nat({ max: 255 }), forwarding: fc.boolean() }), {
      maxLength: 3,
    }),
  }),
  fc.record({
    kind: fc.constant('long-lived-graceful-restart' as const),
    families: fc.array(
      fc.record({
        afi: u16,
        safi: fc.nat({ max: 255 }),
        forwarding: fc.boolean(),
        staleTime: fc.nat({ max: 0xffffff }),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    kind: fc.constant('add-path' as const),
    families: fc.array(
      fc.record({
        afi: u16,
        safi: fc.nat({ max: 255 }),
        direction: fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>,
      }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  }),
  fc.record({
    kind: fc.constant('extended-next-hop' as const),
    entries: fc.array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('fqdn' as const),
    hostname: fc.string({ maxLength: 30 }).filter((s) => Buffer.byteLength(s) <= 255),
    domain: fc.string({ maxLength: 30 }).filter((s) => Buffer.byteLength(s) <= 255),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    code: fc.constantFrom(3, 4, 66, 128, 131, 200),
    value: fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
  }),
);

export const openArb: fc.Arbitrary<OpenMessage> = fc.record({
  version: fc.constant(4),
  myAsn: u16,
  holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  bgpId: ipv4.filter((a) => a !== '0.0.0.0'),
  capabilities: fc.array(capabilityArb, { maxLength: 40 }),
});
