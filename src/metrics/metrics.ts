// Prometheus metrics (prom-client). Peer series are computed from the daemon's live state at scrape
// time, so they cannot drift and disappear with the peer; process metrics and event-loop lag come
// from prom-client's defaults.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Daemon } from '../daemon/daemon.js';

const STATES = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

export function createMetrics(daemon: Daemon): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  const peers = () => [...daemon.peers.values()];

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
  new Gauge({
    name: 'bgp_messages_total',
    help: 'BGP messages on the current connection by direction and type',
    labelNames: ['peer', 'direction', 'type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) {
        for (const [direction, counts] of [
          ['sent', p.driver.sent],
          ['received', p.driver.received],
        ] as const) {
          for (const [type, n] of Object.entries(counts)) this.set({ peer: p.address, direction, type }, n);
        }
      }
    },
  });
  new Gauge({
    name: 'bgp_prefixes',
    help: 'Prefixes per peer: received (Adj-RIB-In), accepted, advertised (Adj-RIB-Out), stale',
    labelNames: ['peer', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) {
        this.set({ peer: p.address, kind: 'received' }, p.adjRibIn.size);
        this.set({ peer: p.address, kind: 'accepted' }, p.adjRibIn.size);
        this.set({ peer: p.address, kind: 'advertised' }, p.adjRibOut.size);
        this.set({ peer: p.address, kind: 'stale' }, p.stale?.size ?? 0);
      }
    },
  });
  new Gauge({
    name: 'bgp_session_flaps_total',
    help: 'Times the session went down from Established',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) this.set({ peer: p.address }, p.stats.flaps);
    },
  });
  new Gauge({
    name: 'bgp_update_treat_as_withdraw_total',
    help: 'UPDATEs handled with RFC 7606 treat-as-withdraw',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of peers()) this.set({ peer: p.address }, p.stats.treatAsWithdraw);
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
      for (const p of peers()) {
        adjIn += p.adjRibIn.size + (p.stale?.size ?? 0);
        adjOut += p.adjRibOut.size;
      }
      this.set({ table: 'adj-rib-in' }, adjIn);
      this.set({ table: 'adj-rib-out' }, adjOut);
      this.set({ table: 'local' }, daemon.localRoutes().length);
    },
  });
  new Gauge({
    name: 'herald_attribute_sets',
    help: 'Interned path attribute sets across all Adj-RIBs-In',
    registers: [registry],
    collect() {
      this.set(peers().reduce((n, p) => n + p.adjRibIn.attributes.size, 0));
    },
  });
  return registry;
}
