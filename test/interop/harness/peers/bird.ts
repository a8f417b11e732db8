// BIRD 2.0.12 driver. Routes live in two static protocols (hs4/hs6, `route P blackhole`); their
// attributes are set by the BGP export filter, one `if net ~ [ prefix set ]` block per group of
// routes with identical attributes — so thousands of routes cost one config file. announce/withdraw
// rewrite the config and run `birdc configure` (BIRD diffs the static routes and re-feeds exports).
//
// BIRD strips a MED that comes from a non-BGP route unless the export filter sets it, which is why
// attributes are set in the filter and not in the static routes' own blocks.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killProcess, spawnIn, type TrackedChild, workDirFor } from '../netns.js';
import { Fatal, run, waitFor } from '../util.js';
import type { BfdPeerConfig } from './frr.js';
import {
  addressTag,
  communityValue,
  type Family,
  groupByAttributes,
  grRestartTime,
  isRunning,
  isV6,
  localAddressFor,
  type NeighborOptions,
  neighborFamilies,
  normalizeCommunities,
  normalizeExtCommunities,
  normalizeLargeCommunities,
  normalizeState,
  type PeerOptions,
  parseExtCommunity,
  type ReceivedRoute,
  type RouteSpec,
  RouteTable,
  type RunningPeer,
  type SessionState,
} from './peer.js';

const ORIGIN_CONST = { igp: 'ORIGIN_IGP', egp: 'ORIGIN_EGP', incomplete: 'ORIGIN_INCOMPLETE' } as const;
const CHANNEL: Record<Family, string> = { 'ipv4-unicast': 'ipv4', 'ipv6-unicast': 'ipv6' };
const TABLE: Record<Family, string> = { 'ipv4-unicast': 'master4', 'ipv6-unicast': 'master6' };

/** BIRD statements setting a route group's attributes. */
function attributeStatements(a: Omit<RouteSpec, 'prefix'>): string[] {
  const s: string[] = [`bgp_origin = ${ORIGIN_CONST[a.origin ?? 'igp']};`];
  for (const asn of [...(a.asPath ?? [])].reverse()) s.push(`bgp_path.prepend(${asn});`);
  if (a.nextHop) s.push(`bgp_next_hop = ${a.nextHop};`);
  if (a.med !== undefined) s.push(`bgp_med = ${a.med};`);
  if (a.localPref !== undefined) s.push(`bgp_local_pref = ${a.localPref};`);
  for (const c of a.communities ?? []) {
    const v = communityValue(c);
    s.push(`bgp_community.add((${Math.floor(v / 0x10000)}, ${v & 0xffff}));`);
  }
  for (const l of a.largeCommunities ?? []) s.push(`bgp_large_community.add((${l.split(':').join(', ')}));`);
  for (const e of a.extendedCommunities ?? []) {
    const x = parseExtCommunity(e);
    s.push(`bgp_ext_community.add((${x.kind === 'rt' ? 'rt' : 'ro'}, ${x.global}, ${x.local}));`);
  }
  return s;
}

function protocolName(i: number, n: NeighborOptions): string {
  return `n${i + 1}_${addressTag(n.address)}`;
}

/** PeerOptions plus BFD sessions (a `protocol bfd` when `bfd` is given). */
export type BirdPeerOptions = PeerOptions & { bfd?: BfdPeerConfig[] };

/**
 * `protocol bfd`: BIRD 2.0.12 takes session options per interface / for multihop, not per neighbor,
 * so the first single-hop and the first multihop peer's options apply to all of their kind.
 */
function bfdProtocol(peers: BfdPeerConfig[]): string[] {
  const options = (p: BfdPeerConfig | undefined): string => {
    if (!p) return '';
    const o: string[] = [];
    if (p.minRx !== undefined) o.push(`min rx interval ${p.minRx} ms;`);
    if (p.minTx !== undefined) o.push(`min tx interval ${p.minTx} ms;`);
    if (p.multiplier !== undefined) o.push(`multiplier ${p.multiplier};`);
    if (p.passive) o.push('passive on;');
    return o.join(' ');
  };
  const out = [
    'protocol bfd hbfd {',
    `  interface "*" { ${options(peers.find((p) => !p.multihop))} };`,
    `  multihop { ${options(peers.find((p) => p.multihop))} };`,
  ];
  for (const p of peers) {
    out.push(`  neighbor ${p.peer}${p.local ? ` local ${p.local}` : ''}${p.multihop ? ' multihop on' : ''};`);
  }
  out.push('}');
  return out;
}

