// One end of the BFD bench's sessions: Herald (a neighbor per peer with a `bfd` block, BGP passive
// and never connected), BIRD (`protocol bfd` with static neighbors) or FRR bfdd (the harness's
// startFrr with `bfd`). Each says whether its session to a peer is Up and when it declared it Down,
// from its own log with millisecond timestamps: Herald's `bfdDown` event, BIRD's `debug { events }`
// trace ("Session to X changed state from Up to Down"), bfdd's `debug bfd peer` state-change line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import { Fatal, run, spawnIn, startFrr, type Topology, waitFor } from '../../test/interop/harness/index.js';

export type SideKind = 'herald' | 'bird' | 'frr';
/** Herald's AS in this bench (its BFD peers are AS 65002). */
export const HERALD_ASN = 65001;
export const SIDE_NAMES: Record<SideKind, string> = { herald: 'Herald', bird: 'BIRD', frr: 'FRR bfdd' };

export interface BfdTimers {
  intervalMs: number;
  multiplier: number;
}

export interface SideOptions {
  ns: string;
  local: string;
  /** One session per peer address (single hop). */
  peers: Array<{ peer: string; local?: string }>;
  timers: BfdTimers;
  /** Herald only: also a passive BGP neighbor (it then listens on `local`:179), e.g. a load sender. */
  bgpNeighbor?: { address: string; peerAsn: number; holdTime: number };
  /** Herald only: extra environment (e.g. NODE_OPTIONS for a CPU profile). */
  env?: Record<string, string>;
}

export interface BfdSide {
  readonly kind: SideKind;
  /** The processes doing BFD (CPU is summed over them). */
  readonly pids: number[];
  /** Herald's API and logs (for the load part). */
  readonly herald?: HeraldInstance;
  /** Up, with the negotiated (fast) timers in place. */
  isUp(peer: string): Promise<boolean>;
  /** Wall-clock ms of every Up → Down the side logged for `peer`. */
  downTimes(peer: string): number[];
  /** The end of its log, for a failed trial. */
  logTail(): string;
  stop(): Promise<void>;
}

