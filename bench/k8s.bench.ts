// npm run bench:k8s — Herald in Kubernetes mode against the project's fake API server (issue 19).
// A node namespace (Herald, NODE_NAME=node-1) and a router namespace (a minimal BGP listener that
// timestamps every UPDATE, bench/k8s/router.ts) share a bridge; the fake API server runs in this
// process on a host veth of that bridge. MetalLB resources: one IPAddressPool (10.200.0.0/16), one
// BGPAdvertisement, one BGPPeer (the router), the Node.
//
//  1. idle, Kubernetes mode: 100 LoadBalancer services (each with a ready endpoint on node-1);
//     Herald's RSS once the router holds the 100 routes and a few seconds passed, and again after a
//     minute of idling (steady state: V8 shrinks the heap it grew while starting once allocation
//     has been quiet for a while; a DaemonSet's pod idles for days). Nothing queries
//     Herald's API, as in a DaemonSet (probes and scrapes go to the metrics listener), so the API
//     is not loaded (src/api/lazy-api.ts); the figure with it loaded is `idle…ApiLoadedRssBytes`.
//  2. idle, bare metal: a fresh Herald from a config file, 2 neighbors (the router and one that
//     never answers), 100 announcements; its RSS the same way, before and after one API request.
//  3. bulk: a fresh Herald in Kubernetes mode, then N services (default 1,000, then up to 5,000)
//     created at once: seconds from the first object written to the API server until the router
//     received the last of their routes.
//  4. propagation, with those services held: one service with externalTrafficPolicy Local whose
//     EndpointSlice moves its endpoint away from node-1 and back; time from the slice written to
//     the withdrawal / announcement arriving at the router, p50/p99 (minus the debounce).
//  5. allocation: a fresh Herald with `kubernetes.allocate` wins the allocator Lease; 1,000 services
//     without IPs are created at once: seconds until each has its IP in its status (written through
//     the status subresource) and until the router holds every route.
//
// MetalLB itself cannot run here (no cluster, no container runtime): the figures are compared with
// issue 19's targets, not with MetalLB.
//
// Env: BENCH_K8S_SIZES=1000,5000, BENCH_K8S_TRIALS=20 (per size; each moves the endpoint twice),
// BENCH_K8S_DEBOUNCE_MS=200 (Herald's default), BENCH_K8S_SETTLE_S=5, BENCH_K8S_IDLE_S=60 (the
// steady-state figure: RSS that long after the routes were held), BENCH_RUN_LIMIT_S=600,
// BENCH_K8S_ALLOC_SERVICES=1000 (phase 5; 0 skips it), BENCH_K8S_ONLY=idle (phases 1 and 2 alone).
import { ALLOCATOR_LEASE } from '../src/daemon/kubernetes-mode.js';
import { type HeraldInstance, startHerald } from '../test/interop/harness/herald.js';
import { addLan, delay, interopUnavailable, Topology, waitFor } from '../test/interop/harness/index.js';
import { FakeApiServer } from '../test/k8s/fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from '../test/k8s/resources.js';
import { rssBytes } from './ingest/proc.js';
import { RouterProcess } from './k8s/router-process.js';
import { emitResult, runLimit } from './lib/output.js';
import { distribution, fmt } from './lib/stats.js';

const NET = '198.18.77';
const ROUTER = `${NET}.254`;
const NODE = `${NET}.1`;
const API_HOST = `${NET}.100`;
const HERALD_ASN = 64512;
const ROUTER_ASN = 65000;
const SIZES = (process.env.BENCH_K8S_SIZES ?? '1000,5000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const TRIALS = Math.max(1, Number(process.env.BENCH_K8S_TRIALS ?? 20));
const DEBOUNCE_MS = Number(process.env.BENCH_K8S_DEBOUNCE_MS ?? 200);
const SETTLE_MS = Number(process.env.BENCH_K8S_SETTLE_S ?? 5) * 1000;
const IDLE_MS = Math.max(SETTLE_MS, Number(process.env.BENCH_K8S_IDLE_S ?? 60) * 1000);
const IDLE_SERVICES = 100;
const ALLOC_SERVICES = Number(process.env.BENCH_K8S_ALLOC_SERVICES ?? 1000);
const ONLY_IDLE = process.env.BENCH_K8S_ONLY === 'idle';
const PROBE_IP = '10.201.0.1';
const MB = 1024 * 1024;
const hr = (): bigint => process.hrtime.bigint();
const ms = (from: bigint, to: bigint): number => Number(to - from) / 1e6;

const serviceIp = (i: number): string => `10.200.${i >> 8}.${i & 255}`;

function applyServices(api: FakeApiServer, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    api.apply(service(`svc-${i}`, { ips: [serviceIp(i)] }));
    api.apply(slice(`svc-${i}`, [{ node: 'node-1', ready: true }]));
  }
}

