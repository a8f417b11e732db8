// What two OPENs agree on (RFC 4271 §4.2 and §6.2, RFC 5492 and each capability's RFC), as the
// codec contexts for each direction. Pure: OPENs and local settings in, a result or a Notification out.
import {
  AS_TRANS,
  type Capability,
  type CodecContext,
  codecContext,
  ErrorCode,
  type FamilyKey,
  familyKey,
  IPV4_UNICAST,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  myAsnField,
  Notification,
  type OpenMessage,
  OpenSubcode,
  openAsn,
} from '../wire/index.js';

export type PeerAsns = readonly number[] | 'external';

/** The ASNs `asns` names (none for `external`, which names no AS but excludes ours). */
export function namedPeerAsns(asns: PeerAsns): readonly number[] {
  return asns === 'external' ? [] : asns;
}

/** Whether `asn` in the peer's OPEN is one `accepted` allows (our own AS for an external peer: no). */
function acceptsPeerAsn(accepted: PeerAsns, asn: number, localAsn: number): boolean {
  return accepted === 'external' ? asn !== localAsn : accepted.includes(asn);
}

export interface LocalSettings {
  readonly localAsn: number;
  readonly bgpId: string;
  /**
   * Acceptable peer ASNs: one for a configured neighbor, a list for dynamic ones, or `external`: any
   * but our own (FRR's `remote-as external`, MetalLB's `dynamicASN: external`).
   */
  readonly peerAsns: PeerAsns;
  readonly holdTime: number;
  /** Configured keepalive interval; the negotiated one is at most a third of the hold time. */
  readonly keepalive: number;
  /** The capabilities we send in our OPEN. */
  readonly capabilities: readonly Capability[];
}

export interface GracefulRestartInfo {
  readonly restartTime: number;
  readonly restarting: boolean;
  readonly notification: boolean;
  /** Families the peer preserved forwarding state for. */
  readonly forwarding: ReadonlySet<FamilyKey>;
  readonly families: ReadonlySet<FamilyKey>;
}

export interface Negotiated {
  readonly peerOpen: OpenMessage;
  readonly peerAsn: number;
  readonly peerBgpId: string;
  readonly ibgp: boolean;
  /** RFC 4271 §4.2: "the smaller of its configured Hold Time and the Hold Time received". */
  readonly holdTime: number;
  readonly keepalive: number;
  readonly families: ReadonlySet<FamilyKey>;
  readonly routeRefresh: boolean;
  readonly enhancedRouteRefresh: boolean;
  readonly extendedNextHop: ReadonlySet<FamilyKey>;
  /** Decoding what the peer sends. */
  readonly receive: CodecContext;
  /** Encoding what we send. */
  readonly send: CodecContext;
  /** The peer's graceful-restart capability, when both sides sent one. */
  readonly gracefulRestart?: GracefulRestartInfo;
}

/** Families in an OPEN: its multiprotocol capabilities, or IPv4 unicast when it has none (RFC 4760 §8). */
export function openFamilies(caps: readonly Capability[]): Set<FamilyKey> {
  const mp = caps.filter((c) => c.kind === 'multiprotocol');
  return new Set(mp.length === 0 ? [IPV4_UNICAST] : mp.map((c) => familyKey(c.afi, c.safi)));
}

function has(caps: readonly Capability[], kind: Capability['kind']): boolean {
  return caps.some((c) => c.kind === kind);
}

/** RFC 7911 §4: Send/Receive per family, 1 receive, 2 send, 3 both. */
function addPathModes(caps: readonly Capability[]): Map<FamilyKey, number> {
  const modes = new Map<FamilyKey, number>();
  for (const c of caps)
    if (c.kind === 'add-path') for (const f of c.families) modes.set(familyKey(f.afi, f.safi), f.direction);
  return modes;
}

function extendedNextHops(caps: readonly Capability[]): Set<string> {
  const out = new Set<string>();
  for (const c of caps)
    if (c.kind === 'extended-next-hop')
      for (const e of c.entries) out.add(`${e.afi}/${e.safi}/${e.nextHopAfi}`);
  return out;
}

function openError(subcode: number, reason: string, data?: Buffer): Notification {
  return new Notification(ErrorCode.OPEN_MESSAGE, subcode, data, reason);
}

