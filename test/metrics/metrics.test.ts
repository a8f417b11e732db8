// Prometheus exposition of a Daemon whose neighbor is a real Peer over an in-memory connection:
// session, message and NOTIFICATION counters after a Cease each way and a reconnect, RIB sizes and
// memory, and per-peer series going away with the peer.
import type { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics, notificationLabels } from '../../src/metrics/metrics.js';
import { localRoute } from '../../src/rib/local-routes.js';
import { ManualClock } from '../../src/session/clock.js';
import { type FsmConfig, SessionState } from '../../src/session/fsm-types.js';
import { Peer } from '../../src/session/peer.js';
import { CeaseSubcode, cease } from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';
import { peerRoutes } from '../helpers/peer-routes.js';

const HERALD = '127.0.0.2';

/** The router on the other side: passive, AS 64513, announces one route. */
function remoteConfig(): FsmConfig {
  return testFsmConfig({ asn: 64513, peerAsn: 64512, bgpId: '192.0.2.20', passive: true });
}

const remoteClock = new ManualClock();
const remoteRoutes = peerRoutes({
  address: '192.0.2.10',
  asn: 64513,
  peerAsn: 64512,
  clock: remoteClock,
  localRoutes: [localRoute({ prefix: '203.0.113.0/24', nextHop: '192.0.2.20' })],
});
const remote = new Peer({
  address: '192.0.2.10',
  config: remoteConfig(),
  clock: remoteClock,
  routes: remoteRoutes,
  gracefulRestart: false,
});

const config = parseConfig(
  `asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: ${HERALD}, peerAsn: 64513 }\n` +
    'announce:\n  - { prefix: 198.51.100.10/32 }\n',
);
const daemon = new Daemon({
  config,
  log: createLogger('silent'),
  dial: async (): Promise<Duplex> => {
    const [ours, theirs] = duplexPair();
    setImmediate(() => remote.accept(theirs));
    return ours;
  },
});
const registry = createMetrics(daemon);

afterAll(async () => {
  await daemon.stop('test over');
  remote.dispose();
});

