// Peers over in-memory connections: collision resolution (RFC 4271 §6.8), routes both ways and
// the Adj-RIB-Out waiting for drain.
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AdjRibOut, type Sink } from '../../src/rib/adj-rib-out.js';
import { localRoute } from '../../src/rib/local-routes.js';
import { ManualClock } from '../../src/session/clock.js';
import { type FsmConfig, SessionState } from '../../src/session/fsm-types.js';
import { Peer } from '../../src/session/peer.js';
import { codecContext, parsePrefix } from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';
import { splitMessages } from '../helpers/messages.js';
import { peerRoutes } from '../helpers/peer-routes.js';

function config(asn: number, peerAsn: number, bgpId: string): FsmConfig {
  return testFsmConfig({ asn, peerAsn, bgpId });
}

/** Two active peers that dial each other at the same moment. */
function collidingPair(idA: string, idB: string) {
  const clock = new ManualClock();
  let a!: Peer;
  let b!: Peer;
  // Crossing SYNs: each side's outgoing connection is up before the other side accepts it.
  const dialer = (other: () => Peer) => async (): Promise<Duplex> => {
    const [mine, theirs] = duplexPair();
    setImmediate(() => other().accept(theirs));
    return mine;
  };
  const routesA = peerRoutes({
    address: '10.0.0.2',
    asn: 65001,
    peerAsn: 65002,
    clock,
    localRoutes: [localRoute({ prefix: '198.51.100.1/32', communities: ['65001:1'] })],
  });
  const routesB = peerRoutes({
    address: '10.0.0.1',
    asn: 65002,
    peerAsn: 65001,
    clock,
    localRoutes: [localRoute({ prefix: '198.51.100.2/32', nextHop: '10.0.0.2' })],
  });
  a = new Peer({
    address: '10.0.0.2',
    config: config(65001, 65002, idA),
    clock,
    dial: dialer(() => b),
    routes: routesA,
    gracefulRestart: false,
  });
  b = new Peer({
    address: '10.0.0.1',
    config: config(65002, 65001, idB),
    clock,
    dial: dialer(() => a),
    routes: routesB,
    gracefulRestart: false,
  });
  return { a, b, clock, routesA, routesB };
}

describe('Peer', () => {
  it.each([
    ['the local identifier is higher', '10.0.0.9', '10.0.0.1'],
    ['the local identifier is lower', '10.0.0.1', '10.0.0.9'],
  ])(
    'resolves a connection collision when %s: one session each side, both Established',
    async (_n, idA, idB) => {
      const { a, b, clock, routesA, routesB } = collidingPair(idA, idB);
      const dumps: string[] = [];
      for (const p of [a, b]) p.on('notificationSent', (n) => dumps.push(`${n.code}/${n.subcode}`));
      a.start();
      b.start();
      await settle(() => a.state === SessionState.ESTABLISHED && b.state === SessionState.ESTABLISHED, 500);
      expect([a.state, b.state]).toEqual(['Established', 'Established']);
      await settle(() => routesA.adjRibIn.size === 1 && routesB.adjRibIn.size === 1, 500);
      expect([routesA.adjRibIn.size, routesB.adjRibIn.size]).toEqual([1, 1]);
      // The surviving connection is the same on both sides: the one the higher identifier opened.
      const higherIsA = idA > idB;
      expect(a.driver.inbound).toBe(!higherIsA);
      expect(b.driver.inbound).toBe(higherIsA);
      // The losing connection was closed with Cease/Connection Collision Resolution (by one side, or
      // by both when each saw both OPENs first), and with nothing else.
      expect(dumps.length).toBeGreaterThanOrEqual(1);
      expect(new Set(dumps)).toEqual(new Set(['6/7']));
      // A collision is normal when both sides dial: not shown as the neighbor's last error.
      expect([a.stats.lastError, b.stats.lastError]).toEqual([undefined, undefined]);
      // And it stays up: keepalives flow, nothing flaps.
      clock.advance(100_000);
      await settle(() => false, 50);
      expect([a.state, b.state]).toEqual(['Established', 'Established']);
      expect(a.stats.flaps + b.stats.flaps).toBe(0);
    },
  );
});

describe('AdjRibOut', () => {
  it('stops writing while the sink is congested and resumes on drain', async () => {
    const out = new AdjRibOut();
    const sent: Buffer[] = [];
    let writes = 0;
    let release!: () => void;
    let congested = true;
    const sink: Sink = {
      send(m) {
        writes++;
        sent.push(...splitMessages(m));
        return !congested;
      },
      drained: () =>
        new Promise<void>((r) => {
          release = r;
        }),
      open: true,
    };
    // 3 attribute sets, 30,000 prefixes: ~120 KB of UPDATEs, more than one write's batch.
    const routes = Array.from({ length: 30_000 }, (_, i) => ({
      prefix: parsePrefix(`10.${i >> 8}.${i & 255}.0/24`),
      attributes: { origin: 0 as const, asPath: [], nextHop: '192.0.2.1', med: i % 3 },
    }));
    const done = out.sync(routes, codecContext({ as4: true }), sink);
    await settle(() => writes > 0);
    await settle(() => false, 20);
    expect(writes).toBe(1);
    const whileCongested = sent.length;
    congested = false;
    release();
    await done;
    expect(writes).toBeGreaterThan(1);
    expect(sent.length).toBeGreaterThan(whileCongested);
    expect(out.size).toBe(30_000);
  });

  it('a route whose attributes cannot be encoded is not sent, with the encoder’s reason (not "too large")', async () => {
    const out = new AdjRibOut();
    const sent: Buffer[] = [];
    const sink: Sink = { send: (m) => sent.push(m) > 0, drained: async () => {}, open: true };
    // An RFC 8950 next hop with a zone the address parser refuses (as a zoned local address once was).
    const bad = {
      origin: 0 as const,
      asPath: [],
      mpReach: { afi: 1, safi: 1, nextHop: 'fe80::1%a-b', nlri: [] },
    };
    const result = await out.sync(
      [{ prefix: parsePrefix('10.9.0.0/16'), attributes: bad }],
      codecContext({ as4: true }),
      sink,
    );
    expect(sent).toHaveLength(0);
    expect(result.newlyNotSent).toHaveLength(1);
    expect(result.newlyNotSent[0].reason).toMatch(/^the path attributes cannot be encoded: /);
  });

  it('a full resend limited to one family re-announces only that family (RFC 2918 per-AFI refresh)', async () => {
    const out = new AdjRibOut();
    const sent: Buffer[] = [];
    const sink: Sink = {
      send: (m) => sent.push(...splitMessages(m)) > 0,
      drained: async () => {},
      open: true,
    };
    const routes = ['10.1.0.0/16', '2001:db8::/32'].map((p) => ({
      prefix: parsePrefix(p),
      attributes: p.includes(':')
        ? { origin: 0 as const, asPath: [], mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [] } }
        : { origin: 0 as const, asPath: [], nextHop: '192.0.2.1' },
    }));
    const ctx = codecContext({ as4: true });
    await out.sync(routes, ctx, sink);
    expect(sent).toHaveLength(2);
    sent.length = 0;
    expect(await out.sync(routes, ctx, sink, 2)).toEqual({ announced: 1, withdrawn: 0, newlyNotSent: [] });
    expect(sent).toHaveLength(1);
    expect(await out.sync(routes, ctx, sink)).toEqual({ announced: 0, withdrawn: 0, newlyNotSent: [] });
  });
});
