// The normalized configuration: every default filled in, every value checked, secrets read from
// their files or environment variables. Shapes come from the one schema in schema.ts; the
// fields with defaults are required here.
import type { RawPolicyConfig } from '../policy/policy-schema.js';
import type { BfdProfileConfig, NeighborBfdConfig } from './bfd-config.js';
import type {
  FAMILY_NAMES,
  LOG_LEVELS,
  RawAnnouncement,
  RawApi,
  RawHealthCheck,
  RawKubernetes,
  RawNeighbor,
} from './schema.js';

export type FamilyName = (typeof FAMILY_NAMES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `T` with the keys in `K` no longer optional (the schema gave them defaults). */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & Required<Pick<T, K>>;

export interface NeighborConfig
  extends WithDefaults<
    Omit<RawNeighbor, 'bfd' | 'address' | 'interface'>,
    | 'port'
    | 'passive'
    | 'holdTime'
    | 'keepalive'
    | 'families'
    | 'delayOpen'
    | 'connectRetry'
    | 'allowAsIn'
    | 'enforceFirstAs'
  > {
  /** The peer's address (an interface neighbor's: the link-local one found on its link, with its zone). */
  address: string;
  gracefulRestart: { enabled: boolean; restartTime: number };
  /** The TCP MD5 key from password, passwordFile or passwordEnv (never logged). */
  password?: string;
  /** The BFD session beside BGP, profile resolved (absent: no BFD). */
  bfd?: NeighborBfdConfig;
}

/** A neighbor given by interface (BGP unnumbered): its link-local address is found on the link. */
export interface InterfaceNeighborConfig extends Omit<NeighborConfig, 'address'> {
  interface: string;
}

export interface DynamicNeighborConfig {
  range: string;
  peerAsn: number[];
  routeReflectorClient: boolean;
  /** Neighbors from the range at once. */
  limit: number;
  /** The TCP MD5 key of every peer in the range (never logged). */
  password?: string;
}

export type HealthCheckConfig = WithDefaults<
  RawHealthCheck,
  'interval' | 'timeout' | 'rise' | 'fall' | 'whenDown'
>;

export interface AnnouncementConfig
  extends WithDefaults<
    Omit<RawAnnouncement, 'healthCheck'>,
    'communities' | 'largeCommunities' | 'extendedCommunities' | 'asPathPrepend'
  > {
  healthCheck?: HealthCheckConfig;
}

export interface ApiConfig
  extends WithDefaults<RawApi, 'listen' | 'authenticateReads' | 'rateLimit' | 'bodyLimit'> {
  /** The bearer token from token, tokenFile or tokenEnv (never logged). */
  token?: string;
}

/** The `kubernetes` section (MetalLB resources → announcements and sessions). */
export type KubernetesConfig = WithDefaults<
  RawKubernetes,
  'enabled' | 'namespace' | 'ignoreExcludeLb' | 'debounceMs' | 'frrk8s' | 'allocate'
>;

export interface HeraldConfig extends RawPolicyConfig {
  asn: number;
  routerId?: string;
  clusterId?: string;
  listen: { address: string; port: number } | false;
  api: ApiConfig | false;
  /**
   * The read-only metrics and probes listener (`listen` absent: /metrics is served by the API only)
   * and the bound on per-prefix series.
   */
  metrics?: { listen?: string; prefixSeriesLimit?: number };
  log: { level: LogLevel };
  maximumPaths: number;
  fib: { enabled: boolean; table: number; metric: number; protocol: number; prefixList?: string };
  multipathRelax: boolean;
  /** Decision process: MED compared across neighbor ASes; per-neighbor-AS selection first. */
  alwaysCompareMed: boolean;
  deterministicMed: boolean;
  neighbors: NeighborConfig[];
  /** Neighbors given by interface instead of address (BGP unnumbered). */
  interfaceNeighbors: InterfaceNeighborConfig[];
  dynamicNeighbors: DynamicNeighborConfig[];
  announce: AnnouncementConfig[];
  /** Named BFD parameter sets, keys read (neighbors' `bfd` already has its profile resolved). */
  bfdProfiles: BfdProfileConfig[];
  kubernetes: KubernetesConfig;
  /** Prefixes (and every prefix inside them) never accepted from any neighbor, whatever the policy. */
  alwaysBlock: string[];
  /** Where the API's route changes are kept across restarts (absent: not kept). */
  stateDir?: string;
}
