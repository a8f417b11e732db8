// Charts for docs/benchmarks.md: Vega-Lite specs built from the benches' results, compiled to
// Vega and rendered to SVG headless (vega's View with renderer 'none', no browser, no canvas).
// vega and vega-lite are optional dev dependencies: without them the charts are skipped with a
// message and the tables are still written.

type Json = Record<string, unknown>;
export interface Chart {
  file: string;
  title: string;
  spec: Json;
}

const WIDTH = 560;

/** Series of [seconds, routes] per daemon, as one line each (routes over time). */
function routesOverTime(
  file: string,
  title: string,
  byDaemon: Array<[string, Array<[number, number]>]>,
  how: { mark: Json; xTitle: string; yTitle: string },
): Chart | undefined {
  const values = byDaemon.flatMap(([daemon, series]) =>
    series.map(([seconds, routes]) => ({ daemon, seconds, routes })),
  );
  if (values.length === 0) return undefined;
  return {
    file,
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: WIDTH,
      height: 260,
      data: { values },
      mark: how.mark,
      encoding: {
        x: { field: 'seconds', type: 'quantitative', title: how.xTitle },
        y: { field: 'routes', type: 'quantitative', title: how.yTitle },
        color: { field: 'daemon', type: 'nominal' },
      },
    },
  };
}

/** Routes in the kernel over time per daemon (the fib bench's series). */
function fibChart(fib: Json | undefined): Chart | undefined {
  const rows = (fib?.rows ?? []) as Json[];
  return routesOverTime(
    'fib-routes-over-time.svg',
    'Routes in the kernel over time',
    rows.map((r) => [String(r.name), (r.series ?? []) as Array<[number, number]>]),
    {
      mark: { type: 'line', interpolate: 'step-after' },
      xTitle: 'seconds since the first UPDATE octet',
      yTitle: 'routes in the kernel',
    },
  );
}

/** Routes held over time per receiver during the full-table ingest (the ingest bench's polls). */
function ingestRoutesChart(ingest: Json | undefined): Chart | undefined {
  const byReceiver = (ingest?.series ?? {}) as Record<string, Array<[number, number]>>;
  return routesOverTime(
    'ingest-routes-over-time.svg',
    'Routes held over time during a full-table ingest',
    Object.entries(byReceiver),
    {
      mark: { type: 'line', point: true },
      xTitle: 'seconds since the first UPDATE octet (at each poll)',
      yTitle: 'routes held',
    },
  );
}

/** Every BFD detection time per pair and timer set (ticks), with the RFC bound as a rule. */
function bfdChart(bfd: Json | undefined): Chart | undefined {
  const rows = (bfd?.detection ?? []) as Json[];
  const values = rows.flatMap((r) =>
    ((r.detectionMs ?? []) as number[]).map((ms) => ({ pair: r.name, timers: r.timers, ms, bound: r.bound })),
  );
  if (values.length === 0) return undefined;
  return {
    file: 'bfd-detection.svg',
    title: 'BFD detection time per cut',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      facet: { row: { field: 'timers', type: 'nominal', title: 'timers (interval × multiplier)' } },
      spec: {
        width: WIDTH,
        height: 120,
        layer: [
          {
            mark: { type: 'tick', thickness: 2 },
            encoding: {
              x: { field: 'ms', type: 'quantitative', title: 'ms from the cut to Down' },
              y: { field: 'pair', type: 'nominal', title: null },
              color: { field: 'pair', type: 'nominal', legend: null },
            },
          },
          {
            mark: { type: 'rule', strokeDash: [4, 4], color: 'black' },
            encoding: { x: { aggregate: 'max', field: 'bound', type: 'quantitative' } },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    },
  };
}

/** EndpointSlice change → UPDATE latencies per number of services. */
function k8sChart(k8s: Json | undefined): Chart | undefined {
  const sizes = (k8s?.sizes ?? []) as Json[];
  const values = sizes.flatMap((s) =>
    ((s.latenciesMs ?? []) as number[]).map((ms) => ({ services: `${s.services} services`, ms })),
  );
  if (values.length === 0) return undefined;
  return {
    file: 'k8s-propagation.svg',
    title: 'EndpointSlice change → UPDATE at the router',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: WIDTH,
      height: 120,
      data: { values },
      mark: { type: 'tick', thickness: 2 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'ms (includes the debounce)' },
        y: { field: 'services', type: 'nominal', title: null },
        color: { field: 'services', type: 'nominal', legend: null },
      },
    },
  };
}

