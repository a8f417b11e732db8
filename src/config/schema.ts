// The one schema of Herald's configuration (TypeBox → JSON Schema). validate.ts checks YAML
// against it, the REST API validates request bodies with the same pieces, and the OpenAPI
// document publishes them. Every key carries its description and default here, nowhere else.
import type { Static } from 'typebox';
import { LOG_LEVELS } from '../log/logger.js';
import { neighborPolicyFields, policyConfigFields } from '../policy/policy-schema.js';
import { bfdConfigFields, neighborBfdFields } from './bfd-schema.js';
import { ASN, Closed, Opt, Text, U32 } from './schema-kit.js';
import { Type } from './schema-type.js';

export const FAMILY_NAMES = ['ipv4-unicast', 'ipv6-unicast'] as const;
export { LOG_LEVELS };

export const GracefulRestartSchema = Type.Object(
  {
    enabled: Opt(Type.Boolean({ default: false, description: 'Advertise graceful restart (RFC 4724)' })),
    restartTime: Opt(
      Type.Integer({ minimum: 1, maximum: 4095, default: 120, description: 'Restart Time in seconds' }),
    ),
  },
  { ...Closed, default: {} },
);

export const NeighborSchema = Type.Object(
  {
    address: Opt(Type.String({ format: 'ip', description: 'Peer address (or give interface)' })),
    interface: Opt(
      Text(
        "BGP unnumbered: the peer is the router on this interface, found by its IPv6 Router Advertisements (we send ours), and the session runs between link-local addresses (FRR's `neighbor IFNAME interface`)",
      ),
    ),
    peerAsn: Type.Union([
      ASN('Peer AS number'),
      Type.Literal('external', {
        description: 'Any AS number but our own (an eBGP peer whose AS is not known in advance)',
      }),
    ]),
    localAsn: Opt(
      ASN(
        "The AS this session speaks as (OPEN, AS_PATH, iBGP or eBGP), like BIRD's `local as` or MetalLB's per-peer myASN (default: asn)",
      ),
    ),
    routerId: Opt(
      Type.String({
        format: 'ipv4',
        description: "This session's BGP Identifier, like MetalLB's per-peer routerID (default: routerId)",
      }),
    ),
    port: Opt(Type.Integer({ minimum: 1, maximum: 65535, default: 179, description: 'Peer TCP port' })),
    passive: Opt(Type.Boolean({ default: false, description: 'Wait for the peer to connect' })),
    ebgpMultihop: Opt(Type.Integer({ minimum: 1, maximum: 255, description: 'TTL for eBGP multihop' })),
    ttlSecurity: Opt(
      Type.Integer({ minimum: 1, maximum: 254, description: 'GTSM (RFC 5082): hops the peer may be away' }),
    ),
    password: Opt(Text('TCP MD5 key (RFC 2385); prefer passwordFile or passwordEnv')),
    passwordFile: Opt(Text('File holding the TCP MD5 key')),
    passwordEnv: Opt(Text('Environment variable holding the TCP MD5 key')),
    holdTime: Opt(
      Type.Integer({ minimum: 0, maximum: 65535, default: 90, description: 'Hold time offered (0 or ≥ 3)' }),
    ),
    keepalive: Opt(
      Type.Integer({ minimum: 0, maximum: 21845, description: 'Keepalive interval (default holdTime/3)' }),
    ),
    families: Opt(
      Type.Array(Type.Enum(FAMILY_NAMES), {
        description: 'Address families (default: the family of the address)',
      }),
    ),
    gracefulRestart: Opt(GracefulRestartSchema),
    description: Opt(Text('Free text shown in the API')),
    localAddress: Opt(Type.String({ format: 'ip', description: 'Source address of the session' })),
    bindDevice: Opt(Text('Interface or VRF device to bind the session to')),
    vrf: Opt(
      Text(
        'VRF device of this neighbor: the session binds to it (unless bindDevice names one of its interfaces) and, with fib.enabled, its routes install into the VRF table',
      ),
    ),
    delayOpen: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 240,
        default: 0,
        description: 'DelayOpenTimer seconds (RFC 4271)',
      }),
    ),
    connectRetry: Opt(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        default: 5,
        description: 'First ConnectRetryTimer seconds (doubles up to 120)',
      }),
    ),
    addPath: Opt(Type.Enum(['receive', 'send', 'both'], { description: 'RFC 7911 add-path' })),
    addPathSendMax: Opt(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        description:
          'With addPath send or both: at most this many paths per prefix, best first (default: every path)',
      }),
    ),
    allowAsIn: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 10,
        default: 0,
        description: 'Accept routes with our ASN in AS_PATH up to this many times (0: drop them)',
      }),
    ),
    routeReflectorClient: Opt(
      Type.Boolean({
        default: false,
        description:
          'iBGP: the neighbor is our route-reflector client (RFC 4456): routes from it are reflected to every iBGP neighbor, and routes from other iBGP neighbors to it',
      }),
    ),
    enforceFirstAs: Opt(
      Type.Boolean({
        default: true,
        description:
          "eBGP: treat routes whose AS_PATH does not start with the peer's AS as withdrawn (RFC 7606 §7.2; off for route servers)",
      }),
    ),
    ...neighborPolicyFields,
    maxPrefixes: Opt(
      Type.Object(
        {
          limit: Type.Integer({
            minimum: 1,
            maximum: 0xffffffff,
            description: 'Most routes accepted from the neighbor',
          }),
          warningThreshold: Opt(
            Type.Integer({
              minimum: 1,
              maximum: 100,
              default: 75,
              description: 'Warn once at this percent of the limit',
            }),
          ),
          warningOnly: Opt(
            Type.Boolean({ default: false, description: 'Past the limit, only warn; keep the session' }),
          ),
          restartAfter: Opt(
            Type.Integer({
              minimum: 0,
              maximum: 65535,
              default: 0,
              description:
                'Minutes before the session is tried again after a teardown (0: stays down until reset or reload)',
            }),
          ),
        },
        Closed,
      ),
    ),
    ...neighborBfdFields,
  },
  Closed,
);

