// Neighbors' BFD sessions as the daemon reports them (daemon.bfd.views()), without sockets: the
// input of GET /api/v1/bfd (through bfdSessionView) and of the BFD metrics.
import type { BfdSessionInfo } from '../../src/bfd/manager.js';
import { BfdDiag } from '../../src/bfd/registry.js';
import type { NeighborBfdView } from '../../src/daemon/bfd-sessions.js';

/** A BFD session, Up for 01:02:03 with 300/300 ms timers, detection 900 ms; `over` changes it. */
export function bfdSession(peer: string, over: Partial<BfdSessionInfo> = {}): BfdSessionInfo {
  return {
    key: `${peer}||`,
    peer,
    local: null,
    interface: null,
    multihop: false,
    users: 1,
    state: 'Up',
    remoteState: 'Up',
    localDiscr: 0x1001,
    remoteDiscr: 0x2002,
    localDiag: BfdDiag.NONE,
    remoteDiag: BfdDiag.NONE,
    txInterval: 300,
    rxInterval: 300,
    multiplier: 3,
    remoteMultiplier: 3,
    detectionTime: 900,
    polling: false,
    lastDownDiag: null,
    lastDownAt: null,
    uptimeMs: 3723_000,
    counters: {
      packetsIn: 120,
      packetsOut: 130,
      discarded: 0,
      discardedBy: {},
      upTransitions: 1,
      downTransitions: 0,
    },
    ...over,
  };
}

/** One neighbor's BFD view: not strict, not held, no profile; `over` changes it. */
export function neighborBfd(
  neighbor: string,
  session: BfdSessionInfo | null = bfdSession(neighbor),
  over: Partial<NeighborBfdView> = {},
): NeighborBfdView {
  return { neighbor, profile: null, strict: false, bgpHeld: false, error: null, session, ...over };
}

/**
 * Three neighbors: 192.0.2.1 Up for 01:02:03; 192.0.2.2 multihop, Down since its detection
 * timer expired and held down by BFD (strict profile "fast"); 192.0.2.3 without a session (the
 * port was taken), BGP running without BFD.
 */
export function threeBfdNeighbors(): NeighborBfdView[] {
  return [
    neighborBfd('192.0.2.1'),
    neighborBfd(
      '192.0.2.2',
      bfdSession('192.0.2.2', {
        multihop: true,
        state: 'Down',
        remoteState: 'Down',
        localDiscr: 0x1002,
        remoteDiscr: 0,
        localDiag: BfdDiag.CONTROL_DETECTION_TIME_EXPIRED,
        txInterval: 1000,
        rxInterval: null,
        multiplier: 5,
        remoteMultiplier: null,
        detectionTime: null,
        lastDownDiag: BfdDiag.CONTROL_DETECTION_TIME_EXPIRED,
        lastDownAt: Date.UTC(2026, 0, 2, 3, 4, 5),
        uptimeMs: null,
        counters: {
          packetsIn: 40,
          packetsOut: 77,
          discarded: 2,
          discardedBy: { malformed: 2 },
          upTransitions: 3,
          downTransitions: 3,
        },
      }),
      { profile: 'fast', strict: true, bgpHeld: true },
    ),
    neighborBfd('192.0.2.3', null, { error: 'udp port 3784 in use (EADDRINUSE)' }),
  ];
}