async function waitHeld(router: RouterProcess, n: number, timeoutMs: number, what: string): Promise<void> {
  await waitFor(() => router.held.size >= n, { timeoutMs, intervalMs: 20, what: `${what} (${n} routes)` });
}

/** RSS a settle time after the routes were held, and at the end of the idle time (steady state). */
async function idleRss(herald: HeraldInstance): Promise<{ settled: number; steady: number }> {
  await delay(SETTLE_MS);
  const settled = rssBytes(herald.process.pid);
  await delay(IDLE_MS - SETTLE_MS);
  return { settled, steady: rssBytes(herald.process.pid) };
}

/** RSS once the API has answered a request (Fastify and the routes loaded) and the settle time passed. */
async function rssAfterApiRequest(herald: HeraldInstance): Promise<number> {
  await herald.api('GET', '/api/v1/status');
  await delay(SETTLE_MS);
  return rssBytes(herald.process.pid);
}

function leaseHolder(api: FakeApiServer): string | undefined {
  const lease = api.get('coordination.k8s.io/v1', 'Lease', 'metallb-system', ALLOCATOR_LEASE) as
    | { spec?: { holderIdentity?: string } }
    | undefined;
  return lease?.spec?.holderIdentity;
}

/** Whether the stored service has an ingress IP in its status. */
function hasIngress(api: FakeApiServer, name: string): boolean {
  const s = api.get('v1', 'Service', 'default', name) as
    | { status?: { loadBalancer?: { ingress?: unknown[] } } }
    | undefined;
  return (s?.status?.loadBalancer?.ingress?.length ?? 0) > 0;
}

/**
 * ALLOC_SERVICES services without IPs, created at once: seconds until every one has its IP in its
 * status (written by the allocating instance through the status subresource) and until the router
 * holds every route.
 */
async function allocate(api: FakeApiServer, router: RouterProcess): Promise<Record<string, number>> {
  const names = Array.from({ length: ALLOC_SERVICES }, (_, i) => `alloc-${i}`);
  const t0 = hr();
  for (const name of names) {
    api.apply(service(name));
    api.apply(slice(name, [{ node: 'node-1', ready: true }]));
  }
  let allocatedAt: bigint | undefined;
  let pending = [...names];
  await waitFor(
    () => {
      pending = pending.filter((name) => !hasIngress(api, name));
      if (pending.length === 0) allocatedAt ??= hr();
      return pending.length === 0 && router.held.size >= ALLOC_SERVICES + 1;
    },
    { timeoutMs: 120_000, intervalMs: 20, what: `${ALLOC_SERVICES} allocated services at the router` },
  );
  const allocatedSeconds = ms(t0, allocatedAt as bigint) / 1000;
  const routedSeconds = ms(t0, router.lastAnnounce) / 1000;
  console.log(
    `${ALLOC_SERVICES} services without IPs created at once: every IP in the services' status after ` +
      `${fmt(allocatedSeconds)} s, every route at the router after ${fmt(routedSeconds)} s`,
  );
  return { services: ALLOC_SERVICES, allocatedSeconds, routedSeconds };
}

