// ebgp-multihop-distribution-switch: two nodes (Herald, AS 65002, as the seed's MetalLB) on an
// access VLAN peer by eBGP multihop with the distribution switch (FRR, AS 65001) two hops away,
// behind the access-layer gateway. The switch takes only what its inbound prefix list allows
// (`ip prefix-list service-subnets seq 100 permit 192.168.0.0/24 ge 32`): the service /32s arrive
// with next hop = each node's own address and resolve through the switch's table (a static route
// to the access VLAN stands for the seed's EIGRP); the /24 aggregate is filtered. The nodes run in
// Kubernetes mode against the project's fake API server, holding the seed's MetalLB ConfigMap
// (metallb-config.yaml) converted by `herald import-metallb` and applied unchanged: a BGPPeer, the
// pool 192.168.0.0/24, advertisements with aggregation length 32 + localpref 100 + the
// `no-advertise` alias 64512:64534 and aggregation length 24. See description.txt.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import {
  addLan,
  exec,
  kernelNextHops,
  nftRule,
  startFrr,
  Topology,
} from '../../test/interop/harness/index.js';
import { kubeconfigFor } from '../../test/k8s/fake-api-server.js';
import { node, service, slice } from '../../test/k8s/resources.js';
import { startFakeApi } from '../lib/fake-api-process.js';
import { Lab, loopback, note, p2p, reachable, timed } from '../lib/lab.js';

const DIST = '10.0.0.1';
const ACCESS_UPLINK = '10.0.0.2';
const GATEWAY = '10.205.32.1';
const NODES = [
  { name: 'node1', address: '10.205.32.15' },
  { name: 'node2', address: '10.205.32.16' },
];
const DIST_ASN = 65001;
const NODE_ASN = 65002;
const SERVICES = ['192.168.0.11/32', '192.168.0.12/32'];
const AGGREGATE = '192.168.0.0/24';
const NO_ADVERTISE_ALIAS = '64512:64534'; // the seed's bgp-communities alias "no-advertise"
const API_PORT = 6443;
const ROOT = new URL('../../', import.meta.url).pathname;

