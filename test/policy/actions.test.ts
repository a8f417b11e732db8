// Each `set` action on its own: what it writes, and what it leaves alone.
import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyContext } from '../../src/policy/index.js';
import type { RawTermSet } from '../../src/policy/policy-schema.js';
import {
  Afi,
  AsPathSegmentType,
  Origin,
  type PathAttributes,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
  Safi,
} from '../../src/wire/index.js';
import { context, policy, route, withPath } from './helpers.js';

const lists = {
  communityLists: {
    internal: { communities: ['65000:1'], largeCommunities: ['65000:0:1'], regex: ['^65000:9'] },
  },
};

function applied(set: RawTermSet, attrs: PathAttributes, prefix = '10.0.0.0/8', ctx?: PolicyContext) {
  const p = policy({ terms: [{ set, action: 'accept' }], default: 'reject' }, lists);
  return evaluate(p, route(prefix, attrs), ctx ?? context()).attributes;
}

const c = (...t: string[]) => t.map(parseCommunity);

describe('set actions', () => {
  it('localPref and origin', () => {
    expect(applied({ localPref: 250 }, { localPref: 100 })).toEqual({ localPref: 250 });
    expect(applied({ origin: 'igp' }, { origin: Origin.INCOMPLETE })).toEqual({ origin: Origin.IGP });
  });

  it('MED: a value, +N, -N (floored at 0, capped at 2^32-1, a missing MED counts as 0)', () => {
    expect(applied({ med: 20 }, {})).toEqual({ med: 20 });
    expect(applied({ med: '+15' }, { med: 10 })).toEqual({ med: 25 });
    expect(applied({ med: '+15' }, {})).toEqual({ med: 15 });
    expect(applied({ med: '-15' }, { med: 10 })).toEqual({ med: 0 });
    expect(applied({ med: '+10' }, { med: 0xfffffffa })).toEqual({ med: 0xffffffff });
  });

  it('next hop: an address, self (per family), peer (the neighbor on import, us on export)', () => {
    expect(applied({ nextHop: '198.51.100.1' }, { nextHop: '192.0.2.1' })).toEqual({
      nextHop: '198.51.100.1',
    });
    expect(applied({ nextHop: 'self' }, { nextHop: '192.0.2.1' })).toEqual({ nextHop: '192.0.2.254' });
    expect(applied({ nextHop: 'peer' }, { nextHop: '203.0.113.9' })).toEqual({ nextHop: '192.0.2.1' });
    const exportCtx = context({ direction: 'export' });
    expect(applied({ nextHop: 'peer' }, { nextHop: '203.0.113.9' }, '10.0.0.0/8', exportCtx)).toEqual({
      nextHop: '192.0.2.254',
    });
    const v6 = applied(
      { nextHop: 'self' },
      {
        mpReach: {
          afi: Afi.IPV6,
          safi: Safi.UNICAST,
          nextHop: '2001:db8::9',
          linkLocal: 'fe80::9',
          nlri: [],
        },
      },
      '2001:db8:1::/48',
    );
    expect(v6).toEqual({ mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: '2001:db8::fe', nlri: [] } });
    // An IPv4 address cannot be the next hop of an IPv6 route: left as it was.
    const kept = { mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: '2001:db8::9', nlri: [] } };
    expect(applied({ nextHop: '192.0.2.7' }, kept, '2001:db8:1::/48')).toBe(kept);
  });

  it('communities: add (no duplicates), remove by list (values and regex), replace, and all three in order', () => {
    expect(applied({ communities: { add: ['65000:2', '65000:1'] } }, { communities: c('65000:1') })).toEqual({
      communities: c('65000:1', '65000:2'),
    });
    expect(
      applied({ communities: { remove: 'internal' } }, { communities: c('65000:1', '65000:90', '65001:1') }),
    ).toEqual({ communities: c('65001:1') });
    expect(
      applied({ communities: { replace: ['no-export'] } }, { communities: c('65000:1', 'blackhole') }),
    ).toEqual({
      communities: c('no-export'),
    });
    expect(
      applied(
        { communities: { replace: ['65000:1', '65000:5'], remove: 'internal', add: ['65000:1'] } },
        { communities: c('1:1') },
      ),
    ).toEqual({ communities: c('65000:5', '65000:1') });
  });

  it('removing every community drops the attribute; replace with nothing clears it', () => {
    expect(applied({ communities: { remove: 'internal' } }, { communities: c('65000:1') })).toEqual({
      communities: undefined,
    });
    expect(applied({ communities: { replace: [] } }, { communities: c('1:1') }).communities).toBeUndefined();
  });

  it('large and extended communities likewise', () => {
    const large = applied(
      { largeCommunities: { remove: 'internal', add: ['65000:0:2'] } },
      { largeCommunities: [parseLargeCommunity('65000:0:1'), parseLargeCommunity('1:2:3')] },
    );
    expect(large.largeCommunities).toEqual([parseLargeCommunity('1:2:3'), parseLargeCommunity('65000:0:2')]);
    const ext = applied(
      { extendedCommunities: { replace: ['rt:65000:1'], add: ['ro:192.0.2.1:7'] } },
      { extendedCommunities: [parseExtendedCommunity('rt:1:1')] },
    );
    expect(ext.extendedCommunities).toEqual([
      parseExtendedCommunity('rt:65000:1'),
      parseExtendedCommunity('ro:192.0.2.1:7'),
    ]);
  });

  it('AS-path prepend: our ASN or a given one, into the leading AS_SEQUENCE or as a new one', () => {
    expect(applied({ asPathPrepend: { count: 2 } }, withPath('65001 65002')).asPath).toEqual([
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [65000, 65000, 65001, 65002] },
    ]);
    expect(applied({ asPathPrepend: { count: 1, asn: 64999 } }, {}).asPath).toEqual([
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [64999] },
    ]);
    expect(applied({ asPathPrepend: { count: 1 } }, withPath('{65001,65002}')).asPath).toEqual([
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [65000] },
      { type: AsPathSegmentType.AS_SET, asns: [65001, 65002] },
    ]);
  });

  it('a set that changes nothing returns the same attribute object', () => {
    const attrs = { communities: c('65000:2'), med: 5 };
    expect(applied({ communities: { add: ['65000:2'] }, med: 5 }, attrs)).toBe(attrs);
  });
});
