// npm run bench:propagation-floor — what the runtime alone costs on bench:propagation's path: a
// relay that parses nothing and keeps no routes, written once in Node (bench/floor/peer.ts) and
// once in Go (bench/floor/relay.go, built here with `go build`), passes each message from one
// sender to 10 receivers, under the same conditions as bench:propagation (sender and receivers in
// namespace A, the relay in B across a veth pair, messages 100-200 ms apart, every process a
// separate one). Latency: from the sender's clock in the message to its arrival at each receiver
// (CLOCK_MONOTONIC in both), p50/p99 over trials × receivers after a few warm-up messages. The
// difference between the two rows is the floor under Herald's gap to GoBGP in bench:propagation.
//
// Env: BENCH_PROP_TRIALS=60, BENCH_PROP_WARMUP=3, BENCH_RUN_LIMIT_S=300.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLink, interopUnavailable, type TrackedChild, waitFor } from '../test/interop/harness/index.js';
import { emitResult, repoRoot, runLimit } from './lib/output.js';
import { distribution, firstArrivals, fmt } from './lib/stats.js';

const TRIALS = Math.min(500, Math.max(1, Number(process.env.BENCH_PROP_TRIALS ?? 60)));
const WARMUP = Math.min(20, Math.max(0, Number(process.env.BENCH_PROP_WARMUP ?? 3)));
const RECEIVERS = 10;
const RELAY_PORT = 7001;
const SINK_PORT = 7002;
const PEER_SCRIPT = join(import.meta.dirname, 'floor', 'peer.js');

type Kind = 'node' | 'go';

interface Row {
  kind: Kind;
  latenciesMs: number[];
  error?: string;
}

/** Lines `{"event": …}` the process printed so far. */
function events(child: TrackedChild): Array<{ event: string; latencyUs?: number }> {
  return child
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; latencyUs?: number });
}

const printed = (child: TrackedChild, event: string) => () => {
  if (events(child).some((e) => e.event === event)) return true;
  if (child.exitCode !== null) throw new Error(`exited: ${child.output().slice(-500)}`);
  return false;
};

async function runOne(kind: Kind, goRelay: string | undefined): Promise<Row> {
  const row: Row = { kind, latenciesMs: [] };
  const t = await createLink();
  try {
    const node = (ns: string, ...args: string[]) => t.spawn(ns, process.execPath, [PEER_SCRIPT, ...args]);
    const sink = node(t.a.ns, 'sink', t.a.ipv4, String(SINK_PORT), String(RECEIVERS));
    await waitFor(printed(sink, 'listening'), { timeoutMs: 10_000, what: 'the receivers listening' });
    const relayArgs = [`${t.b.ipv4}:${RELAY_PORT}`, `${t.a.ipv4}:${SINK_PORT}`, String(RECEIVERS)];
    const relay =
      kind === 'go'
        ? t.spawn(t.b.ns, goRelay as string, relayArgs)
        : node(t.b.ns, 'relay', t.b.ipv4, String(RELAY_PORT), t.a.ipv4, String(SINK_PORT), String(RECEIVERS));
    await waitFor(printed(relay, 'ready'), { timeoutMs: 10_000, what: `the ${kind} relay` });
    await waitFor(printed(sink, 'ready'), { timeoutMs: 10_000, what: 'every receiver connected' });
    const sender = node(t.a.ns, 'send', t.b.ipv4, String(RELAY_PORT), String(WARMUP + TRIALS));
    await waitFor(printed(sender, 'done'), {
      timeoutMs: (WARMUP + TRIALS) * 300 + 10_000,
      what: 'every message sent',
    });
    const total = (WARMUP + TRIALS) * RECEIVERS;
    await waitFor(() => events(sink).filter((e) => e.event === 'arrival').length >= total, {
      timeoutMs: 5000,
      what: 'every arrival',
    });
    const arrivals = events(sink).filter((e) => e.event === 'arrival');
    row.latenciesMs = arrivals.slice(WARMUP * RECEIVERS).map((e) => (e.latencyUs as number) / 1000);
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  return row;
}

/** Builds relay.go into `dir`; undefined (and why, on stderr) when Go is missing. */
function buildGoRelay(dir: string): string | undefined {
  const out = join(dir, 'relay');
  try {
    execFileSync('go', ['build', '-o', out, join(repoRoot(), 'bench', 'floor', 'relay.go')], {
      env: { ...process.env, GO111MODULE: 'off', GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return out;
  } catch (e) {
    console.error(`bench:propagation-floor: no Go relay (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const why = interopUnavailable([]);
  if (why) {
    console.error(`bench:propagation-floor needs network namespaces: ${why}`);
    return 1;
  }
  runLimit('propagation-floor', Number(process.env.BENCH_RUN_LIMIT_S ?? 300) * 1000);
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-floor-'));
  const rows: Row[] = [];
  try {
    const goRelay = buildGoRelay(work);
    for (const kind of goRelay ? (['node', 'go'] as const) : (['node'] as const)) {
      const r = await runOne(kind, goRelay);
      const d = distribution(r.latenciesMs);
      console.log(
        r.error
          ? `${kind} relay: FAILED ${r.error}`
          : `${kind} relay: one message in → ${RECEIVERS} receivers: p50 ${fmt(d.p50, 2)} ms, p99 ${fmt(d.p99, 2)} ms (${d.n} arrivals); ` +
              `first arrival of a trial p50 ${fmt(firstArrivals(r.latenciesMs, RECEIVERS).p50)} ms`,
      );
      rows.push(r);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  emitResult('propagation-floor', {
    trials: TRIALS,
    warmup: WARMUP,
    receivers: RECEIVERS,
    rows: rows.map((r) => ({
      ...r,
      dist: distribution(r.latenciesMs),
      firstArrival: firstArrivals(r.latenciesMs, RECEIVERS),
    })),
  });
  return rows.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
