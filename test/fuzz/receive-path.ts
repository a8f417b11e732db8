// The whole receive path in one process, for the fuzzer and its regression tests: a RoutingEngine
// with two neighbors, each a real Peer (framer → FSM/driver) over an in-memory connection and a
// manual clock. Neighbor A's far end is scripted: OPEN, KEEPALIVE, then whatever octets the fuzzer
// chose. Neighbor B is a well-behaved peer; everything Herald sends it (its Adj-RIB-Out through the
// update packer, learned routes included once they are exported) is framed and decoded. The
// Loc-RIB is followed, so every change is selected too.
import type { Duplex } from 'node:stream';
import { localRoute } from '../../src/rib/local-routes.js';
import type { NeighborRibs } from '../../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { localCapabilities } from '../../src/session/capabilities.js';
import { ManualClock } from '../../src/session/clock.js';
import { SessionState } from '../../src/session/fsm-types.js';
import { Peer } from '../../src/session/peer.js';
import {
  type CodecContext,
  codecContext,
  decodeMessage,
  decodeNotification,
  encodeOpen,
  Framer,
  IPV4_UNICAST,
  IPV6_UNICAST,
  KEEPALIVE,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MessageType,
  myAsnField,
  type Notification,
} from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';

const LOCAL_ASN = 65201;
const A = { address: '10.0.0.2', asn: 65001, bgpId: '10.0.0.2' };
const B = { address: '10.0.0.3', asn: 65003, bgpId: '10.0.0.3' };

export interface ReceiveOutcome {
  /** Exceptions that were not a Notification on the wire: internal errors of the peer or engine. */
  readonly internalErrors: readonly unknown[];
  readonly stateA: SessionState;
  readonly stateB: SessionState;
  /** NOTIFICATIONs Herald sent to A. */
  readonly notificationsToA: readonly Notification[];
  /** Octets Herald sent to A or B that did not frame or decode (its own encoder's output). */
  readonly badOutput: readonly string[];
  readonly ribsA: NeighborRibs;
  /** UPDATEs B received. */
  readonly updatesToB: number;
}

/** The far end of a connection: records what Herald writes, frames it on demand. */
class FarEnd {
  private readonly chunks: Buffer[] = [];
  constructor(readonly stream: Duplex) {
    stream.on('data', (d: Buffer) => this.chunks.push(Buffer.from(d)));
    stream.on('error', () => {});
  }
  /** Herald's messages so far; a framing or decoding failure is reported in `bad`. */
  messages(ctx: CodecContext, bad: string[]): Array<{ type: number; body: Buffer }> {
    const framer = new Framer(MAX_EXTENDED_MESSAGE_LENGTH);
    framer.push(Buffer.concat(this.chunks));
    const out: Array<{ type: number; body: Buffer }> = [];
    try {
      for (let f = framer.next(); f; f = framer.next()) {
        out.push({ type: f.type, body: Buffer.from(f.body) });
        const m = decodeMessage(f, ctx);
        if (m.type === 'update' && m.update.outcome !== 'none')
          bad.push(`UPDATE with RFC 7606 errors: ${m.update.errors.map((e) => e.reason).join('; ')}`);
      }
    } catch (e) {
      bad.push(`${(e as Error).message}`);
    }
    return out;
  }
}

function farOpen(asn: number, bgpId: string, as4: boolean): Buffer {
  return encodeOpen({
    version: 4,
    myAsn: as4 ? myAsnField(asn) : asn,
    holdTime: 90,
    bgpId,
    capabilities: [
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'multiprotocol', afi: 2, safi: 1 },
      { kind: 'route-refresh' },
      ...(as4 ? [{ kind: 'as4', asn } as const] : []),
    ],
  });
}

const established = (p: Peer) => p.state === SessionState.ESTABLISHED;

/**
 * Runs one session of A sending `chunks` (after a valid OPEN exchange, on a 4-octet AS session when
 * `as4`) while B stays connected, and hands what happened to `inspect` before the sessions are torn
 * down (so the RIBs are still the session's).
 */
export async function runReceivePath(
  chunks: readonly Buffer[],
  as4: boolean,
  inspect: (o: ReceiveOutcome) => void,
): Promise<void> {
  const clock = new ManualClock();
  const internalErrors: unknown[] = [];
  const engine = new RoutingEngine({
    clock,
    localRoutes: () => [
      localRoute({ prefix: '198.51.100.1/32' }),
      localRoute({ prefix: '2001:db8:ff::/48' }),
    ],
    localAsn: () => LOCAL_ASN,
    report: { routesNotSent: () => {}, internalError: (_a, e) => internalErrors.push(e) },
  });
  const stopFollowing = engine.followLocRib(() => {});
  const families = [IPV4_UNICAST, IPV6_UNICAST];
  const peers = [A, B].map((n) => {
    const routes = engine.addNeighbor({
      address: n.address,
      configuredAsns: [n.asn],
      importRules: { localAsn: LOCAL_ASN, allowAsIn: 0, routerId: '10.0.0.1' },
    });
    const config = testFsmConfig({
      asn: LOCAL_ASN,
      peerAsn: n.asn,
      bgpId: '10.0.0.1',
      passive: true,
      capabilities: localCapabilities({ localAsn: LOCAL_ASN, families, ipv6Transport: false }),
    });
    const peer = new Peer({ address: n.address, config, clock, routes, gracefulRestart: false });
    peer.on('internalError', (e) => internalErrors.push(e));
    peer.start();
    const [far, near] = duplexPair();
    peer.accept(near);
    return { peer, routes, far: new FarEnd(far) };
  });
  const [a, b] = peers;
  try {
    b.far.stream.write(Buffer.concat([farOpen(B.asn, B.bgpId, true), KEEPALIVE]));
    a.far.stream.write(Buffer.concat([farOpen(A.asn, A.bgpId, as4), KEEPALIVE]));
    await settle(() => established(a.peer) && established(b.peer), 500);
    if (!established(a.peer) || !established(b.peer)) throw new Error('the sessions did not come up');
    for (const c of chunks) {
      if (a.far.stream.destroyed) break;
      a.far.stream.write(c);
      await settle(undefined, 2);
    }
    await settle(undefined, 50);

    const badOutput: string[] = [];
    const toA = a.far.messages(codecContext({ as4 }), badOutput);
    const toB = b.far.messages(codecContext({ as4: true, ibgp: false }), badOutput);
    inspect({
      internalErrors,
      stateA: a.peer.state,
      stateB: b.peer.state,
      notificationsToA: toA
        .filter((m) => m.type === MessageType.NOTIFICATION)
        .map((m) => decodeNotification(m.body)),
      badOutput,
      ribsA: a.routes,
      updatesToB: toB.filter((m) => m.type === MessageType.UPDATE).length,
    });
  } finally {
    stopFollowing();
    for (const p of peers) {
      p.peer.dispose();
      p.far.stream.destroy();
    }
  }
}
