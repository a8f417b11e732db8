// What the runner keeps of each bench's JSON result: flat metrics (table, row, column, value) that
// repeats can be lined up by, plus the raw series the charts draw. One extractor per bench; a
// missing field gives no metric rather than a wrong one.

export interface Metric {
  /** The table in docs/benchmarks.md. */
  table: string;
  /** A daemon or scenario. */
  row: string;
  column: string;
  value: number;
  /** Which way is better, for the ratio columns. */
  better: 'lower' | 'higher';
}

type Json = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const MB = 1024 * 1024;

function push(
  out: Metric[],
  table: string,
  row: string,
  column: string,
  v: unknown,
  better: Metric['better'],
) {
  const value = num(v);
  if (value !== undefined) out.push({ table, row, column, value, better });
}

const RECEIVER: Record<string, string> = { herald: 'Herald', bird: 'BIRD', gobgp: 'GoBGP', frr: 'FRR' };

function ingest(j: Json, out: Metric[]): void {
  const T = 'Ingest: full IPv4 table from one peer';
  push(out, T, 'Herald', 'seconds', j.seconds, 'lower');
  push(out, T, 'Herald', 'bytes/route', j.bytesPerRoute, 'lower');
  push(
    out,
    T,
    'Herald',
    'RSS idle MB',
    num(j.rssIdleBytes) !== undefined ? (j.rssIdleBytes as number) / MB : undefined,
    'lower',
  );
  for (const [k, v] of Object.entries((j.vs ?? {}) as Record<string, Json>)) {
    push(out, T, RECEIVER[k] ?? k, 'seconds', v.seconds, 'lower');
    push(out, T, RECEIVER[k] ?? k, 'bytes/route', v.bytesPerRoute, 'lower');
  }
}

function fib(j: Json, out: Metric[]): void {
  const T = `Kernel routes: ${j.prefixes} prefixes from one peer into the kernel`;
  for (const r of (j.rows ?? []) as Json[]) {
    const name = String(r.name);
    push(out, T, name, 'install s', r.installSeconds, 'lower');
    push(out, T, name, 'routes/s', r.routesPerSecond, 'higher');
    push(out, T, name, 'CPU s', r.cpuSeconds, 'lower');
    push(
      out,
      T,
      name,
      'RSS full MB',
      num(r.rssFullBytes) !== undefined ? (r.rssFullBytes as number) / MB : undefined,
      'lower',
    );
    push(
      out,
      T,
      name,
      'RSS settled MB',
      num(r.rssSettledBytes) !== undefined ? (r.rssSettledBytes as number) / MB : undefined,
      'lower',
    );
    push(out, T, name, 'bytes/route', r.bytesPerRoute, 'lower');
    push(out, T, name, 'max keepalive gap s', r.maxKeepaliveGapSeconds, 'lower');
    push(out, T, name, 'remove on stop s', r.removeSeconds, 'lower');
  }
}

function bfd(j: Json, out: Metric[]): void {
  for (const r of (j.detection ?? []) as Json[]) {
    const T = `BFD detection time at ${r.timers} (ms from the cut; bound ${r.bound} ms)`;
    const d = (r.dist ?? {}) as Json;
    const name = String(r.name);
    push(out, T, name, 'p50 ms', d.p50, 'lower');
    push(out, T, name, 'p99 ms', d.p99, 'lower');
    push(out, T, name, 'max ms', d.max, 'lower');
    push(out, T, name, 'false/missed Down', (num(r.falseDowns) ?? 0) + (num(r.missed) ?? 0), 'lower');
  }
  for (const r of (j.cpu ?? []) as Json[]) {
    const T = `BFD cost: ${r.sessions} sessions at ${r.timers}, CPU % of one core`;
    const peer = r.peer === 'frr' ? 'FRR bfdd' : 'BIRD';
    push(out, T, `Herald (against ${peer})`, 'CPU %', r.heraldCpuPercent, 'lower');
    push(out, T, peer, 'CPU %', r.peerCpuPercent, 'lower');
  }
}

const mb = (v: unknown): number | undefined => (num(v) !== undefined ? (v as number) / MB : undefined);

