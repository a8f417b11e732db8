// The allocation controller against the fake API server: what the elected instance writes
// (status through the status subresource, the pool annotation, Events), how it survives a stale
// resourceVersion (409 → re-read), what a follower writes (nothing), and the loop closed through
// the watcher: an allocated IP is announced by the speaker side.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AllocationController } from '../../src/k8s/allocation-controller.js';
import type { DesiredState } from '../../src/k8s/desired.js';
import type { KubeTarget } from '../../src/k8s/kube-config.js';
import { type K8sWatcher, startWatcher } from '../../src/k8s/watcher.js';
import { waitUntil } from '../health/wait.js';
import { FakeApiServer, kubeconfigFor } from './fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from './resources.js';

let server: FakeApiServer;
let controller: AllocationController;
let errors: string[];

const target = (): KubeTarget => ({
  server: new URL(server.url),
  insecureSkipTlsVerify: true,
  token: () => 't',
});

type Svc = {
  metadata: { annotations?: Record<string, string>; resourceVersion: string };
  spec: Record<string, unknown>;
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
};
const stored = (name: string) => server.get('v1', 'Service', 'default', name) as unknown as Svc;
const ingress = (name: string) => (stored(name)?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
const events = () =>
  server.all('v1', 'Event').map((e) => {
    const x = e as unknown as {
      reason: string;
      message: string;
      involvedObject: { name: string };
      type: string;
    };
    return [x.involvedObject.name, x.type, x.reason, x.message];
  });

/** What the watcher would hand over: the fake server's current pools and services. */
function view() {
  return {
    ipAddressPools: server.all('metallb.io/v1beta1', 'IPAddressPool'),
    services: server.all('v1', 'Service'),
  };
}

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  errors = [];
  controller = new AllocationController({
    target: target(),
    identity: 'node-a',
    onError: (what, e) => errors.push(`${what}: ${e.message}`),
  });
  server.apply(pool('default', { addresses: ['192.0.2.10-192.0.2.11'] }));
});

afterEach(async () => {
  await controller.idle();
  await server.stop();
});

async function reconcile() {
  controller.update(view());
  await controller.idle();
}

describe('AllocationController', () => {
  it('the leader writes status, the pool annotation and an IPAllocated Event; a follower writes nothing', async () => {
    server.apply(service('web'));
    await reconcile();
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    controller.setLeader(true);
    await reconcile();
    expect(ingress('web')).toEqual(['192.0.2.10']);
    expect(stored('web').metadata.annotations?.['metallb.io/ip-allocated-from-pool']).toBe('default');
    expect(events()).toEqual([['web', 'Normal', 'IPAllocated', 'Assigned IP ["192.0.2.10"]']]);
    expect(server.get('metallb.io/v1beta1', 'IPAddressPool', 'metallb-system', 'default')).toMatchObject({
      status: { assignedIPv4: 1, availableIPv4: 1, assignedIPv6: 0, availableIPv6: 0 },
    });
    // Nothing left to do: another round writes nothing.
    const writes = server.requests.filter((r) => r.method !== 'GET').length;
    await reconcile();
    expect(server.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
    expect(errors).toEqual([]);
  });

  it('a stale resourceVersion gets 409 Conflict, and the write is retried on the object read again', async () => {
    server.apply(service('web'));
    const stale = view();
    // Someone else changes the service after our view was taken.
    server.apply({
      ...(stored('web') as object),
      spec: { ...stored('web').spec, sessionAffinity: 'ClientIP' },
    } as never);
    controller.setLeader(true);
    controller.update(stale);
    await controller.idle();
    const statusPuts = server.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/web/status'));
    expect(statusPuts).toHaveLength(2);
    expect(ingress('web')).toEqual(['192.0.2.10']);
    expect(stored('web').spec.sessionAffinity).toBe('ClientIP');
    expect(errors).toEqual([]);
  });

  it('a service that cannot get an IP gets one AllocationFailed Event and loses an IP it held', async () => {
    server.apply(service('a'));
    server.apply(service('b'));
    controller.setLeader(true);
    await reconcile();
    server.apply(service('c', { annotations: { 'metallb.io/loadBalancerIPs': '198.51.100.1' } }));
    await reconcile();
    await reconcile();
    expect(events().filter((e) => e[2] === 'AllocationFailed')).toEqual([
      [
        'c',
        'Warning',
        'AllocationFailed',
        'Failed to allocate IP for "default/c": 198.51.100.1 not in one IPAddressPool (ipNotInPool)',
      ],
    ]);
    // The pool shrinks: b's address leaves it, and no other is free.
    server.apply(pool('default', { addresses: ['192.0.2.10/32'] }));
    await reconcile();
    expect([ingress('a'), ingress('b')]).toEqual([['192.0.2.10'], []]);
    expect(
      events()
        .filter((e) => e[0] === 'b')
        .map((e) => e[2]),
    ).toEqual(['IPAllocated', 'AllocationFailed']);
  });

  it('a service that stops being a LoadBalancer has its IP and annotation cleared', async () => {
    server.apply(service('web'));
    controller.setLeader(true);
    await reconcile();
    const s = stored('web');
    server.apply({ ...(s as object), spec: { ...s.spec, type: 'ClusterIP' } } as never);
    await reconcile();
    expect(ingress('web')).toEqual([]);
    expect(stored('web').metadata.annotations?.['metallb.io/ip-allocated-from-pool']).toBeUndefined();
  });
});

describe('allocation through the watcher', () => {
  let dir: string;
  let watcher: K8sWatcher | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-alloc-'));
  });
  afterEach(async () => {
    await watcher?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new LoadBalancer service without an IP is assigned one and then announced', async () => {
    server.apply(advertisement('all'));
    server.apply(peer('tor', { myASN: 64512, peerASN: 65000, peerAddress: '10.0.0.1' }));
    server.apply(node('node-a'));
    server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } as never);
    server.apply(slice('web', [{ node: 'node-a' }]));
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfigFor(server.url));
    const states: DesiredState[] = [];
    controller.setLeader(true);
    watcher = await startWatcher({
      nodeName: 'node-a',
      kubeconfig: file,
      debounceMs: 10,
      allocate: true,
      onResources: (raw) => controller.update(raw),
      onDesired: (s) => states.push(s),
    });
    server.apply(service('web'));
    const announced = () => states.at(-1)?.announcements.map((a) => a.prefix) ?? [];
    await waitUntil(() => announced().includes('192.0.2.10/32'), 5000, 'the allocated IP announced');
    expect(ingress('web')).toEqual(['192.0.2.10']);
    expect(server.requests.some((r) => r.path === '/api/v1/namespaces' && r.method === 'GET')).toBe(true);
  });
});

describe('ServiceEvents', () => {
  it('events from several nodes on one Service at the same moment all land (the server names them)', async () => {
    const { ServiceEvents } = await import('../../src/k8s/service-events.js');
    const nodes = ['node-1', 'node-2', 'node-3'].map((n) => new ServiceEvents(target(), 'herald-speaker', n));
    await Promise.all(
      nodes.map((e) =>
        e.record({ namespace: 'default', name: 'web' }, 'Normal', 'nodeAssigned', 'announcing'),
      ),
    );
    expect(
      server
        .all('v1', 'Event')
        .map((e) => (e as unknown as { reportingInstance: string }).reportingInstance)
        .sort(),
    ).toEqual(['node-1', 'node-2', 'node-3']);
  });
});