/** Latency of one route through each daemon to its 10 peers (ticks per arrival, log scale). */
function propagationChart(prop: Json | undefined): Chart | undefined {
  const rows = (prop?.rows ?? []) as Json[];
  const values = rows.flatMap((r) =>
    ((r.latenciesMs ?? []) as number[]).map((ms) => ({ daemon: r.name, ms })),
  );
  if (values.length === 0) return undefined;
  return {
    file: 'propagation.svg',
    title: 'One route in → out to 10 peers',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: WIDTH,
      height: 140,
      data: { values },
      mark: { type: 'tick', thickness: 1 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (log scale)' },
        y: { field: 'daemon', type: 'nominal', title: null },
        color: { field: 'daemon', type: 'nominal', legend: null },
      },
    },
  };
}

/** Bars of bytes of RSS per route above idle, one per daemon. */
function memoryChart(file: string, title: string, values: Json[]): Chart | undefined {
  if (values.length === 0) return undefined;
  return {
    file,
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: WIDTH,
      height: 160,
      data: { values },
      mark: 'bar',
      encoding: {
        y: { field: 'receiver', type: 'nominal', title: null, sort: '-x' },
        x: { field: 'bytes', type: 'quantitative', title: 'bytes of RSS per route above idle' },
      },
    },
  };
}

/** Memory per route at ingest per receiver. */
function ingestChart(ingest: Json | undefined): Chart | undefined {
  if (!ingest) return undefined;
  const values: Json[] = [];
  if (typeof ingest.bytesPerRoute === 'number')
    values.push({ receiver: 'Herald', bytes: ingest.bytesPerRoute });
  for (const [k, v] of Object.entries((ingest.vs ?? {}) as Record<string, Json>))
    if (typeof v.bytesPerRoute === 'number') values.push({ receiver: k, bytes: v.bytesPerRoute });
  return memoryChart('ingest-memory-per-route.svg', 'Memory per route after a full-table ingest', values);
}

/** Memory per route with the full table in the kernel too (settled RSS), per daemon. */
function fibMemoryChart(fib: Json | undefined): Chart | undefined {
  const values = ((fib?.rows ?? []) as Json[])
    .filter((r) => typeof r.bytesPerRoute === 'number')
    .map((r) => ({ receiver: r.name, bytes: r.bytesPerRoute }));
  return memoryChart(
    'fib-memory-per-route.svg',
    'Memory per route with the full table in the kernel',
    values,
  );
}

export function chartsFor(results: Record<string, Json | undefined>): Chart[] {
  return [
    ingestRoutesChart(results.ingest),
    ingestChart(results.ingest),
    fibChart(results.fib),
    fibMemoryChart(results.fib),
    bfdChart(results.bfd),
    k8sChart(results.k8s),
    propagationChart(results.propagation),
  ].filter((c): c is Chart => c !== undefined);
}

interface VegaLite {
  compile(spec: unknown): { spec: unknown };
}
interface Vega {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
}

async function load<T>(name: string, key: string): Promise<T | undefined> {
  try {
    const m = (await import(name)) as Record<string, unknown> & { default?: Record<string, unknown> };
    return (key in m ? m : m.default) as T;
  } catch {
    return undefined;
  }
}

/** SVG text per chart, or the reason there are none. */
export async function renderSvg(
  charts: Chart[],
): Promise<{ svgs: Map<string, string> } | { skipped: string }> {
  // variables, so the type checker does not look for the optional packages
  const vlName = 'vega-lite';
  const vgName = 'vega';
  const vl = await load<VegaLite>(vlName, 'compile');
  const vg = await load<Vega>(vgName, 'View');
  if (!vl || !vg)
    return {
      skipped:
        'charts skipped: the packages vega and vega-lite are not installed (devDependencies "vega": ' +
        '"^5.33.1", "vega-lite": "^5.23.0")',
    };
  const svgs = new Map<string, string>();
  for (const c of charts) {
    const view = new vg.View(vg.parse(vl.compile(c.spec).spec), { renderer: 'none' });
    svgs.set(c.file, await view.toSVG());
    view.finalize();
  }
  return { svgs };
}