/** The value of one series in the text exposition, or undefined when it is absent. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return undefined;
}

const herald = () => daemon.peers.get(HERALD)!;
const bothUp = () =>
  settle(
    () =>
      herald().state === SessionState.ESTABLISHED &&
      remote.state === SessionState.ESTABLISHED &&
      daemon.engine.neighbor(HERALD)?.adjRibIn.size === 1 &&
      remoteRoutes.adjRibIn.size === 1,
    2000,
  );

describe('metrics', () => {
  it('labels NOTIFICATIONs with readable code and subcode names', () => {
    expect(notificationLabels(6, 2)).toEqual({ code: 'cease', subcode: 'administrative-shutdown' });
    expect(notificationLabels(4, 0)).toEqual({ code: 'hold-timer-expired', subcode: 'unspecific' });
    expect(notificationLabels(2, 2)).toEqual({ code: 'open', subcode: 'bad-peer-as' });
    expect(notificationLabels(5, 1)).toEqual({
      code: 'fsm',
      subcode: 'receive-unexpected-message-in-opensent-state',
    });
    expect(notificationLabels(6, 99)).toEqual({ code: 'cease', subcode: '99' });
    expect(notificationLabels(42, 1)).toEqual({ code: '42', subcode: '1' });
  });

  it('exports session, message, prefix and RIB series once the session is up', async () => {
    remote.start();
    await daemon.start();
    await bothUp();
    expect(herald().state).toBe(SessionState.ESTABLISHED);
    const body = await registry.metrics();
    const peer = { peer: HERALD };
    expect(sample(body, 'bgp_session_up', peer)).toBe(1);
    expect(sample(body, 'bgp_session_state', { ...peer, state: 'Established' })).toBe(1);
    expect(sample(body, 'bgp_session_state', { ...peer, state: 'Idle' })).toBe(0);
    expect(sample(body, 'bgp_session_uptime_seconds', peer)).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'bgp_prefixes', { ...peer, kind: 'received' })).toBe(1);
    expect(sample(body, 'bgp_prefixes', { ...peer, kind: 'advertised' })).toBe(1);
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'sent', type: 'open' })).toBe(1);
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'received', type: 'open' })).toBe(1);
    // Our route and End-of-RIB; theirs and End-of-RIB.
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'sent', type: 'update' })).toBe(2);
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'received', type: 'update' })).toBe(2);
    expect(body).toContain('# TYPE bgp_messages_total counter');
    expect(sample(body, 'bgp_session_flaps_total', peer)).toBe(0);
    expect(sample(body, 'herald_rib_routes', { table: 'adj-rib-in' })).toBe(1);
    expect(sample(body, 'herald_rib_routes', { table: 'adj-rib-out' })).toBe(1);
    expect(sample(body, 'herald_attribute_sets')).toBe(1);
    // An Ipv4Table holding one route (no path id) has its minimum 16 slots of 8 octets.
    expect(sample(body, 'herald_rib_memory_bytes', { table: 'adj-rib-in', component: 'ipv4-routes' })).toBe(
      128,
    );
    expect(
      sample(body, 'herald_rib_memory_bytes', { table: 'adj-rib-in', component: 'attributes' }),
    ).toBeGreaterThan(4096);
    // The advertised and staged tables, each at least 16 slots of 8 octets.
    expect(
      sample(body, 'herald_rib_memory_bytes', { table: 'adj-rib-out', component: 'routes' }),
    ).toBeGreaterThanOrEqual(256);
    expect(sample(body, 'herald_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(body).toMatch(/^herald_nodejs_eventloop_lag_seconds \d/m);
    expect(body).toMatch(/^herald_process_resident_memory_bytes \d+/m);
    expect(
      sample(body, 'herald_build_info', { version: daemon.version, nodejs: process.versions.node }),
    ).toBe(1);
  });

  it('counts NOTIFICATIONs by code and subcode each way, and keeps counting across reconnects', async () => {
    const peer = { peer: HERALD };
    // Herald ends the session (neighbor shutdown) ...
    herald().stop(cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, 'maintenance'));
    await settle(() => remote.state !== SessionState.ESTABLISHED, 500);
    let body = await registry.metrics();
    expect(
      sample(body, 'bgp_notifications_total', {
        ...peer,
        direction: 'sent',
        code: 'cease',
        subcode: 'administrative-shutdown',
      }),
    ).toBe(1);
    expect(sample(body, 'bgp_session_up', peer)).toBe(0);
    expect(sample(body, 'bgp_session_flaps_total', peer)).toBe(1);
    expect(body).toContain('# TYPE bgp_notifications_total counter');

    // ... comes back on a new connection, and the router resets it.
    herald().start();
    await bothUp();
    expect(herald().state).toBe(SessionState.ESTABLISHED);
    remote.stop(cease(CeaseSubcode.ADMINISTRATIVE_RESET));
    await settle(() => herald().state !== SessionState.ESTABLISHED, 500);
    body = await registry.metrics();
    expect(
      sample(body, 'bgp_notifications_total', {
        ...peer,
        direction: 'received',
        code: 'cease',
        subcode: 'administrative-reset',
      }),
    ).toBe(1);
    expect(
      sample(body, 'bgp_notifications_total', {
        ...peer,
        direction: 'sent',
        code: 'cease',
        subcode: 'administrative-shutdown',
      }),
    ).toBe(1);
    expect(sample(body, 'bgp_session_flaps_total', peer)).toBe(2);
    // Totals over both connections: two OPENs each way, one NOTIFICATION each way.
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'sent', type: 'open' })).toBe(2);
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'received', type: 'open' })).toBe(2);
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'sent', type: 'notification' })).toBe(1);
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'received', type: 'notification' })).toBe(
      1,
    );
    expect(sample(body, 'bgp_messages_total', { ...peer, direction: 'received', type: 'update' })).toBe(4);
  });

  it('serves the same registry at /metrics', async () => {
    const app = buildApi(daemon);
    try {
      const r = await app.inject('/metrics');
      expect(r.statusCode).toBe(200);
      expect(sample(r.body, 'bgp_session_flaps_total', { peer: HERALD })).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('drops every series of a peer that is removed', async () => {
    await daemon.reload(parseConfig('asn: 64512\nrouterId: 192.0.2.10\nlisten: false\n'));
    expect(daemon.peers.has(HERALD)).toBe(false);
    const body = await registry.metrics();
    expect(body).not.toContain(`peer="${HERALD}"`);
    expect(body).toContain('# TYPE bgp_session_up gauge');
  });
});
