// FRR 8.4 driver: zebra + bgpd with a private pathspace (pid files, zserv socket and vty sockets all
// in the peer's directory, TCP vty disabled with -P 0), controlled with
// `vtysh --vty_socket <dir> -d bgpd`. Routes are `network P route-map HR-n` lines in bgpd.conf, one
// route-map per group of identical attributes; announce/withdraw apply the same lines through
// `vtysh -f` and also rewrite bgpd.conf so restart() comes back with the current routes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killProcess, spawnIn, type TrackedChild, workDirFor } from '../netns.js';
import { Fatal, run, waitFor } from '../util.js';
import {
  attributeKey,
  communityValue,
  type Family,
  grRestartTime,
  isRunning,
  isV6,
  localAddressFor,
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

const FRR_DIR = '/usr/lib/frr';
const AF: Record<Family, string> = { 'ipv4-unicast': 'ipv4 unicast', 'ipv6-unicast': 'ipv6 unicast' };

/** A BFD session for the peer's BFD daemon (FRR bfdd, BIRD `protocol bfd`). Intervals in ms. */
export interface BfdPeerConfig {
  peer: string;
  local?: string;
  multihop?: boolean;
  minRx?: number;
  minTx?: number;
  multiplier?: number;
  passive?: boolean;
  /** Multihop: minimum received TTL (FRR `minimum-ttl`). */
  minTtl?: number;
}

/** A bfdd `profile` block: intervals in ms. */
export interface BfdProfileConfig {
  name: string;
  minRx: number;
  minTx: number;
  multiplier: number;
}

/**
 * PeerOptions plus BFD sessions (bfdd runs only when `bfd` is given) and ECMP: `maximumPaths`
 * equal paths per prefix (FRR `maximum-paths`, eBGP and iBGP) installed as one multipath route.
 */
export type FrrPeerOptions = PeerOptions & {
  bfd?: BfdPeerConfig[];
  /** Named bfdd profiles (`neighbor X bfd profile NAME` in extraConfig uses them). */
  bfdProfiles?: BfdProfileConfig[];
  maximumPaths?: number;
  /**
   * Verbatim bgpd.conf lines: `global` before `router bgp` (prefix lists, route-maps), `bgp` inside
   * it after the neighbors (peer-groups, `bgp listen range`, bestpath options), `ipv4` inside
   * `address-family ipv4 unicast` (e.g. `neighbor X prefix-list NAME in`), `ipv6` inside
   * `address-family ipv6 unicast`.
   */
  extraConfig?: { global?: string[]; bgp?: string[]; ipv4?: string[]; ipv6?: string[] };
};

function bfddConfig(dir: string, peers: BfdPeerConfig[], profiles: BfdProfileConfig[] = []): string {
  const l = [`log file ${join(dir, 'bfdd.log')} informational`, 'bfd'];
  for (const p of profiles)
    l.push(
      ` profile ${p.name}`,
      `  receive-interval ${p.minRx}`,
      `  transmit-interval ${p.minTx}`,
      `  detect-multiplier ${p.multiplier}`,
      ' !',
    );
  for (const p of peers) {
    l.push(` peer ${p.peer}${p.multihop ? ' multihop' : ''}${p.local ? ` local-address ${p.local}` : ''}`);
    if (p.minRx !== undefined) l.push(`  receive-interval ${p.minRx}`);
    if (p.minTx !== undefined) l.push(`  transmit-interval ${p.minTx}`);
    if (p.multiplier !== undefined) l.push(`  detect-multiplier ${p.multiplier}`);
    if (p.passive) l.push('  passive-mode');
    if (p.minTtl !== undefined) l.push(`  minimum-ttl ${p.minTtl}`);
    l.push(' !');
  }
  l.push('!');
  return `${l.join('\n')}\n`;
}

function routeMapLines(name: string, r: RouteSpec): string[] {
  const l = [`route-map ${name} permit 10`, ` set origin ${r.origin ?? 'igp'}`];
  if (r.asPath?.length) l.push(` set as-path prepend ${r.asPath.join(' ')}`);
  if (r.med !== undefined) l.push(` set metric ${r.med}`);
  if (r.localPref !== undefined) l.push(` set local-preference ${r.localPref}`);
  if (r.communities?.length) {
    const vals = r.communities.map(communityValue).map((v) => `${Math.floor(v / 0x10000)}:${v & 0xffff}`);
    l.push(` set community ${vals.join(' ')}`);
  }
  if (r.largeCommunities?.length) l.push(` set large-community ${r.largeCommunities.join(' ')}`);
  const ext = (r.extendedCommunities ?? []).map(parseExtCommunity);
  const rt = ext.filter((e) => e.kind === 'rt').map((e) => `${e.global}:${e.local}`);
  const soo = ext.filter((e) => e.kind === 'soo').map((e) => `${e.global}:${e.local}`);
  if (rt.length) l.push(` set extcommunity rt ${rt.join(' ')}`);
  if (soo.length) l.push(` set extcommunity soo ${soo.join(' ')}`);
  if (r.nextHop)
    l.push(isV6(r.prefix) ? ` set ipv6 next-hop global ${r.nextHop}` : ` set ip next-hop ${r.nextHop}`);
  l.push('exit');
  return l;
}

export class FrrPeer implements RunningPeer {
  readonly kind = 'frr' as const;
  readonly ns: string;
  readonly dir: string;
  private zebra!: TrackedChild;
  private bgpd!: TrackedChild;
  private bfdd?: TrackedChild;
  private readonly routes: RouteTable;
  /** attribute key → route-map (names are stable for the daemon's lifetime) */
  private readonly routeMaps = new Map<string, { name: string; lines: string[] }>();
  private changes = 0;

  constructor(private readonly opts: FrrPeerOptions) {
    this.ns = opts.ns;
    this.dir = opts.dir ?? workDirFor(opts.ns, 'frr');
    this.routes = new RouteTable(opts.routes);
  }

  get pid(): number {
    return this.bgpd.pid;
  }

  /** The route-map for r's attributes; `created` when it did not exist yet (then its lines must be sent). */
  private routeMapFor(r: RouteSpec): { name: string; created: boolean } {
    const key = attributeKey(r);
    const have = this.routeMaps.get(key);
    if (have) return { name: have.name, created: false };
    const name = `HR-${this.routeMaps.size + 1}`;
    this.routeMaps.set(key, { name, lines: routeMapLines(name, r) });
    return { name, created: true };
  }

  private bgpdConfig(): string {
    const o = this.opts;
    const networks: Record<Family, string[]> = { 'ipv4-unicast': [], 'ipv6-unicast': [] };
    for (const r of this.routes.all()) {
      const { name } = this.routeMapFor(r);
      networks[isV6(r.prefix) ? 'ipv6-unicast' : 'ipv4-unicast'].push(
        `  network ${r.prefix} route-map ${name}`,
      );
    }
    const l: string[] = [
      'frr defaults traditional',
      `hostname ${o.hostname ?? 'frr'}`,
      `log file ${join(this.dir, 'bgpd.log')} informational`,
      '!',
      ...[...this.routeMaps.values()].flatMap((m) => m.lines),
      ...(o.extraConfig?.global ?? []),
      '!',
      `router bgp ${o.asn}`,
      ` bgp router-id ${o.routerId}`,
      ' no bgp ebgp-requires-policy',
      ' no bgp network import-check',
      ' no bgp default ipv4-unicast',
    ];
    const grTimes = o.neighbors.map(grRestartTime).filter((t) => t !== undefined);
    if (grTimes.length) l.push(` bgp graceful-restart restart-time ${grTimes[0]}`);
    for (const n of o.neighbors) {
      const a = n.address;
      l.push(` neighbor ${a} remote-as ${n.asn}`, ` neighbor ${a} timers connect ${n.connectRetry ?? 1}`);
      if (n.holdTime !== undefined) {
        l.push(` neighbor ${a} timers ${Math.max(1, Math.floor(n.holdTime / 3))} ${n.holdTime}`);
      }
      const local = localAddressFor(o, n);
      if (local) l.push(` neighbor ${a} update-source ${local}`);
      if (n.passive) l.push(` neighbor ${a} passive`);
      if (n.port) l.push(` neighbor ${a} port ${n.port}`);
      if (n.password) l.push(` neighbor ${a} password ${n.password}`);
      if (n.ttlSecurity) l.push(` neighbor ${a} ttl-security hops ${n.ttlSecurity}`);
      else if (n.multihop) l.push(` neighbor ${a} ebgp-multihop ${n.multihop}`);
      if (n.extendedNextHop ?? (isV6(a) && neighborFamilies(n).includes('ipv4-unicast'))) {
        l.push(` neighbor ${a} capability extended-nexthop`);
      }
      if (n.gracefulRestart === false) l.push(` neighbor ${a} graceful-restart-disable`);
      else if (n.gracefulRestart) l.push(` neighbor ${a} graceful-restart`);
    }
    l.push(...(o.extraConfig?.bgp ?? []).map((x) => ` ${x}`));
    for (const family of ['ipv4-unicast', 'ipv6-unicast'] as Family[]) {
      const members = o.neighbors.filter((n) => neighborFamilies(n).includes(family));
      const extra = (family === 'ipv4-unicast' ? o.extraConfig?.ipv4 : o.extraConfig?.ipv6) ?? [];
      if (members.length === 0 && networks[family].length === 0 && extra.length === 0) continue;
      l.push(' !', ` address-family ${AF[family]}`, ...networks[family]);
      if (o.maximumPaths)
        l.push(`  maximum-paths ${o.maximumPaths}`, `  maximum-paths ibgp ${o.maximumPaths}`);
      for (const n of members) {
        l.push(`  neighbor ${n.address} activate`);
        if (n.addPath === 'send' || n.addPath === 'both')
          l.push(`  neighbor ${n.address} addpath-tx-all-paths`);
        if (n.routeReflectorClient) l.push(`  neighbor ${n.address} route-reflector-client`);
      }
      l.push(...extra.map((x) => `  ${x}`), ' exit-address-family');
    }
    l.push('!');
    return `${l.join('\n')}\n`;
  }

  private async writeConfigs(): Promise<void> {
    writeFileSync(
      join(this.dir, 'zebra.conf'),
      `hostname ${this.opts.hostname ?? 'frr'}\nlog file ${join(this.dir, 'zebra.log')} informational\n`,
    );
    writeFileSync(join(this.dir, 'bgpd.conf'), this.bgpdConfig());
    await run('chown', ['-R', 'frr:frr', this.dir]); // the daemons drop privileges to user frr
  }

  private startBgpd(): void {
    const args = [
      '-f',
      join(this.dir, 'bgpd.conf'),
      '-i',
      join(this.dir, 'bgpd.pid'),
      '-z',
      join(this.dir, 'zserv.api'),
    ];
    args.push('--vty_socket', this.dir, '-P', '0');
    if (this.opts.listenPort) args.push('-p', String(this.opts.listenPort));
    this.bgpd = spawnIn(this.ns, `${FRR_DIR}/bgpd`, args, {
      hostname: this.opts.hostname ?? 'frr',
      logFile: join(this.dir, 'bgpd.stdout'),
    });
  }

  private async waitBgpd(): Promise<void> {
    await waitFor(
      async () => {
        if (!isRunning(this.bgpd)) throw new Fatal(`bgpd exited: ${this.logs().slice(-2000)}`);
        await this.cli(['show bgp summary json']);
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'bgpd vty' },
    );
  }

  /** @internal */
  async start(): Promise<void> {
    await this.writeConfigs();
    const check = await run(`${FRR_DIR}/bgpd`, ['-C', '-f', join(this.dir, 'bgpd.conf')], {
      allowFail: true,
    });
    if (check.code !== 0) throw new Error(`bgpd config rejected: ${check.stderr}${check.stdout}`);
    const zargs = ['-f', join(this.dir, 'zebra.conf'), '-i', join(this.dir, 'zebra.pid')];
    zargs.push('-z', join(this.dir, 'zserv.api'), '--vty_socket', this.dir, '-P', '0');
    this.zebra = spawnIn(this.ns, `${FRR_DIR}/zebra`, zargs, {
      hostname: this.opts.hostname ?? 'frr',
      logFile: join(this.dir, 'zebra.stdout'),
    });
    await waitFor(
      async () => {
        if (!isRunning(this.zebra)) throw new Fatal(`zebra exited: ${this.zebra.output().slice(-2000)}`);
        return (
          (
            await run('vtysh', ['--vty_socket', this.dir, '-d', 'zebra', '-c', 'show version'], {
              allowFail: true,
            })
          ).code === 0
        );
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'zebra vty' },
    );
    if (this.opts.bfd) await this.startBfdd(this.opts.bfd);
    this.startBgpd();
    await this.waitBgpd();
  }

  private async startBfdd(peers: BfdPeerConfig[]): Promise<void> {
    writeFileSync(join(this.dir, 'bfdd.conf'), bfddConfig(this.dir, peers, this.opts.bfdProfiles));
    await run('chown', ['-R', 'frr:frr', this.dir]);
    const args = ['-f', join(this.dir, 'bfdd.conf'), '-i', join(this.dir, 'bfdd.pid')];
    args.push('-z', join(this.dir, 'zserv.api'), '--vty_socket', this.dir, '-P', '0');
    args.push('--bfdctl', join(this.dir, 'bfdd.sock'));
    const bfdd = spawnIn(this.ns, `${FRR_DIR}/bfdd`, args, {
      hostname: this.opts.hostname ?? 'frr',
      logFile: join(this.dir, 'bfdd.stdout'),
    });
    this.bfdd = bfdd;
    await waitFor(
      async () => {
        if (!isRunning(bfdd)) throw new Fatal(`bfdd exited: ${bfdd.output().slice(-2000)}`);
        await this.bfdCli(['show bfd peers json']);
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'bfdd vty' },
    );
  }

  /** Runs vtysh against bfdd with each argument as one -c command. */
  async bfdCli(commands: string[]): Promise<string> {
    const args = ['--vty_socket', this.dir, '-d', 'bfdd'];
    for (const c of commands) args.push('-c', c);
    return (await run('vtysh', args, { timeoutMs: 30_000 })).stdout;
  }

  /** `show bfd peers json`: status ('up', 'down', 'init'), intervals in ms, discriminators … */
  async bfdPeers(): Promise<Array<Record<string, unknown>>> {
    return JSON.parse(await this.bfdCli(['show bfd peers json'])) as Array<Record<string, unknown>>;
  }

  /** Runs vtysh against bgpd with each argument as one -c command. */
  async cli(commands: string[]): Promise<string> {
    const args = ['--vty_socket', this.dir, '-d', 'bgpd'];
    for (const c of commands) args.push('-c', c);
    const r = await run('vtysh', args, { timeoutMs: 60_000 });
    return r.stdout;
  }

  /** bgpd's log followed by its stdout/stderr. */
  logs(): string {
    return readFileSafe(join(this.dir, 'bgpd.log')) + readFileSafe(join(this.dir, 'bgpd.stdout'));
  }

  private async neighborJson(neighbor: string): Promise<Record<string, unknown> | undefined> {
    const out = JSON.parse(await this.cli([`show bgp neighbors ${neighbor} json`])) as Record<
      string,
      unknown
    >;
    const key = Object.keys(out).find((k) => k.toLowerCase() === neighbor.toLowerCase());
    return key ? (out[key] as Record<string, unknown>) : undefined;
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    const n = await this.neighborJson(neighbor);
    return normalizeState(String(n?.bgpState ?? 'idle'));
  }

  async sessionUptimeSeconds(neighbor: string): Promise<number> {
    const n = await this.neighborJson(neighbor);
    if (n?.bgpState !== 'Established') return 0;
    return Number(n.bgpTimerUpMsec ?? 0) / 1000;
  }

  async waitEstablished(neighbor: string, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        if (!isRunning(this.bgpd)) throw new Fatal(`bgpd exited: ${this.logs().slice(-2000)}`);
        return (await this.sessionState(neighbor)) === 'established';
      },
      { timeoutMs, intervalMs: 200, what: `frr session with ${neighbor} established` },
    );
  }

  private async ribDetail(family: Family): Promise<Record<string, FrrPath[]>> {
    const out = await this.cli([`show bgp ${AF[family]} json detail`]);
    const j = JSON.parse(out) as { routes?: Record<string, Array<FrrPath>> };
    return j.routes ?? {};
  }

  async receivedRoutes(family: Family): Promise<ReceivedRoute[]> {
    const rib = await this.ribDetail(family);
    const out: ReceivedRoute[] = [];
    for (const [prefix, entries] of Object.entries(rib)) {
      for (const p of entries) {
        if (!p.nexthops || isLocal(p)) continue; // the first element is a {prefix, version} header
        out.push(frrRoute(prefix, p));
      }
    }
    return out;
  }

  /** Applies config lines through `vtysh -f` (in config mode), and rewrites bgpd.conf for restarts. */
  private async applyConfig(lines: string[]): Promise<void> {
    const file = join(this.dir, `change-${++this.changes}.conf`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await run('vtysh', ['--vty_socket', this.dir, '-d', 'bgpd', '-f', file], {
      timeoutMs: 120_000,
      allowFail: true,
    });
    if (r.code !== 0 || /% (Unknown|Invalid|Ambiguous)/.test(r.stdout + r.stderr)) {
      throw new Error(`vtysh -f ${file} failed (${r.code}): ${r.stdout}${r.stderr}`);
    }
    writeFileSync(join(this.dir, 'bgpd.conf'), this.bgpdConfig());
  }

  private async waitLocal(prefixes: string[], present: boolean): Promise<void> {
    for (const family of ['ipv4-unicast', 'ipv6-unicast'] as Family[]) {
      const list = prefixes.filter((p) => isV6(p) === (family === 'ipv6-unicast'));
      if (list.length === 0) continue;
      await waitFor(
        async () => {
          const rib = await this.ribDetail(family);
          return list.every((p) => (rib[p]?.some((x) => x.nexthops && isLocal(x)) ?? false) === present);
        },
        {
          timeoutMs: 30_000,
          intervalMs: 100,
          what: `frr ${present ? 'originating' : 'withdrawing'} ${list.length} routes`,
        },
      );
    }
  }

  /** While bgpd is crashed, only records the change (restart() loads it). */
  async announce(routes: RouteSpec[]): Promise<void> {
    this.routes.add(routes);
    if (!isRunning(this.bgpd)) {
      for (const r of routes) this.routeMapFor(r);
      return;
    }
    const maps: string[] = [];
    const nets: Record<Family, string[]> = { 'ipv4-unicast': [], 'ipv6-unicast': [] };
    for (const r of routes) {
      const { name, created } = this.routeMapFor(r);
      if (created) maps.push(...(this.routeMaps.get(attributeKey(r))?.lines ?? []));
      nets[isV6(r.prefix) ? 'ipv6-unicast' : 'ipv4-unicast'].push(`  network ${r.prefix} route-map ${name}`);
    }
    const lines = [...maps, `router bgp ${this.opts.asn}`];
    for (const f of ['ipv4-unicast', 'ipv6-unicast'] as Family[]) {
      if (nets[f].length) lines.push(` address-family ${AF[f]}`, ...nets[f], ' exit-address-family');
    }
    lines.push('exit');
    await this.applyConfig(lines);
    await this.waitLocal(
      routes.map((r) => r.prefix),
      true,
    );
  }

  async withdraw(prefixes: string[]): Promise<void> {
    this.routes.remove(prefixes);
    if (!isRunning(this.bgpd)) return;
    const lines = [`router bgp ${this.opts.asn}`];
    for (const f of ['ipv4-unicast', 'ipv6-unicast'] as Family[]) {
      const list = prefixes.filter((p) => isV6(p) === (f === 'ipv6-unicast'));
      if (list.length)
        lines.push(
          ` address-family ${AF[f]}`,
          ...list.map((p) => `  no network ${p}`),
          ' exit-address-family',
        );
    }
    lines.push('exit');
    await this.applyConfig(lines);
    await this.waitLocal(prefixes, false);
  }

  /** `clear bgp <afi> <safi> <neighbor> soft in` per family: FRR sends ROUTE-REFRESH. */
  async refresh(neighbor: string): Promise<void> {
    const n = this.opts.neighbors.find((x) => x.address.toLowerCase() === neighbor.toLowerCase());
    for (const f of n ? neighborFamilies(n) : (['ipv4-unicast'] as Family[])) {
      await this.cli([`clear bgp ${AF[f]} ${neighbor} soft in`]);
    }
  }

  /** SIGKILL bgpd (zebra stays): no NOTIFICATION, the kernel closes the TCP connection. */
  async crash(): Promise<void> {
    await killProcess(this.bgpd.pid);
  }

  /** crash() if running, then start bgpd again with the current routes; FRR sets the GR R-bit on start. */
  async restart(): Promise<void> {
    if (isRunning(this.bgpd)) await this.crash();
    await this.writeConfigs();
    this.startBgpd();
    await this.waitBgpd();
  }

  async stop(): Promise<void> {
    await this.bgpd.stop(5000);
    await this.bfdd?.stop(5000);
    await this.zebra.stop(5000);
  }
}