function k8s(j: Json, out: Metric[]): void {
  const I = 'Idle memory (Kubernetes mode against the fake API server; bare metal from a config file)';
  const idleRows: Array<[string, unknown, unknown]> = [
    ['Kubernetes mode, 100 services (target ≤ 80 MB)', j.idleK8sRssBytes, j.idleK8sSettledRssBytes],
    [
      'bare metal, 2 neighbors, 100 announcements (target ≤ 60 MB)',
      j.idleBareRssBytes,
      j.idleBareSettledRssBytes,
    ],
  ];
  for (const [row, steady, settled] of idleRows) {
    push(out, I, row, `RSS MB after ${j.idleSeconds ?? 60} s idle`, mb(steady), 'lower');
    push(out, I, row, `RSS MB after ${j.settleSeconds ?? 5} s`, mb(settled), 'lower');
  }
  const T = `Kubernetes mode: services created at once; one EndpointSlice change → UPDATE at the router (debounce ${j.debounceMs} ms)`;
  for (const s of (j.sizes ?? []) as Json[]) {
    const row = `${s.services} services`;
    const p = (s.propagation ?? {}) as Json;
    push(out, T, row, 'all created → router s', s.bulkSeconds, 'lower');
    push(out, T, row, 'slice change → UPDATE p50 ms', p.p50, 'lower');
    push(out, T, row, 'p99 ms', p.p99, 'lower');
  }
  const a = j.allocation as Json | undefined;
  if (a) {
    const A = 'Kubernetes mode with allocation: services created without IPs, this instance allocating';
    const row = `${a.services} services`;
    push(out, A, row, 'every IP in status s', a.allocatedSeconds, 'lower');
    push(out, A, row, 'every route at the router s', a.routedSeconds, 'lower');
  }
}

function frrk8s(j: Json, out: Metric[]): void {
  const T = `FRR-K8s mode: 100 FRRConfigurations, 10 peers, 1,000 prefixes (debounce ${j.debounceMs} ms)`;
  const row = 'Herald';
  push(out, T, row, 'RSS without them MB', mb(j.withoutRssBytes), 'lower');
  push(out, T, row, 'RSS with them MB', mb(j.withRssBytes), 'lower');
  push(out, T, row, 'more MB (target ≤ 10)', mb(j.rssDeltaBytes), 'lower');
  const d = (j.change ?? {}) as Json;
  push(out, T, row, 'change → UPDATE p50 ms', d.p50, 'lower');
  push(out, T, row, 'p99 ms (target < 100)', d.p99, 'lower');
}

function propagation(j: Json, out: Metric[]): void {
  const warm = j.bench === 'propagation-warm' ? `, after ${j.warmup} warm-up routes (steady state)` : '';
  const T = `Propagation: one route in → out to ${j.peers} eBGP peers (ms, write at the sender → arrival${warm})`;
  for (const r of (j.rows ?? []) as Json[]) {
    const d = (r.dist ?? {}) as Json;
    push(out, T, String(r.name), 'p50 ms', d.p50, 'lower');
    push(out, T, String(r.name), 'p99 ms', d.p99, 'lower');
    push(out, T, String(r.name), 'first arrival p50 ms', ((r.firstArrival ?? {}) as Json).p50, 'lower');
  }
}

function propagationFloor(j: Json, out: Metric[]): void {
  const T = `Propagation floor: a relay that parses nothing, one message in → ${j.receivers} receivers (ms)`;
  for (const r of (j.rows ?? []) as Json[]) {
    const d = (r.dist ?? {}) as Json;
    const row = r.kind === 'go' ? 'Go relay' : 'Node relay';
    push(out, T, row, 'p50 ms', d.p50, 'lower');
    push(out, T, row, 'p99 ms', d.p99, 'lower');
    push(out, T, row, 'first arrival p50 ms', ((r.firstArrival ?? {}) as Json).p50, 'lower');
  }
}

function rib(j: Json, out: Metric[]): void {
  const T = 'Routing engine: two full tables, withdrawal, 4 extra peers';
  for (const [k, v] of Object.entries((j.receivers ?? {}) as Record<string, Json>)) {
    push(out, T, RECEIVER[k] ?? k, 'load s', v.loadSeconds, 'lower');
    push(out, T, RECEIVER[k] ?? k, 'converge s', v.convergeSeconds, 'lower');
    push(out, T, RECEIVER[k] ?? k, 'export s', v.exportSeconds, 'lower');
    push(out, T, RECEIVER[k] ?? k, 'bytes/path', v.bytesPerPath, 'lower');
  }
}

