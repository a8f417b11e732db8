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
import { splitMessages } from '../helpers/messages.js';

const LOCAL = 65000;
const ctx = (ibgp: boolean): CodecContext => codecContext({ as4: true, ibgp });

function facts(peerAsn: number, localAddress: string, addPathSend = false): SessionFacts {
  const ibgp = peerAsn === LOCAL;
  return {
    peerAsn,
    peerBgpId: `192.0.2.${peerAsn % 250}`,
    ibgp,
    families: new Set([IPV4_UNICAST]),
    send: addPathSend ? codecContext({ as4: true, ibgp, addPath: new Set([IPV4_UNICAST]) }) : ctx(ibgp),
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

/** A sink that decodes every UPDATE written to it into `updates`. */
function recordingSink(session: SessionFacts, updates: DecodedUpdate[]): Sink {
  return {
    send: (m) => {
      for (const message of splitMessages(m)) updates.push(decodeUpdate(message.subarray(19), session.send));
      return true;
    },
    drained: async () => {},
    open: true,
  };
}

function setup(clusterId?: string) {
  const engine = new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: () => [],
    localAsn: () => LOCAL,
    clusterId: () => clusterId,
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
  const add = (
    address: string,
    asn: number,
    localAddress: string,
    exportPolicy?: string,
    routeReflectorClient = false,
    addPathSendMax?: number,
  ): Neighbor => {
    const ribs = engine.addNeighbor({
      address,
      configuredAsns: [asn],
      exportPolicy,
      routeReflectorClient,
      addPathSendMax,
    });
    const updates: DecodedUpdate[] = [];
    const session = facts(asn, localAddress, addPathSendMax !== undefined);
    ribs.up(session, recordingSink(session, updates));
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

  it('RFC 4456 §6: a client route is reflected to every iBGP peer with ORIGINATOR_ID and CLUSTER_LIST', async () => {
    const { add } = setup('10.255.0.1');
    const clientA = add('10.0.3.1', LOCAL, '10.0.3.100', undefined, true);
    const clientB = add('10.0.4.1', LOCAL, '10.0.4.100', undefined, true);
    const nonClient = add('10.0.5.1', LOCAL, '10.0.5.100');
    const fromClient = encodeUpdate(
      {
        withdrawn: [],
        nlri: [parsePrefix('10.2.0.0/16')],
        attributes: { origin: 0, asPath: [], nextHop: '10.0.3.1', localPref: 200, med: 5 },
      },
      ctx(true),
    ).subarray(19);
    clientA.ribs.received(fromClient);
    await settle();
    for (const n of [clientB, nonClient]) {
      const [r] = routesIn(n);
      expect(r.prefix).toBe('10.2.0.0/16');
      // §8: ORIGINATOR_ID = the BGP Identifier of the client; our CLUSTER_ID prepended; §10: the
      // rest as received (next hop, LOCAL_PREF, MED, the empty AS_PATH).
      expect(r.attributes.originatorId).toBe(`192.0.2.${LOCAL % 250}`);
      expect(r.attributes.clusterList).toEqual(['10.255.0.1']);
      expect(r.attributes.nextHop).toBe('10.0.3.1');
      expect(r.attributes.localPref).toBe(200);
      expect(r.attributes.med).toBe(5);
      expect(formatAsPath(r.attributes.asPath ?? [])).toBe('');
    }
    expect(routesIn(clientA)).toEqual([]); // not back to where it came from
  });

  it('RFC 4456 §6: a non-client route goes to clients only; ORIGINATOR_ID and CLUSTER_LIST already set are kept', async () => {
    const { add } = setup('10.255.0.1');
    const client = add('10.0.3.1', LOCAL, '10.0.3.100', undefined, true);
    const nonClientA = add('10.0.5.1', LOCAL, '10.0.5.100');
    const nonClientB = add('10.0.6.1', LOCAL, '10.0.6.100');
    const ebgp = add('10.0.0.1', 65001, '10.0.0.100', 'pass-learned');
    const reflectedElsewhere = encodeUpdate(
      {
        withdrawn: [],
        nlri: [parsePrefix('10.3.0.0/16')],
        attributes: {
          origin: 0,
          asPath: [],
          nextHop: '10.0.9.9',
          localPref: 100,
          originatorId: '10.0.9.9',
          clusterList: ['10.255.0.2'],
        },
      },
      ctx(true),
    ).subarray(19);
    nonClientA.ribs.received(reflectedElsewhere);
    await settle();
    const [r] = routesIn(client);
    expect(r.attributes.originatorId).toBe('10.0.9.9');
    expect(r.attributes.clusterList).toEqual(['10.255.0.1', '10.255.0.2']);
    expect(routesIn(nonClientB)).toEqual([]);
    // To an eBGP neighbor the route-reflection attributes are dropped (RFC 4456 §8: iBGP only).
    const [e] = routesIn(ebgp);
    expect(e.attributes.originatorId).toBeUndefined();
    expect(e.attributes.clusterList).toBeUndefined();
  });

  it('RFC 7911 send: every path of a prefix goes out, each with its own path id, best first up to the limit', async () => {
    const { add } = setup('10.255.0.1');
    const sources = [1, 2, 3].map((i) => add(`10.0.${i}.1`, LOCAL, `10.0.${i}.100`, undefined, true));
    const all = add('10.0.7.1', LOCAL, '10.0.7.100', undefined, true, 64);
    const two = add('10.0.8.1', LOCAL, '10.0.8.100', undefined, true, 2);
    const anycast = (i: number, localPref: number) =>
      encodeUpdate(
        {
          withdrawn: [],
          nlri: [parsePrefix('10.9.0.1/32')],
          attributes: { origin: 0, asPath: [], nextHop: `10.0.${i}.1`, localPref },
        },
        ctx(true),
      ).subarray(19);
    for (const [i, n] of sources.entries()) n.ribs.received(anycast(i + 1, 100 + i));
    await settle();
    const live = (n: Neighbor) => {
      const held = new Map<number, string>();
      for (const u of n.updates) {
        for (const p of u.withdrawn) held.delete(p.pathId ?? -1);
        for (const p of u.nlri) held.set(p.pathId ?? -1, u.attributes.nextHop ?? '');
      }
      return held;
    };
    const ids = live(all);
    expect([...ids.values()].sort()).toEqual(['10.0.1.1', '10.0.2.1', '10.0.3.1']);
    expect(ids.size).toBe(3); // distinct path ids
    // The limit keeps the best two (highest LOCAL_PREF first).
    expect([...live(two).values()].sort()).toEqual(['10.0.2.1', '10.0.3.1']);

    // One source withdraws: only its path is withdrawn downstream; the others stay, ids unchanged.
    const idOf3 = [...ids].find(([, nh]) => nh === '10.0.3.1')![0];
    sources[2].ribs.received(
      encodeUpdate({ withdrawn: [parsePrefix('10.9.0.1/32')], nlri: [], attributes: {} }, ctx(true)).subarray(
        19,
      ),
    );
    await settle();
    const after = live(all);
    expect([...after.values()].sort()).toEqual(['10.0.1.1', '10.0.2.1']);
    expect(after.has(idOf3)).toBe(false);
    for (const [id, nh] of after) expect(ids.get(id)).toBe(nh);
    expect([...live(two).values()].sort()).toEqual(['10.0.1.1', '10.0.2.1']);
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

  it("a read's UPDATEs go out packed together once the session says they were all handled", async () => {
    const { add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    const open = add('10.0.2.1', 65003, '10.0.2.100', 'pass-learned');
    await settle();
    const before = open.updates.length;
    const second = encodeUpdate(
      {
        withdrawn: [],
        nlri: [parsePrefix('10.3.0.0/16')],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [65001, 65100] }], nextHop: '10.0.0.1', med: 7 },
      },
      ctx(false),
    ).subarray(19);
    source.ribs.received(announce({}));
    source.ribs.received(second);
    expect(open.updates.length).toBe(before); // nothing yet: more may come in the same read
    source.ribs.updatesHandled();
    // Sent in this turn, not at its end: one UPDATE with both prefixes (the same attributes).
    expect(open.updates.slice(before).map((u) => u.nlri.map(formatPrefix).sort())).toEqual([
      ['10.1.0.0/16', '10.3.0.0/16'],
    ]);
    await settle();
    expect(open.updates.length).toBe(before + 1); // and not again at the end of the turn
  });

  it('a read of many prefixes (over the per-target batch) reaches every target, each prefix once', async () => {
    const { add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    const targets = [
      add('10.0.2.1', 65003, '10.0.2.100', 'pass-learned'),
      add('10.0.4.1', LOCAL, '10.0.4.100'),
    ];
    await settle();
    const befores = targets.map((t) => t.updates.length);
    const nlri = Array.from({ length: 300 }, (_, i) => parsePrefix(`10.${100 + (i >> 8)}.${i & 255}.0/24`));
    source.ribs.received(
      encodeUpdate(
        {
          withdrawn: [],
          nlri,
          attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' },
        },
        ctx(false),
      ).subarray(19),
    );
    source.ribs.updatesHandled();
    const want = nlri.map(formatPrefix).sort();
    targets.forEach((t, k) => {
      expect(
        t.updates
          .slice(befores[k])
          .flatMap((u) => u.nlri.map(formatPrefix))
          .sort(),
      ).toEqual(want);
    });
  });

  it('a target that comes up after the routes gets them all, then each change; a source going down is withdrawn', async () => {
    const { engine, add } = setup();
    const source = add('10.0.0.1', 65001, '10.0.0.100');
    // Configured, not up: nothing follows the Loc-RIB for it yet.
    const late = engine.addNeighbor({
      address: '10.0.2.1',
      configuredAsns: [65003],
      exportPolicy: 'pass-learned',
    });
    source.ribs.received(announce({}));
    await settle();
    const updates: DecodedUpdate[] = [];
    const session = facts(65003, '10.0.2.100');
    late.up(session, recordingSink(session, updates));
    await settle();
    const got = () => updates.flatMap((u) => u.nlri.map(formatPrefix));
    expect(got()).toEqual(['10.1.0.0/16']); // the full sync
    source.ribs.received(
      encodeUpdate(
        {
          withdrawn: [],
          nlri: [parsePrefix('10.7.0.0/16')],
          attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' },
        },
        ctx(false),
      ).subarray(19),
    );
    source.ribs.updatesHandled();
    expect(got()).toEqual(['10.1.0.0/16', '10.7.0.0/16']); // followed from the moment it came up
    source.ribs.down();
    await settle();
    expect(updates.flatMap((u) => u.withdrawn.map(formatPrefix)).sort()).toEqual([
      '10.1.0.0/16',
      '10.7.0.0/16',
    ]);
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
