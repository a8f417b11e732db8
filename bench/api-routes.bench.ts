// npm run bench:api — listing a full table through the control interface, Herald against BIRD,
// GoBGP and FRR. Each receiver in turn gets the whole IPv4 table of the MRT capture exactly as in
// bench:ingest (raw sender in namespace A, receiver alone in namespace B, same harness), and once
// every route is held the full listing is read back:
//   Herald  GET /api/v1/routes?table=in, ?table=in&format=ndjson and ?table=loc, over HTTP on the
//           API's unix socket; the body is streamed through a row counter that JSON.parse()s every
//           row (never the whole body) and checks each has a prefix.
//   BIRD    birdc show route [all] table master4 protocol <the sender>
//   GoBGP   gobgp -j global rib -a ipv4, and gobgp -j neighbor <sender> adj-in -a ipv4
//   FRR     vtysh -c 'show bgp ipv4 unicast json'
// For each: wall time until the last byte, rows counted (checked against the routes the receiver
// says it holds), bytes, and the daemon's resident memory sampled every 50 ms on a worker thread
// (peak growth over the reading just before the listing, and per row), plus the CLI process's own
// peak. Every listing is bounded (BENCH_LIST_TIMEOUT_S, default 120 s: a slower one is reported as
// "> 120 s"); processes and namespaces are the ingest harness's, removed on every exit path.
//
// Env: BENCH_RECEIVERS=herald,bird,gobgp,frr, BENCH_REPEATS=2 (each listing; the table shows the
// median time and the largest memory growth), BENCH_LIST_TIMEOUT_S=120, BENCH_LOAD_TIMEOUT_S=300,
// BENCH_RUN_LIMIT_S=1500 (whole run), BENCH_HERALD_PROF=1 (V8 CPU profile of Herald, top functions
// per listing; timings then not comparable), BENCH_MATERIALISE=0 (skip the built-in-memory reference:
// Herald's rows read once more, untimed, and held as objects plus one JSON string in this process),
// BENCH_HERALD_NODE_ARGS, HERALD_MRT_DIR.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressTag,
  createLink,
  delay,
  interopUnavailable,
  type LinkTopology,
  waitFor,
} from '../test/interop/harness/index.js';
import { type Materialised, materialise } from './api/materialise.js';
import { heapFromMetrics, httpText, type ListingResult, listCommand, listHttp } from './api/measure.js';
import { birdPrefixLine, JsonRows, LineRows, NdjsonRows, type RowSink } from './api/rows.js';
import { FULL_TABLE_MRT, loadUpdates } from './ingest/data.js';
import { cpuSeconds, rssBytes, summarizeProfile } from './ingest/proc.js';
import {
  ASN,
  HOLD_TIME,
  RECEIVER_NAMES,
  type Receiver,
  type ReceiverKind,
  receiverKindsFromEnv,
  startReceiver,
} from './ingest/receivers.js';
import type { SpeakerArgs } from './ingest/speaker.js';
import { SpeakerProcess } from './ingest/speaker-process.js';

const KINDS = receiverKindsFromEnv();
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 2));
const LIST_TIMEOUT_MS = Number(process.env.BENCH_LIST_TIMEOUT_S ?? 120) * 1000;
const LOAD_TIMEOUT_MS = Number(process.env.BENCH_LOAD_TIMEOUT_S ?? 300) * 1000;
const RUN_LIMIT_MS = Number(process.env.BENCH_RUN_LIMIT_S ?? 1500) * 1000;
const PROFILE = process.env.BENCH_HERALD_PROF === '1';
/** Also build Herald's rows in memory here once (untimed), as the reference for the memory figures. */
const MATERIALISE = process.env.BENCH_MATERIALISE !== '0';
const HERALD_NODE_ARGS = process.env.BENCH_HERALD_NODE_ARGS || undefined;
/** Quiet time after loading, and between listings (lets the receiver finish what the last one started). */
const SETTLE_MS = 2000;
const PAUSE_MS = 1000;

const MB = 1024 * 1024;
const hr = (): bigint => process.hrtime.bigint();

/** Which Herald listing a reference listing is compared with. */
type Equivalent = 'in' | 'loc';