/** Checks the peer's OPEN against our settings; returns what was agreed or the Notification to send. */
export function negotiate(local: LocalSettings, peer: OpenMessage): Negotiated | Notification {
  const peerAsn = openAsn(peer);
  // RFC 7607 §2: "If a BGP speaker receives zero as the peer AS in an OPEN message, it MUST abort
  // the connection and send a NOTIFICATION ... 'Bad Peer AS'" (My AS or the 4-octet AS capability;
  // an `external` neighbor would otherwise take it).
  if (peer.myAsn === 0 || peerAsn === 0) {
    return openError(OpenSubcode.BAD_PEER_AS, 'peer AS 0', Buffer.from([peer.myAsn >> 8, peer.myAsn & 0xff]));
  }
  // RFC 4271 §6.2: "If the Autonomous System field of the OPEN message is unacceptable, then the
  // Error Subcode MUST be set to Bad Peer AS."
  if (!acceptsPeerAsn(local.peerAsns, peerAsn, local.localAsn)) {
    const wanted =
      local.peerAsns === 'external' ? `external (not ${local.localAsn})` : local.peerAsns.join(' or ');
    return openError(
      OpenSubcode.BAD_PEER_AS,
      `peer AS ${peerAsn} is not ${wanted}`,
      Buffer.from([peer.myAsn >> 8, peer.myAsn & 0xff]),
    );
  }
  // RFC 6793 §4.1/§4.2.1: with the capability, My AS is the AS itself when it fits in two octets
  // and AS_TRANS otherwise (AS_TRANS tolerated for a small AS, as FRR does); AS_TRANS is never the
  // real AS. FRR: "got AS4 capability, but remote_as ... mismatch with 16bit 'myasn'".
  const hasAs4 = peer.capabilities.some((c) => c.kind === 'as4');
  if (hasAs4 && (peerAsn === AS_TRANS || (peer.myAsn !== AS_TRANS && peer.myAsn !== peerAsn))) {
    return openError(OpenSubcode.BAD_PEER_AS, `My AS ${peer.myAsn} disagrees with 4-octet AS ${peerAsn}`);
  }
  const ibgp = peerAsn === local.localAsn;
  // RFC 6286 §2.2: Bad BGP Identifier "if the BGP Identifier field of the OPEN message is ... the
  // same as the BGP Identifier of the local BGP speaker and the message is from an internal peer".
  if (ibgp && peer.bgpId === local.bgpId) {
    return openError(OpenSubcode.BAD_BGP_IDENTIFIER, `peer uses our BGP identifier ${peer.bgpId}`);
  }
  const holdTime = Math.min(local.holdTime, peer.holdTime);
  // RFC 4271 §4.4: keepalives at one third of the hold time; none when the hold time is zero.
  const keepalive =
    holdTime === 0
      ? 0
      : Math.max(1, Math.min(local.keepalive || Math.floor(holdTime / 3), Math.floor(holdTime / 3)));

  const ours = local.capabilities;
  const theirs = peer.capabilities;
  const peerFamilies = openFamilies(theirs);
  const families = new Set([...openFamilies(ours)].filter((f) => peerFamilies.has(f)));
  const as4 = has(ours, 'as4') && has(theirs, 'as4');
  const extendedMessage = has(ours, 'extended-message') && has(theirs, 'extended-message');
  const maxMessageLength = extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;

  const ourModes = addPathModes(ours);
  const theirModes = addPathModes(theirs);
  const sendPaths = new Set<FamilyKey>();
  const receivePaths = new Set<FamilyKey>();
  for (const [family, mode] of ourModes) {
    const other = theirModes.get(family) ?? 0;
    // RFC 7911 §5: path ids are sent only when one side can send and the other receive.
    if (mode & 2 && other & 1) sendPaths.add(family);
    if (mode & 1 && other & 2) receivePaths.add(family);
  }
  const theirNh = extendedNextHops(theirs);
  const extendedNextHop = new Set<FamilyKey>();
  for (const c of ours) {
    if (c.kind !== 'extended-next-hop') continue;
    for (const e of c.entries)
      if (theirNh.has(`${e.afi}/${e.safi}/${e.nextHopAfi}`)) extendedNextHop.add(familyKey(e.afi, e.safi));
  }
  const gr = theirs.find((c) => c.kind === 'graceful-restart');
  const gracefulRestart =
    gr && has(ours, 'graceful-restart')
      ? {
          restartTime: gr.restartTime,
          restarting: gr.restarting,
          notification:
            gr.notification &&
            (ours.find((c) => c.kind === 'graceful-restart') as { notification: boolean }).notification,
          forwarding: new Set(gr.families.filter((f) => f.forwarding).map((f) => familyKey(f.afi, f.safi))),
          families: new Set(gr.families.map((f) => familyKey(f.afi, f.safi))),
        }
      : undefined;

  return {
    peerOpen: peer,
    peerAsn,
    peerBgpId: peer.bgpId,
    ibgp,
    holdTime,
    keepalive,
    families,
    routeRefresh: has(theirs, 'route-refresh') || has(theirs, 'enhanced-route-refresh'),
    enhancedRouteRefresh: has(ours, 'enhanced-route-refresh') && has(theirs, 'enhanced-route-refresh'),
    extendedNextHop,
    receive: codecContext({ as4, addPath: receivePaths, maxMessageLength, ibgp }),
    send: codecContext({ as4, addPath: sendPaths, maxMessageLength, ibgp }),
    gracefulRestart,
  };
}

/** Our OPEN for these settings. */
export function buildOpen(local: LocalSettings): OpenMessage {
  return {
    version: 4,
    myAsn: myAsnField(local.localAsn),
    holdTime: local.holdTime,
    bgpId: local.bgpId,
    capabilities: local.capabilities,
  };
}
