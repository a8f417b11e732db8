// The BGP sessions this node should have: every BGPPeer whose nodeSelectors select the node
// (none: every node), as a plain object in Herald's neighbor vocabulary (address, peerAsn, port,
// holdTime, keepalive, connectRetry, localAddress, ebgpMultihop, bindDevice, families, …) that the
// daemon turns into its neighbor config. Pure.
import type { ClusterView, ResolvedPeer } from './cluster-view.js';
import type { Node } from './core-types.js';
import { parseIp } from './ip-ranges.js';
import { anySelectorMatches } from './label-selector.js';
import type { BfdProfile } from './metallb-types.js';

export type SessionFamily = 'ipv4-unicast' | 'ipv6-unicast';

export interface PeerSession {
  /** The BGPPeer's name: BGPAdvertisement `peers` refer to it. */
  name: string;
  /** "BGPPeer metallb-system/tor-a" */
  resource: string;
  /** myASN */
  localAsn: number;
  /** peerASN; absent when dynamicAsn is set (accept the AS the peer's OPEN carries). */
  peerAsn?: number;
  /** internal: the peer's AS must be localAsn; external: anything else. */
  dynamicAsn?: 'internal' | 'external';
  /** peerAddress; absent for BGP unnumbered (`interface`). */
  address?: string;
  interface?: string;
  port: number;
  /** sourceAddress */
  localAddress?: string;
  /** Seconds; absent: Herald's defaults. */
  holdTime?: number;
  keepalive?: number;
  /** connectTime in seconds. */
  connectRetry?: number;
  routerId?: string;
  /** TCP MD5 key from `password` or the basic-auth Secret (never log it). */
  password?: string;
  /** 255 when ebgpMultiHop is true (as FRR's bare `ebgp-multihop`). */
  ebgpMultihop?: number;
  gracefulRestart: boolean;
  /** vrf: the VRF device to bind the session to. */
  bindDevice?: string;
  /** The peer address's family; both with dualStackAddressFamily or for an interface peer. */
  families: SessionFamily[];
  bfdProfile?: BfdProfile;
  /** true: iBGP (LOCAL_PREF is sent); undefined: decided by the AS the peer's OPEN carries. */
  ibgp?: boolean;
  /** localASN (MetalLB's local-as override), when set. */
  localAsnOverride?: number;
}

function families(peer: ResolvedPeer): SessionFamily[] {
  const ip = peer.peerAddress ? parseIp(peer.peerAddress) : undefined;
  if (!ip || peer.dualStackAddressFamily) return ['ipv4-unicast', 'ipv6-unicast'];
  return [ip.family === 4 ? 'ipv4-unicast' : 'ipv6-unicast'];
}

export function sessionFor(peer: ResolvedPeer, bfdProfiles: ClusterView['bfdProfiles']): PeerSession {
  const ibgp = peer.peerASN !== undefined ? peer.peerASN === peer.myASN : peer.dynamicASN === 'internal';
  return {
    name: peer.name,
    resource: peer.namespace ? `BGPPeer ${peer.namespace}/${peer.name}` : `BGPPeer ${peer.name}`,
    localAsn: peer.myASN,
    peerAsn: peer.peerASN,
    dynamicAsn: peer.dynamicASN,
    address: peer.peerAddress,
    interface: peer.interface,
    port: peer.peerPort,
    localAddress: peer.sourceAddress,
    holdTime: peer.holdTime,
    keepalive: peer.keepaliveTime,
    connectRetry: peer.connectTime,
    routerId: peer.routerID,
    password: peer.resolvedPassword,
    ebgpMultihop: peer.ebgpMultiHop ? 255 : undefined,
    gracefulRestart: peer.enableGracefulRestart,
    bindDevice: peer.vrf,
    families: families(peer),
    bfdProfile: peer.bfdProfile ? bfdProfiles.get(peer.bfdProfile) : undefined,
    ibgp,
    localAsnOverride: peer.localASN,
  };
}

/** Sessions for `node` (none when the node is unknown: a peer's nodeSelectors cannot be checked). */
export function sessionsFor(
  view: Pick<ClusterView, 'peers' | 'bfdProfiles'>,
  node: Node | undefined,
): PeerSession[] {
  if (!node) return [];
  return view.peers
    .filter((p) => anySelectorMatches(p.nodeSelectors, node.labels))
    .map((p) => sessionFor(p, view.bfdProfiles));
}
