// FRR-K8s mode end to end: one Herald "node" reads two FRRConfigurations for the same router from
// the fake API server (kubernetes.frrk8s) and peers with one FRR router. Expected, as FRR-K8s's
// README describes merging ("combining all the routers, for each router merging all the prefixes
// and the neighbors, for each neighbor merging all the filters"): one session at the router,
// carrying the prefixes of both configurations; of the two routes the router sends, only the one
// toReceive allows is accepted; deleting one configuration withdraws its prefix alone while the
// session stays up (the router's uptime keeps counting). Herald runs with FRR-K8s's flag
// `--always-block` on a pod CIDR that toReceive opens: the router's route inside it is received
// but never accepted (FRR-K8s: a deny in front of the inbound route-map), and the node's
// FRRNodeState says what runs.
//
// Network: node n and router r on a bridge in r (198.18.78.0/24: the node .1, the router .254); the
// fake API server listens on the host end of one more veth on that bridge (.100).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../k8s/fake-api-server.js';
import { frrConfiguration, node } from '../k8s/resources.js';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import { addLan, type FrrPeer, interopUnavailable, startFrr, Topology, waitFor } from './harness/index.js';

const NET = '198.18.78';
const ROUTER = `${NET}.254`;
const NODE = { name: 'node-1', address: `${NET}.1` };
const API_HOST = `${NET}.100`;
const HERALD_ASN = 64512;
const ROUTER_ASN = 65000;
const P1 = '203.0.113.0/24';
const P2 = '198.51.100.0/24';
const ALLOWED = '10.99.1.0/24';
const FILTERED = '10.99.2.0/24';
const POD_CIDR = '10.244.0.0/16';
const BLOCKED = '10.244.1.0/24';

/** One router section for ROUTER, as FRR-K8s's README writes it. */
function routerSpec(prefix: string, neighbor: Record<string, unknown>) {
  return {
    bgp: {
      routers: [
        {
          asn: HERALD_ASN,
          prefixes: [prefix],
          neighbors: [
            {
              address: ROUTER,
              asn: ROUTER_ASN,
              holdTime: '9s',
              keepaliveTime: '3s',
              connectTime: '1s',
              toAdvertise: { allowed: { prefixes: [prefix] } },
              ...neighbor,
            },
          ],
        },
      ],
    },
  };
}

const A = frrConfiguration(
  'metallb-like',
  routerSpec(P1, {
    toReceive: { allowed: { prefixes: [{ prefix: ALLOWED }, { prefix: POD_CIDR, le: 24 }] } },
  }),
  '2026-01-01T00:00:00Z',
);
const B = frrConfiguration('extra', routerSpec(P2, {}), '2026-01-02T00:00:00Z');

interface Neighbor {
  state: string;
  prefixes: { received: number; accepted: number; rejectedAlwaysBlock: number };
}

interface FrrK8sView {
  sources: { source: string; merged: boolean }[];
  neighbors: { key: string; state: string | null; advertised: { prefix: string }[] }[];
}