interface Run extends ListingResult {
  /** Daemon RSS just before the request (bytes). */
  rssBefore: number;
  /** Herald: V8 heap used / total just before the request (bytes, from /metrics). */
  heapBefore: Heap;
  /** Daemon CPU seconds spent during the listing. */
  daemonCpu: number;
  /** Rows that failed the per-row check (Herald only). */
  badRows: number;
  /** Rows with best: true (Herald loc only). */
  bestRows: number;
  window: { from: bigint; to: bigint };
}

interface Listing {
  kind: ReceiverKind;
  name: string;
  equivalent: Equivalent;
  /** Routes the receiver says it holds (the rows expected). */
  expected: number;
  runs: Run[];
  /** Daemon RSS just before this listing's first run; and SETTLE_MS after its last run. */
  rssLoaded: number;
  rssAfter?: number;
  heapAfter?: Heap;
}

interface Heap {
  used?: number;
  total?: number;
}

interface ListingSpec {
  name: string;
  equivalent: Equivalent;
  /** Runs the listing once into a fresh row counter (Herald's rows go through `check`). */
  run(check: RowCheck): Promise<ListingResult>;
}

type SinkMaker = (onRow?: (r: unknown) => void) => RowSink;

class RowCheck {
  bad = 0;
  best = 0;
  readonly onRow = (r: unknown): void => {
    const row = r as { prefix?: unknown; neighbor?: unknown; best?: unknown };
    if (typeof row.prefix !== 'string' || !row.prefix.includes('/') || typeof row.neighbor !== 'string')
      this.bad++;
    if (row.best === true) this.best++;
  };
}

function speakerArgs(t: LinkTopology, file: string): SpeakerArgs {
  return {
    mode: 'send',
    address: t.b.ipv4,
    port: 179,
    localAddress: t.a.ipv4,
    asn: ASN,
    bgpId: t.a.ipv4,
    holdTime: HOLD_TIME,
    file,
    connectTimeoutMs: 60_000,
  };
}

/** The listings of one receiver. */
function specsFor(kind: ReceiverKind, rx: Receiver, t: LinkTopology): ListingSpec[] {
  const daemon = rx.pids[0];
  const cmd =
    (bin: string, args: string[], sink: SinkMaker): ListingSpec['run'] =>
    () =>
      listCommand(bin, args, sink(), { timeoutMs: LIST_TIMEOUT_MS, samplePids: [daemon], sampleChild: true });
  switch (kind) {
    case 'herald':
    case 'herald-policy': {
      const socket = join(rx.dir, 'api.sock');
      const http =
        (path: string, sink: SinkMaker): ListingSpec['run'] =>
        (check) =>
          listHttp(socket, path, sink(check.onRow), { timeoutMs: LIST_TIMEOUT_MS, samplePids: [daemon] });
      const json: SinkMaker = (onRow) => new JsonRows({ onRow });
      const ndjson: SinkMaker = (onRow) => new NdjsonRows(onRow);
      const spec = (path: string, equivalent: Equivalent, sink: SinkMaker): ListingSpec => ({
        name: `GET ${path}`,
        equivalent,
        run: http(path, sink),
      });
      return [
        spec('/api/v1/routes?table=in', 'in', json),
        spec('/api/v1/routes?table=in&format=ndjson', 'in', ndjson),
        spec('/api/v1/routes?table=loc', 'loc', json),
      ];
    }
    case 'bird': {
      const ctl = join(rx.dir, 'bird.ctl');
      const proto = `n1_${addressTag(t.a.ipv4)}`; // the harness's protocol name for neighbor 1
      const lines = () => new LineRows(birdPrefixLine);
      return [
        {
          name: 'birdc show route all',
          equivalent: 'loc',
          run: cmd(
            'birdc',
            ['-s', ctl, 'show', 'route', 'table', 'master4', 'protocol', proto, 'all'],
            lines,
          ),
        },
        {
          name: 'birdc show route',
          equivalent: 'loc',
          run: cmd('birdc', ['-s', ctl, 'show', 'route', 'table', 'master4', 'protocol', proto], lines),
        },
      ];
    }
    case 'gobgp': {
      const target = `unix://${join(rx.dir, 'api.sock')}`;
      const keys = () => new JsonRows({ depth: 1 });
      return [
        {
          name: 'gobgp -j global rib',
          equivalent: 'loc',
          run: cmd('gobgp', ['--target', target, '-j', 'global', 'rib', '-a', 'ipv4'], keys),
        },
        {
          name: 'gobgp -j neighbor adj-in',
          equivalent: 'in',
          run: cmd('gobgp', ['--target', target, '-j', 'neighbor', t.a.ipv4, 'adj-in', '-a', 'ipv4'], keys),
        },
      ];
    }
    case 'frr': {
      const routes = () => new JsonRows({ depth: 2, underKey: 'routes' });
      return [
        {
          name: 'vtysh show bgp ipv4 unicast json',
          equivalent: 'loc',
          run: cmd(
            'vtysh',
            ['--vty_socket', rx.dir, '-d', 'bgpd', '-c', 'show bgp ipv4 unicast json'],
            routes,
          ),
        },
      ];
    }
  }
}

