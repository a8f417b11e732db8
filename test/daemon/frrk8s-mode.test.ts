// FRR-K8s mode wired into the real Daemon, fed by the real watcher against the fake API server:
// a BGPPeer and two FRRConfigurations for the same router become one neighbor carrying the
// prefixes of all three, toReceive becomes its import policy, a conflicting configuration is left
// out with the reason while the others keep working, deleting a configuration takes away exactly
// its prefixes without touching the session, and a node selector that does not match contributes
// nothing. (Sessions never connect here: dialling is replaced by a connection that never opens.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { configSourcesTable } from '../../src/cli/config-sources.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { KubernetesMode } from '../../src/daemon/kubernetes-mode.js';
import { createLogger } from '../../src/log/logger.js';
import { formatPrefix } from '../../src/wire/index.js';
import { waitUntil } from '../health/wait.js';
import { FakeApiServer, kubeconfigFor } from '../k8s/fake-api-server.js';
import { advertisement, frrConfiguration, node, peer, pool, service, slice } from '../k8s/resources.js';

const NODE = 'node-a';
let dir: string;
let server: FakeApiServer;
let daemon: Daemon | undefined;
let mode: KubernetesMode | undefined;

const router = (prefixes: string[], neighbor: Record<string, unknown>) => ({
  bgp: { routers: [{ asn: 64512, prefixes, neighbors: [{ address: '10.0.0.1', asn: 65000, ...neighbor }] }] },
});