describe.skipIf(interopUnavailable(['frr']) !== undefined)(
  'FRR-K8s mode: two FRRConfigurations, one FRR router',
  () => {
    let t: Topology;
    let api: FakeApiServer;
    let frr: FrrPeer;
    let herald: HeraldInstance;

    beforeAll(async () => {
      t = new Topology();
      const r = await t.addNamespace('r');
      const n = await t.addNamespace('n');
      await addLan(t, {
        bridgeNs: r,
        address: `${ROUTER}/24`,
        members: [{ ns: n, address: `${NODE.address}/24` }],
        hostAddress: `${API_HOST}/24`,
      });

      api = new FakeApiServer();
      const kubeconfig = await api.serve(API_HOST, [node(NODE.name, { address: NODE.address }), A, B], t.dir);

      frr = await startFrr({
        ns: r,
        routerId: ROUTER,
        asn: ROUTER_ASN,
        localAddress: ROUTER,
        neighbors: [{ address: NODE.address, asn: HERALD_ASN, holdTime: 9 }],
        routes: [{ prefix: ALLOWED }, { prefix: FILTERED }, { prefix: BLOCKED }],
      });
      const config = {
        asn: HERALD_ASN,
        listen: false,
        kubernetes: { enabled: true, debounceMs: 50, frrk8s: true },
      };
      herald = await startHerald(t, `${t.id}n`, config, {
        env: { NODE_NAME: NODE.name },
        args: ['--kubeconfig', kubeconfig, '--always-block', POD_CIDR],
      });
    }, 60_000);

    afterAll(async () => {
      await herald?.stop();
      await api?.stop();
      await t?.destroy();
    }, 60_000);

    it('one session with the prefixes of both; toReceive filters; deleting one keeps the session', async () => {
      await frr.waitEstablished(NODE.address, 20_000);
      // The session as FRR-K8s shows it: a BGPSessionState of this node, Established.
      await waitFor(
        async () =>
          api.all('frrk8s.metallb.io/v1beta1', 'BGPSessionState').some(
            (o) =>
              JSON.stringify((o as { status?: unknown }).status) ===
              JSON.stringify({
                node: NODE.name,
                peer: ROUTER,
                vrf: '',
                bgpStatus: 'Established',
                bfdStatus: 'N/A',
              }),
          ),
        { timeoutMs: 10_000, what: 'a BGPSessionState Established for the router' },
      );
      const advertisedAtRouter = async () =>
        (await frr.receivedRoutes('ipv4-unicast')).map((p) => p.prefix).sort();
      await waitFor(async () => JSON.stringify(await advertisedAtRouter()) === JSON.stringify([P2, P1]), {
        timeoutMs: 15_000,
        what: 'both configurations’ prefixes at the router',
      });

      // One session: the router has one neighbor, Herald one peer, fed by both configurations.
      const view = (await herald.api<FrrK8sView>('GET', '/api/v1/frrk8s')).body;
      expect(view.sources.filter((s) => s.merged).map((s) => s.source)).toEqual([
        'config file',
        'FRRConfiguration metallb-system/metallb-like',
        'FRRConfiguration metallb-system/extra',
      ]);
      expect(view.neighbors).toEqual([
        expect.objectContaining({
          key: ROUTER,
          state: 'Established',
          advertised: [expect.objectContaining({ prefix: P2 }), expect.objectContaining({ prefix: P1 })],
        }),
      ]);

      // The router sends three routes; toReceive lets ALLOWED in, not FILTERED, and would let
      // BLOCKED in, but it is inside the always-blocked pod CIDR.
      await waitFor(
        async () =>
          (await herald.api<Neighbor>('GET', `/api/v1/neighbors/${ROUTER}`)).body.prefixes.received === 3,
        { timeoutMs: 15_000, what: 'the three routes received' },
      );
      const nb = (await herald.api<Neighbor>('GET', `/api/v1/neighbors/${ROUTER}`)).body;
      expect(nb.prefixes).toMatchObject({ received: 3, accepted: 1, rejectedAlwaysBlock: 1 });
      const best = async (prefix: string) =>
        (await herald.api<{ best: boolean }[]>('GET', `/api/v1/routes?table=loc&prefix=${prefix}`)).body.some(
          (row) => row.best,
        );
      expect(await best(ALLOWED)).toBe(true);
      expect(await best(FILTERED)).toBe(false);
      expect(await best(BLOCKED)).toBe(false);
      // The node's FRRNodeState, as FRR-K8s keeps it.
      const state = api.get('frrk8s.metallb.io/v1beta1', 'FRRNodeState', undefined, NODE.name) as unknown as {
        status: Record<string, string>;
      };
      expect(state.status).toMatchObject({ lastConversionResult: 'success', lastReloadResult: 'success' });
      expect(state.status.runningConfig).toContain(`- ${POD_CIDR}`);

      // Deleting one configuration withdraws its prefix only; the session is not reset.
      const uptime = await frr.sessionUptimeSeconds(NODE.address);
      api.delete(B);
      await waitFor(async () => JSON.stringify(await advertisedAtRouter()) === JSON.stringify([P1]), {
        timeoutMs: 15_000,
        what: 'the deleted configuration’s prefix withdrawn',
      });
      expect(await frr.sessionState(NODE.address)).toBe('established');
      expect(await frr.sessionUptimeSeconds(NODE.address)).toBeGreaterThanOrEqual(uptime);
    }, 80_000);
  },
);
