// AdjRibIn.apply by example: announce, implicit replace, withdraw, RFC 7606 outcomes, MP_REACH /
// MP_UNREACH, End-of-RIB, add-path, and the UPDATEs that must reset the session.
import { describe, expect, it } from 'vitest';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { attributesOf } from '../../src/rib/attribute-store.js';
import {
  codecContext,
  ErrorCode,
  IPV4_UNICAST,
  IPV6_UNICAST,
  Notification,
  UpdateSubcode,
} from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';
import { expectConsistentRefs, ribEntries, ribRoutes } from '../helpers/rib.js';
import { AS_PATH_65001, BASE, MANDATORY, ORIGIN_IGP } from '../wire/vectors/common.js';

const ctx = codecContext();
const V6 = '20010db8000000000000000000000001';
const announce10 = hex`0000 0012 ${MANDATORY} 08 0a             // 10.0.0.0/8`;
const announce10med = hex`0000 0019 ${MANDATORY} 80 04 04 00000005 08 0a // same, MED 5`;
const withdraw10 = hex`0002 08 0a 0000                         // withdraw 10.0.0.0/8`;
const announceV6 = hex`
  0000 0029
  90 0e 001a 0002 01 10 ${V6} 00 20 20010db8  // MP_REACH_NLRI 2001:db8::/32 via 2001:db8::1
  ${ORIGIN_IGP} ${AS_PATH_65001}
`;
const setOf = (rib: AdjRibIn, route: string) => {
  const entry = ribEntries(rib).find(([text]) => text === route);
  return entry && rib.attributes.get(entry[1]);
};

function expectNotification(fn: () => unknown, code: number, subcode: number): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Notification);
    expect([(e as Notification).code, (e as Notification).subcode]).toEqual([code, subcode]);
    return;
  }
  throw new Error('no Notification thrown');
}