const A = frrConfiguration(
  'a',
  router(['198.51.100.0/24'], {
    toAdvertise: {
      allowed: { mode: 'all' },
      withCommunity: [{ community: '65000:1', prefixes: ['198.51.100.0/24'] }],
    },
    toReceive: { allowed: { prefixes: [{ prefix: '172.16.0.0/12', le: 24 }] } },
  }),
  '2026-01-01T00:00:00Z',
);
const B = frrConfiguration(
  'b',
  router(['203.0.113.0/24'], { toAdvertise: { allowed: { prefixes: ['203.0.113.0/24'] } } }),
  '2026-01-02T00:00:00Z',
);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-frrk8s-mode-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  for (const o of [
    pool('default', { addresses: ['192.0.2.0/24'] }),
    advertisement('all'),
    peer('tor', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.1' }),
    node(NODE, { address: '192.0.2.77', labels: { rack: 'r1' } }),
    service('web', { ips: ['192.0.2.10'] }),
    slice('web', [{ node: NODE }]),
    A,
    B,
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

async function start() {
  const kubeconfig = join(dir, `kubeconfig-${server.port}`);
  writeFileSync(kubeconfig, kubeconfigFor(server.url));
  const config = parseConfig(
    'asn: 64512\nlisten: false\nkubernetes: { enabled: true, debounceMs: 20, frrk8s: true }\n',
  );
  const d = new Daemon({ config, log: createLogger('silent'), dial: () => new Promise(() => {}) });
  daemon = d;
  const m = await KubernetesMode.start(d, config.kubernetes, {
    kubeconfig,
    env: { NODE_NAME: NODE },
    firstSnapshotMs: 5000,
  });
  mode = m;
  d.kubernetes = m;
  await d.start();
  await waitUntil(() => m.frrk8s() !== undefined, 5000, 'first merged snapshot');
  return { d, m };
}

const routes = (d: Daemon) =>
  d
    .localRoutes()
    .map((r) => ({ prefix: formatPrefix(r.prefix), peers: r.peers, communities: r.communities }))
    .sort((a, b) => a.prefix.localeCompare(b.prefix));

async function frrView(d: Daemon) {
  const app = buildApi(d);
  try {
    return (await app.inject('/api/v1/frrk8s')).json();
  } finally {
    await app.close();
  }
}

describe('FRR-K8s mode', () => {
  it('runs one session for a BGPPeer and two FRRConfigurations, with the union of their prefixes', async () => {
    const { d } = await start();
    expect([...d.peers.keys()]).toEqual(['10.0.0.1']);
    expect(routes(d)).toEqual([
      { prefix: '192.0.2.10/32', peers: ['10.0.0.1'], communities: [] },
      { prefix: '198.51.100.0/24', peers: ['10.0.0.1'], communities: [65000 * 65536 + 1] },
      { prefix: '203.0.113.0/24', peers: ['10.0.0.1'], communities: [] },
    ]);
    expect(d.neighborConfig('10.0.0.1')?.importPolicy).toBe('frrk8s-in-10.0.0.1');
    const view = await frrView(d);
    expect(view.enabled).toBe(true);
    expect(view.sources).toEqual([
      { source: 'config file', merged: true, reason: null },
      { source: 'BGPPeer metallb-system/tor', merged: true, reason: null },
      { source: 'FRRConfiguration metallb-system/a', merged: true, reason: null },
      { source: 'FRRConfiguration metallb-system/b', merged: true, reason: null },
    ]);
    expect(view.neighbors).toHaveLength(1);
    expect(view.neighbors[0]).toMatchObject({
      key: '10.0.0.1',
      address: '10.0.0.1',
      importPolicy: 'frrk8s-in-10.0.0.1',
      toReceive: { mode: 'filtered', prefixes: [{ prefix: '172.16.0.0/12', ge: null, le: 24 }] },
    });
  });

  it('leaves a conflicting configuration out with the reason; deleting one withdraws only its prefixes', async () => {
    const { d, m } = await start();
    const session = d.peers.get('10.0.0.1');
    server.apply(
      frrConfiguration(
        'c',
        router(['100.64.0.0/24'], { asn: 65099, toAdvertise: { allowed: { mode: 'all' } } }),
        '2026-01-03T00:00:00Z',
      ),
    );
    await waitUntil(() => (m.frrk8s()?.merged.rejected.length ?? 0) > 0, 5000, 'the conflict');
    expect(m.problems().map((p) => p.message)).toContain(
      'FRRConfiguration metallb-system/c: neighbor 10.0.0.1 asn: 65099 here, 65000 in BGPPeer metallb-system/tor, FRRConfiguration metallb-system/a, FRRConfiguration metallb-system/b; left out',
    );
    expect(routes(d).map((r) => r.prefix)).not.toContain('100.64.0.0/24');
    // And as a Warning Event on the configuration left out (kubectl describe frrconfiguration c).
    const rejectedEvents = () =>
      server
        .all('v1', 'Event')
        .map((e) => e as unknown as { type: string; reason: string; involvedObject: Record<string, string> })
        .filter((e) => e.reason === 'ConfigurationRejected');
    await waitUntil(() => rejectedEvents().length > 0, 5000, 'the Event');
    // And in `herald config sources`.
    const table = configSourcesTable(await frrView(d)).split('\n');
    expect(table.find((l) => l.startsWith('FRRConfiguration metallb-system/c'))).toMatch(
      /^FRRConfiguration metallb-system\/c\s+no\s+-\s+-\s+FRRConfiguration metallb-system\/c: neighbor 10\.0\.0\.1 asn: 65099/,
    );
    expect(table.find((l) => l.startsWith('FRRConfiguration metallb-system/a'))).toMatch(
      /^FRRConfiguration metallb-system\/a\s+yes\s+AS64512\s+10\.0\.0\.1\s+-$/,
    );
    expect(rejectedEvents()).toMatchObject([
      {
        type: 'Warning',
        involvedObject: {
          kind: 'FRRConfiguration',
          apiVersion: 'frrk8s.metallb.io/v1beta1',
          namespace: 'metallb-system',
          name: 'c',
        },
      },
    ]);
    server.delete(B);
    await waitUntil(() => !routes(d).some((r) => r.prefix === '203.0.113.0/24'), 5000, 'B withdrawn');
    expect(routes(d).map((r) => r.prefix)).toEqual(['192.0.2.10/32', '198.51.100.0/24']);
    // The same session object: nothing was reset.
    expect(d.peers.get('10.0.0.1')).toBe(session);
  });

  it("keeps the node's FRRNodeState: what runs, and spec.raw as a conversion failure and an Event", async () => {
    const { d } = await start();
    type NodeState = { metadata: { name: string }; status?: Record<string, string> };
    const state = () => server.get('frrk8s.metallb.io/v1beta1', 'FRRNodeState', undefined, NODE) as NodeState;
    await waitUntil(() => state()?.status?.lastConversionResult === 'success', 5000, 'the FRRNodeState');
    expect(state().status?.lastReloadResult).toBe('success');
    expect(state().status?.runningConfig).toContain('address: 10.0.0.1');
    const raw = frrConfiguration('raw', { raw: { rawConfig: 'router bgp 64512\n' } }, '2026-01-05T00:00:00Z');
    server.apply({ ...raw, metadata: { ...raw.metadata, uid: 'uid-of-raw' } } as never);
    await waitUntil(() => state().status?.lastConversionResult !== 'success', 5000, 'the raw configuration');
    expect(state().status?.lastConversionResult).toMatch(
      /^failed: FRRConfiguration metallb-system\/raw: spec\.raw: raw FRR configuration is not supported/,
    );
    // What runs stays the valid sources' configuration.
    expect(state().status?.runningConfig).toContain('203.0.113.0/24');
    // And `herald config sources` lists it as left out, with why.
    expect(configSourcesTable(await frrView(d))).toMatch(
      /^FRRConfiguration metallb-system\/raw\s+no\s+-\s+-\s+FRRConfiguration metallb-system\/raw: spec\.raw:/m,
    );
    const events = () =>
      server
        .all('v1', 'Event')
        .map(
          (e) => e as unknown as { reason: string; message: string; involvedObject: Record<string, string> },
        )
        .filter((e) => e.reason === 'ConfigurationRejected' && e.involvedObject.name === 'raw');
    await waitUntil(() => events().length > 0, 5000, 'the Event on the raw configuration');
    expect(events()[0].message).toMatch(/spec\.raw: raw FRR configuration is not supported/);
    // With the object's uid: `kubectl describe frrconfiguration raw` selects its Events by it.
    expect(events()[0].involvedObject).toMatchObject({ kind: 'FRRConfiguration', uid: 'uid-of-raw' });
    // Once per reason: the next snapshots record nothing more.
    server.apply(
      frrConfiguration('later', router(['100.64.2.0/24'], { toAdvertise: { allowed: { mode: 'all' } } })),
    );
    const later = () => state().status?.runningConfig?.includes('100.64.2.0/24') === true;
    await waitUntil(later, 5000, 'a later snapshot');
    expect(events()).toHaveLength(1);
  });

  it('turns toReceive into the import policy and follows changes to it', async () => {
    const { d, m } = await start();
    server.apply(
      frrConfiguration(
        'open',
        router([], { toReceive: { allowed: { mode: 'all' } } }),
        '2026-01-04T00:00:00Z',
      ),
    );
    await waitUntil(() => m.frrk8s()?.merged.neighbors[0]?.receive.all === true, 5000, 'mode all merged');
    expect(m.frrk8s()?.policyConfig.policies['frrk8s-in-10.0.0.1']).toEqual({ default: 'accept' });
    expect(d.neighborConfig('10.0.0.1')?.importPolicy).toBe('frrk8s-in-10.0.0.1');
  });

  it('leaves out a configuration whose node selector does not select this node', async () => {
    server.apply(
      frrConfiguration('elsewhere', {
        nodeSelector: { matchLabels: { rack: 'r2' } },
        ...router(['100.64.1.0/24'], { toAdvertise: { allowed: { mode: 'all' } } }),
      }),
    );
    const { d, m } = await start();
    expect(m.frrk8s()?.merged.accepted).not.toContain('FRRConfiguration metallb-system/elsewhere');
    expect(routes(d).map((r) => r.prefix)).not.toContain('100.64.1.0/24');
  });

  it("withdraws a configuration's prefixes while its selector stops matching, the session left alone", async () => {
    server.apply(
      frrConfiguration('racked', {
        nodeSelector: { matchLabels: { rack: 'r1' } },
        ...router(['100.64.1.0/24'], { toAdvertise: { allowed: { mode: 'all' } } }),
      }),
    );
    const { d, m } = await start();
    const racked = 'FRRConfiguration metallb-system/racked';
    const prefixes = () => routes(d).map((r) => r.prefix);
    const session = d.peers.get('10.0.0.1');
    expect(session).toBeDefined();
    expect(prefixes()).toContain('100.64.1.0/24');
    const others = prefixes().filter((p) => p !== '100.64.1.0/24');

    // The node moves to another rack: `racked` no longer selects it; the others keep theirs.
    server.apply(node(NODE, { address: '192.0.2.77', labels: { rack: 'r2' } }));
    await waitUntil(() => !prefixes().includes('100.64.1.0/24'), 5000, 'racked withdrawn');
    expect(prefixes()).toEqual(others);
    expect(m.frrk8s()?.merged.accepted).not.toContain(racked);
    expect(d.peers.get('10.0.0.1')).toBe(session);

    // And back.
    server.apply(node(NODE, { address: '192.0.2.77', labels: { rack: 'r1' } }));
    await waitUntil(() => prefixes().includes('100.64.1.0/24'), 5000, 'racked restored');
    expect(m.frrk8s()?.merged.accepted).toContain(racked);
    expect(d.peers.get('10.0.0.1')).toBe(session);
  });
});
