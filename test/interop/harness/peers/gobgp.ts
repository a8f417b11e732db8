// GoBGP (gobgpd 3.10) driver. The gRPC API listens on a unix socket in the peer's directory, so the
// `gobgp` CLI runs from the host namespace with --target. Routes are added and withdrawn through
// one gRPC AddPathStream call with BGP-encoded attributes (gobgp-api.ts): ~0.1 s for thousands of
// routes, where `gobgp global rib add` costs ~12 ms per route and cannot express every attribute.
//
// Not supported by GoBGP 3.10 (so not offered): refresh() — it never sends ROUTE-REFRESH
// (`neighbor X softresetin` only re-applies the import policy locally).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addPathStream } from '../gobgp-api.js';
import { killProcess, spawnIn, type TrackedChild, workDirFor } from '../netns.js';
import { Fatal, run, waitFor } from '../util.js';
import {
  type Family,
  formatAsPath,
  grRestartTime,
  isRunning,
  localAddressFor,
  neighborFamilies,
  normalizeCommunities,
  normalizeExtCommunities,
  normalizeLargeCommunities,
  normalizeState,
  type PeerOptions,
  type ReceivedRoute,
  type RouteSpec,
  RouteTable,
  type RunningPeer,
  type SessionState,
} from './peer.js';

const GOBGP_STATES: SessionState[] = [
  'idle',
  'idle',
  'connect',
  'active',
  'opensent',
  'openconfirm',
  'established',
];
const AFI: Record<Family, string> = { 'ipv4-unicast': 'ipv4', 'ipv6-unicast': 'ipv6' };

