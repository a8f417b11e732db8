// BfdSessions, the daemon's BFD ↔ BGP wiring, on an in-memory BFD network and a manual clock against
// a second Herald BFD speaker: BFD Down stops the BGP session with Cease/BFD Down and holds it until
// BFD is Up; a session that never comes up holds nothing unless strict; a reload changes timers
// without a flap, replaces the session when more changed, releases it when BFD is gone; a network
// that cannot be opened leaves BGP running. An operator start waits for BFD Up; an operator
// shutdown is not undone by BFD Up.
import { describe, expect, it } from 'vitest';
import { BfdManager } from '../../src/bfd/manager.js';
import { managerRunner } from '../../src/bfd/manager-runner.js';
import type { BfdNetwork } from '../../src/bfd/network.js';
import type { NeighborConfig } from '../../src/config/types.js';
import { BfdSessions, bfdSpecOf } from '../../src/daemon/bfd-sessions.js';
import { BFD_SILENT_RELEASE_MS } from '../../src/daemon/bfd-silence.js';
import { createLogger } from '../../src/log/logger.js';
import { ManualClock } from '../../src/session/clock.js';
import type { Peer } from '../../src/session/peer.js';
import type { Notification } from '../../src/wire/index.js';
import { MemoryFabric } from '../bfd/memory-network.js';

const A = '10.0.0.1';
const B = '10.0.0.2';

/** The part of Peer that BfdSessions uses, recording calls. */
function fakePeer(address = B) {
  const calls: string[] = [];
  const peer = {
    address,
    state: 'Established',
    start: () => calls.push('start'),
    stop: (n: Notification) => calls.push(`stop ${n.code}/${n.subcode}`),
  };
  return { peer: peer as unknown as Peer, calls };
}

const neighbor = (bfd: Partial<NonNullable<NeighborConfig['bfd']>> | undefined): NeighborConfig =>
  ({
    address: B,
    localAddress: A,
    bfd: bfd && {
      minRx: 300,
      minTx: 300,
      multiplier: 3,
      passive: false,
      multihop: false,
      strict: false,
      ...bfd,
    },
  }) as NeighborConfig;

function setup() {
  const clock = new ManualClock();
  const fabric = new MemoryFabric(clock);
  let opened = 0;
  const sessions = new BfdSessions({
    log: createLogger('silent'),
    clock,
    runner: () => {
      opened++;
      return managerRunner(fabric.speaker(A), clock);
    },
  });
  const remote = new BfdManager({ network: fabric.speaker(B), clock, random: () => 0.5 });
  return { clock, fabric, sessions, remote, opened: () => opened };
}

