// Kubernetes mode wired into the real Daemon, fed by the real watcher against the fake API server:
// the node's address becomes the router id, BGPPeers become neighbors (added, reset, removed only
// as they change; the config file's neighbor wins on its address, also after a reload), services
// become `kubernetes` routes with their communities and peers, and an API-server outage withdraws
// nothing; a neighbor added between snapshots (reload) is targeted at once. (Sessions never connect
// here: dialling is replaced by a connection that never opens.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { KubernetesMode, KubernetesModeError } from '../../src/daemon/kubernetes-mode.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { formatPrefix } from '../../src/wire/index.js';
import { waitUntil } from '../health/wait.js';
import { FakeApiServer, kubeconfigFor } from '../k8s/fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from '../k8s/resources.js';

const NODE = 'node-a';
let dir: string;
let server: FakeApiServer;
let daemon: Daemon | undefined;
let mode: KubernetesMode | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-k8s-mode-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  for (const o of [
    pool('default', { addresses: ['192.0.2.0/24'] }),
    advertisement('all', { communities: ['64512:7'], localPref: 150 }),
    peer('tor', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.1', holdTime: '30s' }),
    node(NODE, { address: '192.0.2.77' }),
    service('web', { ips: ['192.0.2.10'] }),
    slice('web', [{ node: NODE }]),
  ])
    server.apply(o);
});

afterEach(async () => {
  await mode?.stop();
  await daemon?.stop('test over');
  mode = undefined;
  daemon = undefined;
  await server.stop();
});

const CONFIG = 'asn: 64512\nlisten: false\nkubernetes: { enabled: true, debounceMs: 20 }\n';

async function start(yaml = CONFIG, waitForSnapshot = true) {
  const kubeconfig = join(dir, `kubeconfig-${server.port}`);
  writeFileSync(kubeconfig, kubeconfigFor(server.url));
  const config = parseConfig(yaml);
  daemon = new Daemon({ config, log: createLogger('silent'), dial: () => new Promise(() => {}) });
  mode = await KubernetesMode.start(daemon, config.kubernetes, {
    kubeconfig,
    env: { NODE_NAME: NODE },
    firstSnapshotMs: 5000,
  });
  daemon.kubernetes = mode;
  await daemon.start();
  const m = mode;
  if (waitForSnapshot) await waitUntil(() => m.state() !== undefined, 5000, 'first snapshot');
  return { daemon, mode };
}

const routes = (d: Daemon) =>
  d.localRoutes().map((r) => ({
    prefix: formatPrefix(r.prefix),
    peers: r.peers,
    communities: r.communities,
    localPref: r.localPref,
  }));