/** Loads the table into a fresh receiver, runs its listings, tears everything down. */
async function benchReceiver(
  kind: ReceiverKind,
  file: string,
  endState: number,
  profileDir: string | undefined,
): Promise<{
  listings: Listing[];
  loadSeconds?: number;
  error?: string;
  profile?: string[];
  materialised?: Materialised;
}> {
  const t = await createLink();
  let rx: Receiver | undefined;
  const listings: Listing[] = [];
  let loadSeconds: number | undefined;
  try {
    rx = await startReceiver(kind, t, { heraldProfileDir: profileDir, heraldNodeArgs: HERALD_NODE_ARGS });
    const sender = new SpeakerProcess(t.a.ns, speakerArgs(t, file));
    await sender.next('established', 60_000);
    const r = rx;
    await waitFor(() => r.established(), { timeoutMs: 30_000, intervalMs: 100, what: `${kind} Established` });
    sender.go();
    const start = await sender.next('start', 10_000);
    const held = await waitFor(
      async () => {
        const bad = sender.trouble();
        if (bad) throw new Error(`sender: ${bad.event}`);
        const n = await r.routes();
        return n >= endState ? n : false;
      },
      { timeoutMs: LOAD_TIMEOUT_MS, intervalMs: 250, what: `${kind}: all ${endState} routes held` },
    );
    loadSeconds = Number(hr() - start.t) / 1e9;
    await sender.next('written', 10_000);
    await delay(SETTLE_MS);
    const expected = await rx.routes();
    console.log(
      `${RECEIVER_NAMES[kind]}: ${held} routes held ${loadSeconds.toFixed(1)} s after the first UPDATE; ` +
        `RSS ${(rssBytes(rx.pids[0]) / MB).toFixed(1)} MB`,
    );
    const pid = rx.pids[0];
    const socket = join(rx.dir, 'api.sock');
    const heap = async (): Promise<Heap> =>
      kind === 'herald' ? heapFromMetrics(await httpText(socket, '/metrics')) : {};
    for (const spec of specsFor(kind, rx, t)) {
      const listing: Listing = {
        kind,
        name: spec.name,
        equivalent: spec.equivalent,
        expected,
        runs: [],
        rssLoaded: rssBytes(pid),
      };
      listings.push(listing);
      for (let i = 0; i < REPEATS; i++) {
        const check = new RowCheck();
        const heapBefore = await heap();
        const rssBefore = rssBytes(pid);
        const cpu0 = cpuSeconds(pid);
        const from = hr();
        const res = await spec.run(check);
        const to = hr();
        const run: Run = {
          ...res,
          rssBefore,
          heapBefore,
          daemonCpu: cpuSeconds(pid) - cpu0,
          badRows: check.bad,
          bestRows: check.best,
          window: { from, to },
        };
        listing.runs.push(run);
        console.log(`  [${i + 1}] ${spec.name}: ${describeRun(run, expected)}`);
        if (res.timedOut) break; // once is enough to know it is over the limit
        await delay(PAUSE_MS);
      }
      await delay(SETTLE_MS);
      listing.rssAfter = rssBytes(pid);
      listing.heapAfter = await heap();
    }
    let materialised: Materialised | undefined;
    if (kind === 'herald' && MATERIALISE) {
      materialised = await materialise(socket, '/api/v1/routes?table=in&format=ndjson', LIST_TIMEOUT_MS);
      console.log(
        `  built in memory instead (in this process, untimed): ${materialised.rows} row objects ` +
          `${mb(materialised.rowBytes)} MB + the body as one string ${mb(materialised.bodyBytes)} MB`,
      );
    }
    await rx.stop();
    await sender.stop();
    let profile: string[] | undefined;
    if (profileDir && kind === 'herald') {
      profile = [];
      for (const l of listings) {
        const w = l.runs[l.runs.length - 1]?.window;
        if (!w) continue;
        const p = summarizeProfile(profileDir, 12, w);
        profile.push(
          `${l.name} (last run, ${(p.busyMs / 1000).toFixed(2)} s busy of ${((p.windowMs ?? 0) / 1000).toFixed(2)} s):`,
        );
        for (const e of p.entries)
          profile.push(
            `  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}`,
          );
      }
    }
    return { listings, loadSeconds, profile, materialised };
  } catch (e) {
    const tail = rx?.logs().slice(-1500);
    if (tail) console.error(`--- ${kind} log tail ---\n${tail}\n---`);
    return { listings, loadSeconds, error: (e as Error).message.split('\n')[0] };
  } finally {
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
}

const f = (n: number | undefined, d = 2): string =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d);
const mb = (b: number | undefined, d = 1): string => f(b === undefined ? undefined : b / MB, d);