export const DynamicNeighborSchema = Type.Object(
  {
    range: Type.String({ format: 'prefix', description: 'Accept passive sessions from this range' }),
    peerAsn: Type.Union([ASN('Peer AS number'), Type.Array(ASN('Peer AS number'), { minItems: 1 })]),
    routeReflectorClient: Opt(
      Type.Boolean({
        default: false,
        description: 'Peers from this range that are iBGP are our route-reflector clients (RFC 4456)',
      }),
    ),
    limit: Opt(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        default: 100,
        description:
          "At most this many neighbors from the range at once (FRR's `bgp listen limit`); more connections are refused",
      }),
    ),
    password: Opt(
      Text('TCP MD5 key (RFC 2385) for every peer in the range; prefer passwordFile or passwordEnv'),
    ),
    passwordFile: Opt(Text('File holding the TCP MD5 key of the range')),
    passwordEnv: Opt(Text('Environment variable holding the TCP MD5 key of the range')),
  },
  Closed,
);

export const HealthCheckSchema = Type.Object(
  {
    command: Opt(Text('Shell command; healthy when it exits 0')),
    tcp: Opt(Type.String({ format: 'host-port', description: 'Healthy when a TCP connect succeeds' })),
    http: Opt(Type.String({ format: 'http-url', description: 'Healthy when GET answers expectStatus' })),
    expectStatus: Opt(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        minItems: 1,
        description: 'HTTP statuses that mean healthy (default any 2xx)',
      }),
    ),
    interval: Opt(Type.Number({ exclusiveMinimum: 0, default: 5, description: 'Seconds between probes' })),
    timeout: Opt(Type.Number({ exclusiveMinimum: 0, default: 2, description: 'Seconds per probe' })),
    rise: Opt(Type.Integer({ minimum: 1, maximum: 100, default: 2, description: 'Successes to come up' })),
    fall: Opt(Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'Failures to go down' })),
    whenDown: Opt(
      Type.Enum(['withdraw', 'degrade'], {
        default: 'withdraw',
        description: 'Withdraw the route, or keep it with a worse MED / longer AS path',
      }),
    ),
    degrade: Opt(
      Type.Object(
        {
          med: Opt(U32('MED while unhealthy')),
          asPathPrepend: Opt(Type.Integer({ minimum: 1, maximum: 32, description: 'Extra prepends' })),
        },
        Closed,
      ),
    ),
  },
  Closed,
);

