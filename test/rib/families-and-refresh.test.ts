// Routes only of the families a session negotiated (RFC 4760 §8: NLRI of another family, multicast
// SAFI 2 included, is checked, noted and ignored, never stored as unicast), and the receiving side
// of Enhanced Route Refresh (RFC 7313 §4.2: BoRR marks a family's routes stale, EoRR removes those
// not announced since).
import { describe, expect, it } from 'vitest';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { codecContext, familyKey, IPV4_UNICAST, IPV6_UNICAST } from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';
import { expectConsistentRefs, ribRoutes } from '../helpers/rib.js';
import { AS_PATH_65001, MANDATORY, ORIGIN_IGP } from '../wire/vectors/common.js';

const ctx = codecContext();
const addPathCtx = codecContext({ addPath: new Set([IPV4_UNICAST]) });
const V4_ONLY = new Set([IPV4_UNICAST]);
const V6_ONLY = new Set([IPV6_UNICAST]);
const BOTH = new Set([IPV4_UNICAST, IPV6_UNICAST]);
const NH6 = '20010db8000000000000000000000001';

/** Octets of hex text, as `width` hex digits. */
const size = (text: string, width = 4) =>
  (text.replace(/\s/g, '').length / 2).toString(16).padStart(width, '0');
const num = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** An UPDATE announcing IPv4 prefixes given as packed NLRI hex (length octet, then octets). */
const v4 = (nlri: string) => hex`0000 ${size(MANDATORY)} ${MANDATORY} ${nlri}`;
/** MP_REACH_NLRI of <AFI, SAFI> with one packed prefix, and ORIGIN, AS_PATH. */
const mpReach = (afi: number, safi: number, nextHop: string, prefix: string) => {
  const body = `${num(afi, 4)} ${num(safi, 2)} ${size(nextHop, 2)} ${nextHop} 00 ${prefix}`;
  const attrs = `90 0e ${size(body)} ${body} ${ORIGIN_IGP} ${AS_PATH_65001}`;
  return hex`0000 ${size(attrs)} ${attrs}`;
};
/** MP_UNREACH_NLRI of <AFI, SAFI> with one packed prefix. */
const mpUnreach = (afi: number, safi: number, prefix: string) => {
  const attr = `80 0f ${size(`${num(afi, 4)} ${num(safi, 2)} ${prefix}`, 2)} ${num(afi, 4)} ${num(safi, 2)} ${prefix}`;
  return hex`0000 ${size(attr)} ${attr}`;
};

describe('RFC 4760 §8: only the negotiated families', () => {
  it('IPv6 NLRI on an IPv4-only session is noted and ignored; the session stays', () => {
    const rib = new AdjRibIn();
    const r = rib.apply(mpReach(2, 1, NH6, '30 20010db80010'), ctx, V4_ONLY);
    expect(ribRoutes(rib)).toEqual([]);
    expect(r.errors.map((e) => e.reason)).toEqual([
      'NLRI of AFI/SAFI 2/1, not negotiated on this session, ignored (RFC 4760 §8)',
    ]);
    expect(ribRoutes(rib)).toEqual([]);
    rib.apply(mpReach(2, 1, NH6, '30 20010db80010'), ctx, BOTH);
    expect(ribRoutes(rib)).toEqual(['2001:db8:10::/48']);
  });

  it('the NLRI field on an IPv6-only session is checked and ignored', () => {
    const rib = new AdjRibIn();
    const r = rib.apply(v4('18 0a0e0e'), ctx, V6_ONLY);
    expect(ribRoutes(rib)).toEqual([]);
    expect(r.errors.map((e) => e.reason)).toContain(
      'NLRI of AFI/SAFI 1/1, not negotiated on this session, ignored (RFC 4760 §8)',
    );
    // Still checked for syntax: a prefix longer than 32 is an Invalid Network Field.
    expect(() => rib.apply(v4('21 0a0e0e0e0e'), ctx, V6_ONLY)).toThrow(/Invalid Network Field/);
  });

  it('multicast (SAFI 2) is never unicast: not stored, and its withdrawals take no unicast route', () => {
    const rib = new AdjRibIn();
    rib.apply(v4('10 0a63'), ctx, BOTH);
    rib.apply(mpReach(2, 1, NH6, '30 20010db80099'), ctx, BOTH);
    expect(ribRoutes(rib)).toEqual(['10.99.0.0/16', '2001:db8:99::/48']);
    rib.apply(mpReach(1, 2, 'c0000201', '10 0a64'), ctx, BOTH);
    rib.apply(mpReach(2, 2, NH6, '30 20010db80098'), ctx, BOTH);
    rib.apply(mpUnreach(1, 2, '10 0a63'), ctx, BOTH);
    rib.apply(mpUnreach(2, 2, '30 20010db80099'), ctx, BOTH);
    expect(ribRoutes(rib)).toEqual(['10.99.0.0/16', '2001:db8:99::/48']);
    expectConsistentRefs(rib);
  });
});

describe('RFC 7313 §4.2: BoRR and EoRR from the peer', () => {
  it('routes not announced again between BoRR and EoRR go; others stay; other families untouched', () => {
    const rib = new AdjRibIn();
    rib.apply(v4('18 0a0505 18 0a0506 10 0a07'), ctx, BOTH);
    rib.apply(mpReach(2, 1, NH6, '30 20010db80010'), ctx, BOTH);
    rib.beginRefresh(IPV4_UNICAST);
    rib.apply(v4('18 0a0505'), ctx, BOTH);
    rib.apply(v4('18 0a0508'), ctx, BOTH);
    expect(rib.endRefresh(IPV4_UNICAST)).toBe(2);
    expect(ribRoutes(rib)).toEqual(['10.5.5.0/24', '10.5.8.0/24', '2001:db8:10::/48']);
    expectConsistentRefs(rib);
  });

  it('an EoRR without a BoRR changes nothing; a family other than IPv4/IPv6 unicast is ignored', () => {
    const rib = new AdjRibIn();
    rib.apply(v4('18 0a0505'), ctx, BOTH);
    expect(rib.endRefresh(IPV4_UNICAST)).toBe(0);
    rib.beginRefresh(familyKey(1, 2));
    expect(rib.endRefresh(familyKey(1, 2))).toBe(0);
    expect(ribRoutes(rib)).toEqual(['10.5.5.0/24']);
  });

  it('IPv6 announced again with host bits set is the same route; add-path ids are routes of their own', () => {
    const rib = new AdjRibIn();
    rib.apply(mpReach(2, 1, NH6, '2c 20010db80070'), ctx, BOTH); // 2001:db8:70::/44
    rib.apply(mpReach(2, 1, NH6, '30 20010db80080'), ctx, BOTH);
    rib.beginRefresh(IPV6_UNICAST);
    rib.apply(mpReach(2, 1, NH6, '2c 20010db80077'), ctx, BOTH); // the same /44, host bits set
    expect(rib.endRefresh(IPV6_UNICAST)).toBe(1);
    expect(ribRoutes(rib)).toEqual(['2001:db8:70::/44']);

    const ap = new AdjRibIn();
    ap.apply(v4('00000001 18 0a0505 00000002 18 0a0505'), addPathCtx, BOTH);
    ap.beginRefresh(IPV4_UNICAST);
    ap.apply(v4('00000002 18 0a0505'), addPathCtx, BOTH);
    expect(ap.endRefresh(IPV4_UNICAST)).toBe(1);
    expect(ribRoutes(ap)).toEqual(['10.5.5.0/24#2']);
  });
});
