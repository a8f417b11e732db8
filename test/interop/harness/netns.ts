// Network-namespace topologies for interop tests. Everything the harness creates (namespaces, veth
// pairs, processes, temporary directories) is registered here and removed by Topology.destroy(), by
// useTopology()'s afterEach/afterAll hooks, and as a last resort on process exit/SIGINT/SIGTERM.
// Set KEEP_NETNS=1 to leave everything in place for inspection (see test/interop/README.md).
//
// Names: a topology is `hr<pid>x<n>` (pid of the creating process, n counts per process), its
// namespaces are that plus one letter (`hr12345x1a`). The full pid lets sweepStale() recognise
// leftovers of dead runs. Interfaces are created directly inside their namespaces with short fixed
// names (`a-b`, `b-a`, `a-r`, ...), so they never touch the host's interface list.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { delay, Fatal, pidAlive, type RunOptions, type RunResult, run, waitFor } from './util.js';

/** KEEP_NETNS=1: never remove anything; print what was left instead. */
export const KEEP_NETNS = process.env.KEEP_NETNS === '1';

const NS_NAME = /^hr(\d+)x(\d+)[a-z]+$/;
const DIR_PREFIX = 'herald-interop-';
const HAVE_SETPRIV = existsSync('/usr/bin/setpriv');

// ------------------------------------------------------------------ global registry
interface Tracked {
  pid: number;
  ns: string;
  child?: ChildProcess;
  topology?: Topology;
}

const liveNamespaces = new Map<string, Topology | undefined>();
const livePids = new Map<number, Tracked>();
const liveDirs = new Set<string>();
let topologyCounter = 0;
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', emergencyCleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      emergencyCleanup();
      process.removeListener(sig, handler);
      // Restore the default behaviour (terminate) unless someone else handles the signal.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Synchronous last-resort cleanup: SIGKILL every tracked process, delete namespaces and dirs. */
function emergencyCleanup(): void {
  if (livePids.size === 0 && liveNamespaces.size === 0 && liveDirs.size === 0) return;
  if (KEEP_NETNS) {
    process.stderr.write(
      `[interop] KEEP_NETNS=1: leaving namespaces ${[...liveNamespaces.keys()].join(' ')}, ` +
        `pids ${[...livePids.keys()].join(' ')}, dirs ${[...liveDirs].join(' ')}\n`,
    );
    return;
  }
  for (const pid of livePids.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  livePids.clear();
  for (const ns of liveNamespaces.keys()) {
    killNamespacePidsSync(ns);
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
    } catch {}
  }
  liveNamespaces.clear();
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  liveDirs.clear();
}

function killNamespacePidsSync(ns: string): void {
  try {
    const out = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5000 });
    for (const p of out.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {}
    }
  } catch {}
}

/** The topology that created namespace `ns`, if it was created by this process. */
export function topologyOf(ns: string): Topology | undefined {
  return liveNamespaces.get(ns);
}

/** Namespaces created by this process and not yet destroyed. */
export function liveNamespaceNames(): string[] {
  return [...liveNamespaces.keys()];
}

/** All network namespaces on the host (`ip netns list`). */
export async function listNamespaces(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean);
}

// ------------------------------------------------------------------ exec / spawn
/** Runs `cmd args` inside namespace `ns` (`ip netns exec`). Rejects on failure unless allowFail. */
export function exec(
  ns: string,
  cmd: string,
  args: readonly string[],
  opts?: RunOptions,
): Promise<RunResult> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

