// The common interface of the reference BGP daemons (GoBGP, BIRD, FRR) the interop tests peer with,
// plus the normalisation helpers that make their CLI output comparable.

export type Family = 'ipv4-unicast' | 'ipv6-unicast';
export type SessionState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established';

export interface NeighborOptions {
  /** The neighbor's address (IPv4 or IPv6). */
  address: string;
  asn: number;
  /** Our source address for this session. Default: PeerOptions.localAddress/localAddress6 of that family. */
  localAddress?: string;
  /** Never connect, only accept. */
  passive?: boolean;
  /** The neighbor's TCP port (default 179). */
  port?: number;
  /** TCP MD5 signature (RFC 2385) key. */
  password?: string;
  /** eBGP multihop: TTL of our packets. */
  multihop?: number;
  /** GTSM (RFC 5082): the neighbor is at most this many hops away; we send TTL 255. */
  ttlSecurity?: number;
  /** true/object: advertise GR and keep state; false: no GR capability; undefined: daemon default. */
  gracefulRestart?: boolean | { restartTime: number };
  addPath?: 'send' | 'receive' | 'both';
  /** Default: the family of the neighbor address. */
  families?: Family[];
  /** RFC 8950: IPv4 NLRI with IPv6 next hop (for ipv4-unicast on an IPv6 session). */
  extendedNextHop?: boolean;
  /** Hold time in seconds (keepalive = hold / 3). Default: daemon default (90 s, FRR 180 s). */
  holdTime?: number;
  /** Seconds between connection attempts (default 1, so tests do not wait). */
  connectRetry?: number;
  /** iBGP: treat the neighbor as a route-reflector client. */
  routeReflectorClient?: boolean;
}

export interface RouteSpec {
  prefix: string;
  /** Set on the route; most daemons still rewrite it to themselves on eBGP (see README). */
  nextHop?: string;
  /** The AS_PATH before the daemon prepends its own AS on eBGP (flat AS_SEQUENCE). */
  asPath?: number[];
  /** "64512:100" or well-known names: no-export, no-advertise, no-export-subconfed, no-peer, blackhole, graceful-shutdown, accept-own, llgr-stale, no-llgr. */
  communities?: string[];
  /** "1:2:3" */
  largeCommunities?: string[];
  /** "rt:65000:1", "rt:192.0.2.1:7", "rt:4200000000:7", "soo:…" (route target / site of origin only). */
  extendedCommunities?: string[];
  med?: number;
  /** Only meaningful on iBGP. */
  localPref?: number;
  /** Default 'igp' on every daemon. */
  origin?: 'igp' | 'egp' | 'incomplete';
}

export interface PeerOptions {
  /** Namespace the daemon runs in. */
  ns: string;
  routerId: string;
  asn: number;
  /** Our IPv4 source address (used for IPv4 neighbors unless the neighbor sets its own). */
  localAddress: string;
  /** Our IPv6 source address for IPv6 neighbors. */
  localAddress6?: string;
  /** TCP port the daemon listens on (default 179). */
  listenPort?: number;
  neighbors: NeighborOptions[];
  /** Announced from the start (loaded through the config, not the CLI). */
  routes?: RouteSpec[];
  /** Hostname for the FQDN capability and logs (default: the daemon kind). */
  hostname?: string;
  /** Directory for config, sockets and logs (default: a new one under the topology's temp dir). */
  dir?: string;
}

export interface ReceivedRoute {
  prefix: string;
  /** The global next hop (IPv6: the link-local one, if any, is in linkLocalNextHop). */
  nextHop: string;
  linkLocalNextHop?: string;
  /** "65001 3356 {64512,64513}"; empty string for an empty path. */
  asPath: string;
  origin?: 'igp' | 'egp' | 'incomplete';
  med?: number;
  localPref?: number;
  /** Sorted numerically; well-known values as names (no-export, blackhole, graceful-shutdown, …). */
  communities: string[];
  /** "1:2:3", sorted numerically. */
  largeCommunities: string[];
  /** "rt:65000:1", "soo:192.0.2.1:7"; others in a daemon-specific raw form. Sorted. */
  extendedCommunities: string[];
  /** GR/LLGR stale. */
  stale?: boolean;
  /** The neighbor the route was learned from. */
  peer?: string;
  /** RFC 4456 ORIGINATOR_ID and CLUSTER_LIST (read from GoBGP only). */
  originatorId?: string;
  clusterList?: string[];
}

export type DaemonKind = 'gobgp' | 'bird' | 'frr';

/** True while a spawned process has neither exited nor been killed. */
export const isRunning = (p: { exitCode: number | null; signalCode: NodeJS.Signals | null }): boolean =>
  p.exitCode === null && p.signalCode === null;

