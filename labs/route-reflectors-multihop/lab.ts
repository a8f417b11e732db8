// route-reflectors-multihop: three nodes (Herald, AS 65000) peer by iBGP from their loopbacks with
// two route reflectors' loopbacks (rr1 = FRR, rr2 = BIRD) two hops away, not with the ToR. Every
// node announces the same anycast /32 (next hop: its loopback) and one /32 of its own. The
// reflectors send every path (add-path, RFC 7911) to their client, the leaf (FRR, also on a
// loopback), which installs the anycast /32 as one kernel route over the three nodes. Static
// routes stand for the fabric's IGP. See description.txt.
import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import {
  addLan,
  exec,
  type FrrPeer,
  kernelNextHops,
  type RunningPeer,
  startBird,
  startFrr,
  Topology,
} from '../../test/interop/harness/index.js';
import { expectSet, heraldCli, Lab, loopback, note, p2p, timed } from '../lib/lab.js';

const ASN = 65000;
const ANYCAST = '198.51.100.10/32';
const LEAF = { loopback: '10.255.0.1', lan: '10.0.1.1' };
const RRS = [
  { name: 'rr1', loopback: '10.255.0.2', link: '10.0.2.1', leafEnd: '10.0.2.0' },
  { name: 'rr2', loopback: '10.255.0.3', link: '10.0.2.3', leafEnd: '10.0.2.2' },
];
const NODES = [1, 2, 3].map((i) => ({
  name: `node${i}`,
  loopback: `10.255.0.1${i}`,
  lan: `10.0.1.1${i}`,
  own: `198.51.100.1${i}/32`,
}));
const LOOPBACKS = '10.255.0.0/24';

/** The parts of FRR's `show bgp ipv4 unicast PREFIX json` this lab reads. */
interface FrrPaths {
  paths?: Array<{
    valid?: boolean;
    multipath?: boolean;
    bestpath?: { overall?: boolean };
    originatorId?: string;
    clusterList?: { list?: string[] };
    peer?: { peerId?: string };
    nexthops?: Array<{ ip: string }>;
  }>;
}

