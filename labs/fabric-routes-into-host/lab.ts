// fabric-routes-into-host: a host running Herald between two ToRs (FRR and BIRD, different ASes).
// Both send a default route and the fabric prefixes; Herald installs them into the host's kernel
// table as ECMP routes over both ToRs, keeps out what its import policy and fib.prefixList deny,
// and a ToR whose BFD packets stop (nftables drop in the host namespace) loses its next hop within
// a second or two; it comes back when the packets flow again. See description.txt.

import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import {
  type BirdPeer,
  exec,
  type FrrPeer,
  nftDrop,
  startBird,
  startFrr,
  Topology,
} from '../../test/interop/harness/index.js';
import { Lab, loopback, note, p2p, reachable, timed } from '../lib/lab.js';

const HOST_ASN = 65001;
const TORS = [
  { name: 'tor1', kind: 'FRR', asn: 65101, address: '10.0.1.1', hostSide: '10.0.1.2', ifname: 'eth1' },
  { name: 'tor2', kind: 'BIRD', asn: 65102, address: '10.0.2.1', hostSide: '10.0.2.2', ifname: 'eth2' },
] as const;
const NEXT_HOPS = TORS.map((t) => t.address);
/** Installed as ECMP routes. */
const FABRIC = ['0.0.0.0/0', '10.100.0.0/16', '10.100.1.0/24', '10.100.2.0/24'];
/** Accepted by the import policy but kept out of the kernel by fib.prefixList. */
const NOT_IN_KERNEL = '10.100.250.0/24';
/** Rejected by the import policy (not fabric; longer than /24). */
const REJECTED = ['198.51.100.0/24', '10.100.9.9/32'];
const BFD = { enabled: true, minRx: 300, minTx: 300, multiplier: 3 };
const FAILOVER_LIMIT_MS = 2000;

interface KernelRoute {
  dst: string;
  protocol: string | number;
  gateway?: string;
  nexthops?: { gateway: string }[];
}

async function kernelRoutes(ns: string): Promise<Map<string, string[]>> {
  const r = await exec(ns, 'ip', ['-j', 'route', 'show', 'table', 'main', 'proto', '72']);
  const list = JSON.parse(r.stdout || '[]') as KernelRoute[];
  const m = new Map<string, string[]>();
  for (const k of list) {
    const dst = k.dst === 'default' ? '0.0.0.0/0' : k.dst.includes('/') ? k.dst : `${k.dst}/32`;
    m.set(dst, (k.nexthops ? k.nexthops.map((h) => h.gateway) : k.gateway ? [k.gateway] : []).sort());
  }
  return m;
}

interface PathView {
  neighbor: string;
  best: boolean;
  multipath: boolean;
  decisionStep: string | null;
}

/** GET /api/v1/routes/{prefix}: the prefix's paths with the decision ([] when Herald has none). */
async function prefixPaths(herald: HeraldInstance, prefix: string): Promise<PathView[]> {
  const r = await herald.api<{ paths: PathView[] }>('GET', `/api/v1/routes/${prefix}`);
  if (r.status === 404) return [];
  if (r.status !== 200) throw new Error(`GET /api/v1/routes/${prefix}: HTTP ${r.status}`);
  return r.body.paths.map(({ neighbor, best, multipath, decisionStep }) => ({
    neighbor,
    best,
    multipath,
    decisionStep,
  }));
}

/** True when every fabric prefix is in the kernel with exactly `hops` as next hops. */
async function fabricHas(ns: string, hops: readonly string[]): Promise<boolean> {
  const k = await kernelRoutes(ns);
  const want = [...hops].sort().join();
  return FABRIC.every((p) => (k.get(p) ?? []).join() === want);
}

