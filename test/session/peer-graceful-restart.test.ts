// Graceful restart helper (RFC 4724 §4.2) over in-memory connections: stale routes are swept per
// family at that family's End-of-RIB, and at once for a family whose Forwarding State bit is clear.
// RFC 8538: with the N bit negotiated, a stop that must end the session (BFD Down) is sent inside a
// Cease/Hard Reset (the encoded message checked), and neither side keeps the routes stale.
import { describe, expect, it } from 'vitest';
import type { NeighborRibs } from '../../src/rib/neighbor-ribs.js';
import { localCapabilities } from '../../src/session/capabilities.js';
import { ManualClock } from '../../src/session/clock.js';
import { SessionDriver } from '../../src/session/driver.js';
import { SessionState } from '../../src/session/fsm-types.js';
import { Peer } from '../../src/session/peer.js';
import {
  type Capability,
  CeaseSubcode,
  cease,
  codecContext,
  encodeNotification,
  encodeUpdate,
  IPV4_UNICAST,
  IPV6_UNICAST,
  type Notification,
  parsePrefix,
  Writer,
  writeEndOfRib,
} from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';
import { peerRoutes } from '../helpers/peer-routes.js';

const FAMILIES = [IPV4_UNICAST, IPV6_UNICAST];
const ctx = codecContext({ as4: true });

function herald(clock: ManualClock): { peer: Peer; routes: NeighborRibs } {
  const capabilities = localCapabilities({
    localAsn: 65001,
    families: FAMILIES,
    ipv6Transport: false,
    gracefulRestart: { restartTime: 120, restarting: false },
  });
  const routes = peerRoutes({ address: '10.0.0.2', asn: 65001, peerAsn: 65002, clock });
  const peer = new Peer({
    address: '10.0.0.2',
    config: testFsmConfig({ asn: 65001, peerAsn: 65002, bgpId: '10.0.0.1', passive: true, capabilities }),
    clock,
    routes,
    gracefulRestart: true,
  });
  return { peer, routes };
}

/** The restarting router: GR capability with the Forwarding State bit for `forwarding` only. */
function router(clock: ManualClock, forwarding: number[], notification = false): SessionDriver {
  const capabilities: Capability[] = [
    ...FAMILIES.map((f) => ({ kind: 'multiprotocol' as const, afi: f >> 8, safi: 1 })),
    { kind: 'as4', asn: 65002 },
    {
      kind: 'graceful-restart',
      restarting: true,
      notification,
      restartTime: 120,
      families: FAMILIES.map((f) => ({ afi: f >> 8, safi: 1, forwarding: forwarding.includes(f) })),
    },
  ];
  return new SessionDriver({
    config: testFsmConfig({ asn: 65002, peerAsn: 65001, bgpId: '10.0.0.2', capabilities }),
    clock,
    dial: async () => {
      throw new Error('unused');
    },
  });
}

async function connect(peer: Peer, r: SessionDriver): Promise<void> {
  const [mine, theirs] = duplexPair();
  peer.start();
  r.start();
  r.accept(mine);
  peer.accept(theirs);
  await settle(() => peer.state === SessionState.ESTABLISHED && r.state === SessionState.ESTABLISHED);
  expect(peer.state).toBe(SessionState.ESTABLISHED);
}

function sendRoutes(r: SessionDriver): void {
  r.send(
    encodeUpdate(
      {
        withdrawn: [],
        nlri: [parsePrefix('10.1.0.0/16')],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '10.0.0.2' },
      },
      ctx,
    ),
  );
  r.send(
    encodeUpdate(
      {
        withdrawn: [],
        nlri: [],
        attributes: {
          origin: 0,
          asPath: [{ type: 2, asns: [65002] }],
          mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::2', nlri: [parsePrefix('2001:db8:1::/48')] },
        },
      },
      ctx,
    ),
  );
}

function endOfRib(r: SessionDriver, family: number): void {
  const w = Writer.alloc(64);
  writeEndOfRib(w, family >> 8, family & 0xff);
  r.send(Buffer.from(w.view()));
}