function describeRun(r: Run, expected: number): string {
  if (r.timedOut)
    return `> ${LIST_TIMEOUT_MS / 1000} s (killed; ${r.rows} rows, ${mb(r.bytes)} MB read by then)`;
  const growth = (r.rss[0]?.peak ?? r.rssBefore) - r.rssBefore;
  return (
    `${r.rows} rows${r.rows === expected ? '' : ` (EXPECTED ${expected})`} in ${r.seconds.toFixed(2)} s ` +
    `(first byte ${f(r.firstByteSeconds, 3)} s), ${mb(r.bytes)} MB, daemon CPU ${f(r.daemonCpu)} s, ` +
    `RSS ${mb(r.rssBefore)} → peak ${mb(r.rss[0]?.peak)} MB (+${mb(growth)}), client CPU ${f(r.clientCpuSeconds)} s` +
    (r.rss[1]?.peak ? `, CLI peak ${mb(r.rss[1].peak)} MB` : '') +
    (r.heapBefore.used !== undefined
      ? `, heap used/total before ${mb(r.heapBefore.used)}/${mb(r.heapBefore.total)} MB`
      : '') +
    (r.badRows ? `, ${r.badRows} BAD ROWS` : '') +
    (r.error ? `; ERROR ${r.error}` : '')
  );
}

function median(xs: number[]): number | undefined {
  const v = [...xs].sort((a, b) => a - b);
  return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)];
}

interface Row {
  listing: Listing;
  ok: boolean;
  timedOut: boolean;
  seconds?: number;
  rows?: number;
  bytes?: number;
  firstByte?: number;
  daemonCpu?: number;
  /** Largest (peak − before) over the runs. */
  growth?: number;
  cliPeak?: number;
  clientCpu?: number;
  errors: string[];
}

