// npm run bench:fanin — fan-in (issue 23): 100 peers × 1,000 routes each. Each receiver (Herald,
// BIRD, GoBGP, FRR; alone in a fresh pair of namespaces) has 100 configured passive iBGP neighbors
// (AS 3856: 10.0.0.1 and 10.0.0.11-109) — configured neighbors because every one of the four does
// that natively and alike (Herald's dynamicNeighbors, BIRD's ranges, FRR's listen range and GoBGP's
// dynamic-neighbors would each add their own accept path). One child process in namespace A
// (bench/fanin/peers.ts) brings all sessions up, then writes every peer's UPDATEs at once.
//
// By default the prefixes are distinct: peer i announces /24s number i×1,000 … i×1,000+999, so the
// receiver ends with 100,000 prefixes, one path each. BENCH_FANIN_SHARED=1 has every peer announce
// the same 1,000 prefixes instead (100 paths per prefix, best-path selection among them).
//
// Per receiver: seconds from the peers' first write until the paths from all neighbors, summed
// through the receiver's control interface (as bench/ingest/receivers.ts counts one neighbor),
// reach 100,000 (polled every 50 ms plus the time one poll takes); RSS before the writes, at the
// end and its growth; CPU seconds over that window (/proc; FRR's zebra on the side); no session
// dropped.
//
// Env: BENCH_RECEIVERS=herald,bird,gobgp,frr, BENCH_FANIN_PEERS=100, BENCH_FANIN_ROUTES=1000,
// BENCH_FANIN_SHARED=0, BENCH_FANIN_WAIT_S=300 (bound per receiver), BENCH_RUN_LIMIT_S=1800.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { delay, type NeighborOptions, waitFor } from '../test/interop/harness/index.js';
import type { FaninPeersArgs } from './fanin/peers.js';
import {
  ASN,
  RECEIVER_NAMES,
  type ReceiverKind,
  receiverKindsFromEnv,
  startReceiver,
} from './ingest/receivers.js';
import { SpeakerProcess } from './ingest/speaker-process.js';
import { interopReady, onFreshLink } from './lib/fresh-link.js';
import { emitResult, runLimit } from './lib/output.js';
import { type ProcWindow, ReceiverSampler, sideCpuText } from './lib/proc-sampler.js';
import { fmt } from './lib/stats.js';

const KINDS = receiverKindsFromEnv();
const PEERS = Math.min(240, Math.max(1, Number(process.env.BENCH_FANIN_PEERS ?? 100)));
const ROUTES = Math.max(1, Number(process.env.BENCH_FANIN_ROUTES ?? 1000));
const SHARED = process.env.BENCH_FANIN_SHARED === '1';
const WAIT_MS = Number(process.env.BENCH_FANIN_WAIT_S ?? 300) * 1000;
const PATHS = PEERS * ROUTES;
const MB = 1024 * 1024;

interface Row {
  kind: ReceiverKind;
  name: string;
  counted?: string;
  seconds?: number;
  proc?: ProcWindow;
  side?: Record<string, ProcWindow>;
  rssGrowthBytes?: number;
  held?: number;
  sessionsKept?: boolean;
  crossCheck?: string;
  error?: string;
}

/** The link's own address first (the receivers' helpers watch that neighbor), then 10.0.0.11 on. */
const peerAddresses = (first: string): string[] => [
  first,
  ...Array.from({ length: PEERS - 1 }, (_, i) => `10.0.0.${11 + i}`),
];

async function runOne(kind: ReceiverKind): Promise<Row> {
  const row: Row = { kind, name: RECEIVER_NAMES[kind] };
  return onFreshLink(row, async (t) => {
    const addresses = peerAddresses(t.a.ipv4);
    for (const a of addresses.slice(1)) await t.addAddress(t.a.ns, t.a.ifname, `${a}/24`);
    const neighbors: NeighborOptions[] = addresses.map((address) => ({
      address,
      asn: ASN,
      passive: true,
      holdTime: 90,
      gracefulRestart: false,
    }));
    const rx = await startReceiver(kind, t, { neighbors });
    row.counted = rx.counted;
    const held = () =>
      rx.routesFromAll?.() ?? Promise.reject(new Error(`${kind}: no count over all neighbors`));
    const args: FaninPeersArgs = {
      address: t.b.ipv4,
      port: 179,
      localAddresses: addresses,
      asn: ASN,
      holdTime: 90,
      routesPerPeer: ROUTES,
      shared: SHARED,
      connectTimeoutMs: 120_000,
    };
    const peers = new SpeakerProcess(t.a.ns, args, join(import.meta.dirname, 'fanin/peers.js'));
    await peers.next('established', 120_000);
    await waitFor(() => rx.established(), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `${kind} Established`,
    });
    await delay(2000);
    const sampler = new ReceiverSampler(rx);
    peers.go();
    const start = await peers.next('start', 10_000);
    let last = 0;
    await waitFor(
      async () => {
        if (peers.trouble()) throw new Error(`peers: ${peers.trouble()?.event}`);
        last = await held();
        return last === PATHS;
      },
      { timeoutMs: WAIT_MS, intervalMs: 50, what: `${kind} holding ${PATHS} paths` },
    ).catch((e: Error) => {
      throw new Error(`${e.message}; held ${last}`);
    });
    row.seconds = Number(process.hrtime.bigint() - start.t) / 1e9;
    const window = sampler.finish();
    Object.assign(row, window);
    row.rssGrowthBytes = window.proc.rssAfterBytes - window.proc.rssBeforeBytes;
    await delay(2000);
    row.held = await held();
    row.sessionsKept = peers.trouble() === undefined && (await rx.established());
    row.crossCheck = await rx.crossCheck();
    await peers.stop();
    await rx.stop();
  });
}

function describe(r: Row): string {
  if (r.error) return `${r.name}: FAILED ${r.error}`;
  const p = r.proc as ProcWindow;
  const side = sideCpuText(r.side);
  return (
    `${r.name}: ${PATHS} paths from ${PEERS} peers in ${fmt(r.seconds, 2)} s; CPU ${fmt(p.cpuSeconds, 1)} s${side}; ` +
    `RSS ${fmt(p.rssBeforeBytes / MB, 1)} → ${fmt(p.rssAfterBytes / MB, 1)} MB (+${fmt((r.rssGrowthBytes ?? 0) / MB, 1)}); ` +
    `held 2 s later ${r.held}; sessions ${r.sessionsKept ? 'kept' : 'DROPPED'}\n  first neighbor: ${r.crossCheck}`
  );
}

async function main(): Promise<number> {
  if (!interopReady('fanin', KINDS)) return 1;
  runLimit('fanin', Number(process.env.BENCH_RUN_LIMIT_S ?? 1800) * 1000);
  const rows: Row[] = [];
  for (const k of KINDS) {
    const r = await runOne(k);
    console.log(describe(r));
    rows.push(r);
  }
  const herald = rows.find((r) => r.kind === 'herald' && !r.error);
  emitResult('fanin', {
    peers: PEERS,
    routesPerPeer: ROUTES,
    shared: SHARED,
    paths: PATHS,
    loadAverage: loadavg(),
    rows,
    targets: {
      heraldAllHeldNoDrop: herald ? herald.held === PATHS && herald.sessionsKept === true : null,
    },
  });
  return rows.some((r) => r.error || r.held !== PATHS || !r.sessionsKept) ? 1 : 0;
}

process.exitCode = await main();