export interface SpawnInOptions {
  /** Run in a private UTS namespace with this hostname (so FQDN capabilities don't carry the host's). */
  hostname?: string;
  /** Append stdout+stderr to this file. Without it the output is piped and kept (see output()). */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A process started in a namespace; its PID is tracked until it exits or the topology is destroyed. */
export type TrackedChild = ChildProcess & {
  readonly pid: number;
  readonly ns: string;
  /** Everything it printed so far (the last 1 MB when piped, or the log file). */
  output(): string;
  /** Resolves when the process has exited (exit code, or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after graceMs (default 3000). Resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
};

/**
 * Starts `cmd args` inside `ns` (ip netns exec, which exec()s, so the PID is the command's own).
 * The child gets PR_SET_PDEATHSIG=SIGKILL (via setpriv) so it dies with this process even on SIGKILL
 * (programs that change uid, like FRR's daemons, lose that; they are killed by the exit hooks).
 */
export function spawnIn(
  ns: string,
  cmd: string,
  args: readonly string[],
  opts: SpawnInOptions = {},
): TrackedChild {
  installExitHooks();
  const argv = ['netns', 'exec', ns];
  if (HAVE_SETPRIV) argv.push('setpriv', '--pdeathsig', 'KILL');
  if (opts.hostname) argv.push('unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', opts.hostname);
  argv.push(cmd, ...args);

  let fd: number | undefined;
  if (opts.logFile) fd = openSync(opts.logFile, 'a');
  const child = spawn('ip', argv, {
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  if (fd !== undefined) closeSync(fd);
  if (child.pid === undefined) throw new Error(`cannot spawn ${cmd} in ${ns}`);
  const pid = child.pid;

  let tail = '';
  const keep = (d: Buffer): void => {
    tail += d.toString('utf8');
    if (tail.length > 1 << 20) tail = tail.slice(-(1 << 19));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const topology = liveNamespaces.get(ns);
  const tracked: Tracked = { pid, ns, child, topology };
  livePids.set(pid, tracked);
  topology?.trackPid(pid);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      livePids.delete(pid);
      topology?.untrackPid(pid);
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });

  const logFile = opts.logFile;
  return Object.assign(child, {
    pid,
    ns,
    exited,
    output: (): string => (logFile ? safeRead(logFile) : tail),
    stop: (graceMs = 3000): Promise<void> => stopProcess(pid, graceMs),
  }) as TrackedChild;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function hasExited(pid: number): boolean {
  const t = livePids.get(pid);
  if (t?.child) return t.child.exitCode !== null || t.child.signalCode !== null;
  return !pidAlive(pid);
}

/** SIGTERM `pid`, wait up to graceMs, then SIGKILL and wait up to 2 s more. */
export async function stopProcess(pid: number, graceMs = 3000): Promise<void> {
  if (hasExited(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (hasExited(pid)) return;
    await delay(25);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  const hard = Date.now() + 2000;
  while (Date.now() < hard && !hasExited(pid)) await delay(25);
}

/** SIGKILL `pid` (no goodbye: no NOTIFICATION, sockets closed by the kernel) and wait for it. */
export async function killProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const hard = Date.now() + 3000;
  while (Date.now() < hard && !hasExited(pid)) await delay(20);
}

/**
 * A fresh directory for a daemon's files: under the topology's dir when `ns` belongs to one,
 * else a registered temp dir (removed on exit).
 */
export function workDirFor(ns: string, name: string): string {
  const t = liveNamespaces.get(ns);
  if (t) return t.workDir(name);
  installExitHooks();
  const d = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${name}-`));
  chmodSync(d, 0o755);
  liveDirs.add(d);
  return d;
}

// ------------------------------------------------------------------ nftables
export interface NftRule {
  ns: string;
  chain: 'input' | 'output' | 'forward';
  handle: number;
  /** Packets that hit the rule so far. */
  packets(): Promise<number>;
  remove(): Promise<void>;
}

const NFT_TABLE = 'herald_harness';

export interface NftOptions {
  chain?: 'input' | 'output' | 'forward';
  /** 'count' only counts matching packets (no verdict). Default 'drop'. */
  verdict?: 'drop' | 'reject' | 'accept' | 'count';
}

/**
 * Adds `<match> counter <verdict>` to the harness's own nftables table inside `ns` (created on first
 * use; policy accept). `match` is nft syntax, e.g. `tcp dport 179`, `ip saddr 10.0.0.1 tcp sport 179`,
 * `tcp option md5sig exists`. Returns a handle to count hits and remove the rule. The table dies
 * with the namespace.
 */
export async function nftRule(ns: string, match: string, opts: NftOptions = {}): Promise<NftRule> {
  const chain = opts.chain ?? 'input';
  const verdict = opts.verdict ?? 'drop';
  const hook = (c: string): string => `chain ${c} { type filter hook ${c} priority 0; policy accept; }`;
  await exec(ns, 'nft', ['-f', '-'], {
    input: `table inet ${NFT_TABLE} {\n${['input', 'output', 'forward'].map(hook).join('\n')}\n}\n`,
  });
  const r = await exec(ns, 'nft', [
    '--echo',
    '--handle',
    'add',
    'rule',
    'inet',
    NFT_TABLE,
    chain,
    ...match.split(/\s+/),
    'counter',
    ...(verdict === 'count' ? [] : [verdict]),
  ]);
  const m = /# handle (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`nft did not report a rule handle: ${r.stdout}`);
  const handle = Number(m[1]);
  return {
    ns,
    chain,
    handle,
    async packets() {
      const out = await exec(ns, 'nft', ['-j', 'list', 'chain', 'inet', NFT_TABLE, chain]);
      const items = (JSON.parse(out.stdout) as { nftables: Array<Record<string, unknown>> }).nftables;
      for (const it of items) {
        const rule = it.rule as { handle: number; expr: Array<Record<string, unknown>> } | undefined;
        if (rule?.handle !== handle) continue;
        for (const e of rule.expr) if (e.counter) return (e.counter as { packets: number }).packets;
      }
      return 0;
    },
    async remove() {
      await exec(ns, 'nft', ['delete', 'rule', 'inet', NFT_TABLE, chain, 'handle', String(handle)], {
        allowFail: true,
      });
    },
  };
}

/** nftRule() with verdict drop (default chain input): e.g. `nftDrop(ns, 'tcp dport 179')`. */
export function nftDrop(
  ns: string,
  match: string,
  opts: Omit<NftOptions, 'verdict'> & { verdict?: 'drop' | 'reject' } = {},
): Promise<NftRule> {
  return nftRule(ns, match, { verdict: 'drop', ...opts });
}

// ------------------------------------------------------------------ topologies
export interface Endpoint {
  ns: string;
  ifname: string;
  mac: string;
  /** Address without prefix length, e.g. 10.0.0.1 */
  ipv4: string;
  ipv4Cidr: string;
  ipv6: string;
  ipv6Cidr: string;
  /** The interface's fe80:: address (fixed, derived from the fixed MAC). */
  linkLocal: string;
}

export type ProbeResult = 'reachable' | 'no-answer';

export interface Capture {
  /** The pcapng file. */
  file: string;
  stop(): Promise<void>;
}

/**
 * Decodes a capture with tshark: one row per packet matching `displayFilter`, one column per field
 * (e.g. `tsharkFields(c.file, 'bgp.type == 4', ['ip.ttl', 'tcp.options.md5'])`).
 */
export async function tsharkFields(
  file: string,
  displayFilter: string,
  fields: string[],
): Promise<string[][]> {
  const args = ['-r', file, '-Y', displayFilter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  const r = await run('tshark', args, { timeoutMs: 60_000 });
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/** A set of namespaces plus everything started in them. Create with createLink()/createChain(). */
export class Topology {
  readonly id: string;
  /** Temporary directory for configs and logs of this topology (mode 755). */
  readonly dir: string;
  readonly namespaces: string[] = [];
  private readonly pids = new Set<number>();
  private readonly hooks: Array<() => Promise<void> | void> = [];
  private destroyed = false;
  private captures = 0;
  private watchdog?: ChildProcess;

  constructor() {
    installExitHooks();
    this.id = `hr${process.pid}x${++topologyCounter}`;
    this.dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${this.id}-`));
    chmodSync(this.dir, 0o755); // FRR's daemons run as user frr
    liveDirs.add(this.dir);
    if (!KEEP_NETNS) this.watchdog = startWatchdog(this.id, this.dir);
  }

  /** Creates namespace `<id><suffix>` with lo up and IPv6 DAD disabled; returns its name. */
  async addNamespace(suffix: string): Promise<string> {
    const ns = `${this.id}${suffix}`;
    await run('ip', ['netns', 'add', ns]);
    liveNamespaces.set(ns, this);
    this.namespaces.push(ns);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await exec(ns, 'sysctl', [
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
      'net.ipv6.conf.all.dad_transmits=0',
      'net.ipv6.conf.default.dad_transmits=0',
    ]);
    return ns;
  }

  /** A private subdirectory of this topology's temp dir (mode 755). */
  workDir(name: string): string {
    let d = join(this.dir, name);
    for (let i = 2; existsSync(d); i++) d = join(this.dir, `${name}-${i}`);
    mkdirSync(d, { recursive: true, mode: 0o755 });
    chmodSync(d, 0o755);
    return d;
  }

  exec(ns: string, cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
    return exec(ns, cmd, args, opts);
  }

  spawn(ns: string, cmd: string, args: readonly string[], opts?: SpawnInOptions): TrackedChild {
    return spawnIn(ns, cmd, args, opts);
  }

  nftDrop(ns: string, match: string, opts?: Parameters<typeof nftDrop>[2]): Promise<NftRule> {
    return nftDrop(ns, match, opts);
  }

  nftRule(ns: string, match: string, opts?: NftOptions): Promise<NftRule> {
    return nftRule(ns, match, opts);
  }

  /** Adds an address (IPv6 without DAD) to an interface. */
  async addAddress(ns: string, ifname: string, cidr: string): Promise<void> {
    const extra = cidr.includes(':') ? ['nodad'] : [];
    await run('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', ifname, ...extra]);
  }

  async setLink(ns: string, ifname: string, up: boolean): Promise<void> {
    await run('ip', ['-n', ns, 'link', 'set', 'dev', ifname, up ? 'up' : 'down']);
  }

  /**
   * Sends UDP datagrams with the given IP TTL / hop limit from `fromNs` to `address` (a closed port).
   * 'reachable' when the destination host answered (ICMP port unreachable → ECONNREFUSED);
   * 'no-answer' when nothing came back within timeoutMs (e.g. TTL expired on the way: Linux does not
   * report ICMP time-exceeded to a UDP socket without IP_RECVERR).
   */
  async probe(fromNs: string, address: string, opts: { ttl?: number; timeoutMs?: number } = {}) {
    const ttl = opts.ttl ?? 64;
    const timeoutMs = opts.timeoutMs ?? 1500;
    const code = `
      const dgram = require('node:dgram');
      const s = dgram.createSocket(${JSON.stringify(address.includes(':') ? 'udp6' : 'udp4')});
      const done = (r) => { process.stdout.write(r); process.exit(0); };
      s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'reachable' : 'error:' + e.code));
      s.connect(33434, ${JSON.stringify(address)}, () => {
        s.setTTL(${ttl});
        const send = () => s.send('herald-probe', (e) => e && done(e.code === 'ECONNREFUSED' ? 'reachable' : 'error:' + e.code));
        send(); setInterval(send, 100);
      });
      setTimeout(() => done('no-answer'), ${timeoutMs});`;
    const r = await exec(fromNs, process.execPath, ['-e', code], { timeoutMs: timeoutMs + 10_000 });
    if (r.stdout !== 'reachable' && r.stdout !== 'no-answer') throw new Error(`probe failed: ${r.stdout}`);
    return r.stdout as ProbeResult;
  }

  /**
   * Starts dumpcap on `ifname` inside `ns` (capture filter default `tcp port 179`) writing pcapng
   * into this topology's dir, and resolves only once packets are really being captured: dumpcap
   * says "Capturing on" before libpcap is attached, so marker datagrams (UDP to port 9 of ff02::1,
   * payload "herald-capture-marker") are sent out of the interface until dumpcap counts one. They
   * are in the file; filter them out when reading (e.g. display filter `bgp`). stop() ends it
   * (SIGINT, bounded). Read the file with tsharkFields().
   */
  async capture(ns: string, ifname: string, opts: { filter?: string; file?: string } = {}): Promise<Capture> {
    const file = opts.file ?? join(this.dir, `${ns}-${ifname}-${++this.captures}.pcapng`);
    const log = `${file}.log`;
    const filter = `(${opts.filter ?? 'tcp port 179'}) or (ip6 dst ff02::1 and udp dst port 9)`;
    const child = spawnIn(ns, 'dumpcap', ['-i', ifname, '-f', filter, '-w', file], { logFile: log });
    const alive = (): void => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Fatal(`dumpcap exited: ${safeRead(log)}`);
    };
    await waitFor(
      () => {
        alive();
        return safeRead(log).includes('Capturing on');
      },
      { timeoutMs: 15_000, intervalMs: 20, what: `dumpcap on ${ns}/${ifname} starting` },
    );
    // dumpcap's running count ("Packets: N" on stderr, updated as packets reach it)
    const count = (): number => {
      const all = [...safeRead(log).matchAll(/Packets: (\d+)/g)];
      return all.length ? Number(all[all.length - 1][1]) : 0;
    };
    const marker = (): Promise<unknown> =>
      exec(ns, 'bash', ['-c', `echo herald-capture-marker > /dev/udp/ff02::1%${ifname}/9`], {
        allowFail: true,
      });
    /** Sends markers until dumpcap's count grows past `from`. */
    const advance = async (from: number, what: string): Promise<void> => {
      await waitFor(
        async () => {
          alive();
          await marker();
          const sent = Date.now();
          while (Date.now() - sent < 300) {
            if (count() > from) return true;
            await delay(20);
          }
          return false;
        },
        { timeoutMs: 15_000, intervalMs: 1, what: `dumpcap on ${ns}/${ifname} ${what}` },
      );
    };
    await advance(0, 'capturing');
    return {
      file,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // libpcap hands packets over a block at a time (TPACKET_V3, retired after a timeout): what
        // is in the current block is lost on SIGINT. Two more markers counted ⇒ all earlier
        // blocks reached dumpcap.
        await advance(count(), 'flushing');
        await advance(count(), 'flushing');
        child.kill('SIGINT');
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) await delay(25);
        await child.stop(1000);
      },
    };
  }

  /** Registers a cleanup step, run (newest first) before processes are killed. */
  onDestroy(fn: () => Promise<void> | void): void {
    this.hooks.push(fn);
  }

  /** @internal */
  trackPid(pid: number): void {
    this.pids.add(pid);
  }

  /** @internal */
  untrackPid(pid: number): void {
    this.pids.delete(pid);
  }

  /**
   * Runs the onDestroy hooks, stops every tracked process (SIGTERM, SIGKILL after 3 s), kills
   * anything else still inside the namespaces, deletes them and removes the temp dir.
   * With KEEP_NETNS=1 it only prints what is left.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (KEEP_NETNS) {
      process.stderr.write(
        `[interop] KEEP_NETNS=1: kept namespaces ${this.namespaces.join(' ')}, ` +
          `pids ${[...this.pids].join(' ') || '-'}, dir ${this.dir}\n`,
      );
      for (const ns of this.namespaces) liveNamespaces.delete(ns);
      for (const pid of this.pids) livePids.delete(pid);
      liveDirs.delete(this.dir);
      return;
    }
    const errors: unknown[] = [];
    for (const hook of this.hooks.reverse()) {
      try {
        await hook();
      } catch (e) {
        errors.push(e);
      }
    }
    await Promise.all([...this.pids].map((pid) => stopProcess(pid, 3000)));
    for (const ns of this.namespaces) {
      // anything else still running in there (started with exec(), or a daemon's own children)
      const r = await run('ip', ['netns', 'pids', ns], { allowFail: true });
      const stray = r.stdout.split(/\s+/).filter(Boolean).map(Number);
      await Promise.all(stray.map((pid) => stopProcess(pid, 1000)));
      await run('ip', ['netns', 'del', ns], { allowFail: true });
      liveNamespaces.delete(ns);
    }
    rmSync(this.dir, { recursive: true, force: true });
    liveDirs.delete(this.dir);
    await stopWatchdog(this.watchdog);
    if (errors.length > 0) throw errors[0];
  }
}

/**
 * A detached shell that outlives this process: it blocks reading a pipe from us and, when the pipe
 * closes — destroy() closing it, or this process dying in any way, even SIGKILL — kills whatever
 * still runs in the topology's namespaces (by `ip netns pids`), deletes them and removes the dir.
 * (FRR's daemons change uid, which clears PR_SET_PDEATHSIG, so without this they would survive.)
 */
