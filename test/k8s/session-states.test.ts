// BGPSessionState resources (FRR-K8s's, written as FRR-K8s writes them, and Herald's own with the
// last error) and ServiceBGPStatus, against the fake API server: created per key with the node's
// labels and owner, status changed in place, removed when gone, other nodes' left alone, and the
// label form of IPv6 peers and BFD states.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeTarget } from '../../src/k8s/kube-config.js';
import { ServiceStatuses } from '../../src/k8s/service-statuses.js';
import { bfdStatusWord, peerLabel, SessionStates } from '../../src/k8s/session-states.js';
import { FakeApiServer } from './fake-api-server.js';

const NS = 'frr-k8s-system';
const NODE_LABEL = 'frrk8s.metallb.io/node';
let server: FakeApiServer;
let errors: string[];
let states: SessionStates;

type State = {
  metadata: { name: string; labels: Record<string, string> };
  status: Record<string, string>;
};
const stored = () =>
  (server.all('frrk8s.metallb.io/v1beta1', 'BGPSessionState') as unknown as State[]).sort((a, b) =>
    a.metadata.labels['frrk8s.metallb.io/peer'].localeCompare(b.metadata.labels['frrk8s.metallb.io/peer']),
  );
const session = (address: string, bgpState: string, o: { vrf?: string; bfd?: string } = {}) => ({
  address,
  vrf: o.vrf ?? '',
  bgpState,
  bfdState: o.bfd,
  lastError: null,
});

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  errors = [];
  const target: KubeTarget = server.kubeTarget();
  states = new SessionStates(target, NS, 'node-a', { frrk8s: true, onError: (e) => errors.push(e.message) });
});
afterEach(() => server.stop());

describe('BGPSessionState', () => {
  it('creates one per session, updates it in place, deletes it with the neighbor, leaves other nodes alone', async () => {
    server.apply({
      apiVersion: 'frrk8s.metallb.io/v1beta1',
      kind: 'BGPSessionState',
      metadata: { name: 'node-b-x', namespace: NS, labels: { [NODE_LABEL]: 'node-b' } },
    } as never);
    await states.report([
      session('10.0.0.1', 'Active'),
      session('10.0.0.2', 'Established', { vrf: 'red', bfd: 'Up' }),
    ]);
    const mine = () => stored().filter((s) => s.metadata.labels[NODE_LABEL] === 'node-a');
    expect(mine().map((s) => [s.metadata.labels, s.status])).toEqual([
      [
        { [NODE_LABEL]: 'node-a', 'frrk8s.metallb.io/peer': '10.0.0.1', 'frrk8s.metallb.io/vrf': '' },
        { node: 'node-a', peer: '10.0.0.1', vrf: '', bgpStatus: 'Active', bfdStatus: 'N/A' },
      ],
      [
        { [NODE_LABEL]: 'node-a', 'frrk8s.metallb.io/peer': '10.0.0.2', 'frrk8s.metallb.io/vrf': 'red' },
        { node: 'node-a', peer: '10.0.0.2', vrf: 'red', bgpStatus: 'Established', bfdStatus: 'up' },
      ],
    ]);
    for (const s of mine()) expect(s.metadata.name).toMatch(/^node-a-[a-z0-9]{5}$/);
    const names = mine().map((s) => s.metadata.name);

    const writes = () => server.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    await states.report([
      session('10.0.0.1', 'Active'),
      session('10.0.0.2', 'Established', { vrf: 'red', bfd: 'Up' }),
    ]);
    expect(writes()).toBe(before);

    await states.report([session('10.0.0.1', 'Established')]);
    expect(mine().map((s) => [s.metadata.name, s.status.bgpStatus])).toEqual([[names[0], 'Established']]);
    expect(stored().map((s) => s.metadata.name)).toContain('node-b-x');
    expect(errors).toEqual([]);
  });

  it('picks up what a previous run left (listing by its node label) instead of creating duplicates', async () => {
    await states.report([session('10.0.0.1', 'Idle')]);
    const target: KubeTarget = server.kubeTarget();
    const restarted = new SessionStates(target, NS, 'node-a', { frrk8s: true });
    await restarted.report([session('10.0.0.1', 'Established')]);
    expect(stored().map((s) => s.status.bgpStatus)).toEqual(['Established']);
  });

  it("Herald's own BGPSessionState carries the last error and names the Node as owner", async () => {
    states.setOwner('uid-of-node-a');
    await states.report([{ ...session('10.0.0.1', 'Active'), lastError: 'connect: EHOSTUNREACH' }]);
    const [own] = server.all('herald.io/v1alpha1', 'BGPSessionState') as unknown as (State & {
      metadata: { ownerReferences: unknown[] };
    })[];
    expect(own.metadata.labels).toEqual({
      'herald.io/node': 'node-a',
      'herald.io/peer': '10.0.0.1',
      'herald.io/vrf': '',
    });
    expect(own.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'uid-of-node-a' },
    ]);
    expect(own.status).toEqual({
      node: 'node-a',
      peer: '10.0.0.1',
      vrf: '',
      bgpStatus: 'Active',
      bfdStatus: 'N/A',
      lastError: 'connect: EHOSTUNREACH',
    });
  });

  const web = {
    service: 'default/web',
    ips: ['192.0.2.10'],
    announced: true,
    reason: null,
    detail: null,
    prefixes: [{ prefix: '192.0.2.10/32', neighbors: ['10.0.0.1'] }],
  };

  it('ServiceBGPStatus: per service, announced or why not, which neighbors get which prefix', async () => {
    const target: KubeTarget = server.kubeTarget();
    const services = new ServiceStatuses(target, NS, 'node-a');
    await services.report([web]);
    await services.report([
      { ...web, announced: false, reason: 'noLocalEndpoints', detail: 'x', prefixes: [] },
    ]);
    const all = server.all('herald.io/v1alpha1', 'ServiceBGPStatus') as unknown as State[];
    expect(all.map((o) => [o.metadata.labels, o.status])).toEqual([
      [
        {
          'herald.io/node': 'node-a',
          'herald.io/service-namespace': 'default',
          'herald.io/service-name': 'web',
        },
        {
          node: 'node-a',
          service: 'default/web',
          ips: ['192.0.2.10'],
          announced: false,
          reason: 'noLocalEndpoints',
          detail: 'x',
          prefixes: [],
        },
      ],
    ]);
    await services.report([]);
    expect(server.all('herald.io/v1alpha1', 'ServiceBGPStatus')).toEqual([]);
  });

  it('ServiceBGPStatus is up to date only after a report was written whole', async () => {
    const services = new ServiceStatuses(server.kubeTarget(), NS, 'node-a');
    expect(services.upToDate()).toBe(false);
    const writing = services.report([web]);
    expect(services.upToDate()).toBe(false);
    await writing;
    expect(services.upToDate()).toBe(true);
    await server.stop(); // the API server goes away: the next pass fails
    await services.report([{ ...web, announced: false, reason: 'noEndpoints' }]);
    expect(services.upToDate()).toBe(false);
  });

  it('writes IPv6 peers as label values and BFD states in FRR words', () => {
    expect(peerLabel('2001:db8::1')).toBe('2001-0db8-0000-0000-0000-0000-0000-0001');
    expect(peerLabel('fe80::a:b')).toBe('fe80-0000-0000-0000-0000-0000-000a-000b');
    expect(peerLabel('192.0.2.1')).toBe('192.0.2.1');
    expect([undefined, 'Up', 'Down', 'Init', 'AdminDown'].map(bfdStatusWord)).toEqual([
      'N/A',
      'up',
      'down',
      'init',
      'shutdown',
    ]);
  });
});