function birdConfig(opts: BirdPeerOptions, dir: string, routes: RouteSpec[]): string {
  const out: string[] = [
    `log "${join(dir, 'bird.log')}" all;`,
    `router id ${opts.routerId};`,
    `hostname "${opts.hostname ?? 'bird'}";`,
    'timeformat protocol iso long ms;',
    'timeformat route iso long ms;',
    'protocol device { scan time 10; }',
    '# connected and kernel routes, so (multihop / iBGP) next hops resolve; never exported',
    'protocol direct { ipv4; ipv6; }',
    'protocol kernel k4 { ipv4 { import all; export none; }; learn; scan time 10; }',
    'protocol kernel k6 { ipv6 { import all; export none; }; learn; scan time 10; }',
  ];
  for (const family of ['ipv4-unicast', 'ipv6-unicast'] as Family[]) {
    const name = family === 'ipv4-unicast' ? 'hs4' : 'hs6';
    const list = routes.filter((r) => isV6(r.prefix) === (family === 'ipv6-unicast'));
    out.push(`protocol static ${name} {`, `  ${CHANNEL[family]};`);
    for (const r of list) out.push(`  route ${r.prefix} blackhole;`);
    out.push('}');
  }
  // attribute groups
  const fn: string[] = ['function h_attrs() {'];
  for (const v6 of [false, true]) {
    const groups = [...groupByAttributes(routes.filter((r) => isV6(r.prefix) === v6)).values()];
    if (groups.length === 0) continue;
    fn.push(`  if net.type = ${v6 ? 'NET_IP6' : 'NET_IP4'} then {`);
    for (const g of groups) {
      fn.push(`    if net ~ [ ${g.prefixes.join(', ')} ] then {`);
      for (const st of attributeStatements(g.attrs)) fn.push(`      ${st}`);
      fn.push('    }');
    }
    fn.push('  }');
  }
  fn.push('}');
  out.push(...fn);
  out.push(
    'filter h_export {',
    '  if proto = "hs4" || proto = "hs6" then { h_attrs(); accept; }',
    '  if source = RTS_BGP then accept;',
    '  reject;',
    '}',
  );
  if (opts.bfd) out.push(...bfdProtocol(opts.bfd));
  opts.neighbors.forEach((n, i) => {
    const local = localAddressFor(opts, n);
    const p: string[] = [`protocol bgp ${protocolName(i, n)} {`];
    p.push(
      `  local${local ? ` ${local}` : ''}${opts.listenPort ? ` port ${opts.listenPort}` : ''} as ${opts.asn};`,
    );
    p.push(`  neighbor ${n.address}${n.port ? ` port ${n.port}` : ''} as ${n.asn};`);
    const retry = n.connectRetry ?? 1;
    p.push(`  connect delay time 0; connect retry time ${retry}; error wait time 1, 10;`);
    if (n.holdTime !== undefined) {
      p.push(`  hold time ${n.holdTime}; keepalive time ${Math.max(1, Math.floor(n.holdTime / 3))};`);
    }
    if (n.passive) p.push('  passive on;');
    if (n.password) p.push(`  password "${n.password}";`);
    if (n.ttlSecurity) {
      p.push('  ttl security on;');
      if (n.ttlSecurity > 1 || n.multihop) p.push(`  multihop ${n.multihop ?? n.ttlSecurity};`);
    } else if (n.multihop) p.push(`  multihop ${n.multihop};`);
    if (n.gracefulRestart === false) p.push('  graceful restart off;');
    else if (n.gracefulRestart) {
      p.push('  graceful restart on;');
      const t = grRestartTime(n);
      if (t !== undefined) p.push(`  graceful restart time ${t};`);
    }
    if (n.routeReflectorClient) p.push('  rr client;', `  rr cluster id ${opts.routerId};`);
    for (const f of neighborFamilies(n)) {
      const ch = [`import all;`, `export filter h_export;`];
      if (n.addPath)
        ch.push(`add paths ${n.addPath === 'send' ? 'tx' : n.addPath === 'receive' ? 'rx' : 'on'};`);
      if (f === 'ipv4-unicast' && isV6(n.address) && n.extendedNextHop !== false)
        ch.push('extended next hop on;');
      if (f === 'ipv4-unicast' && !isV6(n.address) && n.extendedNextHop) ch.push('extended next hop on;');
      p.push(`  ${CHANNEL[f]} { ${ch.join(' ')} };`);
    }
    p.push('}');
    out.push(...p);
  });
  return `${out.join('\n')}\n`;
}

