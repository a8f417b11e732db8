// Learned routes on their way out: RFC 4271's iBGP/eBGP rules, RFC 8212's "no export policy, no
// eBGP advertisement", the well-known communities, the attribute rewrites of §5.1, and withdrawals
// following the Loc-RIB.
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/policy/index.js';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import type { NeighborRibs, SessionFacts } from '../../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { ManualClock } from '../../src/session/clock.js';
import {
  type CodecContext,
  codecContext,
  type DecodedUpdate,
  decodeUpdate,
  encodeUpdate,
  formatAsPath,
  formatPrefix,
  IPV4_UNICAST,
  type PathAttributes,
  parsePrefix,
} from '../../src/wire/index.js';

const LOCAL = 65000;
const ctx = (ibgp: boolean): CodecContext => codecContext({ as4: true, ibgp });

function facts(peerAsn: number, localAddress: string): SessionFacts {
  const ibgp = peerAsn === LOCAL;
  return {
    peerAsn,
    peerBgpId: `192.0.2.${peerAsn % 250}`,
    ibgp,
    families: new Set([IPV4_UNICAST]),
    send: ctx(ibgp),
    receive: ctx(ibgp),
    localAddress,
    ipv4OverIpv6: false,
    enhancedRouteRefresh: false,
  };
}

interface Neighbor {
  ribs: NeighborRibs;
  updates: DecodedUpdate[];
}

function setup() {
  const engine = new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: () => [],
    localAsn: () => LOCAL,
    report: {
      routesNotSent: () => {},
      internalError: (_a, e) => {
        throw e;
      },
    },
  });
  engine.setPolicies(
    compilePolicies({
      policies: {
        'pass-learned': { terms: [{ match: { routeType: 'learned' }, action: 'accept' }], default: 'reject' },
      },
    }),
  );
  const add = (address: string, asn: number, localAddress: string, exportPolicy?: string): Neighbor => {
    const ribs = engine.addNeighbor({ address, configuredAsns: [asn], exportPolicy });
    const updates: DecodedUpdate[] = [];
    const sink: Sink = {
      send: (m) => updates.push(decodeUpdate(m.subarray(19), ctx(asn === LOCAL))) > 0,
      drained: async () => {},
      open: true,
    };
    ribs.up(facts(asn, localAddress), sink);
    return { ribs, updates };
  };
  return { engine, add };
}

const announce = (attrs: Partial<PathAttributes>, ibgp = false) =>
  encodeUpdate(
    {
      withdrawn: [],
      nlri: [parsePrefix('10.1.0.0/16')],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [65001, 65100] }],
        nextHop: '10.0.0.1',
        med: 7,
        ...attrs,
      },
    },
    ctx(ibgp),
  ).subarray(19);

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

const routesIn = (n: Neighbor) =>
  n.updates.flatMap((u) => u.nlri.map((p) => ({ prefix: formatPrefix(p), attributes: u.attributes })));
const withdrawnIn = (n: Neighbor) => n.updates.flatMap((u) => u.withdrawn.map(formatPrefix));

describe('learned routes on the way out', () => {
  it('RFC 8212: no export policy, no eBGP advertisement; with one, rewritten per RFC 4271 §5.1', async () => {
    const { add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    const quiet = add('10.0.1.1', 65002, '10.0.1.100');
    const open = add('10.0.2.1', 65003, '10.0.2.100', 'pass-learned');
    source.ribs.received(announce({}));
    await settle();
    expect(routesIn(quiet)).toEqual([]);
    const [r] = routesIn(open);
    expect(r.prefix).toBe('10.1.0.0/16');
    expect(formatAsPath(r.attributes.asPath ?? [])).toBe('65000 65001 65100');
    expect(r.attributes.nextHop).toBe('10.0.2.100');
    expect(r.attributes.med).toBeUndefined();
    expect(r.attributes.localPref).toBeUndefined();
    expect(routesIn(source)).toEqual([]); // never back to where it came from
  });

  it('eBGP-learned routes go to iBGP peers unchanged but for LOCAL_PREF; iBGP-learned ones do not (§9.2)', async () => {
    const { add } = setup();
    const ebgp = add('10.0.0.1', 65001, '10.0.0.100');
    const ibgpA = add('10.0.3.1', LOCAL, '10.0.3.100');
    const ibgpB = add('10.0.4.1', LOCAL, '10.0.4.100');
    ebgp.ribs.received(announce({}));
    await settle();
    for (const n of [ibgpA, ibgpB]) {
      const [r] = routesIn(n);
      expect(formatAsPath(r.attributes.asPath ?? [])).toBe('65001 65100');
      expect(r.attributes.nextHop).toBe('10.0.0.1');
      expect(r.attributes.localPref).toBe(100);
    }
    // A route learned over iBGP from A is not passed to B.
    const ibgpRoute = encodeUpdate(
      {
        withdrawn: [],
        nlri: [parsePrefix('10.2.0.0/16')],
        attributes: { origin: 0, asPath: [], nextHop: '10.0.3.1', localPref: 200 },
      },
      ctx(true),
    ).subarray(19);
    ibgpA.ribs.received(ibgpRoute);
    await settle();
    expect(routesIn(ibgpB).map((r) => r.prefix)).toEqual(['10.1.0.0/16']);
  });

  it('NO_EXPORT keeps a route inside the AS; NO_ADVERTISE keeps it from everyone (RFC 1997)', async () => {
    const { add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    const ebgp = add('10.0.2.1', 65003, '10.0.2.100', 'pass-learned');
    const ibgp = add('10.0.3.1', LOCAL, '10.0.3.100');
    source.ribs.received(announce({ communities: [0xffffff01] }));
    await settle();
    expect([routesIn(ebgp).length, routesIn(ibgp).length]).toEqual([0, 1]);
    source.ribs.received(announce({ communities: [0xffffff02] }));
    await settle();
    expect(withdrawnIn(ibgp)).toEqual(['10.1.0.0/16']);
  });

  it('a withdrawal at the source is withdrawn downstream', async () => {
    const { add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    const open = add('10.0.2.1', 65003, '10.0.2.100', 'pass-learned');
    source.ribs.received(announce({}));
    await settle();
    source.ribs.received(
      encodeUpdate(
        { withdrawn: [parsePrefix('10.1.0.0/16')], nlri: [], attributes: {} },
        ctx(false),
      ).subarray(19),
    );
    await settle();
    expect(withdrawnIn(open)).toEqual(['10.1.0.0/16']);
  });

  it('a neighbor coming up gets the learned routes already held', async () => {
    const { add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    source.ribs.received(announce({}));
    const late = add('10.0.2.1', 65003, '10.0.2.100', 'pass-learned');
    await settle();
    expect(routesIn(late).map((r) => r.prefix)).toEqual(['10.1.0.0/16']);
  });
});