await new Lab('fabric-routes-into-host').run(async (lab) => {
  const t = lab.track(new Topology());
  const host = await t.addNamespace('host');
  const torNs = [await t.addNamespace('tor1'), await t.addNamespace('tor2')];
  for (const [i, tor] of TORS.entries()) {
    await p2p(
      { ns: host, ifname: tor.ifname, address: `${tor.hostSide}/24` },
      { ns: torNs[i], ifname: 'eth1', address: `${tor.address}/24` },
    );
    // What the fabric prefixes lead to: an address behind each ToR answers pings.
    await loopback(torNs[i], '10.100.1.1/32', '10.100.2.1/32');
  }
  await loopback(host, '192.0.2.1/32');
  note(`namespaces ${t.namespaces.join(' ')}`);

  const routes = [...FABRIC, NOT_IN_KERNEL, ...REJECTED].map((prefix) => ({ prefix, med: 0 }));
  // The ToRs need no handle after start: the lab acts on the host side only.
  const tors: [FrrPeer, BirdPeer] = [
    await startFrr({
      ns: torNs[0],
      routerId: TORS[0].address,
      asn: TORS[0].asn,
      localAddress: TORS[0].address,
      hostname: 'tor1',
      neighbors: [{ address: TORS[0].hostSide, asn: HOST_ASN, passive: true, gracefulRestart: false }],
      routes,
      bfd: [{ peer: TORS[0].hostSide, local: TORS[0].address, minRx: 300, minTx: 300, multiplier: 3 }],
    }),
    await startBird({
      ns: torNs[1],
      routerId: TORS[1].address,
      asn: TORS[1].asn,
      localAddress: TORS[1].address,
      hostname: 'tor2',
      neighbors: [{ address: TORS[1].hostSide, asn: HOST_ASN, passive: true, gracefulRestart: false }],
      routes,
      bfd: [{ peer: TORS[1].hostSide, local: TORS[1].address, minRx: 300, minTx: 300, multiplier: 3 }],
    }),
  ];
  void tors;

  const herald = lab.herald(
    await startHerald(t, host, {
      asn: HOST_ASN,
      routerId: '192.0.2.1',
      listen: false,
      maximumPaths: 2,
      multipathRelax: true,
      fib: { enabled: true, prefixList: 'to-kernel' },
      prefixLists: {
        'fabric-in': [
          { action: 'permit', prefix: '0.0.0.0/0' },
          { action: 'permit', prefix: '10.100.0.0/16', le: 24 },
        ],
        'to-kernel': [
          { action: 'deny', prefix: NOT_IN_KERNEL },
          { action: 'permit', prefix: '0.0.0.0/0', le: 32 },
        ],
      },
      policies: {
        'from-tors': {
          terms: [{ name: 'fabric', match: { prefixList: 'fabric-in' }, action: 'accept' }],
          default: 'reject',
        },
      },
      neighbors: TORS.map((tor) => ({
        address: tor.address,
        peerAsn: tor.asn,
        localAddress: tor.hostSide,
        description: `${tor.name} (${tor.kind})`,
        connectRetry: 1,
        importPolicy: 'from-tors',
        bfd: BFD,
      })),
    }),
  );

  await lab.check(
    'BGP sessions Established with tor1 (FRR) and tor2 (BIRD)',
    async () => {
      for (const tor of TORS) await herald.waitState(tor.address, 'Established', 20_000);
    },
    true,
  );

  await lab.check('BFD Up with both ToRs (300 ms x 3)', async () => {
    const { ms } = await timed(
      async () => {
        const r = await herald.api<Array<{ peer: string; state: string }>>('GET', '/api/v1/bfd');
        return NEXT_HOPS.every((a) => r.body.some((s) => s.peer === a && s.state === 'Up'));
      },
      { timeoutMs: 15_000, what: 'both BFD sessions Up' },
    );
    return `${ms} ms`;
  });

  await lab.check(
    'default route and fabric prefixes installed as ECMP routes via both ToRs',
    async () => {
      await timed(() => fabricHas(host, NEXT_HOPS), { timeoutMs: 15_000, what: 'ECMP kernel routes' });
      const k = await kernelRoutes(host);
      return FABRIC.map((p) => `${p} via ${k.get(p)?.join('+')}`).join(', ');
    },
    true,
  );

  await lab.check('import policy keeps out 198.51.100.0/24 and 10.100.9.9/32', async () => {
    const k = await kernelRoutes(host);
    for (const p of REJECTED) if (k.has(p)) throw new Error(`${p} is in the kernel`);
    // Herald keeps the paths (soft reconfiguration for free) but none is usable: each lost at
    // the import policy. (The table=loc listing does not apply import policy yet: docs/design.md.)
    for (const p of REJECTED) {
      const paths = await prefixPaths(herald, p);
      if (paths.length !== 2 || paths.some((x) => x.best || x.decisionStep !== 'importPolicy'))
        throw new Error(`${p}: ${JSON.stringify(paths)}`);
    }
    const counts: string[] = [];
    for (const tor of TORS) {
      const n = await herald.neighbor(tor.address);
      if (n.prefixes.received !== 7 || n.prefixes.accepted !== 5)
        throw new Error(`${tor.name}: received ${n.prefixes.received}, accepted ${n.prefixes.accepted}`);
      counts.push(`${tor.name} ${n.prefixes.accepted}/${n.prefixes.received}`);
    }
    return `accepted/received: ${counts.join(', ')}`;
  });

  await lab.check(
    `fib.prefixList keeps ${NOT_IN_KERNEL} out of the kernel (in the Loc-RIB, ECMP over both ToRs)`,
    async () => {
      const paths = await prefixPaths(herald, NOT_IN_KERNEL);
      if (paths.filter((x) => x.multipath).length !== 2) throw new Error(`Loc-RIB: ${JSON.stringify(paths)}`);
      if ((await kernelRoutes(host)).has(NOT_IN_KERNEL)) throw new Error('in the kernel');
      const other = await exec(host, 'ip', ['-j', 'route', 'show', 'exact', NOT_IN_KERNEL]);
      if (JSON.parse(other.stdout || '[]').length !== 0)
        throw new Error('some route for it is in the kernel');
    },
  );

  await lab.check('traffic to the fabric (10.100.1.1) leaves through the ECMP route', async () => {
    if (!(await reachable(t, host, '10.100.1.1'))) throw new Error('no answer');
    const r = await exec(host, 'ip', ['route', 'get', '10.100.1.1']);
    return r.stdout.trim().split('\n')[0];
  });

  for (const tor of TORS) {
    const other = NEXT_HOPS.filter((a) => a !== tor.address);
    const cut = await nftDrop(host, `ip saddr ${tor.address} udp dport 3784`);
    const cutAt = Date.now();
    await lab.check(
      `${tor.name} (${tor.kind}) BFD packets dropped: its next hop leaves every route within ${FAILOVER_LIMIT_MS} ms`,
      async () => {
        await timed(() => fabricHas(host, other), {
          timeoutMs: 10_000,
          intervalMs: 20,
          what: `routes via ${other.join()} only`,
        });
        const ms = Date.now() - cutAt;
        const down = herald
          .logs()
          .find((l) => l.event === 'bfdDown' && Date.parse(String(l.time)) >= cutAt - 50);
        const detect = down ? `BFD Down after ${Date.parse(String(down.time)) - cutAt} ms, ` : '';
        if (ms > FAILOVER_LIMIT_MS) throw new Error(`${detect}routes changed after ${ms} ms`);
        return `${detect}kernel routes via ${other.join()} only after ${ms} ms`;
      },
    );
    await lab.check(`traffic still flows through the other ToR while ${tor.name} is down`, async () => {
      if (!(await reachable(t, host, '10.100.2.1'))) throw new Error('no answer');
      const r = await exec(host, 'ip', ['route', 'get', '10.100.2.1']);
      if (!r.stdout.includes(`via ${other[0]}`)) throw new Error(r.stdout.trim());
      return r.stdout.trim().split('\n')[0];
    });
    await lab.check(`${tor.name} kept down by BFD (BGP not Established while its BFD is Down)`, async () => {
      const n = await herald.neighbor(tor.address);
      if (n.state === 'Established') throw new Error('BGP is Established');
      if ((await cut.packets()) === 0) throw new Error('the nftables rule dropped nothing');
      return `BGP ${n.state}, ${await cut.packets()} BFD packets dropped`;
    });
    await cut.remove();
    const restoredAt = Date.now();
    await lab.check(`${tor.name} restored: BFD Up, BGP Established, ECMP over both ToRs again`, async () => {
      await timed(() => fabricHas(host, NEXT_HOPS), {
        timeoutMs: 20_000,
        intervalMs: 50,
        what: 'both next hops back',
      });
      return `${Date.now() - restoredAt} ms after the rule went`;
    });
  }

  await lab.check('a clean stop of Herald removes every route it installed', async () => {
    await herald.stop();
    const left = await kernelRoutes(host);
    if (left.size > 0) throw new Error(`left: ${[...left.keys()].join(', ')}`);
  });
});