const announcementFields = {
  prefix: Type.String({ format: 'unicast-prefix', description: 'Prefix to announce' }),
  nextHop: Opt(Type.String({ format: 'next-hop', description: 'Next hop (default: our session address)' })),
  // Bounds that keep one list within a 4,096-octet UPDATE; the whole route is checked too.
  communities: Opt(Type.Array(Type.String({ format: 'community' }), { default: [], maxItems: 1000 })),
  largeCommunities: Opt(
    Type.Array(Type.String({ format: 'large-community' }), { default: [], maxItems: 330 }),
  ),
  extendedCommunities: Opt(
    Type.Array(Type.String({ format: 'extended-community' }), { default: [], maxItems: 500 }),
  ),
  localPref: Opt(U32('LOCAL_PREF (iBGP)')),
  med: Opt(U32('MULTI_EXIT_DISC')),
  asPathPrepend: Opt(
    Type.Integer({ minimum: 0, maximum: 32, default: 0, description: 'Extra copies of our ASN' }),
  ),
};

/** A run-time announcement (POST /api/v1/announcements). */
export const AnnouncementBodySchema = Type.Object(announcementFields, Closed);

export const AnnouncementSchema = Type.Object(
  { ...announcementFields, healthCheck: Opt(HealthCheckSchema) },
  Closed,
);

export const ListenSchema = Type.Object(
  {
    address: Opt(Type.String({ format: 'ip', default: '0.0.0.0', description: 'BGP listen address' })),
    port: Opt(Type.Integer({ minimum: 1, maximum: 65535, default: 179, description: 'BGP listen port' })),
  },
  Closed,
);

export const ApiSchema = Type.Object(
  {
    listen: Opt(Type.String({ format: 'api-listen', default: '127.0.0.1:9179' })),
    token: Opt(Text('Bearer token for the API; prefer tokenFile or tokenEnv')),
    tokenFile: Opt(Text('File holding the bearer token')),
    tokenEnv: Opt(Text('Environment variable holding the bearer token')),
    authenticateReads: Opt(
      Type.Boolean({ default: false, description: 'Require the token for GET requests too' }),
    ),
    rateLimit: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 600,
        description: 'Requests per minute per client (0: no limit); health probes are not counted',
      }),
    ),
    bodyLimit: Opt(
      Type.Integer({
        minimum: 1024,
        maximum: 64 * 1024 * 1024,
        default: 1024 * 1024,
        description: 'Largest request body accepted, in bytes',
      }),
    ),
  },
  Closed,
);

export const LogSchema = Type.Object(
  { level: Opt(Type.Enum(LOG_LEVELS, { default: 'info', description: 'Log level' })) },
  { ...Closed, default: {} },
);

export const FibSchema = Type.Object(
  {
    enabled: Opt(
      Type.Boolean({ default: false, description: 'Install the Loc-RIB best routes into the kernel' }),
    ),
    table: Opt(
      Type.Integer({
        minimum: 1,
        maximum: 0xffffffff,
        default: 254,
        description: 'Kernel routing table (254: main)',
      }),
    ),
    metric: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 0xffffffff,
        default: 20,
        description: 'Metric (RTA_PRIORITY) of installed routes',
      }),
    ),
    protocol: Opt(
      Type.Integer({
        minimum: 1,
        maximum: 255,
        default: 72,
        description: 'Route protocol number marking Herald\'s routes (72: "herald" in rt_protos.d)',
      }),
    ),
    prefixList: Opt(Text('Only prefixes this prefix list permits are installed (default: all)')),
  },
  { ...Closed, default: {} },
);

export const MetricsListenerSchema = Type.Object(
  {
    listen: Opt(
      Type.String({
        format: 'host-port',
        description:
          'HOST:PORT of a read-only listener for /metrics, /healthz and /readyz, apart from the API (e.g. 0.0.0.0:7472 for a ServiceMonitor)',
      }),
    ),
    prefixSeriesLimit: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 10_000,
        description:
          'Per-prefix series (herald_announcement_active, herald_health_check_*) while Herald originates at most this many routes; above it only the per-source counts (herald_announcements) are exported',
      }),
    ),
  },
  Closed,
);