function apiRoutes(j: Json, out: Metric[]): void {
  const T = 'Listing the full table through the control interface';
  for (const r of (j.herald ?? []) as Json[])
    push(out, T, `Herald ${r.listing}`, 'seconds', r.seconds, 'lower');
  for (const [k, v] of Object.entries((j.vs ?? {}) as Record<string, Json>))
    push(out, T, k, 'seconds', v.seconds, 'lower');
}

function churn(j: Json, out: Metric[]): void {
  const T = `Churn: ${j.prefixes} prefixes withdrawn and re-announced every second for ${j.seconds} s (one iBGP peer)`;
  for (const r of (j.rows ?? []) as Json[]) {
    if (r.error) continue;
    const name = String(r.name);
    const p = (r.proc ?? {}) as Json;
    push(out, T, name, 'CPU s', p.cpuSeconds, 'lower');
    push(
      out,
      T,
      name,
      'zebra CPU s (FRR)',
      ((r.side ?? {}) as Record<string, Json>).zebra?.cpuSeconds,
      'lower',
    );
    push(out, T, name, 'lag s', r.keptUp ? r.lagSeconds : undefined, 'lower');
    push(out, T, name, 'RSS before MB', mb(p.rssBeforeBytes), 'lower');
    push(out, T, name, 'RSS peak MB', mb(p.rssPeakBytes), 'lower');
    push(out, T, name, 'RSS after MB', mb(r.rssSettledBytes), 'lower');
    push(out, T, name, 'exact, no reset (1 = yes)', r.finalExact && r.sessionKept ? 1 : 0, 'higher');
  }
}

function fanin(j: Json, out: Metric[]): void {
  const how = j.shared ? 'the same' : 'distinct';
  const T = `Fan-in: ${j.peers} peers × ${j.routesPerPeer} routes (${how} prefixes), until all ${j.paths} paths are held`;
  for (const r of (j.rows ?? []) as Json[]) {
    if (r.error) continue;
    const name = String(r.name);
    const p = (r.proc ?? {}) as Json;
    push(out, T, name, 'seconds', r.seconds, 'lower');
    push(out, T, name, 'CPU s', p.cpuSeconds, 'lower');
    push(out, T, name, 'RSS growth MB', mb(r.rssGrowthBytes), 'lower');
    push(out, T, name, 'RSS after MB', mb(p.rssAfterBytes), 'lower');
  }
}

function send(j: Json, out: Metric[]): void {
  const table = (what: string) =>
    `Send: full IPv4 table (${j.prefixes} prefixes, learned over iBGP) ${what} (eBGP)`;
  const phases: Array<[string, string]> = [
    ['toOne', table('to 1 peer')],
    ['toFour', table('re-advertised to 4 more peers at once')],
  ];
  for (const r of (j.rows ?? []) as Json[]) {
    if (r.error) continue;
    const name = String(r.name);
    // RSS before a phase: with the table learned, then after the first peer
    let before = r.rssLoadedBytes;
    for (const [key, T] of phases) {
      const p = (r[key] ?? {}) as Json;
      push(out, T, name, 'seconds', p.seconds, 'lower');
      push(out, T, name, 'CPU s', ((p.proc ?? {}) as Json).cpuSeconds, 'lower');
      push(out, T, name, 'RSS before MB', mb(before), 'lower');
      push(out, T, name, 'RSS after MB', mb(p.rssSettledBytes), 'lower');
      const zebra = ((p.side ?? {}) as Record<string, Json>).zebra;
      push(out, T, name, 'zebra CPU s (FRR)', zebra?.cpuSeconds, 'lower');
      before = p.rssSettledBytes;
    }
  }
}

const EXTRACTORS: Record<string, (j: Json, out: Metric[]) => void> = {
  ingest,
  fib,
  bfd,
  k8s,
  frrk8s,
  propagation,
  'propagation-warm': propagation,
  'propagation-floor': propagationFloor,
  rib,
  'api-routes': apiRoutes,
  churn,
  fanin,
  send,
};

export function metricsOf(result: Json): Metric[] {
  const out: Metric[] = [];
  EXTRACTORS[String(result.bench)]?.(result, out);
  return out;
}
