// The normalized configuration: every default filled in, every value checked. Keys follow the
// contract in the session issue (asn, routerId, listen, api, neighbors, dynamicNeighbors, announce).

export type FamilyName = 'ipv4-unicast' | 'ipv6-unicast';

export interface NeighborConfig {
  address: string;
  peerAsn: number;
  port: number;
  passive: boolean;
  ebgpMultihop?: number;
  ttlSecurity?: number;
  password?: string;
  passwordFile?: string;
  holdTime: number;
  keepalive: number;
  families: FamilyName[];
  gracefulRestart: { enabled: boolean; restartTime: number };
  description?: string;
  /** Source address for the session (default: chosen by the kernel). */
  localAddress?: string;
  /** Bind the session to this interface or VRF device (SO_BINDTODEVICE). */
  bindDevice?: string;
  /** RFC 7911 add-path: receive (keep every path the peer sends), send, or both. */
  addPath?: 'receive' | 'send' | 'both';
  /** RFC 4271 DelayOpenTimer seconds (0: send OPEN at once). */
  delayOpen: number;
  /** First ConnectRetryTimer seconds; doubles per failed attempt up to 120 s. */
  connectRetry: number;
}

export interface DynamicNeighborConfig {
  range: string;
  peerAsn: number[];
}

export interface AnnouncementConfig {
  prefix: string;
  nextHop?: string;
  communities: string[];
  largeCommunities: string[];
  extendedCommunities: string[];
  localPref?: number;
  med?: number;
  asPathPrepend: number;
}

export interface HeraldConfig {
  asn: number;
  routerId?: string;
  listen: { address: string; port: number } | false;
  api: { listen: string } | false;
  neighbors: NeighborConfig[];
  dynamicNeighbors: DynamicNeighborConfig[];
  announce: AnnouncementConfig[];
}