function startWatchdog(id: string, dir: string): ChildProcess {
  const script = [
    'read -r _',
    `for ns in $(ip netns list | awk '{print $1}' | grep -E '^${id}[a-z]+$'); do`,
    '  pids=$(ip netns pids "$ns" 2>/dev/null)',
    '  [ -n "$pids" ] && kill -9 $pids 2>/dev/null',
    '  ip netns del "$ns" 2>/dev/null',
    'done',
    `rm -rf '${dir}'`,
  ].join('\n');
  const w = spawn('bash', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  w.on('error', () => {});
  w.stdin?.on('error', () => {});
  w.unref();
  (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return w;
}

/** Lets the watchdog finish (nothing left to clean by then) and waits for it, bounded. */
async function stopWatchdog(w: ChildProcess | undefined): Promise<void> {
  if (!w || w.exitCode !== null || w.signalCode !== null) return;
  const done = new Promise<void>((r) => w.once('exit', () => r()));
  w.stdin?.end();
  const ok = await Promise.race([done.then(() => true), delay(5000).then(() => false)]);
  if (!ok) w.kill('SIGKILL');
}

const mac = (n: number): string => `02:00:0a:00:00:${n.toString(16).padStart(2, '0')}`;
/** EUI-64 link-local address of mac(n). */
const linkLocalOf = (n: number): string => `fe80::aff:fe00:${n.toString(16)}`;

async function veth(
  a: { ns: string; ifname: string; mac: number },
  b: { ns: string; ifname: string; mac: number },
): Promise<void> {
  await run('ip', [
    'link',
    'add',
    'name',
    a.ifname,
    'netns',
    a.ns,
    'address',
    mac(a.mac),
    'type',
    'veth',
    'peer',
    'name',
    b.ifname,
    'netns',
    b.ns,
    'address',
    mac(b.mac),
  ]);
}

async function configureEndpoint(e: Endpoint): Promise<void> {
  await exec(e.ns, 'sysctl', ['-qw', `net.ipv6.conf.${e.ifname}.accept_dad=0`]);
  await run('ip', ['-n', e.ns, 'addr', 'add', e.ipv4Cidr, 'dev', e.ifname]);
  await run('ip', ['-n', e.ns, 'addr', 'add', e.ipv6Cidr, 'dev', e.ifname, 'nodad']);
  await run('ip', ['-n', e.ns, 'link', 'set', 'dev', e.ifname, 'up']);
}

/** Waits until the interface is up with its link-local address usable (bounded). */
async function waitEndpointReady(e: Endpoint): Promise<void> {
  await waitFor(
    async () => {
      const r = await run('ip', ['-n', e.ns, '-j', 'addr', 'show', 'dev', e.ifname]);
      const [info] = JSON.parse(r.stdout) as Array<{
        operstate: string;
        addr_info: Array<{ local: string; tentative?: boolean }>;
      }>;
      if (info.operstate !== 'UP') return false;
      const addrs = info.addr_info.filter((a) => !a.tentative).map((a) => a.local);
      return addrs.includes(e.linkLocal) && addrs.includes(e.ipv6) && addrs.includes(e.ipv4);
    },
    { timeoutMs: 10_000, intervalMs: 50, what: `${e.ns}/${e.ifname} up with its addresses` },
  );
}

function endpoint(ns: string, ifname: string, macN: number, v4: string, v4len: number, v6: string): Endpoint {
  return {
    ns,
    ifname,
    mac: mac(macN),
    ipv4: v4,
    ipv4Cidr: `${v4}/${v4len}`,
    ipv6: v6,
    ipv6Cidr: `${v6}/64`,
    linkLocal: linkLocalOf(macN),
  };
}

/** Two namespaces joined by one veth pair. */
export class LinkTopology extends Topology {
  /** A's end: 10.0.0.1/24, fd00::1/64, interface `a-b`. */
  a!: Endpoint;
  /** B's end: 10.0.0.2/24, fd00::2/64, interface `b-a`. */
  b!: Endpoint;
}

/** A — R — B: R forwards IPv4 and IPv6; A and B have static routes to each other's subnet via R. */
export class ChainTopology extends Topology {
  /** A: 10.0.1.1/24, fd00:1::1/64, interface `a-r`. */
  a!: Endpoint;
  /** B: 10.0.2.2/24, fd00:2::2/64, interface `b-r`. */
  b!: Endpoint;
  /** R: toA 10.0.1.2 / fd00:1::2 (`r-a`), toB 10.0.2.1 / fd00:2::1 (`r-b`). */
  r!: { ns: string; toA: Endpoint; toB: Endpoint };
}

async function build<T extends Topology>(t: T, body: (t: T) => Promise<void>): Promise<T> {
  try {
    await body(t);
    return t;
  } catch (e) {
    await t.destroy().catch(() => {});
    throw e;
  }
}

/** Two namespaces A and B joined by a veth pair (10.0.0.0/24 and fd00::/64). */
export function createLink(): Promise<LinkTopology> {
  return build(new LinkTopology(), async (t) => {
    const nsA = await t.addNamespace('a');
    const nsB = await t.addNamespace('b');
    t.a = endpoint(nsA, 'a-b', 1, '10.0.0.1', 24, 'fd00::1');
    t.b = endpoint(nsB, 'b-a', 2, '10.0.0.2', 24, 'fd00::2');
    await veth({ ns: nsA, ifname: 'a-b', mac: 1 }, { ns: nsB, ifname: 'b-a', mac: 2 });
    await Promise.all([configureEndpoint(t.a), configureEndpoint(t.b)]);
    await Promise.all([waitEndpointReady(t.a), waitEndpointReady(t.b)]);
  });
}

/** A — R — B; R routes between 10.0.1.0/24 + fd00:1::/64 (A side) and 10.0.2.0/24 + fd00:2::/64. */
export function createChain(): Promise<ChainTopology> {
  return build(new ChainTopology(), async (t) => {
    const nsA = await t.addNamespace('a');
    const nsR = await t.addNamespace('r');
    const nsB = await t.addNamespace('b');
    t.a = endpoint(nsA, 'a-r', 0x11, '10.0.1.1', 24, 'fd00:1::1');
    t.b = endpoint(nsB, 'b-r', 0x22, '10.0.2.2', 24, 'fd00:2::2');
    t.r = {
      ns: nsR,
      toA: endpoint(nsR, 'r-a', 0x12, '10.0.1.2', 24, 'fd00:1::2'),
      toB: endpoint(nsR, 'r-b', 0x21, '10.0.2.1', 24, 'fd00:2::1'),
    };
    await exec(nsR, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    await veth({ ns: nsA, ifname: 'a-r', mac: 0x11 }, { ns: nsR, ifname: 'r-a', mac: 0x12 });
    await veth({ ns: nsB, ifname: 'b-r', mac: 0x22 }, { ns: nsR, ifname: 'r-b', mac: 0x21 });
    const all = [t.a, t.r.toA, t.r.toB, t.b];
    await Promise.all(all.map(configureEndpoint));
    await Promise.all(all.map(waitEndpointReady));
    await run('ip', ['-n', nsA, 'route', 'add', '10.0.2.0/24', 'via', t.r.toA.ipv4]);
    await run('ip', ['-n', nsA, '-6', 'route', 'add', 'fd00:2::/64', 'via', t.r.toA.ipv6]);
    await run('ip', ['-n', nsB, 'route', 'add', '10.0.1.0/24', 'via', t.r.toB.ipv4]);
    await run('ip', ['-n', nsB, '-6', 'route', 'add', 'fd00:1::/64', 'via', t.r.toB.ipv6]);
  });
}

// ------------------------------------------------------------------ test-framework glue
/** Creates a topology, runs fn, and always destroys it (unless KEEP_NETNS=1). */
export async function withTopology<T extends Topology, R>(
  create: () => Promise<T>,
  fn: (t: T) => Promise<R>,
): Promise<R> {
  const t = await create();
  try {
    return await fn(t);
  } finally {
    await t.destroy();
  }
}

export interface TopologyFactory {
  link(): Promise<LinkTopology>;
  chain(): Promise<ChainTopology>;
  /** Destroys everything created through this factory so far. */
  destroyAll(): Promise<void>;
}

/**
 * Call at describe/file level. Topologies created through the returned factory are destroyed in
 * afterEach (scope 'each', the default) or afterAll (scope 'all').
 */
export function useTopology(opts: { scope?: 'each' | 'all' } = {}): TopologyFactory {
  const created: Topology[] = [];
  const destroyAll = async (): Promise<void> => {
    const list = created.splice(0);
    const results = await Promise.allSettled(list.reverse().map((t) => t.destroy()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  if (opts.scope === 'all') afterAll(destroyAll, 60_000);
  else afterEach(destroyAll, 60_000);
  const track = async <T extends Topology>(p: Promise<T>): Promise<T> => {
    const t = await p;
    created.push(t);
    return t;
  };
  return {
    link: () => track(createLink()),
    chain: () => track(createChain()),
    destroyAll,
  };
}

/**
 * Removes leftovers of earlier runs: namespaces named hr<pid>x<n>… whose creating process is gone
 * (processes inside them are killed first) and their /tmp/herald-interop-* directories.
 * Returns the namespaces removed. Never touches what a live process created.
 */
export async function sweepStale(): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await listNamespaces()) {
    const m = NS_NAME.exec(ns);
    if (!m || pidAlive(Number(m[1]))) continue;
    const r = await run('ip', ['netns', 'pids', ns], { allowFail: true });
    const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number);
    await Promise.all(pids.map((pid) => stopProcess(pid, 1000)));
    await run('ip', ['netns', 'del', ns], { allowFail: true });
    removed.push(ns);
  }
  for (const name of readdirSync(tmpdir())) {
    const m = /^herald-interop-hr(\d+)x\d+-/.exec(name);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  return removed;
}
