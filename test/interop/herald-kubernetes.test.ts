// Kubernetes mode end to end: three Herald "nodes" (three processes in their own namespaces, each
// with its NODE_NAME and a kubeconfig) read MetalLB resources from the fake API server and peer
// with one FRR router that has multipath on. The router shows one route for the service IP with
// three next hops (each node's address) carrying the advertisement's communities;
// externalTrafficPolicy Local with endpoints on one node leaves one next hop, which moves with the
// endpoint; the API server stopped for 30 s (past the hold time) withdraws nothing; a node labelled
// exclude-from-external-load-balancers withdraws; deleting the service withdraws it everywhere;
// the elected node allocates a new service's IP and exports MetalLB's allocator metrics.
//
// Network: the nodes n1..n3 and the router r share a bridge in r (198.18.77.0/24: node i is .i,
// the router .254). The fake API server runs in this test process, so it listens on the host end
// of one more veth on that bridge (.100): namespaced processes cannot reach the host's loopback.
import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../k8s/fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from '../k8s/resources.js';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import {
  addLan,
  delay,
  type FrrPeer,
  interopUnavailable,
  kernelNextHops,
  startFrr,
  Topology,
  waitFor,
} from './harness/index.js';

const HERALD = fileURLToPath(new URL('../../bin/herald', import.meta.url));
const NET = '198.18.77';
const ROUTER = `${NET}.254`;
const API_HOST = `${NET}.100`;
const NODES = [1, 2, 3].map((i) => ({ name: `node-${i}`, address: `${NET}.${i}` }));
const HERALD_ASN = 64512;
const ROUTER_ASN = 65000;
const SERVICE_IP = '203.0.113.10';
const PREFIX = `${SERVICE_IP}/32`;

interface ServicesView {
  nodeName: string;
  synced: boolean;
  stale: boolean;
  services: Array<{
    service: string;
    ips: string[];
    announced: boolean;
    reason: string | null;
    routes: Array<{ prefix: string; peers: string[] | null; neighbors: string[] }>;
  }>;
  allocator: { leader: boolean; holder: string; pools: unknown[] } | null;
}

async function waitNextHops(ns: string, expected: string[], what: string, prefix?: string): Promise<void> {
  await waitFor(
    async () => JSON.stringify(await kernelNextHops(ns, prefix ?? PREFIX)) === JSON.stringify(expected),
    {
      timeoutMs: 15_000,
      intervalMs: 100,
      what,
    },
  );
}

