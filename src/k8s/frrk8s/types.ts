// FRR-K8s's FRRConfiguration (frrk8s.metallb.io/v1beta1) as Herald uses it after reading: the
// resource's fields unchanged in meaning, defaults resolved, durations in seconds, communities
// in Herald's forms ("65000:100", "1:2:3"). read-frr-configuration.ts builds it. Types only.
import type { LabelSelector } from '../label-selector.js';
import type { BfdProfile, ObjectRef } from '../metallb-types.js';

/** `mode: all` (every prefix of the router), or the listed ones (`filtered`, the default). */
export type AllowMode = 'all' | 'filtered';

/** toReceive.allowed.prefixes[]: the prefix, and the range of lengths inside it (FRR's ge/le). */
export interface PrefixSelector {
  prefix: string;
  ge?: number;
  le?: number;
}

export interface ToAdvertise {
  mode: AllowMode;
  /** allowed.prefixes, each one of the router's (a configuration is self-contained). */
  prefixes: string[];
  /** withLocalPref: prefix → LOCAL_PREF. */
  localPref: Record<string, number>;
  /** withCommunity: prefix → communities (standard and large, Herald's forms), sorted. */
  communities: Record<string, string[]>;
}

export interface ToReceive {
  mode: AllowMode;
  prefixes: PrefixSelector[];
}

export interface FrrNeighbor {
  /** Exactly one of address and interface. */
  address?: string;
  interface?: string;
  /** The peer's AS; exactly one of asn and dynamicASN. */
  asn?: number;
  dynamicASN?: 'internal' | 'external';
  /** Absent: 179 (FRR-K8s compares it with that default when merging). */
  port?: number;
  sourceAddress?: string;
  password?: string;
  passwordSecret?: { name: string; namespace: string | undefined };
  /** Seconds; both or neither (FRR-K8s's rule). */
  holdTime?: number;
  keepaliveTime?: number;
  connectTime?: number;
  ebgpMultiHop: boolean;
  /** Name of one of this configuration's bfdProfiles. */
  bfdProfile?: string;
  enableGracefulRestart: boolean;
  toAdvertise: ToAdvertise;
  toReceive: ToReceive;
  dualStackAddressFamily: boolean;
  localASN?: number;
}

export interface FrrRouter {
  asn: number;
  /** Router id (IPv4). */
  id?: string;
  /** '' for the default VRF. */
  vrf: string;
  prefixes: string[];
  neighbors: FrrNeighbor[];
}

export type FrrBfdProfile = Omit<BfdProfile, 'namespace' | 'labels'>;

export interface FrrConfiguration extends ObjectRef {
  /** metadata.creationTimestamp (RFC 3339): older configurations are merged first. */
  createdAt: string;
  /** One selector (not a list, unlike MetalLB); empty selects every node. */
  nodeSelector: LabelSelector;
  routers: FrrRouter[];
  bfdProfiles: FrrBfdProfile[];
}
