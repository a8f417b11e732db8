// The watcher and its list/watch client (src/k8s/list-watch.ts) against the fake API server through a
// kubeconfig file: initial list, add/modify/delete, a 410 Gone forcing a re-list, a bookmark that
// spares one, and the API server going away and coming back without the desired state emptying.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/k8s/desired.js';
import { type K8sWatcher, startWatcher } from '../../src/k8s/watcher.js';
import { waitUntil } from '../health/wait.js';
import { FakeApiServer, kubeconfigFor } from './fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from './resources.js';

const NODE = 'node-a';
const POOLS = '/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools';

let dir: string;
let server: FakeApiServer;
let watcher: K8sWatcher | undefined;
let states: DesiredState[];
let errors: string[];
/** The retry delay the watcher gave with each error, per collection. */
let retries: Map<string, number[]>;

const prefixes = (s: DesiredState | undefined) => s?.announcements.map((a) => a.prefix) ?? [];
const last = () => states[states.length - 1];
const lists = (path: string) => server.requests.filter((r) => r.path === path && !r.query.watch).length;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-k8s-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  for (const o of [
    pool('default', { addresses: ['192.0.2.0/24'] }),
    advertisement('all', { communities: ['64512:1'] }),
    peer('tor', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.1' }),
    node(NODE),
    service('web', { ips: ['192.0.2.10'] }),
    slice('web', [{ node: NODE }]),
  ]) {
    server.apply(o);
  }
  states = [];
  errors = [];
  retries = new Map();
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await server.stop();
});

async function start() {
  const file = join(dir, `kubeconfig-${server.port}`);
  writeFileSync(file, kubeconfigFor(server.url));
  watcher = await startWatcher({
    nodeName: NODE,
    kubeconfig: file,
    debounceMs: 20,
    backoff: { initialMs: 50, maxMs: 200 },
    onDesired: (s) => states.push(s),
    onError: (collection, e, retryInMs) => {
      errors.push(`${collection}: ${(e as Error).message}`);
      retries.set(collection, [...(retries.get(collection) ?? []), retryInMs]);
    },
  });
  await waitUntil(() => states.length > 0, 5000, 'first desired state');
  await waitUntil(() => server.openWatches() === 9, 5000, 'a watch on every collection');
}