describe('AdjRibIn.apply', () => {
  it('RFC 4271 §3.2: an announcement stores the route with its interned attributes', () => {
    const rib = new AdjRibIn();
    expect(rib.apply(announce10, ctx)).toEqual({
      announced: 1,
      withdrawn: 0,
      treatAsWithdraw: false,
      errors: [],
      endOfRib: undefined,
      rejectedAsLoop: 0,
      rejectedInvalid: 0,
    });
    expect(ribRoutes(rib)).toEqual(['10.0.0.0/8']);
    expect(attributesOf(setOf(rib, '10.0.0.0/8')!)).toEqual(BASE);
    expect(rib.size).toBe(1);
    expectConsistentRefs(rib);
  });

  it('RFC 4271 §9.1.4: a second announcement of a prefix replaces the first; the old set is freed', () => {
    const rib = new AdjRibIn();
    rib.apply(announce10, ctx);
    const first = setOf(rib, '10.0.0.0/8')!.id;
    rib.apply(announce10med, ctx);
    expect(ribRoutes(rib)).toEqual(['10.0.0.0/8']);
    expect(attributesOf(setOf(rib, '10.0.0.0/8')!)).toEqual({ ...BASE, med: 5 });
    expect(rib.attributes.size).toBe(1);
    expect(rib.attributes.get(first)).toBeUndefined();
    rib.apply(announce10med, ctx); // the same again: nothing changes
    expect(rib.attributes.size).toBe(1);
    expectConsistentRefs(rib);
  });

  it('RFC 4271 §4.3: many prefixes share one set', () => {
    const rib = new AdjRibIn();
    rib.apply(hex`0000 0012 ${MANDATORY} 08 0a 10 ac10 18 c00002`, ctx);
    expect(ribRoutes(rib)).toEqual(['10.0.0.0/8', '172.16.0.0/16', '192.0.2.0/24']);
    expect(rib.attributes.size).toBe(1);
    expect(rib.attributes.refCount(setOf(rib, '10.0.0.0/8')!.id)).toBe(3);
  });

  it('RFC 4271 §4.3: a withdrawal removes the route and frees its set', () => {
    const rib = new AdjRibIn();
    rib.apply(announce10, ctx);
    expect(rib.apply(withdraw10, ctx)).toMatchObject({ announced: 0, withdrawn: 1 });
    expect(rib.size).toBe(0);
    expect(rib.attributes.size).toBe(0);
    rib.apply(withdraw10, ctx); // withdrawing what is not there is harmless
    expect(rib.size).toBe(0);
  });

  it('RFC 7606 §2: treat-as-withdraw removes a route announced before', () => {
    const rib = new AdjRibIn();
    rib.apply(announce10, ctx);
    const result = rib.apply(hex`0000 0018 ${MANDATORY} 80 04 03 000005 08 0a // MED of 3 octets`, ctx);
    expect(result.treatAsWithdraw).toBe(true);
    expect(result.errors.map((e) => [e.type, e.outcome])).toEqual([[4, 'treat-as-withdraw']]);
    expect(rib.size).toBe(0);
    expect(rib.attributes.size).toBe(0); // the malformed set is not kept either
  });

  it('RFC 7606 §3(d): routes without the mandatory attributes are withdrawn', () => {
    const rib = new AdjRibIn();
    rib.apply(announce10, ctx);
    expect(rib.apply(hex`0000 000b ${ORIGIN_IGP} ${AS_PATH_65001} 08 0a`, ctx).treatAsWithdraw).toBe(true);
    rib.apply(announce10, ctx);
    // The announcement removed is counted as rejected (invalid), not as a withdrawal.
    expect(rib.apply(hex`0000 0000 08 0a`, ctx)).toMatchObject({
      treatAsWithdraw: true,
      withdrawn: 0,
      rejectedInvalid: 1,
    });
    expect(rib.size).toBe(0);
    expectConsistentRefs(rib);
  });

  it('RFC 7606 §7.5: attribute-discard keeps the route without the attribute', () => {
    const rib = new AdjRibIn();
    const ebgp = codecContext({ ibgp: false });
    const result = rib.apply(
      hex`0000 0019 ${MANDATORY} 40 05 04 00000064 08 0a // LOCAL_PREF from eBGP`,
      ebgp,
    );
    expect(result.treatAsWithdraw).toBe(false);
    expect(result.errors.map((e) => [e.type, e.outcome])).toEqual([[5, 'attribute-discard']]);
    expect(attributesOf(setOf(rib, '10.0.0.0/8')!)).toEqual(BASE);
  });

  it('RFC 4760 §3: IPv6 routes from MP_REACH_NLRI keep family and next hop with their set', () => {
    const rib = new AdjRibIn();
    expect(rib.apply(announceV6, ctx).announced).toBe(1);
    expect(ribRoutes(rib)).toEqual(['2001:db8::/32']);
    expect(attributesOf(setOf(rib, '2001:db8::/32')!)).toEqual({
      origin: 0,
      asPath: BASE.asPath,
      mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [] },
    });
  });

  it('RFC 4760 §3: the same attributes with another MP next hop are another set', () => {
    const rib = new AdjRibIn();
    rib.apply(announceV6, ctx);
    rib.apply(
      hex`0000 0029 90 0e 001a 0002 01 10 ${V6.replace(/1$/, '2')} 00 20 20010db9 ${ORIGIN_IGP} ${AS_PATH_65001}`,
      ctx,
    );
    expect(rib.attributes.size).toBe(2);
    expect(setOf(rib, '2001:db9::/32')!.mpReach?.nextHop).toBe('2001:db8::2');
  });

  it('RFC 4760 §4: MP_UNREACH_NLRI withdraws IPv6 routes', () => {
    const rib = new AdjRibIn();
    rib.apply(announceV6, ctx);
    expect(rib.apply(hex`0000 000c 90 0f 0008 0002 01 20 20010db8`, ctx)).toMatchObject({
      withdrawn: 1,
      endOfRib: undefined,
      rejectedAsLoop: 0,
    });
    expect(rib.size).toBe(0);
    expect(rib.attributes.size).toBe(0);
  });

  it('RFC 4724 §2: End-of-RIB for IPv4 and IPv6', () => {
    const rib = new AdjRibIn();
    expect(rib.apply(hex`0000 0000`, ctx).endOfRib).toBe(IPV4_UNICAST);
    expect(rib.apply(hex`0000 0007 90 0f 0003 0002 01`, ctx).endOfRib).toBe(IPV6_UNICAST);
    expect(rib.apply(hex`0000 000b 90 0f 0003 0002 01 ${ORIGIN_IGP}`, ctx).endOfRib).toBeUndefined();
    expect(rib.apply(hex`0000 0008 90 0f 0004 0019 46 00`, ctx).endOfRib).toBeUndefined(); // raw EVPN withdrawal
    expect(rib.apply(announce10, ctx).endOfRib).toBeUndefined();
    expect(rib.attributes.size).toBe(1);
  });

  it('RFC 7911 §3: add-path routes to one prefix are distinct by path id', () => {
    const rib = new AdjRibIn();
    const ap = codecContext({ addPath: new Set([IPV4_UNICAST, IPV6_UNICAST]) });
    rib.apply(hex`0000 0012 ${MANDATORY} 00000001 08 0a 00000002 08 0a`, ap);
    rib.apply(hex`0000 0019 ${MANDATORY} 80 04 04 00000005 00000003 08 0a`, ap);
    rib.apply(
      hex`0000 0036 90 0e 0027 0002 01 10 ${V6} 00 00000001 20 20010db8 00000002 20 20010db8 ${ORIGIN_IGP} ${AS_PATH_65001}`,
      ap,
    );
    expect(ribRoutes(rib)).toEqual([
      '10.0.0.0/8#1',
      '10.0.0.0/8#2',
      '10.0.0.0/8#3',
      '2001:db8::/32#1',
      '2001:db8::/32#2',
    ]);
    rib.apply(hex`0006 00000002 08 0a 0000`, ap);
    rib.apply(hex`0000 0010 90 0f 000c 0002 01 00000001 20 20010db8`, ap);
    expect(ribRoutes(rib)).toEqual(['10.0.0.0/8#1', '10.0.0.0/8#3', '2001:db8::/32#2']);
    expectConsistentRefs(rib);
  });

  it('RFC 7606 §4: an attribute overrun after MP_REACH_NLRI withdraws its routes too', () => {
    const rib = new AdjRibIn();
    rib.apply(announceV6, ctx);
    const bad = hex`0000 0030 90 0e 001a 0002 01 10 ${V6} 00 20 20010db8 ${ORIGIN_IGP} ${AS_PATH_65001} c0 08 08 fde90064`;
    expect(rib.apply(bad, ctx).treatAsWithdraw).toBe(true);
    expect(rib.size).toBe(0);
    expect(rib.attributes.size).toBe(0);
  });

  describe('UPDATEs that reset the session throw the Notification', () => {
    const U = ErrorCode.UPDATE_MESSAGE;
    it.each([
      [
        'RFC 4271 §6.3 Withdrawn Routes Length too large',
        hex`0005 08 0a 0000`,
        UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
      ],
      [
        'RFC 4271 §6.3 NLRI prefix length 33',
        hex`0000 0012 ${MANDATORY} 21 0a00000100`,
        UpdateSubcode.INVALID_NETWORK_FIELD,
      ],
      [
        'RFC 4271 §6.3 withdrawn prefix length 33',
        hex`0006 21 0a00000100 0000`,
        UpdateSubcode.INVALID_NETWORK_FIELD,
      ],
      [
        'RFC 7606 §3(g) MP_REACH_NLRI twice',
        hex`0000 0012 90 0e 0005 0002 80 00 00 90 0e 0005 0002 80 00 00`,
        UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
      ],
      [
        'RFC 7606 §7.11 MP_REACH_NLRI next hop of 4 octets for IPv6',
        hex`0000 0012 90 0e 000e 0002 01 04 c0000201 00 20 20010db8`,
        UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
      ],
      [
        'RFC 4271 §6.3 unrecognized well-known attribute',
        hex`0000 0003 40 63 00`,
        UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
      ],
    ])('%s', (_name, body, subcode) => {
      expectNotification(() => new AdjRibIn().apply(body, ctx), U, subcode);
    });
  });
});