function toml(opts: PeerOptions): string {
  const q = JSON.stringify;
  const lines = [
    '[global.config]',
    `  as = ${opts.asn}`,
    `  router-id = ${q(opts.routerId)}`,
    `  port = ${opts.listenPort ?? 179}`,
  ];
  for (const n of opts.neighbors) {
    const local = localAddressFor(opts, n);
    lines.push('', '[[neighbors]]', '  [neighbors.config]');
    lines.push(`    neighbor-address = ${q(n.address)}`, `    peer-as = ${n.asn}`);
    if (n.password) lines.push(`    auth-password = ${q(n.password)}`);
    lines.push('  [neighbors.transport.config]');
    if (local) lines.push(`    local-address = ${q(local)}`);
    if (n.passive) lines.push('    passive-mode = true');
    if (n.port) lines.push(`    remote-port = ${n.port}`);
    lines.push('  [neighbors.timers.config]', `    connect-retry = ${n.connectRetry ?? 1}`);
    if (n.holdTime !== undefined) {
      lines.push(
        `    hold-time = ${n.holdTime}`,
        `    keepalive-interval = ${Math.max(1, Math.floor(n.holdTime / 3))}`,
      );
    }
    if (n.multihop) {
      lines.push(
        '  [neighbors.ebgp-multihop.config]',
        '    enabled = true',
        `    multihop-ttl = ${n.multihop}`,
      );
    }
    if (n.ttlSecurity) {
      lines.push(
        '  [neighbors.ttl-security.config]',
        '    enabled = true',
        `    ttl-min = ${256 - n.ttlSecurity}`,
      );
    }
    if (n.routeReflectorClient) {
      lines.push('  [neighbors.route-reflector.config]', '    route-reflector-client = true');
      lines.push(`    route-reflector-cluster-id = ${q(opts.routerId)}`);
    }
    const gr = n.gracefulRestart !== undefined && n.gracefulRestart !== false;
    if (gr) {
      lines.push('  [neighbors.graceful-restart.config]', '    enabled = true');
      lines.push(`    restart-time = ${grRestartTime(n) ?? 120}`);
    }
    for (const f of neighborFamilies(n)) {
      lines.push(
        '  [[neighbors.afi-safis]]',
        '    [neighbors.afi-safis.config]',
        `      afi-safi-name = ${q(f)}`,
      );
      if (gr) lines.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
      if (n.addPath) {
        lines.push('    [neighbors.afi-safis.add-paths.config]');
        if (n.addPath !== 'send') lines.push('      receive = true');
        if (n.addPath !== 'receive') lines.push('      send-max = 8');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

interface GobgpAttr {
  type: number;
  value?: unknown;
  as_paths?: Array<{ segment_type: number; asns: number[] }>;
  nexthop?: string;
  nexthops?: string[];
  metric?: number;
  communities?: number[];
}
export interface GobgpPath {
  attrs: GobgpAttr[];
  stale?: boolean;
  'neighbor-ip'?: string;
}

const SEGMENT: Record<number, 'set' | 'sequence' | 'confed-sequence' | 'confed-set'> = {
  1: 'set',
  2: 'sequence',
  3: 'confed-sequence',
  4: 'confed-set',
};
const ORIGIN = ['igp', 'egp', 'incomplete'] as const;

/** GoBGP JSON extended community → "rt:65000:1" / "soo:…" (or "type:subtype:value" for others). */
function gobgpExtCommunity(e: { type: number; subtype: number; value?: string }): string {
  const kind = e.subtype === 2 ? 'rt' : e.subtype === 3 ? 'soo' : undefined;
  let value = String(e.value ?? '');
  if (e.type === 2) {
    // 4-octet AS specific, printed by GoBGP as asdot ("64086.59904:7")
    const m = /^(\d+)\.(\d+):(\d+)$/.exec(value);
    if (m) value = `${Number(m[1]) * 65536 + Number(m[2])}:${m[3]}`;
  }
  if (kind && (e.type === 0 || e.type === 1 || e.type === 2)) return `${kind}:${value}`;
  return `${e.type}:${e.subtype}:${value}`;
}

/** A neighbor's `state.session_state` in `gobgp -j neighbor` (a number or a name) as a session state. */
export function gobgpSessionState(s: number | string | undefined): SessionState {
  if (typeof s === 'number') return GOBGP_STATES[s] ?? 'idle';
  return normalizeState(String(s ?? 'idle'));
}

const isLocalPath = (p: GobgpPath): boolean => !p['neighbor-ip'] || p['neighbor-ip'] === '<nil>';

/** One path of `gobgp -j global rib` in the normalised form. */
export function gobgpPathToRoute(prefix: string, p: GobgpPath): ReceivedRoute {
  const r: ReceivedRoute = {
    prefix,
    nextHop: '',
    asPath: '',
    communities: [],
    largeCommunities: [],
    extendedCommunities: [],
    stale: p.stale ?? false,
  };
  if (!isLocalPath(p)) r.peer = p['neighbor-ip'];
  for (const a of p.attrs) {
    switch (a.type) {
      case 1:
        r.origin = ORIGIN[a.value as number];
        break;
      case 2:
        r.asPath = formatAsPath(
          (a.as_paths ?? []).map((s) => ({
            type: SEGMENT[s.segment_type] ?? 'sequence',
            asns: s.asns ?? [],
          })),
        );
        break;
      case 3:
        r.nextHop = a.nexthop ?? '';
        break;
      case 4:
        r.med = a.metric ?? 0;
        break;
      case 5:
        r.localPref = a.value as number;
        break;
      case 8:
        r.communities = normalizeCommunities(a.communities ?? []);
        break;
      case 9:
        r.originatorId = a.value as string;
        break;
      case 10:
        r.clusterList = a.value as string[];
        break;
      case 14: {
        const hops = a.nexthops ?? (a.nexthop ? [a.nexthop] : []);
        const global = hops.find((h) => !h.toLowerCase().startsWith('fe80'));
        const ll = hops.find((h) => h.toLowerCase().startsWith('fe80'));
        r.nextHop = global ?? ll ?? '';
        if (ll && global) r.linkLocalNextHop = ll;
        break;
      }
      case 16:
        r.extendedCommunities = normalizeExtCommunities(
          (a.value as Array<{ type: number; subtype: number; value?: string }>).map(gobgpExtCommunity),
        );
        break;
      case 32:
        r.largeCommunities = normalizeLargeCommunities(
          (a.value as Array<{ ASN: number; LocalData1: number; LocalData2: number }>).map(
            (l) => `${l.ASN}:${l.LocalData1}:${l.LocalData2}`,
          ),
        );
        break;
    }
  }
  return r;
}

/** Received (not locally originated) paths of `gobgp -j global rib -a <afi>` output. */
export function parseGobgpRib(json: string): ReceivedRoute[] {
  const rib = JSON.parse(json || '{}') as Record<string, GobgpPath[]>;
  const out: ReceivedRoute[] = [];
  for (const [prefix, paths] of Object.entries(rib)) {
    for (const p of paths) if (!isLocalPath(p)) out.push(gobgpPathToRoute(prefix, p));
  }
  return out;
}

export class GobgpPeer implements RunningPeer {
  readonly kind = 'gobgp' as const;
  readonly ns: string;
  readonly dir: string;
  private proc!: TrackedChild;
  private readonly routes: RouteTable;
  private readonly socket: string;
  private readonly logFile: string;
  private readonly configFile: string;

  constructor(private readonly opts: PeerOptions) {
    this.ns = opts.ns;
    this.dir = opts.dir ?? workDirFor(opts.ns, 'gobgp');
    this.socket = join(this.dir, 'api.sock');
    this.logFile = join(this.dir, 'gobgpd.log');
    this.configFile = join(this.dir, 'gobgpd.toml');
    this.routes = new RouteTable(opts.routes);
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** @internal */
  async start(restarting = false): Promise<void> {
    writeFileSync(this.configFile, toml(this.opts));
    if (!restarting) await run('gobgpd', ['-d', '-f', this.configFile]);
    const args = [
      '-f',
      this.configFile,
      '-p',
      '-l',
      'info',
      '--api-hosts',
      `unix://${this.socket}`,
      '--pprof-disable',
    ];
    if (restarting) args.push('-r');
    rmSync(this.socket, { force: true }); // left behind by a killed gobgpd
    this.proc = spawnIn(this.ns, 'gobgpd', args, {
      hostname: this.opts.hostname ?? 'gobgp',
      logFile: this.logFile,
    });
    await waitFor(
      async () => {
        if (!isRunning(this.proc)) throw new Fatal(`gobgpd exited: ${this.logs().slice(-2000)}`);
        // the CLI blocks ~1 s when the socket is missing: only call it once it exists
        if (!existsSync(this.socket)) return false;
        await this.cli(['global']);
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'gobgpd API' },
    );
    await this.inject(this.routes.all());
  }

  cli(args: string[]): Promise<string> {
    return run('gobgp', ['--target', `unix://${this.socket}`, ...args], { timeoutMs: 60_000 }).then(
      (r) => r.stdout,
    );
  }

  logs(): string {
    return this.proc.output();
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    const n = JSON.parse(await this.cli(['-j', 'neighbor', neighbor])) as {
      state?: { session_state?: number | string };
    };
    return gobgpSessionState(n.state?.session_state);
  }

  async sessionUptimeSeconds(neighbor: string): Promise<number> {
    const n = JSON.parse(await this.cli(['-j', 'neighbor', neighbor])) as {
      state?: { session_state?: number };
      timers?: { state?: { uptime?: { seconds?: number } } };
    };
    if (n.state?.session_state !== 6) return 0;
    const since = n.timers?.state?.uptime?.seconds ?? 0;
    return since ? Math.max(0, Date.now() / 1000 - since) : 0;
  }

  async waitEstablished(neighbor: string, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        if (!isRunning(this.proc)) throw new Fatal(`gobgpd exited: ${this.logs().slice(-2000)}`);
        return (await this.sessionState(neighbor)) === 'established';
      },
      { timeoutMs, intervalMs: 200, what: `gobgp session with ${neighbor} established` },
    );
  }

  async receivedRoutes(family: Family): Promise<ReceivedRoute[]> {
    return parseGobgpRib(await this.cli(['-j', 'global', 'rib', '-a', AFI[family]]));
  }

  /** Adds the routes to GoBGP's global RIB (one gRPC AddPathStream call, see gobgp-api.ts). */
  private async inject(routes: RouteSpec[]): Promise<void> {
    if (routes.length > 0) await addPathStream(this.socket, routes);
  }

  /** While crashed, only records the change (restart() loads it). */
  async announce(routes: RouteSpec[]): Promise<void> {
    this.routes.add(routes);
    if (isRunning(this.proc)) await this.inject(routes);
  }

  async withdraw(prefixes: string[]): Promise<void> {
    this.routes.remove(prefixes);
    if (!isRunning(this.proc)) return;
    await addPathStream(
      this.socket,
      prefixes.map((prefix) => ({ prefix })),
      true,
    );
  }

  /** SIGKILL gobgpd: no NOTIFICATION, the kernel closes the TCP connection. */
  async crash(): Promise<void> {
    await killProcess(this.proc.pid);
  }

  /** crash() if running, then gobgpd -r (GR restart bit) and re-inject the current routes. */
  async restart(): Promise<void> {
    if (isRunning(this.proc)) await this.crash();
    await this.start(true);
  }

  async stop(): Promise<void> {
    await this.proc.stop(5000);
  }
}

/** Starts gobgpd in opts.ns and loads opts.routes. */
export async function startGobgp(opts: PeerOptions): Promise<GobgpPeer> {
  const peer = new GobgpPeer(opts);
  await peer.start();
  return peer;
}
