// The four receivers of the ingest bench, each started in namespace B of a link topology with the
// sender (A, 10.0.0.1) as a passive iBGP neighbor in AS 3856, hold time 90. Each says how many of
// the sender's routes it holds, through its own control interface:
//   Herald  GET /api/v1/neighbors/:addr → prefixes.received (REST API on a unix socket)
//   BIRD    `birdc show protocols all <proto>` → "Routes: N imported"
//   GoBGP   `gobgp -j neighbor` → afi_safis[].state.received
//   FRR     `vtysh -c 'show bgp summary json'` → ipv4Unicast.peers[addr].pfxRcd
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  addressTag,
  type BirdPeer,
  Fatal,
  type FrrPeer,
  type FrrPeerOptions,
  type GobgpPeer,
  type LinkTopology,
  type NeighborOptions,
  type PeerOptions,
  spawnIn,
  startBird,
  startFrr,
  startGobgp,
  type TrackedChild,
  waitFor,
} from '../../test/interop/harness/index.js';

export const ASN = 3856;
export const HOLD_TIME = 90;
const ROOT = resolve(import.meta.dirname, '../../..');

export type ReceiverKind = 'herald' | 'herald-policy' | 'bird' | 'gobgp' | 'frr';
export const RECEIVER_NAMES: Record<ReceiverKind, string> = {
  herald: 'Herald',
  'herald-policy': 'Herald + 20-entry import prefix list',
  bird: 'BIRD',
  gobgp: 'GoBGP',
  frr: 'FRR',
};

/** The receivers a bench run compares: $BENCH_RECEIVERS (comma-separated), default all four. */
export function receiverKindsFromEnv(): ReceiverKind[] {
  return (process.env.BENCH_RECEIVERS ?? 'herald,bird,gobgp,frr')
    .split(',')
    .map((k) => k.trim())
    .filter((k): k is ReceiverKind => k in RECEIVER_NAMES);
}

