// ConfigurationRejected Events against the fake API server: on the FRRConfiguration or BGPPeer
// left out, with its uid (how `kubectl describe` finds them), once per reason, again for a new
// reason, again when left out anew after being accepted; without a uid when the object cannot be
// read; none for a source that is not a Kubernetes object (the config file).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RejectionEvents } from '../../../src/k8s/frrk8s/rejection-events.js';
import type { KubeTarget } from '../../../src/k8s/kube-config.js';
import { ServiceEvents } from '../../../src/k8s/service-events.js';
import { waitUntil } from '../../health/wait.js';
import { FakeApiServer } from '../fake-api-server.js';
import { frrConfiguration, peer } from '../resources.js';

type Event = { type: string; reason: string; message: string; involvedObject: Record<string, string> };
let server: FakeApiServer;
let errors: string[];
let rejections: RejectionEvents;
const events = () => server.all('v1', 'Event') as unknown as Event[];
const C = 'FRRConfiguration metallb-system/c';

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  errors = [];
  const target: KubeTarget = server.kubeTarget();
  rejections = new RejectionEvents(target, new ServiceEvents(target, 'herald-speaker', 'node-a'), (e) =>
    errors.push(e.message),
  );
  const c = frrConfiguration('c', {});
  server.apply({ ...c, metadata: { ...c.metadata, uid: 'uid-c' } } as never);
  const p = peer('tor', {});
  server.apply({ ...p, metadata: { ...p.metadata, uid: 'uid-tor' } } as never);
});
afterEach(() => server.stop());

describe('ConfigurationRejected Events', () => {
  it('names the object with its uid, once per reason, again for a new reason', async () => {
    rejections.record([
      { source: C, reason: `${C}: spec.raw: not supported` },
      { source: 'BGPPeer metallb-system/tor', reason: 'BGPPeer metallb-system/tor: asn differs' },
      { source: 'config file', reason: 'not an object' },
    ]);
    await waitUntil(() => events().length === 2, 3000, 'two Events');
    expect(
      events()
        .map((e) => [
          e.type,
          e.reason,
          e.involvedObject.kind,
          e.involvedObject.apiVersion,
          e.involvedObject.uid,
        ])
        .sort(),
    ).toEqual([
      ['Warning', 'ConfigurationRejected', 'BGPPeer', 'metallb.io/v1beta2', 'uid-tor'],
      ['Warning', 'ConfigurationRejected', 'FRRConfiguration', 'frrk8s.metallb.io/v1beta1', 'uid-c'],
    ]);
    rejections.record([{ source: C, reason: `${C}: spec.raw: not supported` }]);
    rejections.record([{ source: C, reason: `${C}: spec.bgp.routers[0].asn: is required` }]);
    await waitUntil(() => events().length === 3, 3000, 'the Event of the new reason');
    expect(
      events()
        .filter((e) => e.involvedObject.name === 'c')
        .map((e) => e.message),
    ).toEqual([`${C}: spec.raw: not supported`, `${C}: spec.bgp.routers[0].asn: is required`]);
    expect(errors).toEqual([]);
  });

  it('records the same Event again when the source is left out anew after being accepted', async () => {
    const rejected = [{ source: C, reason: `${C}: spec.raw: not supported` }];
    rejections.record(rejected);
    await waitUntil(() => events().length === 1, 3000, 'the first Event');
    rejections.record([]); // accepted meanwhile
    rejections.record(rejected);
    await waitUntil(() => events().length === 2, 3000, 'the Event of the second rejection');
    expect(events().map((e) => [e.involvedObject.name, e.message])).toEqual([
      ['c', `${C}: spec.raw: not supported`],
      ['c', `${C}: spec.raw: not supported`],
    ]);
    expect(errors).toEqual([]);
  });

  it('records it again also when accepted while the first Event was still being recorded', async () => {
    const rejected = [{ source: C, reason: `${C}: spec.raw: not supported` }];
    rejections.record(rejected);
    rejections.record([]); // before the uid read for the first Event has answered
    await waitUntil(() => events().length === 1, 3000, 'the first Event');
    rejections.record(rejected);
    await waitUntil(() => events().length === 2, 3000, 'the Event of the second rejection');
    expect(errors).toEqual([]);
  });

  it('records the Event without a uid when the object cannot be read', async () => {
    const gone = 'FRRConfiguration metallb-system/gone';
    rejections.record([{ source: gone, reason: `${gone}: x` }]);
    await waitUntil(() => events().length === 1, 3000, 'the Event');
    expect(events()[0].involvedObject).toMatchObject({ name: 'gone', namespace: 'metallb-system' });
    expect(events()[0].involvedObject.uid).toBeUndefined();
  });
});