async function restartedWithStale(forwarding: number[]) {
  const clock = new ManualClock();
  const { peer, routes } = herald(clock);
  const first = router(clock, FAMILIES);
  await connect(peer, first);
  sendRoutes(first);
  await settle(() => routes.adjRibIn.size === 2);
  expect(routes.adjRibIn.size).toBe(2);
  first.dispose(); // the router restarts: the connection is lost without a NOTIFICATION
  await settle(() => peer.state !== SessionState.ESTABLISHED);
  expect(routes.stale?.size).toBe(2);
  const second = router(clock, forwarding);
  await connect(peer, second);
  return { peer, routes, second };
}

describe('graceful restart helper', () => {
  it('RFC 4724 §4.2: End-of-RIB for IPv4 sweeps the stale IPv4 routes only', async () => {
    const { peer, routes, second } = await restartedWithStale(FAMILIES);
    expect(routes.stale?.size).toBe(2);
    endOfRib(second, IPV4_UNICAST);
    await settle(() => routes.stale?.size !== 2);
    expect(routes.stale?.size).toBe(1);
    expect(routes.stale?.ipv6.size).toBe(1);
    endOfRib(second, IPV6_UNICAST);
    await settle(() => routes.stale === undefined);
    expect(routes.stale).toBeUndefined();
    peer.dispose();
    second.dispose();
  });

  it('RFC 4724 §4.2: a family without the Forwarding State bit in the new OPEN is swept at once', async () => {
    const { peer, routes, second } = await restartedWithStale([IPV4_UNICAST]);
    expect(routes.stale?.size).toBe(1);
    expect(routes.stale?.ipv4.size).toBe(1);
    peer.dispose();
    second.dispose();
  });
});

describe('RFC 8538 Hard Reset', () => {
  /** Herald stops an Established session with `hardReset`; what the router receives and what Herald keeps. */
  async function stopWithHardReset(
    nBit: boolean,
    notification = cease(CeaseSubcode.BFD_DOWN),
    opts: { hardReset?: boolean } = { hardReset: true },
  ) {
    const clock = new ManualClock();
    const { peer, routes } = herald(clock);
    const r = router(clock, FAMILIES, nBit);
    await connect(peer, r);
    expect(peer.session?.gracefulRestart?.notification).toBe(nBit);
    sendRoutes(r);
    await settle(() => routes.adjRibIn.size === 2);
    const received: Notification[] = [];
    r.on('notificationReceived', (n) => received.push(n));
    peer.stop(notification, opts);
    await settle(() => received.length > 0);
    peer.dispose();
    r.dispose();
    return { received, routes };
  }

  it('with the N bit, Cease/BFD Down goes inside Cease/Hard Reset and nothing is kept stale', async () => {
    const { received, routes } = await stopWithHardReset(true);
    expect(received).toHaveLength(1);
    // §3: Cease (6) / Hard Reset (9), data = the encapsulated ErrCode (6) and Subcode (10, BFD Down).
    expect(encodeNotification(received[0]).subarray(19)).toEqual(Buffer.from([6, 9, 6, 10]));
    expect(routes.stale).toBeUndefined();
    expect(routes.adjRibIn.size).toBe(0);
  });

  it('§5: Maximum Number of Prefixes, Administrative Shutdown/Reset, Peer De-configured are Hard by default', async () => {
    for (const subcode of [
      CeaseSubcode.MAX_PREFIXES,
      CeaseSubcode.ADMINISTRATIVE_SHUTDOWN,
      CeaseSubcode.PEER_DECONFIGURED,
      CeaseSubcode.ADMINISTRATIVE_RESET,
    ]) {
      const { received } = await stopWithHardReset(true, cease(subcode), {});
      expect(encodeNotification(received[0]).subarray(19, 23)).toEqual(Buffer.from([6, 9, 6, subcode]));
    }
    // Other Configuration Change stays graceful: the peer may keep our routes while we come back.
    const { received } = await stopWithHardReset(true, cease(CeaseSubcode.OTHER_CONFIGURATION_CHANGE), {});
    expect(encodeNotification(received[0]).subarray(19)).toEqual(Buffer.from([6, 6]));
  });

  it('without the N bit, the plain Cease/BFD Down is sent (a NOTIFICATION is never graceful then)', async () => {
    const { received, routes } = await stopWithHardReset(false);
    expect(received).toHaveLength(1);
    expect(encodeNotification(received[0]).subarray(19)).toEqual(Buffer.from([6, 10]));
    expect(routes.stale).toBeUndefined();
  });
});