interface FrrPath {
  aspath?: { string?: string; segments?: Array<{ type: string; list: number[] }> };
  origin?: string;
  metric?: number;
  locPrf?: number;
  localpref?: number;
  stale?: boolean;
  sourced?: boolean;
  local?: boolean;
  community?: { string?: string };
  extendedCommunity?: { string?: string };
  largeCommunity?: { string?: string };
  nexthops?: Array<{ ip: string; scope?: string; afi?: string }>;
  peer?: { peerId?: string };
}

function isLocal(p: FrrPath): boolean {
  const id = p.peer?.peerId;
  return p.sourced === true || p.local === true || id === '0.0.0.0' || id === '(unspec)' || id === '::';
}

const FRR_ORIGIN: Record<string, ReceivedRoute['origin']> = {
  IGP: 'igp',
  EGP: 'egp',
  incomplete: 'incomplete',
  '?': 'incomplete',
};

/** "RT:65000:7 SoO:192.0.2.1:9 LB:65002:125000000 (1.000 Gbps)" → normalised list. */
function frrExtCommunities(s: string): string[] {
  const items: string[] = [];
  for (const tok of s.trim().split(/\s+/).filter(Boolean)) {
    if (/^[A-Za-z][\w-]*:/.test(tok) || items.length === 0) items.push(tok);
    else items[items.length - 1] += ` ${tok}`;
  }
  return normalizeExtCommunities(
    items.map((i) => {
      const m = /^(RT|SoO):(\S+):(\d+)$/.exec(i);
      return m ? `${m[1] === 'RT' ? 'rt' : 'soo'}:${m[2]}:${m[3]}` : i;
    }),
  );
}

