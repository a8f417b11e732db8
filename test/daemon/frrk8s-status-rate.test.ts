// FRR-K8s mode's status resources are written at a bounded rate (issue 21): BGPSessionState and
// FRRNodeState go through StatusObjects, which writes only differences and, while a pass is
// writing, keeps just the latest desired state for one more pass. So a report that changes
// nothing writes nothing, and a burst of state changes (a flapping session, a run of configuration
// changes) costs at most two passes of writes however long the burst, ending at the last state.
// Against the fake API server, counting the write requests it answered; no timers are involved.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrrNodeState } from '../../src/k8s/frrk8s/node-state.js';
import type { KubeTarget } from '../../src/k8s/kube-config.js';
import { SessionStates } from '../../src/k8s/session-states.js';
import { FakeApiServer } from '../k8s/fake-api-server.js';

const NS = 'frr-k8s-system';
const NODE = 'node-a';
const FSM = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];
let server: FakeApiServer;
let target: KubeTarget;
let errors: string[];

/** Write requests (anything but GET) to a collection of FRR-K8s's group. */
const writes = (plural: string) =>
  server.requests.filter(
    (r) =>
      r.method !== 'GET' && r.path.includes(`/frrk8s.metallb.io/v1beta1/`) && r.path.includes(`/${plural}`),
  );

const session = (address: string, bgpState: string) => ({
  address,
  vrf: '',
  bgpState,
  bfdState: undefined,
  lastError: null,
});

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  errors = [];
  target = server.kubeTarget();
});
afterEach(() => server.stop());

describe('BGPSessionState writes', () => {
  it('a report without changes writes nothing; a burst of changes writes at most two passes, ending at the last', async () => {
    const states = new SessionStates(target, NS, NODE, {
      frrk8s: true,
      onError: (e) => errors.push(e.message),
    });
    await states.report([session('10.0.0.1', 'Active'), session('10.0.0.2', 'Established')]);
    const afterCreate = writes('bgpsessionstates').length;
    // Created with a POST and given its status with a PUT, per session.
    expect(afterCreate).toBe(4);

    // The same state reported again (as the periodic report does): no write.
    for (let i = 0; i < 5; i++)
      await states.report([session('10.0.0.1', 'Active'), session('10.0.0.2', 'Established')]);
    expect(writes('bgpsessionstates').length).toBe(afterCreate);

    // 10.0.0.1 flaps through the FSM 20 times without the caller waiting: the first change is
    // written, the rest coalesce into one more pass with the latest state. 10.0.0.2 never changes.
    const burst: Promise<void>[] = [];
    for (let i = 0; i < 20 * FSM.length; i++)
      burst.push(
        states.report([session('10.0.0.1', FSM[i % FSM.length]), session('10.0.0.2', 'Established')]),
      );
    burst.push(states.report([session('10.0.0.1', 'Established'), session('10.0.0.2', 'Established')]));
    await Promise.all(burst);
    const statusOf = (peer: string) =>
      (
        server.all('frrk8s.metallb.io/v1beta1', 'BGPSessionState') as unknown as {
          status: { peer: string; bgpStatus: string };
        }[]
      ).find((o) => o.status.peer === peer)?.status.bgpStatus;
    await vi.waitFor(() => expect(statusOf('10.0.0.1')).toBe('Established'), { timeout: 5000 });
    // The second pass may still be finishing its request: wait until nothing more is in flight.
    await states.report([session('10.0.0.1', 'Established'), session('10.0.0.2', 'Established')]);
    const burstWrites = writes('bgpsessionstates').slice(afterCreate);
    expect(burstWrites.length).toBeGreaterThanOrEqual(1);
    expect(burstWrites.length).toBeLessThanOrEqual(2);
    expect(burstWrites.every((r) => r.method === 'PUT' && r.path.endsWith('/status'))).toBe(true);
    // Only the changed session's object was written.
    const name10001 = burstWrites[0].path.split('/').at(-2);
    expect(burstWrites.every((r) => r.path.split('/').at(-2) === name10001)).toBe(true);
    expect(statusOf('10.0.0.2')).toBe('Established');
    expect(errors).toEqual([]);
  });
});

describe('FRRNodeState writes', () => {
  it('only changes are written, and a burst of configurations costs at most two writes', async () => {
    const state = new FrrNodeState(target, NODE, (e) => errors.push(e.message));
    const report = (n: number) => ({
      runningConfig: `routers:\n- asn: 64512\n  prefixes: [192.0.2.${n}/32]\n`,
      lastConversionResult: 'success',
      lastReloadResult: 'success',
    });
    await state.report(report(0));
    const afterCreate = writes('frrnodestates').length;
    expect(afterCreate).toBe(2); // POST, then PUT of its status
    for (let i = 0; i < 5; i++) await state.report(report(0));
    expect(writes('frrnodestates').length).toBe(afterCreate);

    const burst: Promise<void>[] = [];
    for (let n = 1; n <= 100; n++) burst.push(state.report(report(n)));
    await Promise.all(burst);
    const running = () =>
      (
        server.get('frrk8s.metallb.io/v1beta1', 'FRRNodeState', undefined, NODE) as unknown as {
          status: { runningConfig: string };
        }
      ).status.runningConfig;
    await vi.waitFor(() => expect(running()).toBe(report(100).runningConfig), { timeout: 5000 });
    await state.report(report(100));
    const burstWrites = writes('frrnodestates').length - afterCreate;
    expect(burstWrites).toBeGreaterThanOrEqual(1);
    expect(burstWrites).toBeLessThanOrEqual(2);
    expect(errors).toEqual([]);
  });
});
