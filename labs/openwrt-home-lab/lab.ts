// openwrt-home-lab: the seed's home lab end to end in Kubernetes mode. The legacy MetalLB ConfigMap
// of the deployment goes through `herald import-metallb` unchanged; its output, the seed's Nodes,
// EndpointSlices and two LoadBalancer Services (without addresses) are served by the fake API
// server. Herald on ubuntu-dev1 and ubuntu-dev2 (`kubernetes.allocate: true`) assigns the service
// IPs itself and announces them to the OpenWrt router (FRR in Quagga's place, `router bgp 65000`,
// the two nodes as neighbors). The router's `show ip bgp summary` / `show ip bgp` must agree with
// `herald neighbors` / `herald routes` on each node. See description.txt.
import type { HeraldInstance } from '../../test/interop/harness/herald.js';
import { addLan, run, startFrr, Topology } from '../../test/interop/harness/index.js';
import { startFakeApi } from '../lib/fake-api-process.js';
import { startKubeNodes } from '../lib/kube-nodes.js';
import { expectSet, HERALD_BIN, heraldCli, Lab, note, timed } from '../lib/lab.js';
import { documents, ingressIps, type KubeObject, SEED_CONFIGMAP, seedClusterObjects } from './cluster.js';

const ROUTER = '192.168.1.2';
const ROUTER_ASN = 65000;
const NODE_ASN = 65001; // my-asn of the seed's ConfigMap
const NODES = [
  { name: 'ubuntu-dev1', address: '192.168.1.5' },
  { name: 'ubuntu-dev2', address: '192.168.1.6' },
];
const NODE_ADDRESSES = NODES.map((n) => n.address);
// What the seed's `kubectl get svc` showed: the pool's lowest two addresses, older service first
// (the fixture's Services carry no creationTimestamp: the allocator's tie-break is the name).
const SERVICES = [
  { name: 'nginx-lb', ip: '192.168.0.30' },
  { name: 'nginx2-lb', ip: '192.168.0.31' },
];
const PREFIXES = SERVICES.map((s) => `${s.ip}/32`);
const API_PORT = 6443;

const serviceRef = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
});

interface FrrSummary {
  ipv4Unicast?: { peers?: Record<string, { state: string; pfxRcd?: number; pfxSnt?: number }> };
}
interface FrrPath {
  nexthops?: Array<{ ip: string }>;
  path?: string;
  aspath?: { string?: string };
}
interface NeighborJson {
  address: string;
  state: string;
  prefixes: { advertised: number };
}