await new Lab('route-reflectors-multihop').run(async (lab) => {
  const t = lab.track(new Topology());
  const leaf = await t.addNamespace('leaf');
  const rrNs = [await t.addNamespace('rr1'), await t.addNamespace('rr2')];
  const nodeNs = [
    await t.addNamespace('node1'),
    await t.addNamespace('node2'),
    await t.addNamespace('node3'),
  ];

  // Underlay: the nodes on the leaf's rack LAN, each reflector on a /31 link to the leaf. Only the
  // leaf forwards; everyone else reaches the loopbacks through it (static routes for the IGP).
  await addLan(t, {
    bridgeNs: leaf,
    bridge: 'rack',
    address: `${LEAF.lan}/24`,
    members: NODES.map((n, i) => ({ ns: nodeNs[i], address: `${n.lan}/24` })),
  });
  for (const [i, rr] of RRS.entries()) {
    await p2p(
      { ns: leaf, ifname: `to${rr.name}`, address: `${rr.leafEnd}/31` },
      { ns: rrNs[i], ifname: 'eth0', address: `${rr.link}/31` },
    );
    await exec(leaf, 'ip', ['route', 'add', `${rr.loopback}/32`, 'via', rr.link]);
    await exec(rrNs[i], 'ip', ['route', 'add', LOOPBACKS, 'via', rr.leafEnd]);
    await loopback(rrNs[i], `${rr.loopback}/32`);
  }
  for (const [i, n] of NODES.entries()) {
    await exec(leaf, 'ip', ['route', 'add', `${n.loopback}/32`, 'via', n.lan]);
    await exec(nodeNs[i], 'ip', ['route', 'add', LOOPBACKS, 'via', LEAF.lan]);
    await loopback(nodeNs[i], `${n.loopback}/32`, ANYCAST, n.own); // the services answer on the node
  }
  await loopback(leaf, `${LEAF.loopback}/32`);
  await exec(leaf, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  note(`namespaces ${t.namespaces.join(' ')}`);

  // The reflectors: nodes and leaf are clients; the leaf gets every path (add-path send-all).
  const rrNeighbors = (rr: (typeof RRS)[number]) => ({
    ns: rrNs[RRS.indexOf(rr)],
    routerId: rr.loopback,
    asn: ASN,
    localAddress: rr.loopback,
    hostname: rr.name,
    neighbors: [
      ...NODES.map((n) => ({ address: n.loopback, asn: ASN, passive: true, routeReflectorClient: true })),
      { address: LEAF.loopback, asn: ASN, routeReflectorClient: true, addPath: 'send' as const },
    ],
  });
  const rr1 = await startFrr(rrNeighbors(RRS[0]));
  const rr2 = await startBird(rrNeighbors(RRS[1]));
  const reflectors: RunningPeer[] = [rr1, rr2];
  // The client: add-path receive is FRR's default capability; up to 8 iBGP paths in the kernel.
  const client: FrrPeer = await startFrr({
    ns: leaf,
    routerId: LEAF.loopback,
    asn: ASN,
    localAddress: LEAF.loopback,
    hostname: 'leaf',
    maximumPaths: 8,
    neighbors: RRS.map((rr) => ({ address: rr.loopback, asn: ASN, addPath: 'receive' as const })),
  });

  const heralds: HeraldInstance[] = [];
  for (const [i, n] of NODES.entries())
    heralds.push(
      lab.herald(
        await startHerald(t, nodeNs[i], {
          asn: ASN,
          routerId: n.loopback,
          listen: false,
          neighbors: RRS.map((rr) => ({
            address: rr.loopback,
            peerAsn: ASN,
            localAddress: n.loopback, // loopback to loopback: the reflectors know the nodes by it
            connectRetry: 1,
            description: rr.name,
          })),
          announce: [
            { prefix: ANYCAST, nextHop: n.loopback },
            { prefix: n.own, nextHop: n.loopback },
          ],
        }),
      ),
    );

  const clientPaths = async (prefix: string): Promise<NonNullable<FrrPaths['paths']>> =>
    (JSON.parse(await client.cli([`show bgp ipv4 unicast ${prefix} json`])) as FrrPaths).paths ?? [];

  await lab.check(
    "every node's sessions to both reflectors are Established, loopback to loopback",
    async () => {
      for (const h of heralds) for (const rr of RRS) await h.waitState(rr.loopback, 'Established', 20_000);
      for (const r of reflectors) for (const n of NODES) await r.waitEstablished(n.loopback, 10_000);
      const j = JSON.parse(await rr1.cli(['show bgp neighbors json'])) as Record<
        string,
        { hostLocal?: string; hostForeign?: string; bgpState?: string }
      >;
      const seen = NODES.map((n) => `${j[n.loopback]?.hostForeign}->${j[n.loopback]?.hostLocal}`);
      expectSet(
        seen,
        NODES.map((n) => `${n.loopback}->${RRS[0].loopback}`),
        'rr1 TCP endpoints',
      );
      return `6 sessions; rr1 sees ${seen.join(', ')}`;
    },
    true,
  );

  await lab.check(
    'the leaf is Established with both reflectors (add-path receive)',
    async () => {
      for (const rr of RRS) await client.waitEstablished(rr.loopback, 15_000);
    },
    true,
  );

  await lab.check('each reflector holds 3 paths for the anycast prefix', async () => {
    const counts: string[] = [];
    for (const [i, r] of reflectors.entries()) {
      const { value } = await timed(
        async () => {
          const hops = (await r.receivedRoutes('ipv4-unicast'))
            .filter((x) => x.prefix === ANYCAST)
            .map((x) => x.nextHop);
          return hops.length === NODES.length ? hops : undefined;
        },
        { timeoutMs: 15_000, what: `${RRS[i].name}: 3 paths for ${ANYCAST}` },
      );
      expectSet(
        value,
        NODES.map((n) => n.loopback),
        `${RRS[i].name} next hops`,
      );
      counts.push(`${RRS[i].name} (${r.kind}) 3 paths`);
    }
    return counts.join(', ');
  });

  await lab.check(
    'the leaf receives 3 paths from each reflector, with ORIGINATOR_ID = node and CLUSTER_LIST = reflector',
    async () => {
      await timed(async () => (await clientPaths(ANYCAST)).length === 6, {
        timeoutMs: 15_000,
        what: `6 paths for ${ANYCAST} at the leaf`,
      });
      const paths = await clientPaths(ANYCAST);
      for (const rr of RRS) {
        const from = paths.filter((p) => p.peer?.peerId === rr.loopback);
        expectSet(
          from.map((p) => `${p.originatorId} ${p.nexthops?.[0]?.ip} [${p.clusterList?.list?.join(' ')}]`),
          NODES.map((n) => `${n.loopback} ${n.loopback} [${rr.loopback}]`),
          `paths from ${rr.name} (originator, next hop, cluster list)`,
        );
      }
      return `6 paths: originators ${NODES.map((n) => n.loopback).join(', ')}, cluster lists [${RRS.map((r) => r.loopback).join('] and [')}]`;
    },
  );

  const waitKernel = async (lans: string[]): Promise<number> =>
    (
      await timed(async () => (await kernelNextHops(leaf, ANYCAST)).join() === [...lans].sort().join(), {
        timeoutMs: 15_000,
        what: `${ANYCAST} in the leaf's kernel via ${lans.join(', ')}`,
      })
    ).ms;

  await lab.check("the leaf's kernel has one route for the anycast /32 with 3 next hops", async () => {
    await waitKernel(NODES.map((n) => n.lan));
    const r = await exec(leaf, 'ip', ['-j', 'route', 'show', 'exact', ANYCAST]);
    const routes = JSON.parse(r.stdout) as unknown[];
    if (routes.length !== 1) throw new Error(`${routes.length} kernel routes for ${ANYCAST}`);
    // Six paths, three distinct next hops: one path per node is selected (best + multipath).
    const used = (await clientPaths(ANYCAST)).filter((p) => p.multipath || p.bestpath?.overall);
    expectSet(
      used.map((p) => p.nexthops?.[0]?.ip ?? '?'),
      NODES.map((n) => n.loopback),
      'BGP next hops selected for multipath',
    );
    return `via ${NODES.map((n) => n.lan).join(', ')} (the nodes' loopbacks resolved through the rack LAN)`;
  });

  await lab.check("each node's own /32 reaches the leaf through both reflectors", async () => {
    for (const n of NODES)
      await timed(async () => (await clientPaths(n.own)).length === RRS.length, {
        timeoutMs: 10_000,
        what: `${n.own} from both reflectors`,
      });
  });

  await lab.check(
    '`herald routes --table out` on a node shows its own routes advertised to both reflectors',
    async () => {
      const h = heralds[0];
      for (const rr of RRS) {
        const r = await heraldCli(h.socket, [
          'routes',
          '--table',
          'out',
          '--neighbor',
          rr.loopback,
          '--json',
        ]);
        if (r.code !== 0) throw new Error(`herald routes exited ${r.code}: ${r.stderr.trim()}`);
        const out = JSON.parse(r.stdout) as Array<{ prefix: string; nextHop?: string }>;
        expectSet(
          out.map((x) => `${x.prefix} ${x.nextHop}`),
          [ANYCAST, NODES[0].own].map((p) => `${p} ${NODES[0].loopback}`),
          `node1 Adj-RIB-Out to ${rr.name}`,
        );
        const advertised = (await h.neighbor(rr.loopback)).prefixes.advertised;
        if (advertised !== 2) throw new Error(`node1 → ${rr.name}: ${advertised} prefixes advertised`);
      }
      return `${ANYCAST} and ${NODES[0].own} next hop ${NODES[0].loopback}, to rr1 and rr2`;
    },
  );

  await lab.check(
    'node3 stops (SIGTERM): the leaf keeps 2 paths per reflector and 2 kernel next hops',
    async () => {
      await heralds[2].stop();
      const { ms } = await timed(async () => (await clientPaths(ANYCAST)).length === 4, {
        timeoutMs: 15_000,
        what: `4 paths for ${ANYCAST} at the leaf`,
      });
      const left = await clientPaths(ANYCAST);
      expectSet(
        left.map((p) => `${p.peer?.peerId} ${p.originatorId}`),
        RRS.flatMap((rr) => NODES.slice(0, 2).map((n) => `${rr.loopback} ${n.loopback}`)),
        'paths left (reflector, originator)',
      );
      await waitKernel(NODES.slice(0, 2).map((n) => n.lan));
      return `paths withdrawn in ${ms} ms; kernel via ${NODES.slice(0, 2)
        .map((n) => n.lan)
        .join(', ')}`;
    },
  );
});