export const KubernetesSchema = Type.Object(
  {
    enabled: Opt(
      Type.Boolean({
        default: false,
        description: 'Announce LoadBalancer services from the MetalLB resources (needs NODE_NAME)',
      }),
    ),
    namespace: Opt(
      Type.String({
        minLength: 1,
        default: 'metallb-system',
        description: 'Namespace of the MetalLB resources and peer Secrets',
      }),
    ),
    kubeconfig: Opt(Text('kubeconfig file (default: --kubeconfig, KUBECONFIG, else in-cluster)')),
    loadBalancerClass: Opt(Text('spec.loadBalancerClass served (default: services without a class)')),
    ignoreExcludeLb: Opt(
      Type.Boolean({
        default: false,
        description: 'Announce even from nodes labelled exclude-from-external-load-balancers',
      }),
    ),
    debounceMs: Opt(
      Type.Integer({
        minimum: 0,
        maximum: 60000,
        default: 200,
        description: 'Cluster changes within this many ms are applied together',
      }),
    ),
    frrk8s: Opt(
      Type.Boolean({
        default: false,
        description:
          'Also read FRR-K8s FRRConfigurations in the namespace and merge every source as FRR-K8s does (docs/kubernetes.md)',
      }),
    ),
    allocate: Opt(
      Type.Boolean({
        default: false,
        description:
          "Assign LoadBalancer IPs from the IPAddressPools (MetalLB's controller): the instance holding the Lease herald-allocator in the namespace writes them",
      }),
    ),
  },
  { ...Closed, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    asn: ASN('Local AS number'),
    routerId: Opt(Type.String({ format: 'ipv4', description: 'BGP Identifier (default: a local IPv4)' })),
    clusterId: Opt(
      Type.String({
        format: 'ipv4',
        description:
          'Route reflection: the CLUSTER_ID of reflected routes (RFC 4456; default: the router id)',
      }),
    ),
    listen: Opt(Type.Union([Type.Literal(false), ListenSchema])),
    api: Opt(Type.Union([Type.Literal(false), ApiSchema])),
    metrics: Opt(MetricsListenerSchema),
    log: Opt(LogSchema),
    maximumPaths: Opt(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        default: 1,
        description:
          'ECMP: equal paths combined into one route, per prefix, every family (1: best path only)',
      }),
    ),
    fib: Opt(FibSchema),
    multipathRelax: Opt(
      Type.Boolean({
        default: false,
        description: 'ECMP across paths from different neighbor ASes (same AS_PATH length)',
      }),
    ),
    alwaysCompareMed: Opt(
      Type.Boolean({
        default: false,
        description: 'Decision: compare MED between paths from different neighbor ASes too',
      }),
    ),
    deterministicMed: Opt(
      Type.Boolean({
        default: false,
        description: 'Decision: select the best path per neighbor AS first, then among those',
      }),
    ),
    neighbors: Opt(Type.Array(NeighborSchema, { default: [] })),
    dynamicNeighbors: Opt(Type.Array(DynamicNeighborSchema, { default: [] })),
    announce: Opt(Type.Array(AnnouncementSchema, { default: [] })),
    kubernetes: Opt(KubernetesSchema),
    alwaysBlock: Opt(
      Type.Array(Type.String({ format: 'prefix' }), {
        default: [],
        maxItems: 1000,
        description:
          'Routes for these prefixes, or any prefix inside them, are never accepted from any neighbor (pod and service CIDRs; FRR-K8s --always-block); herald run --always-block and HERALD_ALWAYS_BLOCK add to them',
      }),
    ),
    stateDir: Opt(
      Text(
        'Directory where routes announced and withdrawn through the API are kept across restarts (default: not kept)',
      ),
    ),
    ...policyConfigFields,
    ...bfdConfigFields,
  },
  Closed,
);

export type RawConfig = Static<typeof ConfigSchema>;
export type RawNeighbor = Static<typeof NeighborSchema>;
export type RawAnnouncement = Static<typeof AnnouncementSchema>;
export type RawHealthCheck = Static<typeof HealthCheckSchema>;
export type RawApi = Static<typeof ApiSchema>;
export type RawKubernetes = Static<typeof KubernetesSchema>;
