// Prometheus metrics (prom-client). Peer series are computed from the daemon's live state at scrape
// time, so they cannot drift and disappear with the peer; process metrics and event-loop lag come
// from prom-client's defaults. Counters are read from the Peer's cumulative stats (kept across
// reconnects and collision winners), so they only go up for as long as the peer exists.
// docs/metrics.md lists every series; test/metrics checks it and the Grafana dashboard against this.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Daemon } from '../daemon/daemon.js';
import type { AdjRibIn } from '../rib/adj-rib-in.js';
import type { AdjRibOut } from '../rib/adj-rib-out.js';
import type { AttributeStore } from '../rib/attribute-store.js';
import type { NeighborRibs } from '../rib/neighbor-ribs.js';
import type { MessageCounters } from '../session/driver.js';
import type { Peer } from '../session/peer.js';
import { describeError } from '../wire/index.js';
import { registerAnnouncementMetrics } from './announcement-metrics.js';
import { registerBfdMetrics } from './bfd-metrics.js';
import { registerMetallbMetrics } from './metallb-metrics.js';

const STATES = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

/** Prefix of prom-client's default process and Node.js metrics. */
export const DEFAULT_METRICS_PREFIX = 'herald_';

/** NOTIFICATION error codes as metric labels (RFC 4271 §4.5). */
const CODE_LABELS: Record<number, string> = {
  1: 'message-header',
  2: 'open',
  3: 'update',
  4: 'hold-timer-expired',
  5: 'fsm',
  6: 'cease',
  7: 'route-refresh',
};

const kebab = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * Readable labels for a NOTIFICATION: code "cease", subcode "administrative-shutdown" (the subcode
 * names of src/wire/notification-codes.ts in kebab case). Unknown codes and subcodes are numbers.
 */
export function notificationLabels(code: number, subcode: number): { code: string; subcode: string } {
  const text = describeError(code, subcode);
  const sub = text.slice(text.indexOf('/') + 1);
  return {
    code: CODE_LABELS[code] ?? String(code),
    subcode: /^subcode \d+$/.test(sub) ? String(subcode) : kebab(sub),
  };
}

// Memory estimates (bytes), measured with --expose-gc on Node 20 x64 (pointer compression off):
// heapUsed growth per entry, rounded up.
/** An IPv6 route: a Map entry and its latin1 key string (prefix octets, length, path id). */
const IPV6_ROUTE_BYTES = 64;
/** An attribute set apart from its raw octets: the AttributeSet object, Map entry, id and refcount slots. */
const ATTRIBUTE_SET_BYTES = 192;
/** A set learned through MP_REACH_NLRI also keeps the MP_REACH head and a longer key string. */
const MP_REACH_EXTRA_BYTES = 140;
/** An advertised route: Map entry, prefix key, Advertised and Prefix objects (attributes are shared). */
/** The Adj-RIB-Out's UPDATE writer: one maximum-size message. */
const ADJ_RIB_OUT_WRITER_BYTES = 65535;
/** Stop walking attribute-set ids here whatever happens (a guard; ids are dense in practice). */
const MAX_ATTRIBUTE_IDS = 1 << 26;

/** Estimated bytes held by one attribute store: raw octets plus per-set overhead and the refcount array. */
export function attributeStoreBytes(store: AttributeStore): number {
  let bytes = 0;
  let found = 0;
  let maxId = -1;
  const size = store.size;
  for (let id = 0; found < size && id < MAX_ATTRIBUTE_IDS; id++) {
    const set = store.get(id);
    if (!set) continue;
    found++;
    maxId = id;
    bytes += ATTRIBUTE_SET_BYTES + set.raw.length;
    if (set.mpReach) bytes += MP_REACH_EXTRA_BYTES + set.raw.length;
  }
  // Reference counts: a Uint32Array of at least 1024 entries, doubled as ids grow.
  return bytes + 4 * Math.max(1024, 2 ** Math.ceil(Math.log2(maxId + 2)));
}

export interface RibMemory {
  ipv4: number;
  ipv6: number;
  attributes: number;
}