function summarize(l: Listing): Row {
  const good = l.runs.filter((r) => !r.timedOut && !r.error);
  const timedOut = l.runs.some((r) => r.timedOut);
  const errors = l.runs.flatMap((r) => (r.error && !r.timedOut ? [r.error] : []));
  const growths = l.runs.map((r) => (r.rss[0]?.peak ?? r.rssBefore) - r.rssBefore);
  const cli = l.runs.map((r) => r.rss[1]?.peak ?? 0);
  return {
    listing: l,
    ok: good.length > 0,
    timedOut,
    seconds: median(good.map((r) => r.seconds)),
    rows: good.length ? Math.min(...good.map((r) => r.rows)) : undefined,
    bytes: median(good.map((r) => r.bytes)),
    firstByte: median(good.flatMap((r) => (r.firstByteSeconds === undefined ? [] : [r.firstByteSeconds]))),
    daemonCpu: median(good.map((r) => r.daemonCpu)),
    growth: growths.length ? Math.max(...growths) : undefined,
    cliPeak: Math.max(0, ...cli) || undefined,
    clientCpu: median(good.map((r) => r.clientCpuSeconds)),
    errors,
  };
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function report(
  all: Listing[],
  loads: Map<ReceiverKind, number | undefined>,
  failures: string[],
  built: Materialised | undefined,
): number {
  const rows = all.map(summarize);
  const herald = (name: string) => rows.find((r) => r.listing.kind === 'herald' && r.listing.name === name);
  const hIn = herald('GET /api/v1/routes?table=in');
  const hLoc = herald('GET /api/v1/routes?table=loc');
  const ratio = (h: Row | undefined, r: Row): string => {
    if (!h?.seconds) return '-';
    if (r.timedOut && !r.ok) return `< ${f(h.seconds / (LIST_TIMEOUT_MS / 1000), 3)}`;
    return r.seconds ? f(h.seconds / r.seconds, 3) : '-';
  };
  const header = [
    'listing',
    'rows',
    'seconds',
    'rows/s',
    'MB out',
    '1st byte s',
    'daemon CPU s',
    'RSS loaded MB',
    'peak growth MB',
    'B/row growth',
    'CLI peak MB',
    'Herald in / this',
    'Herald loc / this',
  ];
  const table = rows.map((r) => {
    const l = r.listing;
    const name = `${RECEIVER_NAMES[l.kind]}: ${l.name}`;
    if (!r.ok && !r.timedOut) return [name, 'FAILED', r.errors[0] ?? ''];
    const secs = r.ok ? f(r.seconds) : `> ${LIST_TIMEOUT_MS / 1000}`;
    return [
      name,
      r.ok ? `${r.rows}${r.rows === l.expected ? '' : ` ≠ ${l.expected}`}` : '-',
      secs,
      r.ok && r.rows && r.seconds ? f(r.rows / r.seconds, 0) : '-',
      r.ok ? mb(r.bytes) : '-',
      r.ok ? f(r.firstByte, 3) : '-',
      r.ok ? f(r.daemonCpu, 1) : '-',
      mb(l.rssLoaded),
      mb(r.growth),
      r.growth !== undefined && l.expected ? f(r.growth / l.expected, 1) : '-',
      mb(r.cliPeak),
      ratio(hIn, r),
      ratio(hLoc, r),
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.filter((r) => r.length > 3).map((r) => r[i].length)),
  );
  console.log('');
  console.log(
    `Full-table listings, median time of ${REPEATS} run(s) each, largest memory growth; each receiver alone ` +
      'in fresh namespaces with the whole table loaded:',
  );
  console.log(pad(header, widths));
  for (const row of table) console.log(row.length > 3 ? pad(row, widths) : row.join('  '));
  console.log('');
  console.log(
    `seconds: request sent / CLI started → last byte read (timeout ${LIST_TIMEOUT_MS / 1000} s). ` +
      'rows: Herald rows, BIRD prefix lines, GoBGP/FRR prefixes (JSON keys), against the routes the daemon ' +
      'reports holding. peak growth: daemon VmRSS (every 50 ms) peak − VmRSS just before the listing, ' +
      'largest over the runs; B/row: that / rows. CLI peak: the birdc/gobgp/vtysh process. ' +
      'Herald … / this: Herald seconds / this listing seconds (< 1: Herald faster).',
  );
  for (const [kind, s] of loads) console.log(`${RECEIVER_NAMES[kind]} load: ${f(s, 1)} s to hold all routes`);
  for (const r of rows) {
    const l = r.listing;
    if (l.rssAfter !== undefined)
      console.log(
        `${RECEIVER_NAMES[l.kind]}: ${l.name}: RSS ${mb(l.rssLoaded)} MB before, ${mb(l.rssAfter)} MB ` +
          `${SETTLE_MS / 1000} s after the last run` +
          (l.heapAfter?.used !== undefined
            ? ` (V8 heap used/total ${mb(l.runs[0]?.heapBefore.used)}/${mb(l.runs[0]?.heapBefore.total)} MB → ` +
              `${mb(l.heapAfter.used)}/${mb(l.heapAfter.total)} MB)`
            : '') +
          `; client CPU ${f(r.clientCpu)} s` +
          (l.kind === 'herald' && l.equivalent === 'loc'
            ? `; best rows ${l.runs.map((x) => x.bestRows).join(', ')}`
            : ''),
      );
  }
  if (built) {
    const peak = Math.max(...rows.filter((r) => r.listing.kind === 'herald').map((r) => r.growth ?? 0));
    console.log(
      `Built in memory instead (${built.rows} rows held as RouteView-shaped objects, attributes shared, ` +
        `measured as V8 heap in the bench process): rows ${mb(built.rowBytes)} MB ` +
        `(${f(built.rowBytes / built.rows, 0)} B/row) + JSON.stringify of the array ${mb(built.bodyBytes)} MB = ` +
        `${mb(built.totalBytes)} MB; Herald's largest RSS growth during one streamed listing: ${mb(peak)} MB.`,
    );
  }
  for (const m of failures) console.log(`FAILED: ${m}`);
  const vs: Record<string, unknown> = {};
  for (const r of rows) {
    if (r.listing.kind === 'herald') continue;
    vs[`${r.listing.kind}: ${r.listing.name}`] = {
      seconds: r.ok ? r.seconds : null,
      timedOut: r.timedOut && !r.ok,
      rows: r.rows ?? null,
      growthBytes: r.growth ?? null,
      heraldInRatio: hIn?.seconds && r.seconds ? hIn.seconds / r.seconds : null,
      heraldLocRatio: hLoc?.seconds && r.seconds ? hLoc.seconds / r.seconds : null,
    };
  }
  console.log(
    JSON.stringify({
      bench: 'api-routes',
      repeats: REPEATS,
      profiled: PROFILE,
      builtInMemory: built ?? null,
      herald: rows
        .filter((r) => r.listing.kind === 'herald')
        .map((r) => ({
          listing: r.listing.name,
          rows: r.rows ?? null,
          expected: r.listing.expected,
          seconds: r.seconds ?? null,
          rowsPerSecond: r.rows && r.seconds ? r.rows / r.seconds : null,
          bytes: r.bytes ?? null,
          growthBytes: r.growth ?? null,
          growthBytesPerRow: r.growth !== undefined ? r.growth / r.listing.expected : null,
          badRows: r.listing.runs.reduce((s, x) => s + x.badRows, 0),
          errors: r.errors,
        })),
      vs,
    }),
  );
  const wrong = rows.filter(
    (r) =>
      (!r.ok && !r.timedOut) ||
      (r.ok && r.rows !== r.listing.expected) ||
      r.listing.runs.some((x) => x.badRows > 0 || (x.error && !x.timedOut)),
  );
  return wrong.length > 0 || failures.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const why = interopUnavailable(KINDS.filter((k): k is 'bird' | 'gobgp' | 'frr' => !k.startsWith('herald')));
  if (why) {
    console.error(`bench:api needs the interop environment: ${why}`);
    return 1;
  }
  const limit = setTimeout(() => {
    console.error(`bench:api: over the ${RUN_LIMIT_MS / 1000} s limit, giving up`);
    process.exit(1); // the harness's exit hook kills what runs in the namespaces and deletes them
  }, RUN_LIMIT_MS);
  limit.unref();
  const stream = loadUpdates(FULL_TABLE_MRT);
  console.log(
    `${stream.messages} UPDATEs → ${stream.endState} prefixes; receivers: ` +
      `${KINDS.map((k) => RECEIVER_NAMES[k]).join(', ')}; ${REPEATS} run(s) per listing` +
      `${PROFILE ? '; Herald CPU-profiled (times not comparable)' : ''}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-api-'));
  const file = join(work, 'updates.bin');
  writeFileSync(file, stream.bytes);
  const profileDir = PROFILE ? join(work, 'prof') : undefined;
  try {
    const all: Listing[] = [];
    const loads = new Map<ReceiverKind, number | undefined>();
    const failures: string[] = [];
    const profiles: string[] = [];
    let built: Materialised | undefined;
    for (const kind of KINDS) {
      const r = await benchReceiver(kind, file, stream.endState, profileDir);
      all.push(...r.listings);
      loads.set(kind, r.loadSeconds);
      if (r.error) {
        failures.push(`${RECEIVER_NAMES[kind]}: ${r.error}`);
        console.log(`${RECEIVER_NAMES[kind]}: FAILED ${r.error}`);
      }
      if (r.profile) profiles.push(...r.profile);
      built ??= r.materialised;
    }
    if (profiles.length) {
      console.log('\nHerald CPU profile per listing, self time:');
      for (const l of profiles) console.log(l);
    }
    return report(all, loads, failures, built);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
