// update-packer.ts by example: prepareAttributes once, then pack IPv4 (fast path and Prefix[]),
// IPv6 in MP_REACH_NLRI, withdrawals and End-of-RIB; every message decodes back to what was packed.
import { describe, expect, it } from 'vitest';
import type { PathAttributes, Prefix } from '../../src/wire/index.js';
import {
  Afi,
  AttrType,
  codecContext,
  decodeUpdate,
  encodeAttributes,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MAX_EXTENDED_MESSAGE_LENGTH,
  packIpv4Update,
  packUpdate,
  packWithdrawal,
  parsePrefix,
  prepareAttributes,
  Safi,
  Writer,
  writeEndOfRib,
} from '../../src/wire/index.js';
import { hex, MARKER } from '../helpers/hex.js';
import { decodeAll, packAll, packAllIpv4, split, toIpv4Routes, withdrawAll } from '../helpers/packing.js';
import { routeText, seq } from './vectors/common.js';

const ctx = codecContext({ as4: true, ibgp: true });
const attrs: PathAttributes = {
  origin: 0,
  asPath: [seq(65001, 65002)],
  nextHop: '192.0.2.1',
  med: 10,
  localPref: 100,
  communities: [0xfde90064],
};
/** n distinct /32s: 10.x.y.z. */
const hosts = (n: number, pathId?: number): Prefix[] =>
  Array.from({ length: n }, (_, i) =>
    parsePrefix(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`, pathId),
  );
const v6 = (n: number): Prefix[] =>
  Array.from({ length: n }, (_, i) => parsePrefix(`2001:db8:${i.toString(16)}::/48`));
const texts = (ps: readonly Prefix[]) => ps.map(routeText);

describe('prepareAttributes', () => {
  it('RFC 4271 §4.3: the block is the attribute encoding, without MP_REACH_NLRI', () => {
    const prepared = prepareAttributes(attrs, ctx);
    const w = Writer.alloc(4096);
    encodeAttributes(w, attrs, ctx);
    expect(prepared.block.toString('hex')).toBe(w.view().toString('hex'));
    expect(prepared.mpHead).toBeUndefined();
    expect(prepared.addPath).toBe(false);
  });

  it('RFC 4760 §3: with MP_REACH_NLRI the head is AFI, SAFI, next hop and reserved', () => {
    const prepared = prepareAttributes(
      {
        ...attrs,
        nextHop: undefined,
        mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocal: 'fe80::1', nlri: [] },
      },
      codecContext({ addPath: new Set([IPV6_UNICAST]) }),
    );
    expect(prepared.mpHead!.toString('hex')).toBe(
      hex`0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00`.toString('hex'),
    );
    expect(prepared.block.includes(AttrType.MP_REACH_NLRI)).toBe(false);
    expect(prepared.addPath).toBe(true);
  });
});

describe('packing announcements', () => {
  it('RFC 4271 §4.3: 2000 IPv4 /32s split across 4096-octet UPDATEs, in order, none lost', () => {
    const prefixes = hosts(2000);
    for (const messages of [
      packAllIpv4(prepareAttributes(attrs, ctx), toIpv4Routes(prefixes, false), ctx),
      packAll(prepareAttributes(attrs, ctx), prefixes, ctx),
    ]) {
      expect(messages.length).toBeGreaterThan(1);
      for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096);
      const decoded = decodeAll(messages, ctx);
      for (const d of decoded) {
        expect(d.errors).toEqual([]);
        expect(d.attributes).toEqual(attrs);
      }
      expect(decoded.flatMap((d) => texts(d.nlri))).toEqual(texts(prefixes));
    }
  });

  it('RFC 4271 §4.3: every UPDATE but the last is full', () => {
    const messages = packAllIpv4(prepareAttributes(attrs, ctx), toIpv4Routes(hosts(3000), false), ctx);
    for (const m of messages.slice(0, -1)) expect(m.length + 5).toBeGreaterThan(4096);
  });

  it('RFC 8654 §4: with Extended Message an UPDATE holds up to 65535 octets', () => {
    const big = codecContext({ as4: true, ibgp: true, maxMessageLength: MAX_EXTENDED_MESSAGE_LENGTH });
    const prefixes = hosts(30000);
    const messages = packAllIpv4(prepareAttributes(attrs, big), toIpv4Routes(prefixes, false), big);
    expect(messages.length).toBe(3);
    expect(Math.max(...messages.map((m) => m.length))).toBeGreaterThan(60000);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(MAX_EXTENDED_MESSAGE_LENGTH);
    expect(decodeAll(messages, big).flatMap((d) => texts(d.nlri))).toEqual(texts(prefixes));
  });

  it('RFC 7911 §3: add-path IPv4 carries each path id', () => {
    const ap = codecContext({ as4: true, ibgp: true, addPath: new Set([IPV4_UNICAST]) });
    const prefixes = [...hosts(900, 1), ...hosts(900, 2)];
    for (const messages of [
      packAllIpv4(prepareAttributes(attrs, ap), toIpv4Routes(prefixes, true), ap),
      packAll(prepareAttributes(attrs, ap), prefixes, ap),
    ]) {
      for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096);
      expect(decodeAll(messages, ap).flatMap((d) => texts(d.nlri))).toEqual(texts(prefixes));
    }
  });

  it('RFC 4760 §3: IPv6 routes go in MP_REACH_NLRI with the next hop, other attributes after it', () => {
    const mpAttrs: PathAttributes = {
      origin: 0,
      asPath: [seq(65001)],
      mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: '2001:db8::1', nlri: [] },
      largeCommunities: [{ global: 65001, local1: 1, local2: 2 }],
    };
    const prefixes = v6(1500);
    const messages = packAll(prepareAttributes(mpAttrs, ctx), prefixes, ctx);
    expect(messages.length).toBeGreaterThan(1);
    const decoded = decodeAll(messages, ctx);
    for (const [i, d] of decoded.entries()) {
      expect(messages[i].length).toBeLessThanOrEqual(4096);
      expect(messages[i][23]).toBe(0x90); // MP_REACH_NLRI first, Extended Length
      expect(messages[i][24]).toBe(AttrType.MP_REACH_NLRI);
      expect(d.errors).toEqual([]);
      const { mpReach, ...rest } = d.attributes;
      const { mpReach: _, ...wantRest } = mpAttrs;
      expect(rest).toEqual(wantRest);
      expect(mpReach).toMatchObject({ afi: 2, safi: 1, nextHop: '2001:db8::1' });
      expect(d.nlri).toEqual([]);
    }
    expect(decoded.flatMap((d) => texts(d.attributes.mpReach!.nlri))).toEqual(texts(prefixes));
  });

  it('RFC 8950 §4: IPv4 routes with an IPv6 next hop go in MP_REACH_NLRI', () => {
    const mpAttrs: PathAttributes = {
      origin: 0,
      asPath: [],
      mpReach: { afi: Afi.IPV4, safi: Safi.UNICAST, nextHop: '2001:db8::1', nlri: [] },
    };
    const prefixes = hosts(1000);
    const decoded = decodeAll(packAll(prepareAttributes(mpAttrs, ctx), prefixes, ctx), ctx);
    expect(decoded.every((d) => d.attributes.mpReach?.nextHop === '2001:db8::1')).toBe(true);
    expect(decoded.flatMap((d) => texts(d.attributes.mpReach!.nlri))).toEqual(texts(prefixes));
  });

  it('returns `from` and writes nothing when no prefix is left', () => {
    const w = Writer.alloc(8192);
    const prepared = prepareAttributes(attrs, ctx);
    expect(packUpdate(w, prepared, hosts(2), 2, ctx)).toBe(2);
    expect(packWithdrawal(w, hosts(2), 2, Safi.UNICAST, ctx)).toBe(2);
    expect(w.pos).toBe(0);
  });

  it('returns `from` and rolls back when not even one prefix fits the buffer', () => {
    const prepared = prepareAttributes(attrs, ctx);
    // Header, both lengths and the attributes fit; a /32 (5 octets) does not.
    const w = new Writer(Buffer.alloc(19 + 4 + prepared.block.length + 4));
    expect(packIpv4Update(w, prepared, toIpv4Routes(hosts(1), false), 0, 1, ctx)).toBe(0);
    expect(w.pos).toBe(0);
    expect(packUpdate(w, prepared, hosts(1), 0, ctx)).toBe(0);
    expect(w.pos).toBe(0);
  });
});

describe('packing withdrawals', () => {
  it('RFC 4271 §4.3: IPv4 in Withdrawn Routes, a full message of /32s included', () => {
    // 815 /32s of 5 octets fill 4096 − 19 − 2 exactly: the attribute length must still fit.
    const prefixes = hosts(2000);
    const messages = withdrawAll(prefixes, Safi.UNICAST, ctx);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096);
    const decoded = decodeAll(messages, ctx);
    for (const d of decoded) expect(d.attributes).toEqual({});
    expect(decoded.flatMap((d) => texts(d.withdrawn))).toEqual(texts(prefixes));
  });

  it('RFC 4760 §4: IPv6 in MP_UNREACH_NLRI, with add-path', () => {
    const ap = codecContext({ addPath: new Set([IPV6_UNICAST]) });
    const prefixes = v6(1000).map((p, i) => ({ ...p, pathId: i }));
    const messages = withdrawAll(prefixes, Safi.UNICAST, ap);
    expect(messages.length).toBeGreaterThan(1);
    const decoded = decodeAll(messages, ap);
    for (const [i, d] of decoded.entries()) {
      expect(messages[i].length).toBeLessThanOrEqual(4096);
      expect(d.withdrawn).toEqual([]);
      expect(d.attributes.mpUnreach).toMatchObject({ afi: 2, safi: 1 });
    }
    expect(decoded.flatMap((d) => texts(d.attributes.mpUnreach!.withdrawn))).toEqual(texts(prefixes));
  });

  it('RFC 4760 §4: IPv4 multicast withdrawals go in MP_UNREACH_NLRI', () => {
    const [d] = decodeAll(withdrawAll(hosts(3), Safi.MULTICAST, ctx), ctx);
    expect(d.withdrawn).toEqual([]);
    expect(d.attributes.mpUnreach).toMatchObject({ afi: 1, safi: 2 });
    expect(texts(d.attributes.mpUnreach!.withdrawn)).toEqual(texts(hosts(3)));
  });
});

describe('writeEndOfRib', () => {
  it('RFC 4724 §2: IPv4 unicast End-of-RIB is the empty UPDATE', () => {
    const w = Writer.alloc(64);
    writeEndOfRib(w, Afi.IPV4, Safi.UNICAST);
    expect(w.view().toString('hex')).toBe(hex`${MARKER} 0017 02 0000 0000`.toString('hex'));
    expect(decodeUpdate(w.view().subarray(19), ctx).endOfRib).toBe(IPV4_UNICAST);
  });

  it('RFC 4724 §2: other families get an empty MP_UNREACH_NLRI', () => {
    const w = Writer.alloc(64);
    writeEndOfRib(w, Afi.IPV6, Safi.UNICAST);
    writeEndOfRib(w, Afi.IPV4, Safi.MULTICAST);
    const [v6eor, v4mc] = split(Buffer.from(w.view()));
    expect(v6eor.toString('hex')).toBe(hex`${MARKER} 001e 02 0000 0007 90 0f 0003 0002 01`.toString('hex'));
    expect(decodeUpdate(v6eor.subarray(19), ctx).endOfRib).toBe(IPV6_UNICAST);
    expect(decodeUpdate(v4mc.subarray(19), ctx).endOfRib).toBe(familyKey(1, 2));
  });
});

describe('packWithdrawal in a nearly full buffer', () => {
  it('RFC 4724 §2: writes nothing rather than an empty UPDATE (which would be End-of-RIB)', () => {
    const w = new Writer(Buffer.alloc(19 + 4 + 4)); // a /32 needs 5 octets
    expect(packWithdrawal(w, hosts(1), 0, Safi.UNICAST, ctx)).toBe(0);
    expect(w.pos).toBe(0);
    const w6 = new Writer(Buffer.alloc(19 + 4 + 4 + 3 + 5)); // a /48 needs 7 octets
    expect(packWithdrawal(w6, v6(1), 0, Safi.UNICAST, ctx)).toBe(0);
    expect(w6.pos).toBe(0);
  });
});
