// The whole receive path in one process, for the fuzzer and its regression tests: a RoutingEngine
// with two neighbors, each a real Peer (framer → FSM/driver) over an in-memory connection and a
// manual clock. Neighbor A's far end is scripted: OPEN, KEEPALIVE, then whatever octets the fuzzer
// chose. Neighbor B is a well-behaved peer; everything Herald sends it (its Adj-RIB-Out through the
// update packer, learned routes included once they are exported) is framed and decoded. The
// Loc-RIB is followed, so every change is selected too. Both neighbors have an import and an export
// policy (FUZZ_POLICIES) that read the attributes and rewrite them, so fuzzed routes go through
// policy evaluation on import and, learned routes being exported, through export rewriting to B.
import type { Duplex } from 'node:stream';
import { compilePolicies, type PolicyConfig } from '../../src/policy/index.js';
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
  type DecodedUpdate,
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
  type PathAttributes,
  type Prefix,
} from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';

const LOCAL_ASN = 65201;
const A = { address: '10.0.0.2', asn: 65001, bgpId: '10.0.0.2' };
const B = { address: '10.0.0.3', asn: 65003, bgpId: '10.0.0.3' };

/** Community 65201:200, which the export policy adds to every learned route it sends. */
export const EXPORT_TAG = LOCAL_ASN * 0x10000 + 200;
/** AS_PATH prepends of the export policy on learned routes (before the eBGP prepend of our ASN). */
export const EXPORT_PREPENDS = 2;

/**
 * Import and export policies using every kind of list and most changes. On import: bogons and
 * over-specifics are rejected (prefix list with ge/le), routes through some transit ASes (AS-path
 * regex) get a lower LOCAL_PREF and a community, well-known and "65535:" communities are removed
 * (community list with a regex), MED and ORIGIN are changed. On export: own routes go as they
 * are, learned /24s in the lower half of the IPv4 space and routes with a blackhole-ish community
 * are rejected, the rest are prepended, tagged and sent with next hop self.
 */
export const FUZZ_POLICIES: PolicyConfig = {
  prefixLists: {
    bogons: [
      { action: 'permit', prefix: '10.0.0.0/8', le: 32 },
      { action: 'permit', prefix: '192.168.0.0/16', le: 32 },
      { action: 'deny', prefix: '0.0.0.0/0', le: 24 },
      { action: 'permit', prefix: '0.0.0.0/0', ge: 25 },
      { action: 'permit', prefix: 'fc00::/7', le: 128 },
      { action: 'permit', prefix: '::/0', ge: 65 },
    ],
    'low-24s': [{ action: 'permit', prefix: '0.0.0.0/1', ge: 24, le: 24 }],
    'short-v6': [{ action: 'permit', prefix: '2000::/3', ge: 16, le: 40 }],
  },
  asPathLists: {
    transit: [
      { action: 'deny', regex: '^$' },
      { action: 'permit', regex: '_(174|3356|1299|6939)_' },
      { action: 'permit', regex: '_6451[2-9]_' },
    ],
    'long-path': [{ action: 'permit', regex: '^([0-9]+_){6,}' }],
  },
  communityLists: {
    strip: {
      communities: ['no-export', 'no-advertise', 'no-export-subconfed', 'no-peer'],
      largeCommunities: ['65201:0:0'],
      regex: ['^65535:', ':666$'],
    },
    blackholed: { communities: ['blackhole', '65201:666'], regex: ['^[0-9]+:9999$'] },
    tagged: { communities: ['65201:100'], largeCommunities: ['65201:1:1'] },
  },
  policies: {
    'fuzz-in': {
      terms: [
        { name: 'bogons', match: { prefixList: 'bogons' }, action: 'reject' },
        {
          name: 'transit',
          match: { asPathList: 'transit' },
          set: {
            localPref: 50,
            communities: { add: ['65201:100'] },
            largeCommunities: { add: ['65201:1:1'] },
          },
          action: 'continue',
        },
        {
          name: 'strip',
          match: { communities: { list: 'strip', match: 'any' } },
          set: { communities: { remove: 'strip' }, largeCommunities: { remove: 'strip' } },
          action: 'continue',
        },
        {
          name: 'incomplete',
          match: { origin: 'incomplete', localPref: { max: 99 } },
          set: { med: '+10', origin: 'igp' },
          action: 'continue',
        },
        {
          name: 'short-v6',
          match: { family: 'ipv6-unicast', prefixList: 'short-v6' },
          set: { localPref: 150, med: 7 },
          action: 'accept',
        },
        {
          name: 'long-path',
          match: { asPathList: 'long-path', med: { min: 0, max: 1000 } },
          set: { med: '-3', asPathPrepend: { count: 1, asn: 64999 } },
          action: 'accept',
        },
      ],
      default: 'accept',
    },
    'fuzz-out': {
      terms: [
        { name: 'own', match: { routeType: 'originated' }, action: 'accept' },
        { name: 'low-24s', match: { prefixList: 'low-24s' }, action: 'reject' },
        { name: 'blackholed', match: { communities: { list: 'blackholed' } }, action: 'reject' },
        {
          name: 'tagged',
          match: { routeType: 'learned', communities: { list: 'tagged', match: 'all' } },
          set: { med: 500, extendedCommunities: { add: ['rt:65201:1'] } },
          action: 'continue',
        },
        {
          name: 'learned',
          match: { routeType: 'learned' },
          set: {
            asPathPrepend: { count: EXPORT_PREPENDS },
            communities: { add: ['65201:200'] },
            largeCommunities: { add: ['65201:2:2'] },
            nextHop: 'self',
          },
          action: 'accept',
        },
      ],
      default: 'reject',
    },
  },
};

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
  /** Routes announced to B (IPv4 NLRI and MP_REACH), each with the attributes of its UPDATE. */
  readonly routesToB: readonly { prefix: Prefix; attributes: PathAttributes }[];
}

