// Kubernetes mode through a DaemonSet rolling update: the node's Herald gets SIGTERM and a new one
// starts, as the pod is replaced. The BGPPeer asks for graceful restart (`enableGracefulRestart`),
// so the router (FRR with graceful restart) keeps the service route, stale, while the node is away
// — it is never withdrawn — and gets it fresh again once the new Herald has read the cluster and
// sent End-of-RIB. Network as in herald-kubernetes.test.ts: a bridge in the router's namespace, the
// node on it, the fake API server on the host end of one more veth.
import { afterAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../k8s/fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from '../k8s/resources.js';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import {
  addLan,
  delay,
  type FrrPeer,
  interopUnavailable,
  startFrr,
  Topology,
  waitFor,
} from './harness/index.js';

const NET = '198.18.79';
const ROUTER = `${NET}.254`;
const NODE = `${NET}.1`;
const API_HOST = `${NET}.100`;
const HERALD_ASN = 64512;
const ROUTER_ASN = 65000;
const PREFIX = '203.0.113.10/32';

describe.skipIf(interopUnavailable(['frr']) !== undefined)('Kubernetes mode: a rolling update', () => {
  const t = new Topology();
  const api = new FakeApiServer();
  let frr: FrrPeer | undefined;
  const heralds: HeraldInstance[] = [];

  afterAll(async () => {
    await Promise.allSettled(heralds.map((h) => h.stop()));
    await frr?.stop().catch(() => {});
    await api.stop();
    await t.destroy();
  }, 60_000);

  it('with graceful restart the router keeps the service route while the pod is replaced', async () => {
    const r = await t.addNamespace('r');
    const n = await t.addNamespace('n1');
    await addLan(t, {
      bridgeNs: r,
      address: `${ROUTER}/24`,
      members: [{ ns: n, address: `${NODE}/24` }],
      hostAddress: `${API_HOST}/24`,
    });
    const kubeconfig = await api.serve(
      API_HOST,
      [
        pool('lb', { addresses: ['203.0.113.0/24'] }),
        advertisement('all'),
        peer('router', {
          myASN: HERALD_ASN,
          peerASN: ROUTER_ASN,
          peerAddress: ROUTER,
          connectTime: '1s',
          enableGracefulRestart: true,
        }),
        node('node-1', { address: NODE }),
        service('web', { ips: ['203.0.113.10'] }),
        slice('web', [{ node: 'node-1' }]),
      ],
      t.dir,
    );
    const router = await startFrr({
      ns: r,
      routerId: ROUTER,
      asn: ROUTER_ASN,
      localAddress: ROUTER,
      neighbors: [{ address: NODE, asn: HERALD_ASN, passive: true, gracefulRestart: true }],
    });
    frr = router;
    const start = async () => {
      const h = await startHerald(
        t,
        n,
        { asn: HERALD_ASN, listen: false, kubernetes: { enabled: true, debounceMs: 50 } },
        { env: { NODE_NAME: 'node-1' }, args: ['--kubeconfig', kubeconfig] },
      );
      heralds.push(h);
      return h;
    };
    const routes = async () =>
      (await router.receivedRoutes('ipv4-unicast')).filter((p) => p.prefix === PREFIX);

    const first = await start();
    await router.waitEstablished(NODE, 20_000);
    await waitFor(async () => (await routes()).length === 1, {
      timeoutMs: 15_000,
      what: 'the service route',
    });

    // Watch the router's table while the pod is replaced.
    let missing = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        if ((await routes()).length === 0) missing++;
        await delay(150);
      }
    })();
    await first.stop();
    expect(first.logs().some((l) => l.event === 'notificationSent')).toBe(false);
    expect(first.logs().some((l) => l.event === 'gracefulRestartShutdown')).toBe(true);
    await waitFor(async () => (await routes()).every((p) => p.stale), {
      timeoutMs: 10_000,
      what: 'the router keeping the route stale',
    });
    await delay(1000);
    const second = await start();
    await router.waitEstablished(NODE, 30_000);
    await waitFor(async () => (await routes()).some((p) => !p.stale), {
      timeoutMs: 30_000,
      what: 'the route fresh again after End-of-RIB',
    });
    watching = false;
    await watch;
    expect(missing).toBe(0);
    expect(second.logs().some((l) => l.event === 'serviceAnnounced')).toBe(true);
  }, 120_000);
});
