// The MetalLB resources (metallb.io) as Herald uses them after reading: names and defaults
// resolved, addresses parsed, durations in seconds. The readers (read-*.ts) build these from the
// resources' JSON, unchanged from what MetalLB users already have. Types only.
import type { CommunityValue } from './community.js';
import type { Cidr } from './ip-ranges.js';
import type { LabelSelector } from './label-selector.js';

export interface ObjectRef {
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
}

/** IPAddressPool, metallb.io/v1beta1. */
export interface IpAddressPool extends ObjectRef {
  /** The `addresses` entries as written, each with the CIDRs that cover it. */
  addresses: { text: string; cidrs: Cidr[] }[];
  /** Default true. */
  autoAssign: boolean;
  /** Skip IPv4 addresses ending in .0 and .255 when allocating. */
  avoidBuggyIPs: boolean;
  serviceAllocation?: {
    priority?: number;
    namespaces: string[];
    namespaceSelectors: LabelSelector[];
    serviceSelectors: LabelSelector[];
  };
}

/** BGPAdvertisement, metallb.io/v1beta1. */
export interface BgpAdvertisement extends ObjectRef {
  /** Default 32. */
  aggregationLength: number;
  /** Default 128. */
  aggregationLengthV6: number;
  /** LOCAL_PREF for iBGP peers; MetalLB treats 0 as unset. */
  localPref: number;
  /** As written: community values or names of Community aliases (resolved in the snapshot). */
  communities: string[];
  ipAddressPools: string[];
  ipAddressPoolSelectors: LabelSelector[];
  nodeSelectors: LabelSelector[];
  /** Names of BGPPeer resources; empty means every peer. */
  peers: string[];
  serviceSelectors: LabelSelector[];
}

/** BGPPeer, metallb.io/v1beta2. */
export interface BgpPeer extends ObjectRef {
  myASN: number;
  /** Exactly one of peerASN and dynamicASN. */
  peerASN?: number;
  dynamicASN?: 'internal' | 'external';
  /** Exactly one of peerAddress and interface (BGP unnumbered). */
  peerAddress?: string;
  interface?: string;
  sourceAddress?: string;
  /** Default 179. */
  peerPort: number;
  /** Seconds; when only one of the two is given the other follows (holdTime = 3 × keepaliveTime). */
  holdTime?: number;
  keepaliveTime?: number;
  connectTime?: number;
  routerID?: string;
  nodeSelectors: LabelSelector[];
  password?: string;
  passwordSecret?: { name: string; namespace: string | undefined };
  bfdProfile?: string;
  ebgpMultiHop: boolean;
  enableGracefulRestart: boolean;
  vrf?: string;
  dualStackAddressFamily: boolean;
  disableMP: boolean;
  localASN?: number;
}

/** Community, metallb.io/v1beta1: named aliases for community values. */
export interface CommunityAliases extends ObjectRef {
  aliases: { name: string; value: CommunityValue }[];
}

/** BFDProfile, metallb.io/v1beta1 (kept for the BFD issue). Intervals in milliseconds. */
export interface BfdProfile extends ObjectRef {
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  echoInterval?: number;
  echoMode: boolean;
  passiveMode: boolean;
  minimumTtl?: number;
}