describe('BfdSessions', () => {
  it('opens no network until a neighbor asks for BFD', () => {
    const { sessions, opened } = setup();
    sessions.bind(neighbor(undefined), fakePeer().peer);
    expect(opened()).toBe(0);
    expect(sessions.views()).toEqual([]);
    expect(sessions.allowsStart(B)).toBe(true);
  });

  it('BFD Down stops BGP with Cease/BFD Down and holds it until BFD is Up again', () => {
    const { clock, fabric, sessions, remote } = setup();
    const { peer, calls } = fakePeer();
    sessions.bind(neighbor({}), peer);
    remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    expect(sessions.views()[0]).toMatchObject({ neighbor: B, bgpHeld: false, session: { state: 'Up' } });
    expect(calls).toEqual([]);

    fabric.cut(B);
    clock.advance(1000); // detection time 900 ms
    expect(calls).toEqual(['stop 6/10']);
    expect(sessions.allowsStart(B)).toBe(false);
    expect(sessions.views()[0]).toMatchObject({ bgpHeld: true, session: { lastDownDiag: 1 } });
    clock.advance(3_000);
    expect(calls).toEqual(['stop 6/10']);

    fabric.cut(B, false);
    clock.advance(5000);
    expect(calls).toEqual(['stop 6/10', 'start']);
    expect(sessions.allowsStart(B)).toBe(true);
  });

  it('the hold lasts while the peer keeps its BFD session, and ends when the peer goes silent', () => {
    const { clock, fabric, sessions, remote } = setup();
    const { peer, calls } = fakePeer();
    sessions.bind(neighbor({}), peer);
    const handle = remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    // Our packets no longer reach the peer: it declares the session Down and keeps sending Down
    // packets (the slow rate), so its session lives on and may come back Up: BGP stays held.
    fabric.cut(A);
    clock.advance(2000);
    expect(calls).toEqual(['stop 6/10']);
    clock.advance(30_000);
    expect(calls).toEqual(['stop 6/10']);
    // The peer drops its session (FRR does with a dynamic neighbor's BGP session): nothing comes
    // any more, so nothing could bring BFD Up; after the silent time BGP runs again without it.
    handle.release();
    clock.advance(BFD_SILENT_RELEASE_MS + 1000);
    expect(calls).toEqual(['stop 6/10', 'start']);
    expect(sessions.views()[0]).toMatchObject({ bgpHeld: false });
  });

  it('a session that never comes up holds nothing, unless strict', () => {
    const { clock, sessions, remote } = setup();
    const loose = fakePeer();
    sessions.bind(neighbor({}), loose.peer);
    clock.advance(10_000);
    expect(loose.calls).toEqual([]);
    expect(sessions.allowsStart(B)).toBe(true);
    sessions.bind(neighbor({ strict: true }), loose.peer);
    expect(loose.calls).toEqual(['stop 6/10']);
    expect(sessions.allowsStart(B)).toBe(false);

    remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    expect(loose.calls).toEqual(['stop 6/10', 'start']);
  });

  it('a reload changes the timers without a flap, replaces the session when more changed, releases it when BFD goes', () => {
    const { clock, sessions, remote } = setup();
    const { peer, calls } = fakePeer();
    sessions.bind(neighbor({}), peer);
    const theirs = remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    const discr = sessions.views()[0].session?.localDiscr;

    sessions.bind(neighbor({ minTx: 600, minRx: 600, multiplier: 4 }), peer);
    clock.advance(10_000);
    expect(sessions.views()[0].session).toMatchObject({
      localDiscr: discr,
      state: 'Up',
      txInterval: 600,
      multiplier: 4,
      counters: { downTransitions: 0 },
    });

    sessions.bind(neighbor({ minTx: 600, minRx: 600, multiplier: 4, passive: true, multihop: true }), peer);
    expect(sessions.views()[0].session?.localDiscr).not.toBe(discr);
    expect(sessions.views()[0].session?.multihop).toBe(true);

    sessions.bind(neighbor(undefined), peer);
    expect(sessions.views()).toEqual([]);
    clock.advance(5000);
    // The peer was told AdminDown: its session went down with diagnostic "neighbor signaled down".
    expect(theirs.state).not.toBe('Up');
    expect(calls).toEqual([]);
  });

  it('sync releases the sessions of neighbors that are gone; close() sends AdminDown and closes the network', async () => {
    const { clock, sessions, remote } = setup();
    const { peer } = fakePeer();
    sessions.bind(neighbor({}), peer);
    const theirs = remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    sessions.sync(new Map(), new Map());
    expect(sessions.views()).toEqual([]);
    sessions.bind(neighbor({}), peer);
    clock.advance(5000);
    expect(sessions.views()[0].session?.state).toBe('Up');
    await sessions.close();
    clock.advance(100);
    expect(theirs.view().remoteState).toBe('AdminDown');
  });

  it('keeps BGP running (even strict) when BFD cannot run, and says why', () => {
    const failing: BfdNetwork = {
      attach: () => {
        throw Object.assign(new Error('bind EADDRINUSE 0.0.0.0:3784'), { code: 'EADDRINUSE' });
      },
      close: async () => {},
    };
    const sessions = new BfdSessions({ log: createLogger('silent'), runner: () => managerRunner(failing) });
    const { peer, calls } = fakePeer();
    sessions.bind(neighbor({ strict: true }), peer);
    expect(calls).toEqual([]);
    expect(sessions.allowsStart(B)).toBe(true);
    expect(sessions.views()).toEqual([
      expect.objectContaining({
        neighbor: B,
        session: null,
        bgpHeld: false,
        error: 'bind EADDRINUSE 0.0.0.0:3784',
      }),
    ]);
  });
});

describe('BfdSessions and the operator', () => {
  it('an operator start waits for BFD Up; an operator shutdown is not undone by BFD Up', () => {
    const { clock, fabric, sessions, remote } = setup();
    const { peer, calls } = fakePeer();
    sessions.bind(neighbor({}), peer);
    remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    fabric.cut(B);
    clock.advance(1000);
    expect(calls).toEqual(['stop 6/10']);
    // Reset or enable during the hold: not now.
    expect(sessions.operatorStart(B)).toBe(false);
    // Shut down during the hold: BFD coming back does not start it.
    sessions.operatorShutdown(B);
    fabric.cut(B, false);
    clock.advance(5000);
    expect(sessions.views()[0]).toMatchObject({ bgpHeld: false, session: { state: 'Up' } });
    expect(calls).toEqual(['stop 6/10']);
    expect(sessions.operatorStart(B)).toBe(true);
  });

  it('an operator start during the hold is kept: BFD Up starts the session', () => {
    const { clock, fabric, sessions, remote } = setup();
    const { peer, calls } = fakePeer();
    sessions.bind(neighbor({}), peer);
    remote.acquire({ peer: A, local: B, minTx: 300, minRx: 300, multiplier: 3 });
    clock.advance(5000);
    fabric.cut(B);
    clock.advance(1000);
    sessions.operatorShutdown(B);
    expect(sessions.operatorStart(B)).toBe(false);
    fabric.cut(B, false);
    clock.advance(5000);
    expect(calls).toEqual(['stop 6/10', 'start']);
  });
});

describe('bfdSpecOf', () => {
  it("a neighbor's VRF is the BFD session's interface, unless bindDevice names one", () => {
    expect(bfdSpecOf({ ...neighbor({}), vrf: 'red' })?.interface).toBe('red');
    expect(bfdSpecOf({ ...neighbor({}), vrf: 'red', bindDevice: 'eth1' })?.interface).toBe('eth1');
    expect(bfdSpecOf(neighbor({}))?.interface).toBeUndefined();
  });
});