describe('Kubernetes mode in the daemon', () => {
  it('holds End-of-RIB until the first snapshot is applied', async () => {
    // A router id of its own: start() does not wait for the first snapshot (debounced 500 ms).
    const { daemon: d, mode: m } = await start(
      'asn: 64512\nrouterId: 192.0.2.1\nlisten: false\nkubernetes: { enabled: true, debounceMs: 500 }\n',
      false,
    );
    expect(m.state()).toBeUndefined();
    expect(d.initialState.pending()).toEqual(['first Kubernetes snapshot']);
    await waitUntil(() => m.state() !== undefined, 5000, 'first snapshot');
    expect(d.initialState.open).toBe(true);
  });

  it('refuses to start without NODE_NAME, naming it', async () => {
    const config = parseConfig(CONFIG);
    const d = new Daemon({ config, log: createLogger('silent') });
    await expect(KubernetesMode.start(d, config.kubernetes, { env: {} })).rejects.toThrow(
      /NODE_NAME is not set/,
    );
    await expect(KubernetesMode.start(d, config.kubernetes, { env: {} })).rejects.toBeInstanceOf(
      KubernetesModeError,
    );
  });

  it('router id from the node, BGPPeer sessions, service routes; follows changes', async () => {
    const { daemon: d, mode: m } = await start();
    // The first snapshot released the initial-state gate End-of-RIB waits for.
    expect(d.initialState.open).toBe(true);
    expect(d.routerId).toBe('192.0.2.77');
    expect([...d.peers.keys()]).toEqual(['10.0.0.1']);
    expect(d.neighborConfig('10.0.0.1')).toMatchObject({ peerAsn: 65000, holdTime: 30, keepalive: 10 });
    expect(routes(d)).toEqual([
      { prefix: '192.0.2.10/32', peers: undefined, communities: [64512 * 65536 + 7], localPref: 150 },
    ]);
    expect(d.announcements.views()).toMatchObject([
      { prefix: '192.0.2.10/32', source: 'kubernetes', announced: true, communities: ['64512:7'] },
    ]);
    expect(m.synced()).toBe(true);
    expect(m.stale()).toBe(false);

    // Visible: GET /api/v1/services and MetalLB's metrics.
    const app = buildApi(d);
    const view = (await app.inject('/api/v1/services')).json();
    await app.close();
    expect(view).toEqual({
      enabled: true,
      allocator: null,
      nodeName: NODE,
      synced: true,
      stale: false,
      services: [
        {
          service: 'default/web',
          ips: ['192.0.2.10'],
          pool: 'default',
          announced: true,
          reason: null,
          detail: null,
          routes: [
            {
              prefix: '192.0.2.10/32',
              advertisement: 'all',
              communities: ['64512:7'],
              largeCommunities: [],
              localPref: 150,
              peers: null,
              neighbors: ['10.0.0.1'],
            },
          ],
        },
      ],
      problems: [],
    });
    const metrics = await createMetrics(d).metrics();
    for (const line of [
      'metallb_speaker_announced{ip="192.0.2.10",node="node-a",protocol="bgp",service="default/web"} 1',
      'metallb_bgp_session_up{peer="10.0.0.1:179"} 0',
      'metallb_bgp_updates_total{peer="10.0.0.1:179"} 0',
      'metallb_bgp_announced_prefixes_total{peer="10.0.0.1:179"} 0',
      'metallb_k8s_client_config_loaded_bool 1',
      'metallb_k8s_client_config_stale_bool 0',
      'herald_announcement_active{prefix="192.0.2.10/32",source="kubernetes"} 1',
    ])
      expect(metrics).toContain(line);

    // A second BGPPeer and an advertisement only for it.
    const tor = d.peers.get('10.0.0.1');
    server.apply(peer('tor2', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.2' }));
    server.apply(advertisement('only-tor2', { communities: ['64512:9'], localPref: 150, peers: ['tor2'] }));
    await waitUntil(() => routes(d).length === 2, 5000, 'per-peer route');
    expect(d.peers.get('10.0.0.1')).toBe(tor); // untouched
    expect(routes(d).map((r) => [r.prefix, r.peers, r.communities.length])).toEqual([
      ['192.0.2.10/32', ['10.0.0.1'], 1],
      ['192.0.2.10/32', ['10.0.0.2'], 2],
    ]);

    // Changing a session parameter replaces that session alone; deleting the BGPPeer removes it.
    const tor2 = d.peers.get('10.0.0.2');
    server.apply(peer('tor', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.1', holdTime: '60s' }));
    await waitUntil(() => d.neighborConfig('10.0.0.1')?.holdTime === 60, 5000, 'tor reset');
    expect(d.peers.get('10.0.0.1')).not.toBe(tor);
    expect(d.peers.get('10.0.0.2')).toBe(tor2);
    server.delete(peer('tor2', {}));
    await waitUntil(() => !d.peers.has('10.0.0.2'), 5000, 'tor2 removed');
    expect(routes(d).map((r) => r.peers)).toEqual([undefined]);

    // A BGPPeer with its own myASN or localASN is a session speaking as that AS; an unusable one is a problem.
    server.apply(peer('other-as', { myASN: 64999, peerASN: 65000, peerAddress: '10.0.0.3' }));
    await waitUntil(() => d.peers.has('10.0.0.3'), 5000, 'other-as session');
    expect(d.neighborConfig('10.0.0.3')?.localAsn).toBe(64999);
    server.apply(
      peer('override', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.4', localASN: 65100 }),
    );
    await waitUntil(() => d.peers.has('10.0.0.4'), 5000, 'override session');
    expect(d.neighborConfig('10.0.0.4')?.localAsn).toBe(65100);
    server.apply(peer('bad', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.5', holdTime: '2s' }));
    await waitUntil(() => m.problems().length > 0, 5000, 'problem reported');
    expect(m.problems()[0].message).toMatch(/BGPPeer metallb-system\/bad: spec\.holdTime: /);
    expect(d.peers.has('10.0.0.5')).toBe(false);

    server.delete(service('web'));
    await waitUntil(() => routes(d).length === 0, 5000, 'service withdrawn');
  }, 30_000);

  it('an API-server outage withdraws nothing; the view catches up when it is back', async () => {
    const { daemon: d, mode: m } = await start();
    const port = server.port;
    await server.stop();
    await waitUntil(() => m.stale(), 5000, 'outage noticed');
    expect(await createMetrics(d).metrics()).toContain('metallb_k8s_client_config_stale_bool 1');
    await new Promise((r) => setTimeout(r, 300));
    expect(routes(d).map((r) => r.prefix)).toEqual(['192.0.2.10/32']);
    expect([...d.peers.keys()]).toEqual(['10.0.0.1']);
    server.delete(service('web'));
    await server.start(port);
    await waitUntil(() => routes(d).length === 0, 10_000, 'caught up');
    await waitUntil(() => !m.stale(), 10_000, 'healthy again');
  }, 30_000);

  it('a config-file neighbor on the same address wins, also when a reload adds or removes it', async () => {
    const withNeighbor = `${CONFIG}routerId: 192.0.2.1\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 65000, holdTime: 9, passive: true }\n`;
    const { daemon: d } = await start(withNeighbor);
    expect(d.routerId).toBe('192.0.2.1');
    expect(d.neighborConfig('10.0.0.1')).toMatchObject({ holdTime: 9, passive: true });
    await d.reload(parseConfig(CONFIG));
    expect(d.neighborConfig('10.0.0.1')).toMatchObject({ holdTime: 30, passive: false });
    await d.reload(parseConfig(withNeighbor));
    expect(d.neighborConfig('10.0.0.1')).toMatchObject({ holdTime: 9, passive: true });
    expect(d.peers.size).toBe(1);
  });

  it('a neighbor added between snapshots gets the route for every peer but the named ones at once', async () => {
    server.apply(peer('tor2', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.2' }));
    server.apply(advertisement('only-tor2', { communities: ['64512:9'], localPref: 150, peers: ['tor2'] }));
    const { daemon: d } = await start();
    await waitUntil(() => routes(d).length === 2, 5000, 'per-peer route');
    const targets = () => routes(d).map((r) => r.peers);
    expect(targets()).toEqual([['10.0.0.1'], ['10.0.0.2']]);
    // A config-file neighbor on reload: no snapshot comes, the route follows the neighbor set.
    await d.reload(
      parseConfig(`${CONFIG}neighbors:\n  - { address: 10.0.0.9, peerAsn: 65009, passive: true }\n`),
    );
    await Promise.resolve();
    expect(targets()).toEqual([['10.0.0.1', '10.0.0.9'], ['10.0.0.2']]);
    await d.reload(parseConfig(CONFIG));
    await Promise.resolve();
    expect(targets()).toEqual([['10.0.0.1'], ['10.0.0.2']]);
  }, 30_000);
});