const readOr = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** "2026-12-03 20:35:01.123" or "2026/12/03 20:35:01.123" (local time) → ms. */
const localMs = (s: string): number => new Date(s.replace(/\//g, '-').replace(' ', 'T')).getTime();
const esc = (s: string): string => s.replace(/\./g, '\\.');

/** When Herald's BFD declared Down: `detectedAt` (its BFD worker's clock), else the log line's time. */
export const heraldDownAt = (l: Record<string, unknown>): number =>
  Date.parse(String(l.detectedAt ?? l.time));

async function heraldSide(t: Topology, o: SideOptions): Promise<BfdSide> {
  const h = await startHerald(
    t,
    o.ns,
    {
      asn: HERALD_ASN,
      routerId: o.local,
      listen: o.bgpNeighbor ? { address: o.local, port: 179 } : false,
      neighbors: [
        ...(o.bgpNeighbor ? [{ ...o.bgpNeighbor, passive: true }] : []),
        ...o.peers.map((p) => ({
          address: p.peer,
          peerAsn: 65002,
          passive: true,
          localAddress: p.local ?? o.local,
          bfd: { minRx: o.timers.intervalMs, minTx: o.timers.intervalMs, multiplier: o.timers.multiplier },
        })),
      ],
    },
    { env: { HERALD_LOG_LEVEL: 'info', ...o.env } },
  );
  type View = { neighbor: string; state: string; polling: boolean };
  return {
    kind: 'herald',
    pids: [h.process.pid],
    herald: h,
    async isUp(peer) {
      const r = await h.api<View[]>('GET', '/api/v1/bfd');
      const s = r.body.find((v) => v.neighbor === peer);
      return s?.state === 'Up' && !s.polling;
    },
    downTimes: (peer) =>
      h
        .logs()
        .filter((l) => l.event === 'bfdDown' && l.peer === peer)
        .map(heraldDownAt),
    logTail: () => h.process.output().slice(-1500),
    stop: () => h.stop(),
  };
}

async function birdSide(t: Topology, o: SideOptions): Promise<BfdSide> {
  const dir = t.workDir('bird-bfd');
  const ctl = join(dir, 'bird.ctl');
  const conf = join(dir, 'bird.conf');
  const log = join(dir, 'bird.log');
  const x = o.timers;
  writeFileSync(
    conf,
    [
      `log "${log}" all;`,
      'timeformat log iso long ms;',
      `router id ${o.local};`,
      'protocol device { scan time 10; }',
      'protocol bfd hbfd {',
      '  debug { events };',
      `  interface "*" { min rx interval ${x.intervalMs} ms; min tx interval ${x.intervalMs} ms; multiplier ${x.multiplier}; };`,
      ...o.peers.map((p) => `  neighbor ${p.peer} local ${p.local ?? o.local};`),
      '}',
      '',
    ].join('\n'),
  );
  const child = spawnIn(o.ns, 'bird', ['-f', '-c', conf, '-s', ctl, '-P', join(dir, 'bird.pid')], {
    logFile: join(dir, 'bird.stdout'),
  });
  const cli = async (args: string[]) =>
    (await run('birdc', ['-s', ctl, ...args], { timeoutMs: 30_000 })).stdout;
  await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Fatal(`bird exited: ${readOr(log)}${child.output()}`);
      return (await cli(['show', 'status'])).includes('Daemon is up and running');
    },
    { timeoutMs: 15_000, intervalMs: 100, what: 'bird control socket' },
  );
  return {
    kind: 'bird',
    pids: [child.pid],
    async isUp(peer) {
      const out = await cli(['show', 'bfd', 'sessions']);
      // "10.0.0.2   a-b   Up   2026-12-03 …   0.300   0.900": Up with the configured interval
      const m = new RegExp(`^${esc(peer)}\\s+\\S+\\s+Up\\s+.*\\s(\\d+\\.\\d+)\\s+\\d+\\.\\d+\\s*$`, 'm').exec(
        out,
      );
      return m !== null && Math.round(Number(m[1]) * 1000) === x.intervalMs;
    },
    downTimes: (peer) =>
      [
        ...readOr(log).matchAll(
          new RegExp(`^(\\S+ \\S+) .*Session to ${esc(peer)} changed state from Up to Down`, 'gm'),
        ),
      ].map((m) => localMs(m[1])),
    logTail: () => readOr(log).slice(-1500),
    stop: () => child.stop(5000),
  };
}

async function frrSide(_t: Topology, o: SideOptions): Promise<BfdSide> {
  const x = o.timers;
  const frr = await startFrr({
    ns: o.ns,
    routerId: o.local,
    asn: 65002,
    localAddress: o.local,
    neighbors: [],
    bfd: o.peers.map((p) => ({
      peer: p.peer,
      local: p.local ?? o.local,
      minRx: x.intervalMs,
      minTx: x.intervalMs,
      multiplier: x.multiplier,
    })),
  });
  const log = join(frr.dir, 'bfdd.log');
  // the harness logs at informational; the state-change lines are debug messages
  await frr.bfdCli(['configure terminal', `log file ${log} debugging`, 'log timestamp precision 3']);
  await frr.bfdCli(['debug bfd peer']);
  const bfddPid = Number(readOr(join(frr.dir, 'bfdd.pid')).trim());
  type Peer = { peer: string; status: string; 'transmit-interval'?: number };
  return {
    kind: 'frr',
    pids: bfddPid > 0 ? [bfddPid] : [],
    async isUp(peer) {
      const p = ((await frr.bfdPeers()) as unknown as Peer[]).find((s) => s.peer === peer);
      return p?.status === 'up' && p['transmit-interval'] === x.intervalMs;
    },
    downTimes: (peer) =>
      [
        ...readOr(log).matchAll(
          new RegExp(
            `^(\\S+ \\S+) .*state-change: \\[[^\\]]*peer:${esc(peer)}[ \\]][^\\]]*\\] up -> down`,
            'gm',
          ),
        ),
      ].map((m) => localMs(m[1])),
    logTail: () => readOr(log).slice(-1500),
    stop: () => frr.stop(),
  };
}

export function startSide(kind: SideKind, t: Topology, o: SideOptions): Promise<BfdSide> {
  switch (kind) {
    case 'herald':
      return heraldSide(t, o);
    case 'bird':
      return birdSide(t, o);
    case 'frr':
      return frrSide(t, o);
  }
}
