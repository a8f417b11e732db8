// graceful-restart-rollout: two nodes run Herald with graceful restart (restart time 30 s) and a
// stateDir, and announce the same service /32s (static, one health-checked, one added at run time
// through the REST API) plus one /32 of their own to a router (FRR, `bgp graceful-restart`,
// multipath). They are restarted one after the other as a DaemonSet rolling update does (SIGTERM,
// start again with the same config and stateDir, wait for Established and End-of-RIB, next node)
// while the router is watched: not one of their paths or kernel next hops may go away. See
// description.txt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import {
  addLan,
  type FrrPeer,
  kernelNextHops,
  startFrr,
  Topology,
} from '../../test/interop/harness/index.js';
import { Lab, loopback, note, timed } from '../lib/lab.js';
import { type RouteWatch, type WatchReport, watchRoutes } from './route-watch.js';

const NET = '198.18.90';
const ROUTER = `${NET}.254`;
const ROUTER_ASN = 65100;
const NODE_ASN = 65101;
const RESTART_TIME = 30;
const SHARED = ['203.0.113.10/32', '203.0.113.11/32'];
const CHECKED = '203.0.113.30/32';
const API_ROUTE = '203.0.113.40/32';
const NODES = [1, 2].map((i) => ({
  name: `node-${i}`,
  address: `${NET}.${i}`,
  own: `203.0.113.2${i}/32`,
}));
type Node = (typeof NODES)[number];
const prefixesOf = (n: Node): string[] => [...SHARED, n.own, CHECKED, API_ROUTE];

interface FrrNeighborGr {
  bgpState?: string;
  gracefulRestartInfo?: { remoteGrMode?: string; endOfRibRecv?: Record<string, boolean> };
}

/** FRR's view of one neighbor: state, the peer's GR mode, whether its IPv4 End-of-RIB arrived. */
async function frrNeighbor(frr: FrrPeer, address: string): Promise<FrrNeighborGr> {
  const all = JSON.parse(await frr.cli([`show bgp neighbors ${address} json`])) as Record<
    string,
    FrrNeighborGr
  >;
  return all[address] ?? {};
}

/** Which of the node's prefixes have no path from it at the router, and which paths are stale. */
async function pathsOf(frr: FrrPeer, n: Node): Promise<{ missing: string[]; stale: string[] }> {
  const paths = (await frr.receivedRoutes('ipv4-unicast')).filter((p) => p.peer === n.address);
  const missing = prefixesOf(n).filter((p) => !paths.some((x) => x.prefix === p));
  const stale = paths.filter((p) => p.stale).map((p) => p.prefix);
  return { missing, stale };
}

/** The watch's losses and kernel deletions that concern these prefixes. */
function withdrawalsFor(report: WatchReport, prefixes: string[]): string[] {
  const bare = prefixes.map((p) => p.replace(/\/32$/, ''));
  const hit = (line: string) =>
    prefixes.some((p) => line.startsWith(`${p} `)) || line.split(/\s+/).some((tok) => bare.includes(tok));
  return [...report.losses, ...report.deletions].filter(hit);
}