/** `herald import-metallb` on the seed's ConfigMap: the metallb.io resources, as kubectl would apply them. */
function importedSeed(): unknown[] {
  const out = execFileSync(
    join(ROOT, 'bin/herald'),
    ['import-metallb', join(ROOT, 'labs/ebgp-multihop-distribution-switch/metallb-config.yaml')],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return parseAllDocuments(out).map((d) => d.toJS() as unknown);
}

interface FrrPrefix {
  paths?: Array<{
    valid?: boolean;
    nexthops?: Array<{ ip: string; accessible?: boolean }>;
    community?: { string?: string };
  }>;
}

await new Lab('ebgp-multihop-distribution-switch').run(async (lab) => {
  const t = lab.track(new Topology());
  const dist = await t.addNamespace('dist');
  const access = await t.addNamespace('access');
  const nodeNs = [await t.addNamespace('node1'), await t.addNamespace('node2')];
  await p2p(
    { ns: dist, ifname: 'eth1', address: `${DIST}/30` },
    { ns: access, ifname: 'eth1', address: `${ACCESS_UPLINK}/30` },
  );
  // The access VLAN: gateway 10.205.32.1/22 plus the service subnet as a secondary address, so
  // the gateway ARPs for service IPs on the VLAN (the seed's design).
  await addLan(t, {
    bridgeNs: access,
    bridge: 'vlan3032',
    address: `${GATEWAY}/22`,
    members: NODES.map((n, i) => ({ ns: nodeNs[i], address: `${n.address}/22` })),
  });
  await exec(access, 'ip', ['addr', 'add', '192.168.0.1/24', 'dev', 'vlan3032']);
  await exec(access, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  for (const ns of nodeNs) {
    await exec(ns, 'ip', ['route', 'add', 'default', 'via', GATEWAY]);
    await loopback(ns, ...SERVICES); // kube-proxy would answer for the service IPs
  }
  // The distribution switch reaches the access VLAN through the access layer (EIGRP in the seed).
  await exec(dist, 'ip', ['route', 'add', '10.205.32.0/22', 'via', ACCESS_UPLINK]);
  note(`namespaces ${t.namespaces.join(' ')}`);

  // Count how Herald's BGP packets arrive at the switch: the imported BGPPeer is ebgpMultiHop (the
  // native MetalLB speaker used the system's TTL), so they leave with TTL 255, one hop on the way.
  const ttl254 = await Promise.all(
    NODES.map((n) => nftRule(dist, `ip saddr ${n.address} tcp dport 179 ip ttl 254`, { verdict: 'count' })),
  );
  const ttlOther = await Promise.all(
    NODES.map((n) =>
      nftRule(dist, `ip saddr ${n.address} tcp dport 179 ip ttl != 254`, { verdict: 'count' }),
    ),
  );

  // The cluster, served from the switch's side (the nodes reach it through the access layer): the
  // seed's ConfigMap imported, the two nodes, two LoadBalancer services with endpoints on both.
  const api = await startFakeApi(t, dist, DIST, API_PORT);
  const imported = importedSeed();
  note(`imported: ${imported.map((o) => (o as { kind: string }).kind).join(', ')}`);
  for (const o of [
    ...imported,
    ...NODES.map((n) => node(n.name, { address: n.address })),
    ...SERVICES.map((p, i) => service(`svc${i + 1}`, { ips: [p.split('/')[0]] })),
    ...SERVICES.map((_, i) =>
      slice(
        `svc${i + 1}`,
        NODES.map((n) => ({ node: n.name })),
      ),
    ),
  ])
    await api.apply(o);
  const kubeconfig = join(t.dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(api.url));

  const frr = await startFrr({
    ns: dist,
    routerId: DIST,
    asn: DIST_ASN,
    localAddress: DIST,
    hostname: 'distribution',
    neighbors: NODES.map((n) => ({ address: n.address, asn: NODE_ASN, multihop: 255, passive: true })),
    extraConfig: {
      global: ['ip prefix-list service-subnets seq 100 permit 192.168.0.0/24 ge 32'],
      ipv4: NODES.map((n) => `neighbor ${n.address} prefix-list service-subnets in`),
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

  await lab.check(
    'both nodes Established with the distribution switch two hops away (the imported BGPPeer)',
    async () => {
      for (const [i] of NODES.entries()) await heralds[i].waitState(DIST, 'Established', 20_000);
      for (const n of NODES) await frr.waitEstablished(n.address, 10_000);
    },
    true,
  );

  await lab.check(
    "Herald's BGP packets reach the switch with TTL 254 (sent with 255, one router between)",
    async () => {
      const counts: string[] = [];
      for (const [i, n] of NODES.entries()) {
        const good = await ttl254[i].packets();
        const bad = await ttlOther[i].packets();
        if (good === 0 || bad !== 0)
          throw new Error(`${n.name}: ${good} packets with TTL 254, ${bad} with another TTL`);
        counts.push(`${n.name} ${good}`);
      }
      return `packets with TTL 254: ${counts.join(', ')}; none with another TTL`;
    },
  );

  await lab.check(
    "service /32s arrive with next hop = each node's address and the alias community",
    async () => {
      await timed(
        async () => {
          const routes = await frr.receivedRoutes('ipv4-unicast');
          return SERVICES.every(
            (p) =>
              routes
                .filter((r) => r.prefix === p)
                .map((r) => r.nextHop)
                .sort()
                .join() === NODES.map((n) => n.address).join(),
          );
        },
        { timeoutMs: 15_000, what: 'both /32s from both nodes' },
      );
      for (const r of await frr.receivedRoutes('ipv4-unicast')) {
        if (r.communities.join() !== NO_ADVERTISE_ALIAS || r.asPath !== String(NODE_ASN))
          throw new Error(
            `${r.prefix} from ${r.nextHop}: communities ${r.communities.join()}, AS path ${r.asPath}`,
          );
      }
      return `${SERVICES.join(', ')} each via ${NODES.map((n) => n.address).join(' and ')}`;
    },
  );

  await lab.check("the next hops resolve through the switch's table (via the access layer)", async () => {
    for (const p of SERVICES) {
      const j = JSON.parse(await frr.cli([`show bgp ipv4 unicast ${p} json`])) as FrrPrefix;
      for (const path of j.paths ?? [])
        if (!path.valid || !path.nexthops?.every((h) => h.accessible))
          throw new Error(`${p}: path via ${path.nexthops?.map((h) => h.ip).join()} not valid/accessible`);
      await timed(async () => (await kernelNextHops(dist, p)).join() === ACCESS_UPLINK, {
        timeoutMs: 10_000,
        what: `${p} in the switch's kernel via ${ACCESS_UPLINK}`,
      });
    }
    const r = await exec(dist, 'ip', ['route', 'get', '192.168.0.11']);
    return r.stdout.trim().split('\n')[0];
  });

  await lab.check('the /24 aggregate is sent by Herald but dropped by the prefix list', async () => {
    const routes = await frr.receivedRoutes('ipv4-unicast');
    if (routes.some((r) => r.prefix === AGGREGATE)) throw new Error(`${AGGREGATE} is in the BGP table`);
    if ((await kernelNextHops(dist, AGGREGATE)).length > 0) throw new Error(`${AGGREGATE} is in the kernel`);
    const summary = JSON.parse(await frr.cli(['show ip bgp summary json'])) as {
      ipv4Unicast?: { peers?: Record<string, { pfxRcd: number }> };
    };
    const seen: string[] = [];
    for (const [i, n] of NODES.entries()) {
      const sent = (await heralds[i].neighbor(DIST)).prefixes.advertised;
      const kept = summary.ipv4Unicast?.peers?.[n.address]?.pfxRcd;
      if (sent !== 3 || kept !== 2)
        throw new Error(`${n.name}: Herald advertised ${sent}, switch kept ${kept}`);
      seen.push(`${n.name} sent ${sent}, kept ${kept}`);
    }
    return seen.join('; ');
  });

  await lab.check('traffic from the switch reaches a service IP (routed to the access VLAN)', async () => {
    if (!(await reachable(t, dist, '192.168.0.11'))) throw new Error('192.168.0.11 did not answer');
  });
});
