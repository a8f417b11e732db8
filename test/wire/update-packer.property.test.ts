// Property: packing any prefix list (IPv4 fast path, Prefix[] in the NLRI field or MP_REACH_NLRI,
// withdrawals; with and without add-path; 4096 or 65535 octets) yields UPDATEs within the size
// limit that decode to exactly the attributes and the prefixes packed, in order, none lost or doubled.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodecContext, PathAttributes } from '../../src/wire/index.js';
import {
  Afi,
  codecContext,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  prepareAttributes,
  Safi,
} from '../../src/wire/index.js';
import { attributesArb, ipv6, prefixArb } from '../helpers/arbitraries.js';
import { decodeAll, packAll, packAllIpv4, toIpv4Routes, withdrawAll } from '../helpers/packing.js';
import { routeText } from './vectors/common.js';

const ctxArb = fc
  .record({ as4: fc.boolean(), addPath: fc.boolean(), extended: fc.boolean() })
  .map(({ as4, addPath, extended }) =>
    codecContext({
      as4,
      ibgp: true,
      addPath: addPath ? new Set([IPV4_UNICAST, IPV6_UNICAST]) : new Set(),
      maxMessageLength: extended ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH,
    }),
  );

/** Attributes for the NLRI field (no MP_REACH_NLRI). */
const v4Attributes = (ctx: CodecContext) =>
  attributesArb(ctx).map(({ mpReach: _, ...a }): PathAttributes => a);

/** Attributes for MP_REACH_NLRI routes of `afi`: no NEXT_HOP, the next hop in the MP head. */
const mpAttributes = (ctx: CodecContext, afi: Afi) =>
  fc.tuple(attributesArb(ctx), ipv6).map(
    ([{ nextHop: _, mpReach: __, ...a }, nh]): PathAttributes => ({
      ...a,
      mpReach: { afi, safi: Safi.UNICAST, nextHop: nh, nlri: [] },
    }),
  );

const prefixes = (ctx: CodecContext, afi: Afi) =>
  fc.array(prefixArb(afi, ctx.addPath.size > 0), { maxLength: 3000, size: 'max' });

function expectWithinLimit(messages: readonly Buffer[], ctx: CodecContext): void {
  for (const m of messages) expect(m.length).toBeLessThanOrEqual(ctx.maxMessageLength);
}

const runs = { numRuns: 30 };

describe('update packer properties', () => {
  it('IPv4 fast path: all prefixes, in order, attributes intact, within the limit', () => {
    const arb = ctxArb.chain((ctx) => fc.tuple(fc.constant(ctx), v4Attributes(ctx), prefixes(ctx, Afi.IPV4)));
    fc.assert(
      fc.property(arb, ([ctx, attrs, list]) => {
        const messages = packAllIpv4(
          prepareAttributes(attrs, ctx),
          toIpv4Routes(list, ctx.addPath.size > 0),
          ctx,
        );
        expectWithinLimit(messages, ctx);
        const decoded = decodeAll(messages, ctx);
        for (const d of decoded) {
          expect(d.errors).toEqual([]);
          expect(d.attributes).toEqual(attrs);
          expect(d.nlri.length).toBeGreaterThan(0);
        }
        expect(decoded.flatMap((d) => d.nlri.map(routeText))).toEqual(list.map(routeText));
      }),
      runs,
    );
  });

  it('Prefix[] in the NLRI field: same', () => {
    const arb = ctxArb.chain((ctx) => fc.tuple(fc.constant(ctx), v4Attributes(ctx), prefixes(ctx, Afi.IPV4)));
    fc.assert(
      fc.property(arb, ([ctx, attrs, list]) => {
        const messages = packAll(prepareAttributes(attrs, ctx), list, ctx);
        expectWithinLimit(messages, ctx);
        const decoded = decodeAll(messages, ctx);
        for (const d of decoded) expect(d.attributes).toEqual(attrs);
        expect(decoded.flatMap((d) => d.nlri.map(routeText))).toEqual(list.map(routeText));
      }),
      runs,
    );
  });

  it('MP_REACH_NLRI (IPv6, and IPv4 with an IPv6 next hop): same', () => {
    const arb = ctxArb.chain((ctx) =>
      fc
        .constantFrom(Afi.IPV4, Afi.IPV6)
        .chain((afi) => fc.tuple(fc.constant(ctx), mpAttributes(ctx, afi), prefixes(ctx, afi))),
    );
    fc.assert(
      fc.property(arb, ([ctx, attrs, list]) => {
        const messages = packAll(prepareAttributes(attrs, ctx), list, ctx);
        expectWithinLimit(messages, ctx);
        const decoded = decodeAll(messages, ctx);
        for (const d of decoded) {
          expect(d.errors).toEqual([]);
          const { mpReach, ...rest } = d.attributes;
          const { mpReach: want, ...wantRest } = attrs;
          expect(rest).toEqual(wantRest);
          expect({ ...mpReach, nlri: [] }).toEqual(want);
        }
        expect(decoded.flatMap((d) => d.attributes.mpReach!.nlri.map(routeText))).toEqual(
          list.map(routeText),
        );
      }),
      runs,
    );
  });

  it('withdrawals (IPv4 Withdrawn Routes, IPv6 MP_UNREACH_NLRI): same', () => {
    const arb = ctxArb.chain((ctx) =>
      fc.constantFrom(Afi.IPV4, Afi.IPV6).chain((afi) => fc.tuple(fc.constant(ctx), prefixes(ctx, afi))),
    );
    fc.assert(
      fc.property(arb, ([ctx, list]) => {
        const messages = withdrawAll(list, Safi.UNICAST, ctx);
        expectWithinLimit(messages, ctx);
        const decoded = decodeAll(messages, ctx);
        for (const d of decoded) expect(d.endOfRib).toBeUndefined();
        const got = decoded.flatMap((d) => [...d.withdrawn, ...(d.attributes.mpUnreach?.withdrawn ?? [])]);
        expect(got.map(routeText)).toEqual(list.map(routeText));
      }),
      runs,
    );
  });
});
