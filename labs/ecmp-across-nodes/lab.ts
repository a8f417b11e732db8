// ecmp-across-nodes: three Kubernetes nodes running Herald in Kubernetes mode (MetalLB resources
// from the project's fake API server: IPAddressPool, BGPAdvertisement, BGPPeer) announce two
// LoadBalancer service IPs to one leaf router (FRR) that accepts them as dynamic neighbors (a
// listen range and the allowed peer AS, as the seed's SR Linux leaf did) with multipath. The
// leaf's kernel holds one route per service IP with three next hops; externalTrafficPolicy Local
// moves a service's route to the nodes that have its endpoints. See description.txt.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import { addLan, kernelNextHops, nftDrop, startFrr, Topology } from '../../test/interop/harness/index.js';
import { kubeconfigFor } from '../../test/k8s/fake-api-server.js';
import { advertisement, bfdProfile, node, peer, pool, service, slice } from '../../test/k8s/resources.js';
import { startFakeApi } from '../lib/fake-api-process.js';
import { Lab, loopback, note, reachable, timed } from '../lib/lab.js';

const NET = '198.18.77';
const LEAF = `${NET}.254`;
const NODES = [1, 2, 3].map((i) => ({ name: `node-${i}`, address: `${NET}.${i}` }));
const ALL = NODES.map((n) => n.address);
const NODE_ASN = 65201; // the seed's MetalLB AS
const LEAF_ASN = 65320; // the seed's leaf AS
const API_PORT = 6443;
const WEB = '203.0.113.10';
const SHOP = '203.0.113.11';
/** BFD between each node and the leaf (BGPPeer.bfdProfile, FRR `neighbor metallb bfd profile`). */
const BFD = { intervalMs: 200, multiplier: 3 };
/** A dead node's path must leave the leaf within a second (issue 23). */
const FAILOVER_LIMIT_MS = 1000;

interface ServicesView {
  services: Array<{ service: string; announced: boolean; reason: string | null }>;
}

