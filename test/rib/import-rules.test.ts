// Import rules: routes that loop back to us are dropped on import (RFC 4271 §9.1.2, RFC 4456 §8)
// and replace (so remove) an earlier path of the same prefix; allowAsIn relaxes the AS-path check.
import { describe, expect, it } from 'vitest';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { loopReason } from '../../src/rib/import-rules.js';
import { AsPathSegmentType, codecContext } from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';
import { ribRoutes } from '../helpers/rib.js';
import { MANDATORY, NEXT_HOP_192_0_2_1, ORIGIN_IGP } from '../wire/vectors/common.js';

const ctx = codecContext();
// AS_PATH 65001 (the peer) then 65000 (us): our own route coming back.
const loopPath = '40 02 06 02 02 fde9 fde8';
const announceLoop = hex`0000 0014 ${ORIGIN_IGP} ${loopPath} ${NEXT_HOP_192_0_2_1} 08 0a // 10.0.0.0/8`;
const announceClean = hex`0000 0012 ${MANDATORY} 08 0a // 10.0.0.0/8 from AS 65001 alone`;
const announceTwoClean = hex`0000 0012 ${MANDATORY} 08 0a 08 0b // 10/8 and 11/8`;

describe('import rules', () => {
  it('RFC 4271 §9.1.2: a route with our ASN in AS_PATH is dropped and not counted as received', () => {
    const rib = new AdjRibIn({ localAsn: 65000, allowAsIn: 0 });
    const r = rib.apply(announceLoop, ctx);
    expect(r.rejectedAsLoop).toBe(1);
    expect(r.announced).toBe(0);
    expect(rib.size).toBe(0);
    expect(rib.attributes.size).toBe(0);
  });

  it('a looped announcement replaces the earlier path of its prefix (the old route goes)', () => {
    const rib = new AdjRibIn({ localAsn: 65000, allowAsIn: 0 });
    rib.apply(announceTwoClean, ctx);
    expect(ribRoutes(rib).sort()).toEqual(['10.0.0.0/8', '11.0.0.0/8']);
    const r = rib.apply(announceLoop, ctx);
    expect([r.rejectedAsLoop, r.withdrawn]).toEqual([1, 0]);
    expect(ribRoutes(rib)).toEqual(['11.0.0.0/8']);
  });

  it('allowAsIn: N accepts our ASN up to N times', () => {
    const rib = new AdjRibIn({ localAsn: 65000, allowAsIn: 1 });
    expect(rib.apply(announceLoop, ctx).rejectedAsLoop).toBe(0);
    expect(ribRoutes(rib)).toEqual(['10.0.0.0/8']);
    const asPath = [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [65001, 65000, 65000] }];
    expect(loopReason({ asPath }, { localAsn: 65000, allowAsIn: 1 })).toBe('asPathLoop');
    expect(loopReason({ asPath }, { localAsn: 65000, allowAsIn: 2 })).toBeUndefined();
  });

  it('our ASN inside an AS_SET counts too (the full AS path is scanned)', () => {
    const asPath = [
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [65001] },
      { type: AsPathSegmentType.AS_SET, asns: [65010, 65000] },
    ];
    expect(loopReason({ asPath }, { localAsn: 65000, allowAsIn: 0 })).toBe('asPathLoop');
  });

  it('RFC 4456 §8: a route with our BGP identifier as ORIGINATOR_ID is dropped', () => {
    const rules = { localAsn: 65000, allowAsIn: 0, routerId: '192.0.2.9' };
    expect(loopReason({ asPath: [], originatorId: '192.0.2.9' }, rules)).toBe('originatorId');
    expect(loopReason({ asPath: [], originatorId: '192.0.2.8' }, rules)).toBeUndefined();
  });

  it('RFC 4456 §8: a route whose CLUSTER_LIST holds our CLUSTER_ID (else our router id) is dropped', () => {
    const byRouterId = { localAsn: 65000, allowAsIn: 0, routerId: '192.0.2.9' };
    expect(loopReason({ asPath: [], clusterList: ['10.0.0.1', '192.0.2.9'] }, byRouterId)).toBe(
      'clusterList',
    );
    const byClusterId = { ...byRouterId, clusterId: '10.255.0.1' };
    expect(loopReason({ asPath: [], clusterList: ['192.0.2.9'] }, byClusterId)).toBeUndefined();
    expect(loopReason({ asPath: [], clusterList: ['10.255.0.1'] }, byClusterId)).toBe('clusterList');
  });

  it('without rules (MRT data) nothing is dropped', () => {
    const rib = new AdjRibIn();
    expect(rib.apply(announceLoop, ctx).rejectedAsLoop).toBe(0);
    expect(rib.apply(announceClean, ctx).announced).toBe(1);
    expect(rib.size).toBe(1);
  });
});

describe('AdjRibIn.dropFamily', () => {
  it('removes one family and releases its attribute sets, leaving the other', () => {
    const rib = new AdjRibIn();
    rib.apply(announceTwoClean, ctx);
    const v6 = hex`
      0000 0029
      90 0e 001a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8
      ${ORIGIN_IGP} 40 02 04 02 01 fde9`;
    rib.apply(v6, ctx);
    expect(rib.size).toBe(3);
    expect(rib.dropFamily(1)).toBe(2);
    expect(ribRoutes(rib)).toEqual(['2001:db8::/32']);
    expect(rib.attributes.size).toBe(1);
  });
});