/** The far end of a connection: records what Herald writes, frames it on demand. */
class FarEnd {
  private readonly chunks: Buffer[] = [];
  constructor(readonly stream: Duplex) {
    stream.on('data', (d: Buffer) => this.chunks.push(Buffer.from(d)));
    stream.on('error', () => {});
  }
  /** Herald's messages so far; a framing or decoding failure is reported in `bad`. */
  messages(
    ctx: CodecContext,
    bad: string[],
    updates: DecodedUpdate[] = [],
  ): Array<{ type: number; body: Buffer }> {
    const framer = new Framer(MAX_EXTENDED_MESSAGE_LENGTH);
    framer.push(Buffer.concat(this.chunks));
    const out: Array<{ type: number; body: Buffer }> = [];
    try {
      for (let f = framer.next(); f; f = framer.next()) {
        out.push({ type: f.type, body: Buffer.from(f.body) });
        const m = decodeMessage(f, ctx);
        if (m.type === 'update') updates.push(m.update);
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
  engine.setPolicies(compilePolicies(FUZZ_POLICIES));
  const stopFollowing = engine.followLocRib(() => {});
  const families = [IPV4_UNICAST, IPV6_UNICAST];
  const peers = [A, B].map((n) => {
    const routes = engine.addNeighbor({
      address: n.address,
      configuredAsns: [n.asn],
      // The seeds come from many peers of a route collector: without the first-AS check (RFC 4271
      // §6.3, a MAY) their routes reach the import policy instead of being treated as withdrawn.
      importRules: { localAsn: LOCAL_ASN, allowAsIn: 0, routerId: '10.0.0.1', enforceFirstAs: false },
      importPolicy: 'fuzz-in',
      exportPolicy: 'fuzz-out',
      // next hop self for IPv6 routes over the IPv4 session
      localAddress6: '2001:db8::1',
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
    // Our address on the session, as a socket has it: without one no learned route has a next hop.
    Object.assign(near, { localAddress: '10.0.0.1' });
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
    const updatesB: DecodedUpdate[] = [];
    const toB = b.far.messages(codecContext({ as4: true, ibgp: false }), badOutput, updatesB);
    const routesToB = updatesB.flatMap((u) =>
      [...u.nlri, ...(u.attributes.mpReach?.nlri ?? [])].map((prefix) => ({
        prefix,
        attributes: u.attributes,
      })),
    );
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
      routesToB,
    });
  } finally {
    stopFollowing();
    for (const p of peers) {
      p.peer.dispose();
      p.far.stream.destroy();
    }
  }
}