describe('k8s watcher against the fake API server', () => {
  it('lists everything, then follows adds, modifications and deletions', async () => {
    await start();
    expect(states).toHaveLength(1);
    expect(last().announcements).toEqual([
      {
        prefix: '192.0.2.10/32',
        peers: null,
        communities: ['64512:1'],
        largeCommunities: [],
        localPref: undefined,
        services: ['default/web'],
      },
    ]);
    expect(last().sessions).toMatchObject([{ name: 'tor', address: '10.0.0.1', peerAsn: 65000 }]);
    const watches = server.requests.filter((r) => r.query.watch);
    expect(watches.length).toBe(9);
    for (const w of watches) {
      expect(w.query).toMatchObject({ watch: 'true', allowWatchBookmarks: 'true' });
      expect(Number(w.query.resourceVersion)).toBe(server.resourceVersion);
    }

    server.apply(service('api', { ips: ['192.0.2.20'] }));
    server.apply(slice('api', [{ node: 'node-b' }]));
    await waitUntil(() => prefixes(last()).includes('192.0.2.20/32'), 5000, 'added service announced');

    server.apply(service('api', { ips: ['192.0.2.20'], policy: 'Local' }));
    await waitUntil(
      () =>
        last().services.some(
          (s) => s.service === 'default/api' && !s.announced && s.reason === 'noLocalEndpoints',
        ),
      5000,
      'modified service withdrawn (no local endpoints)',
    );
    expect(prefixes(last())).toEqual(['192.0.2.10/32']);

    server.delete(service('web'));
    await waitUntil(() => prefixes(last()).length === 0, 5000, 'deleted service withdrawn');
    expect(errors).toEqual([]);
  });

  it('folds a burst of changes into one snapshot', async () => {
    await start();
    for (let i = 1; i <= 20; i++) {
      server.apply(service(`s${i}`, { ips: [`192.0.2.${100 + i}`] }));
      server.apply(slice(`s${i}`, [{ node: NODE }]));
    }
    await waitUntil(() => prefixes(last()).length === 21, 5000, 'all 21 services');
    expect(states.length).toBeLessThanOrEqual(3);
  });

  it('re-lists after 410 Gone when the history it would resume from was compacted', async () => {
    await start();
    const listedBefore = lists(POOLS);
    const watchedFrom = String(server.resourceVersion);
    const port = server.port;
    await server.stop(); // the watches drop; meanwhile the pool shrinks and etcd compacts
    server.apply(pool('default', { addresses: ['192.0.2.128/25'] }));
    server.compact();
    await server.start(port);
    await waitUntil(
      () => last().services[0]?.announced === false,
      5000,
      'the shrunk pool seen through a re-list',
    );
    expect(last().services[0]).toMatchObject({
      service: 'default/web',
      announced: false,
      reason: 'notInPool',
    });
    expect(prefixes(last())).toEqual([]);
    // After the restart: a watch from the old version (answered with a 410 ERROR event), then a
    // list, then a watch from the list's version.
    const poolRequests = () => server.requests.filter((r) => r.path === POOLS);
    await waitUntil(() => poolRequests().pop()?.query.watch === 'true', 5000, 'watching again');
    const after = poolRequests().slice(-3);
    expect(after.map((r) => [r.query.watch ?? 'list', r.query.resourceVersion])).toEqual([
      ['true', watchedFrom],
      ['list', undefined],
      ['true', String(server.resourceVersion)],
    ]);
    expect(lists(POOLS)).toBe(listedBefore + 1);
  });

  it('moves its resourceVersion on a bookmark, so a later resume needs no re-list', async () => {
    await start();
    server.apply(node('other-node')); // advances the global resourceVersion
    await waitUntil(
      () => watcher?.status().find((c) => c.collection === 'nodes')?.objects === 2,
      5000,
      'node seen',
    );
    const rvBefore = watcher?.status().find((c) => c.collection === 'ipAddressPools')?.resourceVersion;
    expect(Number(rvBefore)).toBeLessThan(server.resourceVersion);
    expect(server.bookmark()).toBe(9);
    await waitUntil(
      () => watcher?.status().every((c) => c.resourceVersion === String(server.resourceVersion)) ?? false,
      5000,
      'every collection at the bookmark resourceVersion',
    );
    const listed = lists(POOLS);
    server.compact();
    server.closeWatches();
    await waitUntil(() => server.openWatches() === 9, 5000, 'watches resumed');
    expect(lists(POOLS)).toBe(listed);
    const resumed = server.requests.filter((r) => r.path === POOLS && r.query.watch).pop();
    expect(resumed?.query.resourceVersion).toBe(String(server.resourceVersion));
  });

  it('keeps the desired state while the API server is away, and catches up when it is back', async () => {
    await start();
    const before = states.length;
    const port = server.port;
    await server.stop();
    await waitUntil(() => errors.length >= 9, 5000, 'every collection noticed the outage');
    expect(watcher?.status().every((c) => !c.healthy)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // several retries fail meanwhile
    expect(states.length).toBe(before);
    expect(watcher?.current()?.announcements.map((a) => a.prefix)).toEqual(['192.0.2.10/32']);

    server.apply(service('while-down', { ips: ['192.0.2.40'] }));
    server.apply(slice('while-down', [{ node: NODE }]));
    server.delete(service('web'));
    await server.start(port);
    await waitUntil(() => prefixes(last()).join() === '192.0.2.40/32', 5000, 'caught up after the outage');
    await waitUntil(() => watcher?.status().every((c) => c.healthy) ?? false, 5000, 'healthy again');
  });

  it('retries a failing collection with a doubling delay, capped, and starts over once it recovers', async () => {
    await start();
    const port = server.port;
    await server.stop();
    // 50 + 100 + 200 + 200 ms: four retries of each collection at least.
    await waitUntil(
      () => retries.size === 9 && [...retries.values()].every((d) => d.length >= 5),
      5000,
      'five failures of each collection',
    );
    expect(retries.size).toBe(9);
    for (const delays of retries.values()) {
      expect(delays.slice(0, 5)).toEqual([50, 100, 200, 200, 200]);
      expect(Math.max(...delays)).toBe(200);
    }
    await server.start(port);
    await waitUntil(() => watcher?.status().every((c) => c.healthy) ?? false, 5000, 'healthy again');
    retries.clear();
    await server.stop();
    await waitUntil(() => retries.size === 9, 5000, 'every collection failing again');
    for (const delays of retries.values()) expect(delays[0]).toBe(50);
    await server.start(port);
  });
});
