// Lease leader election against the fake API server: one leader among candidates, hand-over on
// release, take-over of a Lease nobody renews (by the candidate's own observation clock), and a
// leader that cannot renew stepping down. The clock is injected: nothing here depends on timing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeTarget } from '../../src/k8s/kube-config.js';
import { LeaderElector } from '../../src/k8s/leader-election.js';
import { waitUntil } from '../health/wait.js';
import { FakeApiServer } from './fake-api-server.js';

const NS = 'metallb-system';
let server: FakeApiServer;
let electors: LeaderElector[];
let clock: number;

const target = (): KubeTarget => ({
  server: new URL(server.url),
  insecureSkipTlsVerify: true,
  token: () => 'test-token',
});

function candidate(identity: string, events: string[] = []) {
  const e = new LeaderElector({
    target: target(),
    namespace: NS,
    name: 'herald-allocator',
    identity,
    leaseDurationS: 15,
    renewDeadlineS: 10,
    retryPeriodS: 0.02,
    now: () => clock,
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
  });
  electors.push(e);
  return e;
}

const lease = () =>
  server.get('coordination.k8s.io/v1', 'Lease', NS, 'herald-allocator') as
    | { spec: { holderIdentity: string; leaseTransitions: number; leaseDurationSeconds: number } }
    | undefined;

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  electors = [];
  clock = 1_000_000;
});

afterEach(async () => {
  for (const e of electors) await e.stop();
  await server.stop();
});

describe('LeaderElector', () => {
  it('of three candidates exactly one leads, and the Lease names it', async () => {
    const all = ['node-a', 'node-b', 'node-c'].map((n) => candidate(n));
    for (const e of all) e.start();
    await waitUntil(() => all.some((e) => e.isLeader()), 5000, 'a leader');
    // Let every candidate read the Lease a few times: nobody else may take over an unexpired Lease.
    const writes = () => server.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    await waitUntil(() => server.requests.length > before + 30, 5000, 'more rounds');
    const leaders = all.filter((e) => e.isLeader());
    expect(leaders).toHaveLength(1);
    const leader = ['node-a', 'node-b', 'node-c'][all.indexOf(leaders[0])];
    expect(lease()?.spec.holderIdentity).toBe(leader);
    expect(lease()?.spec.leaseTransitions).toBe(0);
    for (const e of all) expect(e.holder()).toBe(leader);
  });

  it('a leader that stops releases the Lease and another candidate takes it at once', async () => {
    const eventsA: string[] = [];
    const a = candidate('node-a', eventsA);
    a.start();
    await waitUntil(() => a.isLeader(), 5000, 'node-a leads');
    const b = candidate('node-b');
    b.start();
    await waitUntil(() => b.holder() === 'node-a', 5000, 'node-b sees node-a');
    await a.stop();
    expect(eventsA).toEqual(['started', 'stopped']);
    // No clock advance: the released Lease (no holder) is free without waiting out its duration.
    await waitUntil(() => b.isLeader(), 5000, 'node-b takes over');
    expect(lease()?.spec).toMatchObject({
      holderIdentity: 'node-b',
      leaseTransitions: 1,
      leaseDurationSeconds: 15,
    });
  });

  it("takes over a Lease nobody renews once a duration has passed on the candidate's clock", async () => {
    server.apply({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'herald-allocator', namespace: NS },
      // A renewTime from the far future: wall clocks are not trusted, only observed change is.
      spec: {
        holderIdentity: 'crashed',
        leaseDurationSeconds: 15,
        renewTime: '2099-01-01T00:00:00.000000Z',
        leaseTransitions: 4,
      },
    } as never);
    const b = candidate('node-b');
    b.start();
    await waitUntil(() => b.holder() === 'crashed', 5000, 'node-b reads the Lease');
    const reads = server.requests.length;
    await waitUntil(() => server.requests.length > reads + 5, 5000, 'more reads');
    expect(b.isLeader()).toBe(false);
    clock += 14_000;
    const again = server.requests.length;
    await waitUntil(() => server.requests.length > again + 5, 5000, 'more reads');
    expect(b.isLeader()).toBe(false);
    clock += 2_000;
    await waitUntil(() => b.isLeader(), 5000, 'node-b takes over');
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'node-b', leaseTransitions: 5 });
  });

  it('a leader that cannot renew within the deadline stops leading', async () => {
    const events: string[] = [];
    const a = candidate('node-a', events);
    a.start();
    await waitUntil(() => a.isLeader(), 5000, 'node-a leads');
    await server.stop();
    clock += 9_000;
    await new Promise((r) => setTimeout(r, 100));
    expect(a.isLeader()).toBe(true);
    clock += 2_000;
    await waitUntil(() => !a.isLeader(), 5000, 'node-a steps down');
    expect(events).toEqual(['started', 'stopped']);
    await server.start();
    await waitUntil(() => a.isLeader(), 5000, 'node-a leads again');
  });
});