function frrRoute(prefix: string, p: FrrPath): ReceivedRoute {
  const hops = p.nexthops ?? [];
  const global = hops.find((h) => h.scope !== 'link-local' && !h.ip.toLowerCase().startsWith('fe80'));
  const ll = hops.find((h) => h.scope === 'link-local' || h.ip.toLowerCase().startsWith('fe80'));
  const segs = p.aspath?.segments;
  let asPath = p.aspath?.string ?? '';
  if (segs) {
    asPath = segs
      .map((s) =>
        s.type === 'as-set'
          ? `{${s.list.join(',')}}`
          : s.type === 'as-confed-sequence'
            ? `(${s.list.join(' ')})`
            : s.type === 'as-confed-set'
              ? `[${s.list.join(',')}]`
              : s.list.join(' '),
      )
      .filter(Boolean)
      .join(' ');
  }
  const communities = normalizeCommunities((p.community?.string ?? '').split(/\s+/).filter(Boolean));
  const r: ReceivedRoute = {
    prefix,
    nextHop: (global ?? ll)?.ip ?? '',
    asPath,
    origin: FRR_ORIGIN[p.origin ?? ''] ?? undefined,
    communities,
    largeCommunities: normalizeLargeCommunities(
      (p.largeCommunity?.string ?? '').split(/\s+/).filter(Boolean),
    ),
    extendedCommunities: frrExtCommunities(p.extendedCommunity?.string ?? ''),
    stale: p.stale === true || communities.includes('llgr-stale'),
    peer: p.peer?.peerId,
  };
  if (global && ll) r.linkLocalNextHop = ll.ip;
  if (p.metric !== undefined) r.med = p.metric;
  const lp = p.locPrf ?? p.localpref;
  if (lp !== undefined) r.localPref = lp;
  return r;
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Starts zebra + bgpd in opts.ns with opts.routes as `network` statements. */
export async function startFrr(opts: FrrPeerOptions): Promise<FrrPeer> {
  const peer = new FrrPeer(opts);
  await peer.start();
  return peer;
}