// ------------------------------------------------------------------ `show route all` parsing
const BIRD_ORIGIN: Record<string, ReceivedRoute['origin']> = {
  IGP: 'igp',
  EGP: 'egp',
  Incomplete: 'incomplete',
};

/** "(rt, 65000, 7)" → "rt:65000:7"; "(ro, …)" → "soo:…"; others kept as BIRD prints them. */
function birdExtCommunity(s: string): string {
  const m = /^\((rt|ro), ([^,]+), (\d+)\)$/.exec(s);
  if (m) return `${m[1] === 'rt' ? 'rt' : 'soo'}:${m[2]}:${m[3]}`;
  return s;
}

/** Parses `birdc show route all` output. protoPeer maps protocol name → neighbor address. */
export function parseBirdRoutes(text: string, protoPeer: Map<string, string>): ReceivedRoute[] {
  const out: ReceivedRoute[] = [];
  let prefix = '';
  let cur: ReceivedRoute | undefined;
  let lastKey = '';
  const sets: Record<string, string[]> = {};
  const flush = (): void => {
    if (!cur) return;
    cur.communities = normalizeCommunities(
      (sets.community ?? []).map((c) => c.replace(/[()\s]/g, '').replace(',', ':')),
    );
    cur.largeCommunities = normalizeLargeCommunities(
      (sets.large_community ?? []).map((c) => c.replace(/[()\s]/g, '').replace(/,/g, ':')),
    );
    cur.extendedCommunities = normalizeExtCommunities((sets.ext_community ?? []).map(birdExtCommunity));
    if (cur.communities.includes('llgr-stale')) cur.stale = true;
    out.push(cur);
    cur = undefined;
    for (const k of Object.keys(sets)) delete sets[k];
  };
  const items = (v: string): string[] => v.match(/\([^)]*\)/g) ?? [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('BIRD ') || line.startsWith('Table ')) continue;
    if (!line.startsWith('\t')) {
      // "<prefix>  unicast [proto time] * (100) [AS65001i]" or a further route (leading spaces)
      const m = /^(\S+)?\s+\S+\s+\[(\S+)\s/.exec(line);
      if (!m) continue;
      flush();
      if (m[1]) prefix = m[1];
      cur = {
        prefix,
        nextHop: '',
        asPath: '',
        communities: [],
        largeCommunities: [],
        extendedCommunities: [],
        peer: protoPeer.get(m[2]) ?? m[2],
      };
      if (/\(stale\)|\bstale\b/i.test(line.slice(m[0].length))) cur.stale = true;
      continue;
    }
    if (!cur) continue;
    const body = line.slice(1);
    const kv = /^BGP\.(\w+):\s?(.*)$/.exec(body);
    if (!kv) {
      if (body.startsWith('(') && lastKey in sets) sets[lastKey].push(...items(body)); // continuation
      continue;
    }
    const [, key, value] = kv;
    lastKey = key;
    switch (key) {
      case 'origin':
        cur.origin = BIRD_ORIGIN[value];
        break;
      case 'as_path':
        cur.asPath = value
          .trim()
          .replace(/\{([^}]*)\}/g, (_, inner: string) => `{${inner.trim().split(/\s+/).join(',')}}`);
        break;
      case 'next_hop': {
        const [global, ll] = value.trim().split(/\s+/);
        cur.nextHop = global ?? '';
        if (ll) cur.linkLocalNextHop = ll;
        break;
      }
      case 'med':
        cur.med = Number(value);
        break;
      case 'local_pref':
        cur.localPref = Number(value);
        break;
      case 'community':
      case 'large_community':
      case 'ext_community':
        sets[key] = items(value);
        break;
    }
  }
  flush();
  return out;
}

