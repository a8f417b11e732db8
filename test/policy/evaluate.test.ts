// Evaluation order: terms in order, first match decides, `continue` applies and goes on, the
// default decides the rest; each match condition; the input route is never modified.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decidesOnIpv4Numbers, decidingTermIpv4, evaluate } from '../../src/policy/index.js';
import type { RawTermMatch } from '../../src/policy/policy-schema.js';
import { Afi, Origin, parseCommunity, parsePrefix, prefixAddress, Safi } from '../../src/wire/index.js';
import { context, deepFreeze, policy, route, withPath } from './helpers.js';

const lists = {
  prefixLists: {
    'service-subnets': [{ action: 'permit' as const, prefix: '192.168.0.0/24', ge: 32 }],
    fabric: [{ action: 'permit' as const, prefix: '10.205.32.0/22', le: 32 }],
  },
  asPathLists: { 'from-65001': [{ action: 'permit' as const, regex: '^65001_' }] },
  communityLists: { mine: { communities: ['65000:1', '65000:2'] } },
};

describe('evaluation order', () => {
  const p = policy(
    {
      terms: [
        { name: 'services', match: { prefixList: 'service-subnets' }, action: 'accept' },
        { name: 'no-default', match: { prefixList: 'fabric' }, action: 'reject' },
        { match: { asPathList: 'from-65001' }, action: 'accept' },
      ],
      default: 'reject',
    },
    lists,
  );

  it('the first matching term decides, named by its index and name', () => {
    expect(evaluate(p, route('192.168.0.11/32'), context())).toMatchObject({
      accepted: true,
      decidedBy: 'term 0 (services)',
    });
    expect(evaluate(p, route('10.205.32.1/32', withPath('65001')), context())).toMatchObject({
      accepted: false,
      decidedBy: 'term 1 (no-default)',
    });
    expect(evaluate(p, route('172.16.0.0/12', withPath('65001 65002')), context())).toMatchObject({
      accepted: true,
      decidedBy: 'term 2',
    });
  });

  it('no term matching: the default decides', () => {
    expect(evaluate(p, route('172.16.0.0/12', withPath('65002')), context())).toMatchObject({
      accepted: false,
      decidedBy: 'default',
    });
    const open = policy({ default: 'accept' });
    expect(evaluate(open, route('172.16.0.0/12'), context())).toMatchObject({
      accepted: true,
      decidedBy: 'default',
    });
  });

  it('continue applies its changes and later terms see them; the default keeps them', () => {
    const c = policy(
      {
        terms: [
          { name: 'tag', set: { communities: { add: ['65000:1'] } }, action: 'continue' },
          {
            name: 'tagged',
            match: { communities: { list: 'mine' } },
            set: { localPref: 200 },
            action: 'continue',
          },
          { match: { localPref: { min: 300 } }, action: 'reject' },
        ],
        default: 'accept',
      },
      lists,
    );
    const r = evaluate(c, route('10.0.0.0/8'), context());
    expect(r.accepted).toBe(true);
    expect(r.decidedBy).toBe('default');
    expect(r.attributes).toEqual({ communities: [parseCommunity('65000:1')], localPref: 200 });
  });

  it('a route rejected after a continue term is returned with its original attributes', () => {
    const c = policy({
      terms: [{ set: { med: 5 }, action: 'continue' }, { action: 'reject' }],
      default: 'accept',
    });
    const input = route('10.0.0.0/8', { med: 1 });
    const r = evaluate(c, input, context());
    expect(r).toEqual({ accepted: false, attributes: input.attributes, decidedBy: 'term 1' });
  });

  it('an unchanged route keeps its attribute object (identity), a changed one gets a copy', () => {
    const attrs = { localPref: 200 };
    const same = policy({ terms: [{ set: { localPref: 200 }, action: 'accept' }], default: 'reject' });
    expect(evaluate(same, route('10.0.0.0/8', attrs), context()).attributes).toBe(attrs);
    const other = policy({ terms: [{ set: { localPref: 300 }, action: 'accept' }], default: 'reject' });
    const r = evaluate(other, route('10.0.0.0/8', attrs), context());
    expect(r.attributes).not.toBe(attrs);
    expect(r.attributes).toEqual({ localPref: 300 });
    expect(attrs).toEqual({ localPref: 200 });
  });
});