/** Estimated bytes of one Adj-RIB-In by component (the IPv4 table's size is exact). */
export function adjRibInBytes(rib: AdjRibIn): RibMemory {
  return {
    ipv4: rib.ipv4.byteSize,
    ipv6: rib.ipv6.size * IPV6_ROUTE_BYTES,
    attributes: attributeStoreBytes(rib.attributes),
  };
}

/** Estimated bytes of one Adj-RIB-Out: its routes and its UPDATE buffer. */
export function adjRibOutBytes(rib: AdjRibOut): { routes: number; buffers: number } {
  return { routes: rib.ipv4ByteSize + rib.ipv6Size * IPV6_ROUTE_BYTES, buffers: ADJ_RIB_OUT_WRITER_BYTES };
}

const MESSAGE_TYPES: readonly (keyof MessageCounters)[] = [
  'open',
  'update',
  'notification',
  'keepalive',
  'routeRefresh',
];

const registries = new WeakMap<Daemon, Registry>();

/** The daemon's one registry, shared by the API's /metrics and the metrics listener. */
export function metricsRegistry(daemon: Daemon): Registry {
  let registry = registries.get(daemon);
  if (!registry) {
    registry = createMetrics(daemon);
    registries.set(daemon, registry);
  }
  return registry;
}

export function createMetrics(daemon: Daemon): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: DEFAULT_METRICS_PREFIX });
  const peers = (): Peer[] => [...daemon.peers.values()];
  const ribs = (): NeighborRibs[] => [...daemon.engine.neighbors()];

  new Gauge({
    name: 'herald_build_info',
    help: 'Always 1; the labels carry the Herald and Node.js versions',
    labelNames: ['version', 'nodejs'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ version: daemon.version, nodejs: process.versions.node }, 1);
    },
  });
  new Gauge({
    name: 'bgp_session_up',
    help: '1 when the BGP session with the peer is Established',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) this.set({ peer: p.address }, p.session ? 1 : 0);
    },
  });
  new Gauge({
    name: 'bgp_session_state',
    help: 'FSM state of the session: 1 for the current state (RFC 4271 §8)',
    labelNames: ['peer', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers())
        for (const s of STATES) this.set({ peer: p.address, state: s }, p.state === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'bgp_session_uptime_seconds',
    help: 'Seconds since the session was established (0 when down)',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const p of peers()) {
        const at = p.stats.establishedAt;
        this.set({ peer: p.address }, at === undefined ? 0 : (now - at) / 1000);
      }
    },
  });
  new Counter({
    name: 'bgp_messages_total',
    help: 'BGP messages exchanged with the peer by direction and type, over every connection',
    labelNames: ['peer', 'direction', 'type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) {
        const { sent, received } = p.stats.messages;
        for (const [direction, counts] of [
          ['sent', sent],
          ['received', received],
        ] as const) {
          for (const type of MESSAGE_TYPES) this.inc({ peer: p.address, direction, type }, counts[type]);
        }
      }
    },
  });
  new Counter({
    name: 'bgp_notifications_total',
    help: 'NOTIFICATION messages sent to and received from the peer by error code and subcode',
    labelNames: ['peer', 'direction', 'code', 'subcode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) {
        for (const direction of ['sent', 'received'] as const) {
          for (const [key, n] of p.stats.notifications[direction]) {
            this.inc({ peer: p.address, direction, ...notificationLabels(key >> 8, key & 0xff) }, n);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'bgp_prefixes',
    help: 'Prefixes per peer: received (Adj-RIB-In), accepted, advertised (Adj-RIB-Out), stale, notSent (too large for the peer)',
    labelNames: ['peer', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of ribs()) {
        this.set({ peer: p.address, kind: 'received' }, p.receivedCount);
        this.set({ peer: p.address, kind: 'accepted' }, p.acceptedCount);
        this.set({ peer: p.address, kind: 'advertised' }, p.adjRibOut.size);
        this.set({ peer: p.address, kind: 'stale' }, p.stale?.size ?? 0);
        this.set({ peer: p.address, kind: 'notSent' }, [...p.adjRibOut.unsent()].length);
      }
    },
  });
  new Counter({
    name: 'herald_routes_rejected_total',
    help: 'Received announcements dropped on import, by reason (loop: our ASN in AS_PATH or our ORIGINATOR_ID; invalid: RFC 7606 treat-as-withdraw, bad next hop or first AS)',
    labelNames: ['peer', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of ribs()) {
        this.inc({ peer: p.address, reason: 'loop' }, p.counters.rejectedAsLoop);
        this.inc({ peer: p.address, reason: 'invalid' }, p.counters.rejectedInvalid);
      }
    },
  });
  new Counter({
    name: 'herald_connect_failures_total',
    help: 'Failed connection attempts to the peer by error (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...)',
    labelNames: ['peer', 'error'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers())
        for (const [error, n] of p.stats.connectFailures) this.inc({ peer: p.address, error }, n);
    },
  });
  new Counter({
    name: 'bgp_session_flaps_total',
    help: 'Times the session went down from Established',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) this.inc({ peer: p.address }, p.stats.flaps);
    },
  });
  new Counter({
    name: 'bgp_update_treat_as_withdraw_total',
    help: 'UPDATEs handled with RFC 7606 treat-as-withdraw',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of ribs()) this.inc({ peer: p.address }, p.counters.treatAsWithdraw);
    },
  });
  new Gauge({
    name: 'herald_rib_routes',
    help: 'Routes held per table',
    labelNames: ['table'],
    registers: [registry],
    collect() {
      let adjIn = 0;
      let adjOut = 0;
      for (const p of ribs()) {
        adjIn += p.adjRibIn.size + (p.stale?.size ?? 0);
        adjOut += p.adjRibOut.size;
      }
      this.set({ table: 'adj-rib-in' }, adjIn);
      this.set({ table: 'adj-rib-out' }, adjOut);
      this.set({ table: 'local' }, daemon.localRoutes().length);
    },
  });
  new Gauge({
    name: 'herald_fib_routes',
    help: 'Kernel routes by state: desired, installed, held (no usable next hop), failed (refused), pending',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = daemon.kernelRoutes?.counts();
      if (!counts) return;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'herald_rib_memory_bytes',
    help: 'Estimated memory of the RIBs by table and component (ipv4 is exact, the rest estimated)',
    labelNames: ['table', 'component'],
    registers: [registry],
    collect() {
      const adjIn: RibMemory = { ipv4: 0, ipv6: 0, attributes: 0 };
      let outRoutes = 0;
      let outBuffers = 0;
      for (const p of ribs()) {
        for (const rib of p.stale ? [p.adjRibIn, p.stale] : [p.adjRibIn]) {
          const m = adjRibInBytes(rib);
          adjIn.ipv4 += m.ipv4;
          adjIn.ipv6 += m.ipv6;
          adjIn.attributes += m.attributes;
        }
        const out = adjRibOutBytes(p.adjRibOut);
        outRoutes += out.routes;
        outBuffers += out.buffers;
      }
      this.set({ table: 'adj-rib-in', component: 'ipv4-routes' }, adjIn.ipv4);
      this.set({ table: 'adj-rib-in', component: 'ipv6-routes' }, adjIn.ipv6);
      this.set({ table: 'adj-rib-in', component: 'attributes' }, adjIn.attributes);
      this.set({ table: 'adj-rib-out', component: 'routes' }, outRoutes);
      this.set({ table: 'adj-rib-out', component: 'buffers' }, outBuffers);
    },
  });
  new Gauge({
    name: 'herald_attribute_sets',
    help: 'Interned path attribute sets across all Adj-RIBs-In',
    registers: [registry],
    collect() {
      this.set(ribs().reduce((n, p) => n + p.adjRibIn.attributes.size + (p.stale?.attributes.size ?? 0), 0));
    },
  });
  registerAnnouncementMetrics(registry, daemon);
  registerBfdMetrics(registry, daemon);
  registerMetallbMetrics(registry, daemon);
  return registry;
}