export interface RunningPeer {
  readonly kind: DaemonKind;
  /** PID of the BGP daemon process (FRR: bgpd). */
  readonly pid: number;
  readonly ns: string;
  /** Config, sockets and logs. */
  readonly dir: string;
  waitEstablished(neighbor: string, timeoutMs: number): Promise<void>;
  sessionState(neighbor: string): Promise<SessionState>;
  sessionUptimeSeconds(neighbor: string): Promise<number>;
  /** Routes learned from neighbors (not the daemon's own), as the daemon's CLI shows them. */
  receivedRoutes(family: Family): Promise<ReceivedRoute[]>;
  /** Adds or replaces routes (same prefix = replace). */
  announce(routes: RouteSpec[]): Promise<void>;
  withdraw(prefixes: string[]): Promise<void>;
  /** Sends ROUTE-REFRESH (soft reset in). Absent on GoBGP 3.10, which never sends one. */
  refresh?(neighbor: string): Promise<void>;
  /**
   * The daemon goes away without a NOTIFICATION (SIGKILL — BIRD: `birdc graceful restart`), so the
   * TCP connection is closed by the kernel: a GR helper keeps the routes as stale. It stays down
   * until restart().
   */
  crash?(): Promise<void>;
  /**
   * Graceful restart: crash() unless already down, then start again with the same config and the
   * current routes, with the GR restart bit set (GoBGP -r, BIRD -R, FRR always on start).
   * Note the other side may still see the old session as established for a moment: wait on this
   * daemon's own view (waitEstablished) or on a reset uptime.
   */
  restart?(): Promise<void>;
  /** Runs the daemon's own CLI (gobgp / birdc / vtysh -c …) and returns its stdout. */
  cli(args: string[]): Promise<string>;
  /** The daemon's log so far. */
  logs(): string;
  /** Stops the daemon (SIGTERM, bounded) — peers see a Cease NOTIFICATION or a closed connection. */
  stop(): Promise<void>;
}

// ------------------------------------------------------------------ helpers shared by the drivers
export const isV6 = (addr: string): boolean => addr.includes(':');
export const familyOfPrefix = (prefix: string): Family => (isV6(prefix) ? 'ipv6-unicast' : 'ipv4-unicast');

export function neighborFamilies(n: NeighborOptions): Family[] {
  return n.families ?? [isV6(n.address) ? 'ipv6-unicast' : 'ipv4-unicast'];
}

export function localAddressFor(opts: PeerOptions, n: NeighborOptions): string | undefined {
  if (n.localAddress) return n.localAddress;
  if (isV6(n.address)) return opts.localAddress6 ?? (isV6(opts.localAddress) ? opts.localAddress : undefined);
  return isV6(opts.localAddress) ? undefined : opts.localAddress;
}

export function grRestartTime(n: NeighborOptions): number | undefined {
  return typeof n.gracefulRestart === 'object' ? n.gracefulRestart.restartTime : undefined;
}

const STATES: Record<string, SessionState> = {
  idle: 'idle',
  connect: 'connect',
  active: 'active',
  opensent: 'opensent',
  openconfirm: 'openconfirm',
  established: 'established',
};

/** Maps a daemon's state name to the normalised one ('idle' for anything unknown: Down, Clearing…). */
export function normalizeState(s: string): SessionState {
  return STATES[s.toLowerCase().replace(/[^a-z]/g, '')] ?? 'idle';
}

// Well-known communities (RFC 1997, 7611, 7999, 8326, 9494 …)
const WELL_KNOWN: Record<string, number> = {
  'graceful-shutdown': 0xffff0000,
  'accept-own': 0xffff0001,
  'llgr-stale': 0xffff0006,
  'no-llgr': 0xffff0007,
  blackhole: 0xffff029a,
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
  'no-peer': 0xffffff04,
};
const WELL_KNOWN_NAME = new Map(Object.entries(WELL_KNOWN).map(([k, v]) => [v, k]));
const COMMUNITY_ALIASES: Record<string, string> = {
  'local-as': 'no-export-subconfed',
  localas: 'no-export-subconfed',
  noexport: 'no-export',
  noadvertise: 'no-advertise',
  nopeer: 'no-peer',
  gracefulshutdown: 'graceful-shutdown',
  acceptown: 'accept-own',
  llgrstale: 'llgr-stale',
  nollgr: 'no-llgr',
};

/** "64512:100" | well-known name → 32-bit value. */
export function communityValue(c: string): number {
  const lower = c.toLowerCase();
  const name = COMMUNITY_ALIASES[lower] ?? lower;
  if (name in WELL_KNOWN) return WELL_KNOWN[name];
  const m = /^(\d+):(\d+)$/.exec(c);
  if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) throw new Error(`bad community ${c}`);
  return Number(m[1]) * 0x10000 + Number(m[2]);
}

/** 32-bit value → "a:b" or its well-known name. */
export function communityName(v: number): string {
  return WELL_KNOWN_NAME.get(v) ?? `${Math.floor(v / 0x10000)}:${v & 0xffff}`;
}

/** Canonical form of a list of communities given in any notation: names for well-known, sorted. */
export function normalizeCommunities(list: Iterable<string | number>): string[] {
  const values = [...list].map((c) => (typeof c === 'number' ? c : communityValue(c)));
  return [...new Set(values)].sort((a, b) => a - b).map(communityName);
}

