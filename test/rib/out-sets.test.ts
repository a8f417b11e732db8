import { describe, expect, it } from 'vitest';
import { OutSet } from '../../src/rib/out-sets.js';
import { Afi, codecContext, type PathAttributes, Safi } from '../../src/wire/index.js';

const ipv4: PathAttributes = {
  origin: 0,
  asPath: [{ type: 2, asns: [65001, 4200000001] }],
  nextHop: '10.0.0.2',
  communities: [65001 * 65536 + 100],
  largeCommunities: [{ global: 65001, local1: 1, local2: 2 }],
};

const ipv6: PathAttributes = {
  origin: 2,
  asPath: [{ type: 2, asns: [65001] }],
  med: 50,
  mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: '2001:db8::2', linkLocal: 'fe80::2', nlri: [] },
};

describe('OutSet', () => {
  it('keeps the attributes until encoded, then reads them back from the octets', () => {
    const ctx = codecContext({ as4: true });
    for (const attributes of [ipv4, ipv6]) {
      const set = new OutSet(attributes);
      expect(set.attributes).toBe(attributes);
      const prepared = set.encoded(ctx);
      expect(prepared).not.toBeNull();
      expect(set.encoded(ctx)).toEqual(prepared); // the same octets each time (made from the kept ones)
      expect(prepared?.mpHead === undefined).toBe(attributes.mpReach === undefined);
      expect(set.attributes).not.toBe(attributes);
      expect(set.attributes).toEqual(attributes);
    }
  });

  it('reads a 4-octet AS_PATH back on a 2-octet session (AS_TRANS and AS4_PATH merged)', () => {
    const set = new OutSet(ipv4);
    set.encoded(codecContext({ as4: false }));
    expect(set.attributes.asPath).toEqual(ipv4.asPath);
    expect(set.attributes.communities).toEqual(ipv4.communities);
  });

  it('tells sets that encode to the same octets (a peer holding one needs no UPDATE for the other)', () => {
    const ctx = codecContext({ as4: true });
    const a = new OutSet(ipv6);
    const b = new OutSet({ ...ipv6, asPath: [{ type: 2, asns: [65001] }] });
    const c = new OutSet({ ...ipv6, mpReach: { ...ipv6.mpReach!, nextHop: '2001:db8::3' } });
    const d = new OutSet({ ...ipv6, med: 51 });
    expect([a.sameOctets(b, ctx), a.sameOctets(c, ctx), a.sameOctets(d, ctx)]).toEqual([true, false, false]);
    const huge = new OutSet({ ...ipv4, communities: Array.from({ length: 20_000 }, (_, i) => i) });
    expect([huge.sameOctets(huge, ctx), huge.encodable(ctx)]).toEqual([false, false]);
  });

  it('keeps the attributes of a set no UPDATE can carry', () => {
    const huge: PathAttributes = { ...ipv4, communities: Array.from({ length: 20_000 }, (_, i) => i) };
    const set = new OutSet(huge);
    expect(set.encoded(codecContext({ as4: true }))).toBeNull();
    expect(set.attributes).toBe(huge);
  });
});