describe('match conditions', () => {
  const accepts = (match: RawTermMatch | undefined) => {
    const p = policy({ terms: [{ match, action: 'accept' }], default: 'reject' }, lists);
    return (r: ReturnType<typeof route>, ctx = context()) => evaluate(p, r, ctx).accepted;
  };

  it('all conditions of a term must hold', () => {
    const m = accepts({ prefixList: 'service-subnets', asPathList: 'from-65001' });
    expect(m(route('192.168.0.1/32', withPath('65001')))).toBe(true);
    expect(m(route('192.168.0.1/32', withPath('65002')))).toBe(false);
    expect(m(route('192.168.1.1/32', withPath('65001')))).toBe(false);
  });

  it('communities any / all', () => {
    const one = { communities: [parseCommunity('65000:1')] };
    expect(accepts({ communities: { list: 'mine' } })(route('10.0.0.0/8', one))).toBe(true);
    expect(accepts({ communities: { list: 'mine', match: 'all' } })(route('10.0.0.0/8', one))).toBe(false);
  });

  it('next hop by address (IPv4 NEXT_HOP, IPv6 MP_REACH) and by prefix list', () => {
    expect(accepts({ nextHop: '10.205.32.15' })(route('1.0.0.0/8', { nextHop: '10.205.32.15' }))).toBe(true);
    expect(accepts({ nextHop: '10.205.32.15' })(route('1.0.0.0/8', { nextHop: '10.205.32.16' }))).toBe(false);
    const v6 = { mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: '2001:db8::1', nlri: [] } };
    expect(accepts({ nextHop: '2001:DB8:0::1' })(route('2001:db8:1::/48', v6))).toBe(true);
    expect(accepts({ nextHopPrefixList: 'fabric' })(route('1.0.0.0/8', { nextHop: '10.205.33.1' }))).toBe(
      true,
    );
    expect(accepts({ nextHopPrefixList: 'fabric' })(route('1.0.0.0/8', { nextHop: '10.205.36.1' }))).toBe(
      false,
    );
    expect(accepts({ nextHopPrefixList: 'fabric' })(route('1.0.0.0/8'))).toBe(false);
  });

  it('neighbor address and ASN, route type, family, origin', () => {
    const r = route('10.0.0.0/8', { origin: Origin.INCOMPLETE });
    expect(accepts({ neighbor: '192.0.2.1' })(r)).toBe(true);
    expect(accepts({ neighbor: '192.0.2.2' })(r)).toBe(false);
    expect(accepts({ neighborAsn: 65001 })(r)).toBe(true);
    expect(accepts({ neighborAsn: 65002 })(r)).toBe(false);
    expect(accepts({ routeType: 'learned' })(r)).toBe(true);
    expect(accepts({ routeType: 'originated' })(r)).toBe(false);
    expect(accepts({ routeType: 'originated' })(r, context({ routeType: 'originated' }))).toBe(true);
    expect(accepts({ family: 'ipv4-unicast' })(r)).toBe(true);
    expect(accepts({ family: 'ipv6-unicast' })(r)).toBe(false);
    expect(accepts({ family: 'ipv6-unicast' })(route('2001:db8::/32'))).toBe(true);
    expect(accepts({ origin: 'incomplete' })(r)).toBe(true);
    expect(accepts({ origin: 'igp' })(r)).toBe(false);
  });

  it('local-pref and MED ranges are inclusive; a missing attribute does not match', () => {
    const lp = accepts({ localPref: { min: 100, max: 200 } });
    expect([50, 100, 150, 200, 201].map((v) => lp(route('10.0.0.0/8', { localPref: v })))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(lp(route('10.0.0.0/8'))).toBe(false);
    const med = accepts({ med: { max: 10 } });
    expect(med(route('10.0.0.0/8', { med: 0 }))).toBe(true);
    expect(med(route('10.0.0.0/8', { med: 11 }))).toBe(false);
    expect(med(route('10.0.0.0/8'))).toBe(false);
  });

  it('a term without match matches every route', () => {
    expect(accepts(undefined)(route('10.0.0.0/8'))).toBe(true);
  });
});