await new Lab('ecmp-across-nodes').run(async (lab) => {
  const t = lab.track(new Topology());
  const leaf = await t.addNamespace('leaf');
  const nodeNs: string[] = [];
  for (let i = 1; i <= NODES.length; i++) nodeNs.push(await t.addNamespace(`node${i}`));
  await addLan(t, {
    bridgeNs: leaf,
    address: `${LEAF}/24`,
    members: NODES.map((n, i) => ({ ns: nodeNs[i], address: `${n.address}/24` })),
  });
  // What kube-proxy would do: every node answers for the service IPs.
  for (const ns of nodeNs) await loopback(ns, `${WEB}/32`, `${SHOP}/32`);
  note(`namespaces ${t.namespaces.join(' ')}`);

  // The API server runs on the leaf's side of the LAN (in its namespace), as a control plane
  // reachable from every node would.
  const api = await startFakeApi(t, leaf, LEAF, API_PORT);
  for (const o of [
    pool('services', { addresses: ['203.0.113.0/24'] }),
    advertisement('ecmp', {}),
    bfdProfile('fast', {
      receiveInterval: BFD.intervalMs,
      transmitInterval: BFD.intervalMs,
      detectMultiplier: BFD.multiplier,
    }),
    peer('leaf', {
      myASN: NODE_ASN,
      peerASN: LEAF_ASN,
      peerAddress: LEAF,
      holdTime: '9s',
      connectTime: '1s',
      bfdProfile: 'fast',
    }),
    ...NODES.map((n) => node(n.name, { address: n.address })),
    service('web', { ips: [WEB] }),
    slice('web', [{ node: 'node-1' }]),
    service('shop', { ips: [SHOP] }),
    slice('shop', [{ node: 'node-3' }]),
  ])
    await api.apply(o);
  const kubeconfig = join(t.dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(api.url));

  // The leaf: dynamic neighbors from the nodes' subnet in the allowed AS, multipath across ASes.
  const frr = await startFrr({
    ns: leaf,
    routerId: LEAF,
    asn: LEAF_ASN,
    localAddress: LEAF,
    hostname: 'leaf',
    maximumPaths: 8,
    neighbors: [],
    bfd: [],
    bfdProfiles: [{ name: 'fast', minRx: BFD.intervalMs, minTx: BFD.intervalMs, multiplier: BFD.multiplier }],
    extraConfig: {
      bgp: [
        'neighbor metallb peer-group',
        `neighbor metallb remote-as ${NODE_ASN}`,
        'neighbor metallb timers 3 9',
        'neighbor metallb bfd',
        'neighbor metallb bfd profile fast',
        `bgp listen range ${NET}.0/24 peer-group metallb`,
        'bgp bestpath as-path multipath-relax',
      ],
      ipv4: ['neighbor metallb activate'],
    },
  });

  const heralds: HeraldInstance[] = [];
  for (const [i, n] of NODES.entries())
    heralds.push(
      lab.herald(
        await startHerald(
          t,
          nodeNs[i],
          { asn: NODE_ASN, listen: false, kubernetes: { enabled: true, debounceMs: 50 } },
          { env: { NODE_NAME: n.name }, args: ['--kubeconfig', kubeconfig] },
        ),
      ),
    );
  const leafFrr = async (cmd: string): Promise<unknown> => JSON.parse(await frr.cli([cmd]));

  await lab.check(
    'each node peers with the leaf from its BGPPeer; the leaf accepts them through its listen range',
    async () => {
      for (const h of heralds) await h.waitState(LEAF, 'Established', 20_000);
      const summary = (await leafFrr('show bgp ipv4 unicast summary json')) as {
        peers?: Record<string, { state: string; dynamicPeer?: boolean }>;
      };
      const peers = Object.entries(summary.peers ?? {});
      const up = peers.filter(([, p]) => p.state === 'Established').map(([a]) => a);
      if (up.sort().join() !== ALL.join()) throw new Error(`leaf has Established: ${up.join(', ')}`);
      const dynamic = peers.filter(([, p]) => p.dynamicPeer).length;
      return `3 dynamic neighbors Established at the leaf${dynamic ? ` (${dynamic} flagged dynamicPeer)` : ''}`;
    },
    true,
  );

  const waitHops = async (
    prefix: string,
    hops: string[],
    what: string,
    timeoutMs = 15_000,
  ): Promise<number> => {
    const want = [...hops].sort().join();
    const { ms } = await timed(async () => (await kernelNextHops(leaf, prefix)).join() === want, {
      timeoutMs,
      intervalMs: 100,
      what,
    });
    return ms;
  };

  await lab.check(
    'the leaf holds one route per service IP, each with the three nodes as next hops',
    async () => {
      await waitHops(`${WEB}/32`, ALL, `${WEB} via three nodes`);
      await waitHops(`${SHOP}/32`, ALL, `${SHOP} via three nodes`);
      const bgp = (await leafFrr(`show bgp ipv4 unicast ${WEB}/32 json`)) as {
        paths?: Array<{ multipath?: boolean; bestpath?: { overall?: boolean }; nexthops?: { ip: string }[] }>;
      };
      const paths = bgp.paths ?? [];
      const used = paths.filter((p) => p.multipath || p.bestpath?.overall).length;
      if (paths.length !== 3 || used !== 3) throw new Error(`BGP table: ${paths.length} paths, ${used} used`);
      return `${WEB}/32 and ${SHOP}/32 via ${ALL.join(', ')}; 3 BGP paths, all multipath`;
    },
  );

  await lab.check('traffic from the leaf to a service IP reaches a node', async () => {
    if (!(await reachable(t, leaf, WEB))) throw new Error(`${WEB} did not answer`);
  });

  await api.apply(service('web', { ips: [WEB], policy: 'Local' }));
  await api.apply(slice('web', [{ node: 'node-2' }, { node: 'node-3' }]));
  await lab.check(
    'externalTrafficPolicy Local: the route moves to the two nodes with endpoints (node-2, node-3)',
    async () => {
      const ms = await waitHops(
        `${WEB}/32`,
        [NODES[1].address, NODES[2].address],
        'web via node-2 and node-3',
      );
      return `${ms} ms after the change`;
    },
  );
  await lab.check('the other service keeps its three next hops', async () => {
    const hops = await kernelNextHops(leaf, `${SHOP}/32`);
    if (hops.join() !== ALL.join()) throw new Error(`${SHOP}/32 via ${hops.join(', ')}`);
  });
  await lab.check('node-1 says why it does not announce web (noLocalEndpoints)', async () => {
    const view = (await heralds[0].api<ServicesView>('GET', '/api/v1/services')).body;
    const web = view.services.find((s) => s.service === 'default/web');
    if (web?.announced !== false || web.reason !== 'noLocalEndpoints') throw new Error(JSON.stringify(web));
  });

  await api.apply(slice('web', [{ node: 'node-1' }]));
  await lab.check('the endpoints move to node-1: the route follows them', async () => {
    const ms = await waitHops(`${WEB}/32`, [NODES[0].address], 'web via node-1');
    return `${ms} ms after the change`;
  });

  await api.apply(service('web', { ips: [WEB] }));
  await lab.check('back to Cluster: three next hops again', async () => {
    await waitHops(`${WEB}/32`, ALL, 'web via three nodes');
  });

  await api.delete(service('shop'));
  await lab.check('a deleted service is withdrawn from every node', async () => {
    await waitHops(`${SHOP}/32`, [], 'shop withdrawn');
  });

  // A node dies: nothing leaves or reaches node-3 any more (its BGP TCP connection stays open at
  // the leaf, so only BFD can tell within a second; the hold timer would take 9 s).
  await lab.check(
    `BFD Up between the leaf and every node (${BFD.intervalMs} ms x ${BFD.multiplier})`,
    async () => {
      await timed(
        async () => {
          const peers = (await frr.bfdPeers()).filter((p) => p.status === 'up').map((p) => String(p.peer));
          return peers.sort().join() === ALL.join();
        },
        { timeoutMs: 15_000, intervalMs: 200, what: 'three BFD sessions up at the leaf' },
      );
      const view = (await heralds[2].api<Array<{ peer: string; state: string }>>('GET', '/api/v1/bfd')).body;
      if (view.find((s) => s.peer === LEAF)?.state !== 'Up')
        throw new Error(`node-3: ${JSON.stringify(view)}`);
      return 'three sessions up at the leaf; node-3 reports Up';
    },
  );
  const survivors = [NODES[0].address, NODES[1].address];
  const cuts = [
    await nftDrop(nodeNs[2], `ip saddr ${LEAF}`),
    await nftDrop(nodeNs[2], `ip daddr ${LEAF}`, { chain: 'output' }),
  ];
  const cutAt = Date.now();
  await lab.check(
    `node-3 dies (all its packets dropped): its path leaves the leaf's kernel within ${FAILOVER_LIMIT_MS} ms`,
    async () => {
      await timed(async () => (await kernelNextHops(leaf, `${WEB}/32`)).join() === survivors.join(), {
        timeoutMs: 10_000,
        intervalMs: 20,
        what: 'web via node-1 and node-2 only',
      });
      const ms = Date.now() - cutAt;
      if (ms > FAILOVER_LIMIT_MS) throw new Error(`node-3's next hop left after ${ms} ms`);
      return `${WEB}/32 via ${survivors.join(', ')} after ${ms} ms`;
    },
  );
  await lab.check("the leaf's BGP session with node-3 went down with BFD, not the hold timer", async () => {
    const summary = (await leafFrr('show bgp ipv4 unicast summary json')) as {
      peers?: Record<string, { state: string }>;
    };
    const state = summary.peers?.[NODES[2].address]?.state ?? 'gone';
    if (state === 'Established') throw new Error('node-3 still Established at the leaf');
    return `node-3 at the leaf: ${state}, ${Date.now() - cutAt} ms after the cut (hold time 9 s)`;
  });
  for (const c of cuts) await c.remove();
  const restoredAt = Date.now();
  // The leaf dropped its dynamic neighbor, and that neighbor's BFD session with it: node-3's hold on
  // BGP ends once the leaf has sent no BFD for 10 s (src/daemon/bfd-silence.ts), then all comes back.
  await lab.check('node-3 back: BFD Up, BGP Established, three next hops again', async () => {
    await waitHops(`${WEB}/32`, ALL, 'web via three nodes', 30_000);
    return `${Date.now() - restoredAt} ms after the rules went`;
  });
});