export interface Receiver {
  readonly kind: ReceiverKind;
  /** The processes whose resident memory counts. */
  readonly pids: number[];
  /** Processes reported on the side, not counted (FRR's zebra). */
  readonly sidePids: Array<{ label: string; pid: number }>;
  /** Which processes `pids` are, for the report. */
  readonly counted: string;
  /** The receiver's directory: config, control sockets (Herald api.sock, bird.ctl, GoBGP api.sock, FRR vty), logs. */
  readonly dir: string;
  established(): Promise<boolean>;
  /** Routes learned from the sender that the receiver holds now. */
  routes(): Promise<number>;
  /** Routes learned from all neighbors together (paths: one per neighbor and prefix). */
  routesFromAll?(): Promise<number>;
  /** A second, independent count after the run (e.g. the whole table), as a line of text. */
  crossCheck(): Promise<string>;
  /** GoBGP: `gobgp` with these arguments; FRR: vtysh with these commands (bgpd); stdout. */
  cli?(args: string[]): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

export interface ReceiverOptions {
  /** Write a V8 CPU profile of Herald into this directory (node --cpu-prof). */
  heraldProfileDir?: string;
  /** Extra node/V8 flags for Herald, space-separated (experiments, e.g. --max-semi-space-size=1). */
  heraldNodeArgs?: string;
  /** The receiver's neighbors (default: the sender, t.a, as a passive iBGP neighbor). */
  neighbors?: NeighborOptions[];
  /** Amends Herald's config before it is written (policies, per-neighbor keys). */
  heraldConfig?: (config: Record<string, unknown>) => void;
  /** Verbatim bgpd.conf lines for FRR (the harness's `extraConfig`). */
  frrExtraConfig?: FrrPeerOptions['extraConfig'];
}

function neighborsOf(t: LinkTopology, opts: ReceiverOptions): NeighborOptions[] {
  return (
    opts.neighbors ?? [
      { address: t.a.ipv4, asn: ASN, passive: true, holdTime: HOLD_TIME, gracefulRestart: false },
    ]
  );
}

function peerOptions(t: LinkTopology, dir: string, opts: ReceiverOptions): PeerOptions {
  return {
    ns: t.b.ns,
    routerId: t.b.ipv4,
    asn: ASN,
    localAddress: t.b.ipv4,
    dir,
    neighbors: neighborsOf(t, opts),
  };
}

// ------------------------------------------------------------------ Herald
/** One kept-alive connection, so a poll is one request and not a new connection each time. */
export function unixGet<T>(agent: Agent, socket: string, path: string): Promise<T> {
  return new Promise((res, rej) => {
    const req = request({ agent, socketPath: socket, path, method: 'GET', timeout: 10_000 }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => {
        text += c;
      });
      r.on('end', () => {
        if (r.statusCode !== 200) rej(new Error(`GET ${path}: HTTP ${r.statusCode} ${text}`));
        else res(JSON.parse(text) as T);
      });
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

interface HeraldNeighbor {
  state: string;
  prefixes: { received: number };
  messages: { received: Record<string, number> };
}

async function startHeraldReceiver(t: LinkTopology, opts: ReceiverOptions): Promise<Receiver> {
  const herald = join(ROOT, 'bin/herald');
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ missing: run npx tsc -p tsconfig.build.json');
  const dir = t.workDir('herald');
  const socket = join(dir, 'api.sock');
  const config = join(dir, 'herald.yaml');
  const log = join(dir, 'herald.log');
  const settings: Record<string, unknown> = {
    asn: ASN,
    routerId: t.b.ipv4,
    listen: { address: t.b.ipv4, port: 179 },
    api: { listen: socket, rateLimit: 0 },
    neighbors: neighborsOf(t, opts).map((n) => ({
      address: n.address,
      peerAsn: n.asn,
      passive: n.passive,
      holdTime: n.holdTime,
    })),
  };
  opts.heraldConfig?.(settings);
  writeFileSync(config, stringify(settings));
  const env: NodeJS.ProcessEnv = { ...process.env, HERALD_LOG_LEVEL: 'info' };
  delete env.NODE_OPTIONS;
  const nodeArgs = opts.heraldNodeArgs?.split(/\s+/).filter(Boolean) ?? [];
  if (opts.heraldProfileDir) {
    mkdirSync(opts.heraldProfileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.heraldProfileDir}`);
  }
  // The flags bin/herald's shebang sets, unless the run overrides them.
  if (!nodeArgs.some((a) => a.startsWith('--max-semi-space-size')))
    nodeArgs.unshift('--max-semi-space-size=2');
  if (!nodeArgs.includes('--expose-gc')) nodeArgs.unshift('--expose-gc');
  const argv = [...nodeArgs, herald, 'run', '--config', config];
  const child: TrackedChild = spawnIn(t.b.ns, process.execPath, argv, {
    logFile: log,
    env,
    cwd: ROOT,
  });
  const output = (): string => {
    try {
      return readFileSync(log, 'utf8');
    } catch {
      return '';
    }
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.onDestroy(() => agent.destroy());
  const neighbor = () => unixGet<HeraldNeighbor>(agent, socket, `/api/v1/neighbors/${t.a.ipv4}`);
  await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Fatal(`herald exited: ${output().slice(-2000)}`);
      return (await neighbor()).state !== undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: 'herald API' },
  );
  return {
    kind: 'herald',
    pids: [child.pid],
    sidePids: [],
    counted: 'node (herald)',
    dir,
    established: async () => (await neighbor()).state === 'Established',
    routes: async () => (await neighbor()).prefixes.received,
    routesFromAll: async () =>
      (await unixGet<HeraldNeighbor[]>(agent, socket, '/api/v1/neighbors')).reduce(
        (s, n) => s + n.prefixes.received,
        0,
      ),
    crossCheck: async () => {
      const n = await neighbor();
      return `neighbor ${t.a.ipv4}: ${n.state}, prefixes.received ${n.prefixes.received}, UPDATEs received ${n.messages.received.update}`;
    },
    logs: output,
    // SIGTERM lets Herald exit normally, which is when --cpu-prof writes its profile (a long one
    // takes a while).
    stop: () => child.stop(opts.heraldProfileDir ? 120_000 : 15_000),
  };
}

// ------------------------------------------------------------------ BIRD
async function startBirdReceiver(t: LinkTopology, opts: ReceiverOptions): Promise<Receiver> {
  const bird: BirdPeer = await startBird(peerOptions(t, t.workDir('bird'), opts));
  const proto = `n1_${addressTag(t.a.ipv4)}`; // the harness's protocol name for neighbor 1
  return {
    kind: 'bird',
    pids: [bird.pid],
    sidePids: [],
    counted: 'bird',
    dir: bird.dir,
    established: async () => (await bird.sessionState(t.a.ipv4)) === 'established',
    routes: async () => {
      const out = await bird.cli(['show', 'protocols', 'all', proto]);
      const m = /Routes:\s+(\d+) imported/.exec(out);
      return m ? Number(m[1]) : 0;
    },
    routesFromAll: async () => {
      // one block per protocol, its name line unindented; only the BGP ones (not direct, kernel)
      const out = await bird.cli(['show', 'protocols', 'all']);
      return out
        .split(/\n(?=\S)/)
        .filter((block) => /^\S+\s+BGP\s/.test(block))
        .reduce((s, block) => s + Number(/Routes:\s+(\d+) imported/.exec(block)?.[1] ?? 0), 0);
    },
    crossCheck: async () => {
      const all = await bird.cli(['show', 'route', 'count', 'table', 'master4', 'protocol', proto]);
      const unreach = await bird.cli([
        'show',
        'route',
        'count',
        'table',
        'master4',
        'protocol',
        proto,
        'where',
        'dest = RTD_UNREACHABLE',
      ]);
      const line = (s: string) =>
        s
          .split('\n')
          .find((l) => /routes/.test(l))
          ?.trim() ?? s.trim();
      return `show route count protocol ${proto}: ${line(all)}; of which unreachable (next hop not resolved): ${line(unreach)}`;
    },
    logs: () => bird.logs(),
    stop: () => bird.stop(),
  };
}

// ------------------------------------------------------------------ GoBGP
interface GobgpNeighbor {
  conf?: { neighbor_address?: string };
  state?: { session_state?: number | string; neighbor_address?: string };
  afi_safis?: Array<{ state?: { received?: number; accepted?: number } }>;
}

async function startGobgpReceiver(t: LinkTopology, opts: ReceiverOptions): Promise<Receiver> {
  const gobgp: GobgpPeer = await startGobgp(peerOptions(t, t.workDir('gobgp'), opts));
  const mine = async (): Promise<GobgpNeighbor | undefined> => {
    // The list form: `gobgp neighbor <addr>` asks for advertised counts too, which walks the RIB.
    const list = JSON.parse(await gobgp.cli(['-j', 'neighbor'])) as GobgpNeighbor[];
    return list.find((n) => (n.conf?.neighbor_address ?? n.state?.neighbor_address) === t.a.ipv4);
  };
  return {
    kind: 'gobgp',
    pids: [gobgp.pid],
    sidePids: [],
    counted: 'gobgpd',
    dir: gobgp.dir,
    established: async () => (await gobgp.sessionState(t.a.ipv4)) === 'established',
    routes: async () => {
      const n = await mine();
      return (n?.afi_safis ?? []).reduce((s, a) => s + (a.state?.received ?? 0), 0);
    },
    routesFromAll: async () => {
      const list = JSON.parse(await gobgp.cli(['-j', 'neighbor'])) as GobgpNeighbor[];
      return list.flatMap((n) => n.afi_safis ?? []).reduce((s, a) => s + (a.state?.received ?? 0), 0);
    },
    crossCheck: async () => {
      const summary = await gobgp.cli(['global', 'rib', 'summary', '-a', 'ipv4']);
      const n = await mine();
      const acc = (n?.afi_safis ?? []).reduce((s, a) => s + (a.state?.accepted ?? 0), 0);
      return `global rib summary: ${summary.trim().replace(/\s+/g, ' ')}; neighbor accepted ${acc}`;
    },
    cli: (args) => gobgp.cli(args),
    logs: () => gobgp.logs(),
    stop: () => gobgp.stop(),
  };
}

// ------------------------------------------------------------------ FRR
interface FrrSummary {
  ipv4Unicast?: { peers?: Record<string, { pfxRcd?: number; state?: string }>; ribCount?: number };
}

async function startFrrReceiver(t: LinkTopology, opts: ReceiverOptions): Promise<Receiver> {
  const dir = t.workDir('frr');
  const frr: FrrPeer = await startFrr({ ...peerOptions(t, dir, opts), extraConfig: opts.frrExtraConfig });
  const zebraPid = Number(readFileSync(join(dir, 'zebra.pid'), 'utf8').trim());
  const summary = async () => JSON.parse(await frr.cli(['show bgp summary json'])) as FrrSummary;
  return {
    kind: 'frr',
    pids: [frr.pid],
    sidePids: Number.isFinite(zebraPid) && zebraPid > 0 ? [{ label: 'zebra', pid: zebraPid }] : [],
    counted: 'bgpd only (zebra reported on the side)',
    dir,
    established: async () => (await frr.sessionState(t.a.ipv4)) === 'established',
    routes: async () => (await summary()).ipv4Unicast?.peers?.[t.a.ipv4]?.pfxRcd ?? 0,
    routesFromAll: async () =>
      Object.values((await summary()).ipv4Unicast?.peers ?? {}).reduce((s, p) => s + (p.pfxRcd ?? 0), 0),
    crossCheck: async () => {
      const s = await summary();
      const pc = JSON.parse(
        await frr.cli([`show bgp ipv4 unicast neighbors ${t.a.ipv4} prefix-counts json`]),
      ) as { ribTableWalkCounters?: Record<string, number> };
      const walk = Object.entries(pc.ribTableWalkCounters ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      return `summary pfxRcd ${s.ipv4Unicast?.peers?.[t.a.ipv4]?.pfxRcd}; prefix-counts table walk: ${walk}`;
    },
    cli: (commands) => frr.cli(commands),
    logs: () => frr.logs(),
    stop: () => frr.stop(),
  };
}

export function startReceiver(
  kind: ReceiverKind,
  t: LinkTopology,
  opts: ReceiverOptions = {},
): Promise<Receiver> {
  switch (kind) {
    case 'herald':
      return startHeraldReceiver(t, opts);
    case 'herald-policy':
      return startHeraldReceiver(t, {
        ...opts,
        heraldConfig: (c) => {
          opts.heraldConfig?.(c);
          withImportPrefixList(c);
        },
      });
    case 'bird':
      return startBirdReceiver(t, opts);
    case 'gobgp':
      return startGobgpReceiver(t, opts);
    case 'frr':
      return startFrrReceiver(t, opts);
  }
}

/**
 * Herald passes learned routes on to the neighbors `to` picks: an export policy accepting
 * `routeType: learned` (eBGP neighbors get nothing without one).
 */
export function withLearnedExport(config: Record<string, unknown>, to: (address: string) => boolean): void {
  config.policies = {
    ...(config.policies as Record<string, unknown> | undefined),
    'learned-out': {
      terms: [{ name: 'learned', match: { routeType: 'learned' }, action: 'accept' }],
      default: 'reject',
    },
  };
  for (const n of config.neighbors as Array<Record<string, unknown>>)
    if (to(n.address as string)) n.exportPolicy = 'learned-out';
}

/**
 * Issue 17's policy row: every neighbor gets an import policy whose prefix list has 20 entries of
 * the kind a fabric operator writes — 19 bogon/too-specific denies, then a permit — so each route
 * of a full table is tried against all of them before it is accepted.
 */
export function withImportPrefixList(config: Record<string, unknown>): void {
  const deny = (prefix: string) => ({ action: 'deny', prefix, le: 32 });
  config.prefixLists = {
    'no-bogons': [
      ...[
        '0.0.0.0/8',
        '10.0.0.0/8',
        '100.64.0.0/10',
        '127.0.0.0/8',
        '169.254.0.0/16',
        '172.16.0.0/12',
        '192.0.0.0/24',
        '192.0.2.0/24',
        '192.88.99.0/24',
        '192.168.0.0/16',
        '198.18.0.0/15',
        '198.51.100.0/24',
        '203.0.113.0/24',
        '224.0.0.0/4',
        '240.0.0.0/4',
        '255.255.255.255/32',
        '100.127.0.0/16',
        '198.19.0.0/16',
      ].map(deny),
      { action: 'deny', prefix: '0.0.0.0/0', ge: 25 },
      { action: 'permit', prefix: '0.0.0.0/0', le: 24 },
    ],
  };
  config.policies = {
    'from-upstream': {
      terms: [{ match: { prefixList: 'no-bogons' }, action: 'accept' }],
      default: 'reject',
    },
  };
  for (const n of config.neighbors as Record<string, unknown>[]) n.importPolicy = 'from-upstream';
}