export class BirdPeer implements RunningPeer {
  readonly kind = 'bird' as const;
  readonly ns: string;
  readonly dir: string;
  private proc!: TrackedChild;
  private readonly routes: RouteTable;
  private readonly ctl: string;
  private readonly configFile: string;
  private readonly protoOf = new Map<string, string>();
  private readonly peerOf = new Map<string, string>();

  constructor(private readonly opts: BirdPeerOptions) {
    this.ns = opts.ns;
    this.dir = opts.dir ?? workDirFor(opts.ns, 'bird');
    this.ctl = join(this.dir, 'bird.ctl');
    this.configFile = join(this.dir, 'bird.conf');
    this.routes = new RouteTable(opts.routes);
    opts.neighbors.forEach((n, i) => {
      this.protoOf.set(n.address.toLowerCase(), protocolName(i, n));
      this.peerOf.set(protocolName(i, n), n.address);
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  private async writeConfig(): Promise<void> {
    writeFileSync(this.configFile, birdConfig(this.opts, this.dir, this.routes.all()));
    const r = await run('bird', ['-p', '-c', this.configFile], { allowFail: true });
    if (r.code !== 0)
      throw new Error(`bird config rejected: ${r.stderr}${r.stdout}\n(config: ${this.configFile})`);
  }

  /** @internal */
  async start(recovering = false): Promise<void> {
    await this.writeConfig();
    const args = ['-f', '-c', this.configFile, '-s', this.ctl, '-P', join(this.dir, 'bird.pid')];
    if (recovering) args.push('-R');
    this.proc = spawnIn(this.ns, 'bird', args, {
      hostname: this.opts.hostname ?? 'bird',
      logFile: join(this.dir, 'bird.stdout'),
    });
    await waitFor(
      async () => {
        if (!isRunning(this.proc)) throw new Fatal(`bird exited: ${this.logs().slice(-2000)}`);
        const out = await this.cli(['show', 'status']);
        return out.includes('Daemon is up and running');
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'bird control socket' },
    );
  }

  cli(args: string[]): Promise<string> {
    return run('birdc', ['-s', this.ctl, ...args], { timeoutMs: 60_000 }).then((r) => r.stdout);
  }

  /** BIRD's own log (bird.log) followed by its stdout/stderr. */
  logs(): string {
    let log = '';
    try {
      log = readFileSync(join(this.dir, 'bird.log'), 'utf8');
    } catch {}
    return log + this.proc.output();
  }

  private proto(neighbor: string): string {
    const p = this.protoOf.get(neighbor.toLowerCase());
    if (!p) throw new Error(`bird has no neighbor ${neighbor}`);
    return p;
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    const out = await this.cli(['show', 'protocols', 'all', this.proto(neighbor)]);
    const m = /BGP state:\s+(\S+)/.exec(out);
    return normalizeState(m ? m[1] : 'idle');
  }

  async sessionUptimeSeconds(neighbor: string): Promise<number> {
    const name = this.proto(neighbor);
    const out = await this.cli(['show', 'protocols', name]);
    // "n1_10_0_0_1 BGP  ---  up  2026-11-23 20:40:13.123  Established"
    const m = new RegExp(`^${name}\\s+\\S+\\s+\\S+\\s+(\\S+)\\s+(\\S+ \\S+)\\s+(\\S+)`, 'm').exec(out);
    if (m?.[1] !== 'up' || m[3] !== 'Established') return 0;
    return Math.max(0, (Date.now() - new Date(m[2].replace(' ', 'T')).getTime()) / 1000);
  }

  async waitEstablished(neighbor: string, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        if (!isRunning(this.proc)) throw new Fatal(`bird exited: ${this.logs().slice(-2000)}`);
        return (await this.sessionState(neighbor)) === 'established';
      },
      { timeoutMs, intervalMs: 200, what: `bird session with ${neighbor} established` },
    );
  }

  /**
   * BIRD 2.0.12 does not flag stale routes in `show route`; routes of a protocol whose neighbor is
   * in graceful restart (`show protocols all`: "Neighbor graceful restart active") get stale: true.
   */
  async receivedRoutes(family: Family): Promise<ReceivedRoute[]> {
    const out = await this.cli([
      'show',
      'route',
      'all',
      'table',
      TABLE[family],
      'where',
      'source',
      '=',
      'RTS_BGP',
    ]);
    const routes = parseBirdRoutes(out, this.peerOf);
    const protos = await this.cli(['show', 'protocols', 'all']);
    const restarting = new Set<string>();
    for (const block of protos.split(/\n(?=\S)/)) {
      const name = /^(\S+)\s+BGP\s/.exec(block)?.[1];
      if (name && /Neighbor graceful restart active|Long-lived graceful restart active/.test(block)) {
        restarting.add(this.peerOf.get(name) ?? name);
      }
    }
    for (const r of routes) if (r.peer && restarting.has(r.peer)) r.stale = true;
    return routes;
  }

  private async reconfigure(): Promise<void> {
    await this.writeConfig();
    const out = await this.cli(['configure']);
    if (!/Reconfigured|Reconfiguration in progress/.test(out)) throw new Error(`birdc configure: ${out}`);
    await waitFor(async () => !(await this.cli(['show', 'status'])).includes('Reconfiguration in progress'), {
      timeoutMs: 15_000,
      what: 'bird reconfiguration',
    });
    // the static protocols must hold exactly our routes before we return
    for (const [proto, family] of [
      ['hs4', 'ipv4-unicast'],
      ['hs6', 'ipv6-unicast'],
    ] as const) {
      const want = this.routes.all(family).length;
      await waitFor(
        async () => {
          const c = await this.cli(['show', 'route', 'table', TABLE[family], 'protocol', proto, 'count']);
          const m = /(\d+) of (\d+) routes/.exec(c);
          return (m ? Number(m[1]) : 0) === want; // "<shown> of <total> routes"
        },
        { timeoutMs: 15_000, intervalMs: 100, what: `bird ${proto} holding ${want} routes` },
      );
    }
  }

  /** While crashed, only records the change (restart() loads it). */
  async announce(routes: RouteSpec[]): Promise<void> {
    this.routes.add(routes);
    if (isRunning(this.proc)) await this.reconfigure();
  }

  async withdraw(prefixes: string[]): Promise<void> {
    this.routes.remove(prefixes);
    if (isRunning(this.proc)) await this.reconfigure();
  }

  /** `birdc reload in <protocol>`: sends ROUTE-REFRESH when the neighbor supports it. */
  async refresh(neighbor: string): Promise<void> {
    await this.cli(['reload', 'in', this.proto(neighbor)]);
  }

  /** `birdc graceful restart`: BIRD exits without sending NOTIFICATIONs (SIGKILL if it hangs). */
  async crash(): Promise<void> {
    const pid = this.proc.pid;
    await this.cli(['graceful', 'restart']).catch(() => '');
    const exited = await Promise.race([this.proc.exited.then(() => true), sleepFalse(10_000)]);
    if (!exited) await killProcess(pid);
  }

  /** crash() if running, then `bird -R` (graceful restart recovery) with the current config. */
  async restart(): Promise<void> {
    if (isRunning(this.proc)) await this.crash();
    await this.start(true);
  }

  async stop(): Promise<void> {
    await this.proc.stop(5000);
  }

  /** `show bfd sessions` parsed: state ('Up', 'Down', 'Init', 'AdminDown'), interval and timeout (s). */
  async bfdSessions(): Promise<Array<{ address: string; state: string; interval: number; timeout: number }>> {
    const out = await this.cli(['show', 'bfd', 'sessions']);
    const sessions = [];
    for (const line of out.split('\n')) {
      // "10.0.0.1   b-a   Up   2024-01-01 12:00:00.000   0.300   0.900"
      const m = /^(\S*[:.]\S*)\s+\S+\s+(AdminDown|Down|Init|Up)\s+.*\s(\d+\.\d+)\s+(\d+\.\d+)\s*$/.exec(line);
      if (m) sessions.push({ address: m[1], state: m[2], interval: Number(m[3]), timeout: Number(m[4]) });
    }
    return sessions;
  }
}

function sleepFalse(ms: number): Promise<false> {
  return new Promise((r) => setTimeout(() => r(false), ms).unref());
}

/** Starts BIRD in opts.ns with opts.routes in its config. */
export async function startBird(opts: BirdPeerOptions): Promise<BirdPeer> {
  const peer = new BirdPeer(opts);
  await peer.start();
  return peer;
}