/** The text of GET /metrics through a Herald's API socket. */
function metricsText(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ socketPath, path: '/metrics', timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

function cli(socket: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, HERALD_API: `unix:${socket}` };
  return new Promise((resolve) => {
    execFile(HERALD, args, { env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(interopUnavailable(['frr']) !== undefined)(
  'Kubernetes mode: three nodes, one FRR router with multipath',
  () => {
    let t: Topology;
    let api: FakeApiServer;
    let frr: FrrPeer;
    let r: string;
    const heralds: HeraldInstance[] = [];

    beforeAll(async () => {
      t = new Topology();
      r = await t.addNamespace('r');
      const members = [];
      for (const [i, n] of NODES.entries())
        members.push({ ns: await t.addNamespace(`n${i + 1}`), address: `${n.address}/24` });
      // The host end for the API server (deleting namespace r deletes the pair).
      await addLan(t, { bridgeNs: r, address: `${ROUTER}/24`, members, hostAddress: `${API_HOST}/24` });

      api = new FakeApiServer();
      const kubeconfig = await api.serve(
        API_HOST,
        [
          pool('lb', { addresses: ['203.0.113.0/24'] }),
          advertisement('ecmp', { communities: ['64512:100', '64512:200'] }),
          peer('router', {
            myASN: HERALD_ASN,
            peerASN: ROUTER_ASN,
            peerAddress: ROUTER,
            holdTime: '9s',
            connectTime: '1s',
          }),
          ...NODES.map((n) => node(n.name, { address: n.address })),
          service('web', { ips: [SERVICE_IP] }),
          slice('web', [{ node: 'node-1' }]),
        ],
        t.dir,
      );

      frr = await startFrr({
        ns: r,
        routerId: ROUTER,
        asn: ROUTER_ASN,
        localAddress: ROUTER,
        maximumPaths: 8,
        neighbors: NODES.map((n) => ({ address: n.address, asn: HERALD_ASN, holdTime: 9 })),
      });
      const config = {
        asn: HERALD_ASN,
        listen: false,
        kubernetes: { enabled: true, debounceMs: 50, allocate: true },
      };
      heralds.push(
        ...(await Promise.all(
          NODES.map((n, i) =>
            startHerald(t, `${t.id}n${i + 1}`, config, {
              env: { NODE_NAME: n.name },
              args: ['--kubeconfig', kubeconfig],
            }),
          ),
        )),
      );
    }, 60_000);

    afterAll(async () => {
      await Promise.allSettled(heralds.map((h) => h.stop()));
      await api?.stop();
      await t?.destroy();
    }, 60_000);

    it('one route, three next hops with the communities; Local → one, moving with the endpoint; a 30 s outage withdraws nothing; an excluded node withdraws; delete withdraws', async () => {
      await Promise.all(NODES.map((n) => frr.waitEstablished(n.address, 20_000)));
      // Each node's router id is its own address (the config has none).
      for (const [i, h] of heralds.entries())
        expect((await h.api<{ routerId: string }>('GET', '/api/v1/status')).body.routerId).toBe(
          NODES[i].address,
        );

      await waitNextHops(
        r,
        NODES.map((n) => n.address),
        'three next hops at the router',
      );
      const paths = (await frr.receivedRoutes('ipv4-unicast')).filter((p) => p.prefix === PREFIX);
      expect(paths.map((p) => p.nextHop).sort()).toEqual(NODES.map((n) => n.address));
      for (const p of paths) {
        expect(p.communities).toEqual(['64512:100', '64512:200']);
        expect(p.asPath).toBe(String(HERALD_ASN));
      }

      // The same, as status objects in the cluster: each node's session and its view of the service.
      await waitFor(
        async () => {
          const sessions = api.all('herald.io/v1alpha1', 'BGPSessionState') as unknown as {
            status?: { node: string; bgpStatus: string };
          }[];
          const services = api.all('herald.io/v1alpha1', 'ServiceBGPStatus') as unknown as {
            status?: { announced: boolean; prefixes: { prefix: string; neighbors: string[] }[] };
          }[];
          return (
            sessions.filter((o) => o.status?.bgpStatus === 'Established').length === 3 &&
            services.filter(
              (o) =>
                o.status?.announced &&
                JSON.stringify(o.status.prefixes) ===
                  JSON.stringify([{ prefix: PREFIX, neighbors: [ROUTER] }]),
            ).length === 3
          );
        },
        { timeoutMs: 10_000, what: 'BGPSessionState and ServiceBGPStatus of the three nodes' },
      );

      // What each node says about the service: the API and the CLI.
      const view = (await heralds[0].api<ServicesView>('GET', '/api/v1/services')).body;
      expect(view).toMatchObject({ nodeName: 'node-1', synced: true, stale: false });
      expect(view.services).toEqual([
        expect.objectContaining({
          service: 'default/web',
          ips: [SERVICE_IP],
          announced: true,
          reason: null,
          routes: [expect.objectContaining({ prefix: PREFIX, peers: null, neighbors: [ROUTER] })],
        }),
      ]);
      const table = await cli(heralds[0].socket, ['services']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`default/web\\s+${SERVICE_IP.replace(/\./g, '\\.')}\\s+yes`));

      // externalTrafficPolicy Local with the only endpoint on node-2: node-2 alone announces.
      api.apply(service('web', { ips: [SERVICE_IP], policy: 'Local' }));
      api.apply(slice('web', [{ node: 'node-2' }]));
      await waitNextHops(r, [NODES[1].address], 'one next hop (node-2)');
      const local = (await heralds[0].api<ServicesView>('GET', '/api/v1/services')).body.services[0];
      expect(local).toMatchObject({ announced: false, reason: 'noLocalEndpoints' });
      const text = await cli(heralds[0].socket, ['services']);
      expect(text.stdout).toMatch(/default\/web\s+203\.0\.113\.10\s+no\s+noLocalEndpoints/);
      // The endpoint moves to node-3: the route moves with it.
      api.apply(slice('web', [{ node: 'node-3' }]));
      await waitNextHops(r, [NODES[2].address], 'one next hop (node-3, the endpoint moved)');

      // Back to Cluster, then the API server goes away for a while: nothing is withdrawn.
      api.apply(service('web', { ips: [SERVICE_IP] }));
      await waitNextHops(
        r,
        NODES.map((n) => n.address),
        'three next hops again',
      );
      const port = api.port;
      await api.stop();
      await waitFor(async () => (await heralds[0].api<ServicesView>('GET', '/api/v1/services')).body.stale, {
        timeoutMs: 10_000,
        what: 'node-1 noticing the outage',
      });
      // 30 s, longer than the sessions' 9 s hold time: the routes and the sessions stay.
      for (let i = 0; i < 30; i++) {
        expect(await kernelNextHops(r, PREFIX)).toEqual(NODES.map((n) => n.address));
        await delay(1000);
      }
      await api.start(port, API_HOST);
      await Promise.all(NODES.map((n) => frr.waitEstablished(n.address, 1_000)));

      // A node labelled to be excluded from external load balancers withdraws (MetalLB's
      // nodeLabeledExcludeBalancers); without the label it announces again.
      const exclude = { 'node.kubernetes.io/exclude-from-external-load-balancers': '' };
      api.apply(node('node-3', { address: NODES[2].address, labels: exclude }));
      await waitNextHops(r, [NODES[0].address, NODES[1].address], 'node-3 excluded: two next hops');
      const excluded = (await heralds[2].api<ServicesView>('GET', '/api/v1/services')).body.services[0];
      expect(excluded).toMatchObject({ announced: false, reason: 'nodeLabeledExcludeBalancers' });
      api.apply(node('node-3', { address: NODES[2].address }));
      await waitNextHops(
        r,
        NODES.map((n) => n.address),
        'node-3 back: three next hops',
      );

      // Deleting the service withdraws it from every node.
      const web = api.get('v1', 'Service', 'default', 'web') as unknown as { metadata: { uid: string } };
      api.delete(service('web'));
      await waitNextHops(r, [], 'the route withdrawn everywhere');
      expect((await frr.receivedRoutes('ipv4-unicast')).filter((p) => p.prefix === PREFIX)).toEqual([]);
      for (const h of heralds) {
        const logs = h.logs();
        expect(logs.some((l) => l.event === 'serviceAnnounced')).toBe(true);
        expect(logs.some((l) => l.event === 'serviceWithdrawn')).toBe(true);
      }

      // kubernetes.allocate: a new service without an IP gets the pool's lowest address, written by
      // the one elected node, and every node announces it.
      api.apply(service('api'));
      api.apply(slice('api', [{ node: 'node-3' }]));
      await waitNextHops(
        r,
        NODES.map((n) => n.address),
        'the allocated address at the router',
        '203.0.113.0/32',
      );
      const stored = api.get('v1', 'Service', 'default', 'api') as unknown as {
        metadata: { annotations: Record<string, string> };
        status: { loadBalancer: { ingress: { ip: string }[] } };
      };
      expect(stored.status.loadBalancer.ingress).toEqual([{ ip: '203.0.113.0' }]);
      expect(stored.metadata.annotations['metallb.io/ip-allocated-from-pool']).toBe('lb');
      // Each node recorded on the Service when it started and stopped announcing it, and why.
      const events = api.all('v1', 'Event').map((e) => e as unknown as Record<string, string>);
      const of = (reason: string) =>
        events
          .filter(
            (e) => e.reason === reason && (e.involvedObject as unknown as { name: string }).name === 'web',
          )
          .map((e) => `${e.reportingInstance}: ${e.message}`);
      for (const n of NODES)
        expect(of('nodeAssigned')).toContain(
          `${n.name}: announcing from node "${n.name}" with protocol "bgp"`,
        );
      expect(of('nodeUnassigned')).toContainEqual(
        expect.stringMatching(/^node-1: not announcing from node "node-1": noLocalEndpoints/),
      );
      // They name the Service's uid: `kubectl describe service` selects its Events by it.
      const speakerUids = events
        .filter((e) => e.reason === 'nodeAssigned' || e.reason === 'nodeUnassigned')
        .map((e) => e.involvedObject as unknown as { name: string; uid?: string })
        .filter((o) => o.name === 'web')
        .map((o) => o.uid);
      expect(web.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(speakerUids)).toEqual(new Set([web.metadata.uid]));
      const allocators = await Promise.all(
        heralds.map(async (h) => (await h.api<ServicesView>('GET', '/api/v1/services')).body.allocator),
      );
      const leaders = allocators.filter((a) => a?.leader);
      expect(leaders).toHaveLength(1);
      expect(leaders[0]?.pools).toEqual([
        { pool: 'lb', assignedIPv4: 1, availableIPv4: 255, assignedIPv6: 0, availableIPv6: 0 },
      ]);
      // MetalLB's allocator metrics, from the instance that allocates only.
      for (const [i, a] of allocators.entries()) {
        const text = await metricsText(heralds[i].socket);
        const pools = text.split('\n').filter((l) => l.startsWith('metallb_allocator_') && l.includes('{'));
        expect(pools).toEqual(
          a?.leader
            ? [
                'metallb_allocator_addresses_total{pool="lb"} 256',
                'metallb_allocator_addresses_in_use_total{pool="lb"} 1',
              ]
            : [],
        );
      }
      const writers = heralds.filter((h) =>
        h.logs().some((l) => l.event === 'ipAllocated' && l.service === 'default/api'),
      );
      expect(writers).toHaveLength(1);
    }, 170_000);
  },
);