await new Lab('graceful-restart-rollout').run(async (lab) => {
  const t = lab.track(new Topology());
  const router = await t.addNamespace('router');
  const nodeNs: string[] = [];
  for (let i = 1; i <= NODES.length; i++) nodeNs.push(await t.addNamespace(`node${i}`));
  await addLan(t, {
    bridgeNs: router,
    address: `${ROUTER}/24`,
    members: NODES.map((n, i) => ({ ns: nodeNs[i], address: `${n.address}/24` })),
  });
  for (const [i, n] of NODES.entries()) await loopback(nodeNs[i], ...prefixesOf(n));
  note(`namespaces ${t.namespaces.join(' ')}`);

  const frr = await startFrr({
    ns: router,
    routerId: ROUTER,
    asn: ROUTER_ASN,
    localAddress: ROUTER,
    hostname: 'router',
    maximumPaths: 8,
    neighbors: NODES.map((n) => ({ address: n.address, asn: NODE_ASN })),
    extraConfig: { bgp: ['bgp graceful-restart'] },
  });

  // What the DaemonSet's pod spec holds: the same config file and hostPath stateDir at each start.
  const configOf = (n: Node) => ({
    asn: NODE_ASN,
    routerId: n.address,
    listen: false,
    stateDir: join(t.dir, `state-${n.name}`),
    neighbors: [
      {
        address: ROUTER,
        peerAsn: ROUTER_ASN,
        connectRetry: 1,
        gracefulRestart: { enabled: true, restartTime: RESTART_TIME },
      },
    ],
    announce: [
      ...SHARED.map((prefix) => ({ prefix })),
      { prefix: n.own },
      // A check that takes ~1 s to answer (sleep stands for a slow backend probe).
      { prefix: CHECKED, healthCheck: { command: 'sleep 1', interval: 2, timeout: 3, fall: 2 } },
    ],
  });
  const start = async (i: number): Promise<HeraldInstance> =>
    lab.herald(await startHerald(t, nodeNs[i], configOf(NODES[i])));
  const heralds: HeraldInstance[] = [];
  for (const i of NODES.keys()) heralds.push(await start(i));

  await lab.check(
    'both nodes Established at the router, each advertising graceful restart',
    async () => {
      for (const [i, n] of NODES.entries()) {
        await frr.waitEstablished(n.address, 20_000);
        await heralds[i].waitState(ROUTER, 'Established', 10_000);
        const gr = (await frrNeighbor(frr, n.address)).gracefulRestartInfo;
        if (gr?.remoteGrMode !== 'Restart') throw new Error(`${n.name}: remote GR mode ${gr?.remoteGrMode}`);
      }
      return `router sees remote GR mode Restart from ${NODES.map((n) => n.name).join(', ')}`;
    },
    true,
  );

  await lab.check(`a run-time announcement ${API_ROUTE} is added through the API on each node`, async () => {
    for (const [i, n] of NODES.entries()) {
      const r = await heralds[i].api('POST', '/api/v1/announcements', { prefix: API_ROUTE });
      if (r.status !== 201) throw new Error(`${n.name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      const kept = readFileSync(join(configOf(n).stateDir, 'announcements.json'), 'utf8');
      if (!kept.includes(API_ROUTE.split('/')[0])) throw new Error(`${n.name}: stateDir file holds ${kept}`);
    }
    return 'HTTP 201 on both; in each stateDir/announcements.json';
  });

  await lab.check(
    'before the roll the router has every route from both nodes, fresh, in its kernel as multipath',
    async () => {
      const { ms } = await timed(
        async () => {
          for (const n of NODES) {
            const p = await pathsOf(frr, n);
            if (p.missing.length || p.stale.length)
              throw new Error(`${n.name}: missing [${p.missing.join(', ')}], stale [${p.stale.join(', ')}]`);
          }
          for (const prefix of new Set(NODES.flatMap(prefixesOf))) {
            const want = NODES.filter((n) => prefixesOf(n).includes(prefix)).map((n) => n.address);
            const hops = await kernelNextHops(router, prefix);
            if (hops.join() !== want.join()) throw new Error(`kernel: ${prefix} via [${hops.join(', ')}]`);
          }
          return true;
        },
        { timeoutMs: 15_000, what: 'every path at the router and in its kernel' },
      );
      return `${NODES.length * prefixesOf(NODES[0]).length} paths after ${ms} ms; shared /32s via both nodes`;
    },
    true,
  );

  const watch: RouteWatch = await watchRoutes(
    t,
    router,
    frr,
    NODES.map((n) => ({ address: n.address, prefixes: prefixesOf(n) })),
  );
  const rollStart = Date.now();
  for (const [i, n] of NODES.entries()) {
    const old = heralds[i];
    await lab.check(
      `${n.name}: SIGTERM closes its session without NOTIFICATION; the router keeps its paths as stale`,
      async () => {
        await old.stop();
        const code = await old.process.exited;
        if (code !== 0) throw new Error(`exit code ${code}`);
        if (old.logs().some((l) => l.event === 'notificationSent'))
          throw new Error('a NOTIFICATION was sent');
        if (!old.logs().some((l) => l.event === 'gracefulRestartShutdown'))
          throw new Error('no gracefulRestartShutdown in its log');
        const { ms } = await timed(
          async () => {
            const p = await pathsOf(frr, n);
            if (p.missing.length) throw new Error(`router lost ${p.missing.join(', ')}`);
            return p.stale.length === prefixesOf(n).length;
          },
          { timeoutMs: 10_000, intervalMs: 100, what: `${n.name}'s paths stale at the router` },
        );
        return `all ${prefixesOf(n).length} paths stale ${ms} ms after exit`;
      },
      true,
    );
    const restartedAt = Date.now();
    heralds[i] = await start(i);
    await lab.check(
      `${n.name}: back with the same config and stateDir, Established, End-of-RIB received, paths fresh`,
      async () => {
        const { ms: eor } = await timed(
          async () => {
            const nb = await frrNeighbor(frr, n.address);
            return (
              nb.bgpState === 'Established' && nb.gracefulRestartInfo?.endOfRibRecv?.ipv4Unicast === true
            );
          },
          { timeoutMs: 20_000, intervalMs: 100, what: `${n.name} Established with End-of-RIB at the router` },
        );
        const { ms } = await timed(
          async () => {
            const p = await pathsOf(frr, n);
            if (p.missing.length || p.stale.length)
              throw new Error(`missing [${p.missing.join(', ')}], stale [${p.stale.join(', ')}]`);
            return true;
          },
          { timeoutMs: 10_000, intervalMs: 100, what: `${n.name}'s paths no longer stale` },
        );
        return `End-of-RIB ${eor} ms after start, paths fresh ${ms} ms later`;
      },
      true,
    );
    note(`${n.name} rolled in ${Date.now() - restartedAt} ms after its restart`);
  }
  const report = await watch.stop();
  note(`roll took ${Date.now() - rollStart} ms; ${report.polls} polls of FRR and the kernel`);

  await lab.check('during the whole roll: zero withdrawals of any node path at the router', async () => {
    if (report.errors.length) throw new Error(`${report.errors.length} polls failed: ${report.errors[0]}`);
    if (report.polls < 10) throw new Error(`only ${report.polls} polls`);
    const gone = [...report.losses, ...report.deletions];
    if (gone.length) throw new Error(`${gone.length} withdrawals: ${gone.slice(0, 4).join('; ')}`);
    for (const n of NODES) {
      const seen = report.staleSeen.get(n.address)?.size ?? 0;
      if (seen !== prefixesOf(n).length) throw new Error(`the watch saw ${seen} stale paths of ${n.name}`);
    }
    return `${report.polls} polls: every path in BGP and every next hop in the kernel throughout; ip monitor: 0 deletions`;
  });

  await lab.check(
    `the run-time announcement ${API_ROUTE} is back from stateDir and was never removed at the router`,
    async () => {
      for (const [i, n] of NODES.entries()) {
        const list = (
          await heralds[i].api<{ prefix: string; source: string }[]>('GET', '/api/v1/announcements')
        ).body;
        const a = list.find((x) => x.prefix === API_ROUTE);
        if (a?.source !== 'api') throw new Error(`${n.name}: ${JSON.stringify(a)}`);
        if (!heralds[i].logs().some((l) => l.event === 'stateDirRestored'))
          throw new Error(`${n.name}: no stateDirRestored in its log`);
      }
      const gone = withdrawalsFor(report, [API_ROUTE]);
      if (gone.length) throw new Error(gone.join('; '));
    },
  );

  await lab.check(
    `the health-checked ${CHECKED} was not withdrawn: End-of-RIB waited for its first check`,
    async () => {
      for (const [i, n] of NODES.entries()) {
        const logs = heralds[i].logs();
        if (!logs.some((l) => l.event === 'healthCheckChanged' && l.state === 'up'))
          throw new Error(`${n.name}: the check never came up`);
        if (logs.some((l) => l.event === 'initialStateSettled' && l.pending))
          throw new Error(`${n.name}: End-of-RIB sent at the deadline, before the check answered`);
      }
      const gone = withdrawalsFor(report, [CHECKED]);
      if (gone.length) throw new Error(gone.join('; '));
    },
  );
});