describe('immutability', () => {
  it('no action writes into the route it was given', () => {
    const p = policy(
      {
        terms: [
          {
            set: {
              localPref: 50,
              med: '+10',
              nextHop: 'self',
              communities: { remove: 'mine', add: ['65000:9'] },
              largeCommunities: { add: ['1:2:3'] },
              extendedCommunities: { replace: ['rt:65000:1'] },
              asPathPrepend: { count: 2 },
              origin: 'egp',
            },
            action: 'continue',
          },
          { set: { asPathPrepend: { count: 1, asn: 64999 } }, action: 'accept' },
        ],
        default: 'reject',
      },
      lists,
    );
    const input = deepFreeze(
      route('10.0.0.0/8', {
        ...withPath('65001 65002', { nextHop: '192.0.2.1', med: 1, localPref: 100 }),
        communities: [parseCommunity('65000:1'), parseCommunity('65000:3')],
        largeCommunities: [{ global: 9, local1: 9, local2: 9 }],
        extendedCommunities: [1n],
      }),
    );
    const before = structuredClone(input.attributes);
    const r = evaluate(p, input, context());
    expect(input.attributes).toEqual(before);
    expect(r.attributes.asPath).toEqual([{ type: 2, asns: [64999, 65000, 65000, 65001, 65002] }]);
    expect(r.attributes.communities).toEqual([parseCommunity('65000:3'), parseCommunity('65000:9')]);
  });
});

describe('IPv4 numbers: the verdict on the prefix alone', () => {
  const prefixOnly = policy(
    {
      terms: [
        { match: { family: 'ipv6-unicast' }, action: 'accept' },
        { match: { neighborAsn: 65001, prefixList: 'fabric' }, action: 'continue' },
        {
          name: 'services',
          match: { neighbor: '192.0.2.1', prefixList: 'service-subnets' },
          action: 'accept',
        },
        { match: { routeType: 'learned', prefixList: 'fabric' }, action: 'reject' },
        { match: { family: 'ipv4-unicast', neighborAsn: 65002 }, action: 'reject' },
      ],
      default: 'accept',
    },
    lists,
  );

  it('only a policy that reads and changes no attribute is judged on numbers', () => {
    expect(decidesOnIpv4Numbers(prefixOnly)).toBe(true);
    const reads = policy(
      { terms: [{ match: { prefixList: 'fabric', med: { min: 1 } }, action: 'reject' }], default: 'accept' },
      lists,
    );
    const sets = policy(
      {
        terms: [{ match: { prefixList: 'fabric' }, set: { localPref: 50 }, action: 'accept' }],
        default: 'accept',
      },
      lists,
    );
    expect(decidesOnIpv4Numbers(reads)).toBe(false);
    expect(decidesOnIpv4Numbers(sets)).toBe(false);
  });

  it('the deciding term is the one evaluate names, for any IPv4 prefix and neighbor', () => {
    const near = fc.constantFrom('192.168.0.0/24', '10.205.32.0/22', '0.0.0.0/0').chain((base) => {
      const b = parsePrefix(base);
      return fc.record({
        address: fc
          .nat({ max: 2 ** (32 - b.length) - 1 })
          .map((low) => (prefixAddress(b).readUInt32BE(0) + low) >>> 0),
        length: fc.integer({ min: b.length, max: 32 }),
      });
    });
    fc.assert(
      fc.property(
        near,
        fc.constantFrom(65001, 65002),
        fc.constantFrom('192.0.2.1', '192.0.2.9'),
        (r, asn, neighbor) => {
          const mask = r.length === 0 ? 0 : (-1 << (32 - r.length)) >>> 0;
          const address = (r.address & mask) >>> 0;
          const octets = [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255];
          const ctx = context({ neighborAsn: asn, neighborAddress: neighbor });
          const judged = evaluate(prefixOnly, route(`${octets.join('.')}/${r.length}`), ctx);
          const term = decidingTermIpv4(prefixOnly, address, r.length, ctx);
          expect(term < 0 ? 'default' : prefixOnly.terms[term].label).toBe(judged.decidedBy);
        },
      ),
      { numRuns: 500 },
    );
  });
});