export function normalizeLargeCommunities(list: Iterable<string>): string[] {
  const parsed = [...new Set(list)].map((s) => {
    const p = s.split(':').map(Number);
    if (p.length !== 3 || p.some((x) => !Number.isInteger(x))) throw new Error(`bad large community ${s}`);
    return p;
  });
  parsed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return parsed.map((p) => p.join(':'));
}

export interface ExtCommunity {
  kind: 'rt' | 'soo';
  /** 'as2': 2-octet AS + 32-bit number; 'ip': IPv4 + 16-bit; 'as4': 4-octet AS + 16-bit */
  form: 'as2' | 'ip' | 'as4';
  global: string;
  local: number;
}

/** Parses "rt:65000:1", "soo:192.0.2.1:7", "rt:4200000000:7" (ro: is accepted for soo:). */
export function parseExtCommunity(s: string): ExtCommunity {
  const m = /^(rt|soo|ro):(.+):(\d+)$/i.exec(s.trim());
  if (!m) throw new Error(`unsupported extended community ${s} (only rt:/soo:)`);
  const kind = m[1].toLowerCase() === 'rt' ? 'rt' : 'soo';
  const global = m[2];
  const local = Number(m[3]);
  if (global.includes('.')) {
    if (local > 0xffff) throw new Error(`${s}: IPv4-specific local part must fit 16 bits`);
    return { kind, form: 'ip', global, local };
  }
  const asn = Number(global);
  if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new Error(`bad ASN in ${s}`);
  if (asn > 0xffff) {
    if (local > 0xffff) throw new Error(`${s}: 4-octet-AS-specific local part must fit 16 bits`);
    return { kind, form: 'as4', global, local };
  }
  return { kind, form: 'as2', global, local };
}

export const extCommunityString = (e: ExtCommunity): string => `${e.kind}:${e.global}:${e.local}`;

/** Canonical, sorted list: parseable rt/soo values re-printed, anything else kept as given. */
export function normalizeExtCommunities(list: Iterable<string>): string[] {
  const out = [...list].map((s) => {
    try {
      return extCommunityString(parseExtCommunity(s));
    } catch {
      return s;
    }
  });
  return [...new Set(out)].sort();
}

/** A normalised AS path string from segments. */
export function formatAsPath(
  segments: Array<{ type: 'set' | 'sequence' | 'confed-set' | 'confed-sequence'; asns: number[] }>,
): string {
  return segments
    .map((s) => {
      switch (s.type) {
        case 'set':
          return `{${s.asns.join(',')}}`;
        case 'confed-sequence':
          return `(${s.asns.join(' ')})`;
        case 'confed-set':
          return `[${s.asns.join(',')}]`;
        default:
          return s.asns.join(' ');
      }
    })
    .filter((s) => s !== '')
    .join(' ');
}

/** Groups routes with identical attributes, so configs can set them per group (prefix set / route-map). */
export function groupByAttributes(
  routes: RouteSpec[],
): Map<string, { attrs: Omit<RouteSpec, 'prefix'>; prefixes: string[] }> {
  const groups = new Map<string, { attrs: Omit<RouteSpec, 'prefix'>; prefixes: string[] }>();
  for (const r of routes) {
    const { prefix, ...attrs } = r;
    const key = attributeKey(r);
    let g = groups.get(key);
    if (!g) {
      g = { attrs, prefixes: [] };
      groups.set(key, g);
    }
    g.prefixes.push(prefix);
  }
  return groups;
}

/** A stable key of a route's attributes (prefix excluded), also encoding its address family. */
export function attributeKey(r: RouteSpec): string {
  return JSON.stringify([
    familyOfPrefix(r.prefix),
    r.nextHop ?? null,
    r.asPath ?? [],
    r.communities ? normalizeCommunities(r.communities) : [],
    r.largeCommunities ? normalizeLargeCommunities(r.largeCommunities) : [],
    r.extendedCommunities ? normalizeExtCommunities(r.extendedCommunities) : [],
    r.med ?? null,
    r.localPref ?? null,
    r.origin ?? 'igp',
  ]);
}

/** A safe identifier fragment from an address (for BIRD protocol names, file names). */
export const addressTag = (addr: string): string => addr.replace(/[^0-9a-zA-Z]/g, '_');

/** Keeps the current route set of a driver: announce replaces by prefix, withdraw deletes. */
export class RouteTable {
  private readonly routes = new Map<string, RouteSpec>();
  constructor(initial: RouteSpec[] = []) {
    this.add(initial);
  }
  add(routes: RouteSpec[]): void {
    for (const r of routes) {
      for (const c of r.extendedCommunities ?? []) parseExtCommunity(c); // validate early
      for (const c of r.communities ?? []) communityValue(c);
      this.routes.set(r.prefix, r);
    }
  }
  remove(prefixes: string[]): void {
    for (const p of prefixes) this.routes.delete(p);
  }
  has(prefix: string): boolean {
    return this.routes.has(prefix);
  }
  all(family?: Family): RouteSpec[] {
    const list = [...this.routes.values()];
    return family ? list.filter((r) => familyOfPrefix(r.prefix) === family) : list;
  }
}