await new Lab('openwrt-home-lab').run(async (lab) => {
  const t = lab.track(new Topology());
  const router = await t.addNamespace('openwrt');
  const nodeNs: string[] = [];
  for (let i = 1; i <= NODES.length; i++) nodeNs.push(await t.addNamespace(`dev${i}`));
  await addLan(t, {
    bridgeNs: router,
    bridge: 'br-lan',
    address: `${ROUTER}/24`,
    members: NODES.map((n, i) => ({ ns: nodeNs[i], address: `${n.address}/24` })),
  });
  note(`namespaces ${t.namespaces.join(' ')}`);

  let imported: KubeObject[] = [];
  await lab.check(
    '`herald import-metallb` on the seed ConfigMap exits 0 with a BGPPeer, an IPAddressPool and a BGPAdvertisement',
    async () => {
      const r = await run(HERALD_BIN, ['import-metallb', SEED_CONFIGMAP], { allowFail: true });
      if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim()}`);
      imported = documents(r.stdout);
      expectSet(
        imported.map((o) => o.kind),
        ['BGPPeer', 'IPAddressPool', 'BGPAdvertisement'],
        'resources printed',
      );
      return imported.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).join(', ');
    },
    true,
  );

  // The API server runs on ubuntu-dev1 (the cluster's server node), reached over the home LAN.
  const api = await startFakeApi(t, nodeNs[0], NODES[0].address, API_PORT);
  for (const o of [...imported, ...seedClusterObjects()]) await api.apply(o);

  // The seed's vtysh session: router bgp 65000, the two nodes as neighbors with descriptions.
  const frr = await startFrr({
    ns: router,
    routerId: ROUTER,
    asn: ROUTER_ASN,
    localAddress: ROUTER,
    hostname: 'OpenWrt',
    neighbors: NODES.map((n) => ({ address: n.address, asn: NODE_ASN })),
    extraConfig: { bgp: NODES.map((n) => `neighbor ${n.address} description ${n.name}`) },
  });
  const routerCli = async <T>(cmd: string): Promise<T> => JSON.parse(await frr.cli([cmd])) as T;

  const heralds = await startKubeNodes(
    lab,
    t,
    api,
    NODES.map((n, i) => ({ ns: nodeNs[i], name: n.name })),
    { asn: NODE_ASN, listen: false, kubernetes: { enabled: true, allocate: true, debounceMs: 50 } },
  );

  await lab.check(
    'both nodes peer with the router from the imported BGPPeer (Established on both sides)',
    async () => {
      for (const n of NODES) await frr.waitEstablished(n.address, 20_000);
      for (const h of heralds) await h.waitState(ROUTER, 'Established', 10_000);
    },
    true,
  );

  await lab.check(
    'the allocator assigns 192.168.0.30 to nginx-lb and 192.168.0.31 to nginx2-lb (status read back from the API server)',
    async () => {
      const read = async () =>
        Promise.all(SERVICES.map(async (s) => ingressIps(await api.get(serviceRef(s.name))).join(',')));
      let last: string[] = [];
      await timed(
        async () => {
          last = await read();
          return last.every(Boolean);
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'service IPs written' },
      ).catch((e: Error) => {
        throw new Error(`${e.message.split('\n')[0]} — status IPs: ${last.join(' / ')}`);
      });
      const want = SERVICES.map((s) => s.ip);
      if (last.join() !== want.join())
        throw new Error(`got ${SERVICES.map((s, i) => `${s.name}=${last[i]}`).join(', ')}`);
      const lease = await api.get<{ spec?: { holderIdentity?: string } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'herald-allocator', namespace: 'metallb-system' },
      });
      return `written by ${lease?.spec?.holderIdentity ?? 'an unknown holder'}`;
    },
    true,
  );

  const heraldNeighbors = async (h: HeraldInstance): Promise<NeighborJson[]> => {
    const r = await heraldCli(h.socket, ['neighbors', '--json']);
    if (r.code !== 0) throw new Error(`herald neighbors: ${r.stderr || r.stdout}`);
    return JSON.parse(r.stdout) as NeighborJson[];
  };

  await lab.check(
    "`show ip bgp summary json`: both neighbors Established, PfxRcd = each node's `herald neighbors --json` advertised",
    async () => {
      let last = '';
      await timed(
        async () => {
          const peers = (await routerCli<FrrSummary>('show ip bgp summary json')).ipv4Unicast?.peers ?? {};
          const rows = await Promise.all(
            NODES.map(async (n, i) => {
              const mine = (await heraldNeighbors(heralds[i])).find((x) => x.address === ROUTER);
              const p = peers[n.address];
              return { n, p, mine };
            }),
          );
          last = rows
            .map(
              ({ n, p, mine }) =>
                `${n.name}: router ${p?.state}/${p?.pfxRcd}, herald ${mine?.state}/${mine?.prefixes.advertised}`,
            )
            .join('; ');
          return rows.every(
            ({ p, mine }) =>
              p?.state === 'Established' &&
              mine?.state === 'Established' &&
              mine.prefixes.advertised === PREFIXES.length &&
              p.pfxRcd === mine.prefixes.advertised,
          );
        },
        { timeoutMs: 15_000, intervalMs: 200, what: 'summary and herald neighbors to agree' },
      ).catch((e: Error) => {
        throw new Error(`${e.message.split('\n')[0]} — ${last}`);
      });
      return last;
    },
  );

  const routerTable = async (): Promise<Record<string, FrrPath[]>> =>
    (await routerCli<{ routes?: Record<string, FrrPath[]> }>('show ip bgp json')).routes ?? {};
  const pathsOf = (paths: FrrPath[] | undefined): string[] =>
    (paths ?? []).map((p) => `${p.nexthops?.[0]?.ip ?? '?'} [${p.path ?? p.aspath?.string ?? ''}]`).sort();
  const twoPaths = NODE_ADDRESSES.map((a) => `${a} [${NODE_ASN}]`).sort();

  await lab.check(
    '`show ip bgp json`: 192.168.0.30/32 and .31/32, each with two paths (next hops .5 and .6, AS path 65001)',
    async () => {
      let table: Record<string, FrrPath[]> = {};
      await timed(
        async () => {
          table = await routerTable();
          return PREFIXES.every((p) => pathsOf(table[p]).join() === twoPaths.join());
        },
        { timeoutMs: 15_000, intervalMs: 200, what: 'two paths per service prefix' },
      ).catch(() => {
        const seen = Object.entries(table).map(([p, paths]) => `${p}: ${pathsOf(paths).join(', ')}`);
        throw new Error(`router table: ${seen.join('; ') || 'empty'}`);
      });
      expectSet(Object.keys(table), PREFIXES, 'prefixes in the router table');
    },
  );

  await lab.check(
    '`herald routes --table out --json` on each node lists the prefixes the router holds',
    async () => {
      const atRouter = Object.keys(await routerTable());
      expectSet(atRouter, PREFIXES, "the router's table");
      for (const [i, n] of NODES.entries()) {
        const r = await heraldCli(heralds[i].socket, [
          'routes',
          '--table',
          'out',
          '--neighbor',
          ROUTER,
          '--json',
        ]);
        if (r.code !== 0) throw new Error(`${n.name}: ${r.stderr || r.stdout}`);
        const sent = (JSON.parse(r.stdout) as Array<{ prefix: string }>).map((x) => x.prefix);
        expectSet(sent, atRouter, `${n.name} Adj-RIB-Out vs the router's table`);
      }
    },
  );

  await api.delete(serviceRef('nginx2-lb'));
  await lab.check(
    'deleting Service nginx2-lb withdraws 192.168.0.31/32 at the router; .30 keeps its two paths',
    async () => {
      const { ms } = await timed(async () => !(PREFIXES[1] in (await routerTable())), {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: `${PREFIXES[1]} withdrawn`,
      });
      const kept = pathsOf((await routerTable())[PREFIXES[0]]);
      if (kept.join() !== twoPaths.join()) throw new Error(`${PREFIXES[0]}: ${kept.join(', ')}`);
      return `${ms} ms after the delete`;
    },
  );
});