async function main(): Promise<number> {
  const why = interopUnavailable([]);
  if (why) {
    console.error(`bench:k8s needs the interop environment: ${why}`);
    return 1;
  }
  runLimit('k8s', Number(process.env.BENCH_RUN_LIMIT_S ?? 600) * 1000);
  const t = new Topology();
  const api = new FakeApiServer();
  const result: Record<string, unknown> = {
    debounceMs: DEBOUNCE_MS,
    trials: TRIALS,
    settleSeconds: SETTLE_MS / 1000,
    idleSeconds: IDLE_MS / 1000,
  };
  const errors: string[] = [];
  let herald: HeraldInstance | undefined;
  let routerOutput: (() => string) | undefined;
  try {
    const r = await t.addNamespace('r');
    const n = await t.addNamespace('n');
    await addLan(t, {
      bridgeNs: r,
      address: `${ROUTER}/24`,
      members: [{ ns: n, address: `${NODE}/24` }],
      hostAddress: `${API_HOST}/24`,
    });
    const kubeconfig = await api.serve(
      API_HOST,
      [
        pool('lb', { addresses: ['10.200.0.0/16', '10.201.0.0/24'] }),
        advertisement('all'),
        peer('router', { myASN: HERALD_ASN, peerASN: ROUTER_ASN, peerAddress: ROUTER, holdTime: '90s' }),
        node('node-1', { address: NODE }),
      ],
      t.dir,
    );
    const router = new RouterProcess(r, { address: ROUTER, asn: ROUTER_ASN, bgpId: ROUTER, holdTime: 90 });
    routerOutput = () => router.child.output();
    await waitFor(() => router.isListening, { timeoutMs: 20_000, what: 'router listening' });
    const k8sConfig = {
      asn: HERALD_ASN,
      listen: false,
      kubernetes: { enabled: true, debounceMs: DEBOUNCE_MS },
    };
    const k8sOptions = {
      env: { NODE_NAME: 'node-1', HERALD_LOG_LEVEL: 'info' },
      args: ['--kubeconfig', kubeconfig],
      // As a DaemonSet runs: nothing queries the API (probes go to the metrics listener).
      readyWhen: 'log' as const,
    };
    const startK8s = () => startHerald(t, n, k8sConfig, k8sOptions);

    // 1. idle in Kubernetes mode with 100 services
    applyServices(api, 0, IDLE_SERVICES);
    herald = await startK8s();
    await waitHeld(router, IDLE_SERVICES, 60_000, 'idle services at the router');
    const k8sIdle = await idleRss(herald);
    result.idleK8sSettledRssBytes = k8sIdle.settled;
    result.idleK8sRssBytes = k8sIdle.steady;
    result.idleK8sApiLoadedRssBytes = await rssAfterApiRequest(herald);
    await herald.stop();
    herald = undefined;
    console.log(
      `idle, Kubernetes mode, ${IDLE_SERVICES} services: RSS ${fmt((result.idleK8sRssBytes as number) / MB, 1)} MB ` +
        `after ${IDLE_MS / 1000} s (${fmt(k8sIdle.settled / MB, 1)} MB after ${SETTLE_MS / 1000} s) ` +
        `(${fmt((result.idleK8sApiLoadedRssBytes as number) / MB, 1)} MB once the API answered a request)`,
    );

    // 2. idle bare metal: 2 neighbors, 100 announcements
    const sessions = router.sessions;
    herald = await startHerald(
      t,
      n,
      {
        asn: HERALD_ASN,
        routerId: NODE,
        listen: false,
        neighbors: [
          { address: ROUTER, peerAsn: ROUTER_ASN },
          { address: `${NET}.253`, peerAsn: 65001, passive: true },
        ],
        announce: Array.from({ length: IDLE_SERVICES }, (_, i) => ({ prefix: `10.210.0.${i}/32` })),
      },
      { env: { HERALD_LOG_LEVEL: 'info' }, readyWhen: 'log' },
    );
    await waitFor(() => router.sessions > sessions && router.held.size >= IDLE_SERVICES, {
      timeoutMs: 60_000,
      intervalMs: 20,
      what: 'bare-metal announcements at the router',
    });
    const bareIdle = await idleRss(herald);
    result.idleBareSettledRssBytes = bareIdle.settled;
    result.idleBareRssBytes = bareIdle.steady;
    result.idleBareApiLoadedRssBytes = await rssAfterApiRequest(herald);
    await herald.stop();
    herald = undefined;
    console.log(
      `idle, bare metal, 2 neighbors, ${IDLE_SERVICES} announcements: RSS ${fmt((result.idleBareRssBytes as number) / MB, 1)} MB ` +
        `after ${IDLE_MS / 1000} s (${fmt(bareIdle.settled / MB, 1)} MB after ${SETTLE_MS / 1000} s) ` +
        `(${fmt((result.idleBareApiLoadedRssBytes as number) / MB, 1)} MB once the API answered a request)`,
    );

    // 3 + 4. bulk creation, then endpoint moves, per size
    if (!ONLY_IDLE) {
      for (let i = 0; i < IDLE_SERVICES; i++) {
        api.delete(service(`svc-${i}`));
        api.delete(slice(`svc-${i}`, []));
      }
      api.apply(service('probe', { ips: [PROBE_IP], policy: 'Local' }));
      api.apply(slice('probe', [{ node: 'node-1', ready: true }]));
      const before = router.sessions;
      herald = await startK8s();
      await waitFor(() => router.sessions > before && router.held.has(`${PROBE_IP}/32`), {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: 'probe service at the router',
      });
      const sizes: Array<Record<string, unknown>> = [];
      let have = 0;
      for (const size of SIZES) {
        const t0 = hr();
        applyServices(api, have, size);
        await waitHeld(router, size + 1, 120_000, `${size} services at the router`);
        const bulkSeconds = ms(t0, router.lastAnnounce) / 1000;
        have = size;
        console.log(
          `${size - (sizes.length ? SIZES[sizes.length - 1] : 0)} services created at once (${size} in all): all routes at the router after ${fmt(bulkSeconds)} s`,
        );
        await delay(1000);
        const latencies: number[] = [];
        for (let i = 0; i < TRIALS; i++) {
          for (const [where, kind] of [
            ['node-2', 'w'],
            ['node-1', 'a'],
          ] as const) {
            const at = hr();
            api.apply(slice('probe', [{ node: where, ready: true }]));
            let seen: bigint | undefined;
            await waitFor(
              () => {
                seen = router.first(`${PROBE_IP}/32`, kind, at)?.t;
                return seen !== undefined;
              },
              { timeoutMs: 10_000, intervalMs: 5, what: `probe ${kind === 'w' ? 'withdrawn' : 'announced'}` },
            );
            latencies.push(ms(at, seen as bigint));
            await delay(DEBOUNCE_MS + 100 + Math.random() * 100);
          }
        }
        const d = distribution(latencies);
        console.log(
          `  EndpointSlice change → UPDATE at the router with ${size} services: p50 ${fmt(d.p50, 1)} ms, ` +
            `p99 ${fmt(d.p99, 1)} ms, max ${fmt(d.max, 1)} ms (${d.n} changes; debounce ${DEBOUNCE_MS} ms)`,
        );
        sizes.push({
          services: size,
          bulkSeconds,
          propagation: d,
          beyondDebounce: { p50: (d.p50 ?? 0) - DEBOUNCE_MS, p99: (d.p99 ?? 0) - DEBOUNCE_MS },
          latenciesMs: latencies,
          rssBytes: rssBytes(herald.process.pid),
        });
      }
      result.sizes = sizes;
      await herald.stop();
      herald = undefined;

      // 5. allocation: the services come without IPs; this instance wins the Lease and allocates
      if (ALLOC_SERVICES > 0) {
        for (let i = 0; i < have; i++) {
          api.delete(service(`svc-${i}`));
          api.delete(slice(`svc-${i}`, []));
        }
        const sessions = router.sessions;
        herald = await startHerald(
          t,
          n,
          { ...k8sConfig, kubernetes: { ...k8sConfig.kubernetes, allocate: true } },
          { ...k8sOptions, readyWhen: 'log' },
        );
        await waitFor(() => router.sessions > sessions && router.held.has(`${PROBE_IP}/32`), {
          timeoutMs: 60_000,
          intervalMs: 20,
          what: 'probe service at the router (allocating instance)',
        });
        await waitFor(() => leaseHolder(api) === 'node-1', {
          timeoutMs: 30_000,
          intervalMs: 20,
          what: 'the allocator Lease held by node-1',
        });
        result.allocation = await allocate(api, router);
        await herald.stop();
        herald = undefined;
      }
    }
    await router.stop();
  } catch (e) {
    errors.push((e as Error).message.split('\n')[0]);
    console.error(`bench:k8s FAILED: ${errors[0]}`);
    if (process.env.BENCH_DEBUG === '1') console.error(routerOutput?.().slice(-3000));
    if (herald) console.error(herald.process.output().slice(-1500));
  } finally {
    await herald?.stop().catch(() => {});
    await api.stop().catch(() => {});
    await t.destroy().catch((e: Error) => console.error(`destroy: ${e.message}`));
  }
  const sizes = (result.sizes ?? []) as Array<{
    services: number;
    bulkSeconds: number;
    beyondDebounce: { p99: number };
  }>;
  const thousand = sizes.find((s) => s.services === 1000);
  const targets = {
    bulk1000Within2s: thousand ? thousand.bulkSeconds <= 2 : null,
    p99Within100msBeyondDebounce: sizes.length ? sizes.every((s) => s.beyondDebounce.p99 <= 100) : null,
    idleK8sWithin80MB: typeof result.idleK8sRssBytes === 'number' ? result.idleK8sRssBytes <= 80 * MB : null,
    idleBareWithin60MB:
      typeof result.idleBareRssBytes === 'number' ? result.idleBareRssBytes <= 60 * MB : null,
  };
  const mark = (v: boolean | null) => (v === null ? 'n/a' : v ? 'met' : 'MISSED');
  console.log(
    `Targets (issue 19): 1,000 services ≤ 2 s: ${mark(targets.bulk1000Within2s)}; change → UPDATE p99 ≤ 100 ms ` +
      `beyond the debounce: ${mark(targets.p99Within100msBeyondDebounce)}; idle RSS ≤ 80 MB (Kubernetes, 100 ` +
      `services): ${mark(targets.idleK8sWithin80MB)}; ≤ 60 MB (bare metal): ${mark(targets.idleBareWithin60MB)}. ` +
      'MetalLB not compared: it needs a cluster, which cannot run here.',
  );
  emitResult(ONLY_IDLE ? 'k8s-idle' : 'k8s', { ...result, errors, targets });
  return errors.length > 0 ? 1 : 0;
}

process.exitCode = await main();
