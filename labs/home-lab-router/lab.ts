// home-lab-router: one home-lab server running Herald (AS 65001) announces a few service /32s to
// the home router (FRR, the successor of the seed's Quagga on OpenWrt, AS 65000). One of them
// follows a health check (`healthCheck: { command: … }`) and is withdrawn while it fails. The
// router's own view (`show ip bgp summary`, its kernel table) and Herald's (`herald neighbors`,
// `herald routes`, `herald announcements`) must agree. See description.txt.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHerald } from '../../test/interop/harness/herald.js';
import { kernelNextHops, startFrr, Topology } from '../../test/interop/harness/index.js';
import { heraldCli, Lab, loopback, note, p2p, reachable, timed } from '../lib/lab.js';

const ROUTER = '192.168.1.2';
const SERVER = '192.168.1.5';
const ROUTER_ASN = 65000;
const SERVER_ASN = 65001;
const STATIC = ['192.168.0.30/32', '192.168.0.31/32'];
const CHECKED = '192.168.0.32/32';
const ALL = [...STATIC, CHECKED];

interface AnnouncementView {
  prefix: string;
  announced: boolean;
  health: { state: string } | null;
}

await new Lab('home-lab-router').run(async (lab) => {
  const t = lab.track(new Topology());
  const router = await t.addNamespace('router');
  const server = await t.addNamespace('server');
  await p2p(
    { ns: router, ifname: 'br-lan', address: `${ROUTER}/24` },
    { ns: server, ifname: 'eth0', address: `${SERVER}/24` },
  );
  // The services answer on the server (as nginx behind MetalLB would).
  await loopback(server, ...ALL);
  note(`namespaces ${t.namespaces.join(' ')}`);

  // The health check: healthy while this file exists (stands for "nginx answers").
  const healthFile = join(t.dir, 'backend-healthy');
  writeFileSync(healthFile, 'ok\n');

  const frr = await startFrr({
    ns: router,
    routerId: ROUTER,
    asn: ROUTER_ASN,
    localAddress: ROUTER,
    hostname: 'OpenWrt',
    neighbors: [{ address: SERVER, asn: SERVER_ASN }],
  });
  const herald = lab.herald(
    await startHerald(t, server, {
      asn: SERVER_ASN,
      routerId: SERVER,
      listen: { address: SERVER, port: 179 },
      neighbors: [{ address: ROUTER, peerAsn: ROUTER_ASN, description: 'OpenWrt', connectRetry: 1 }],
      announce: [
        ...STATIC.map((prefix) => ({ prefix })),
        {
          prefix: CHECKED,
          healthCheck: {
            command: `test -e ${healthFile}`,
            interval: 0.5,
            timeout: 1,
            rise: 2,
            fall: 2,
            whenDown: 'withdraw',
          },
        },
      ],
    }),
  );

  await lab.check(
    'BGP session Established (router and Herald both say so)',
    async () => {
      await frr.waitEstablished(SERVER, 20_000);
      await herald.waitState(ROUTER, 'Established', 10_000);
    },
    true,
  );

  const routerPrefixes = async (): Promise<string[]> =>
    (await frr.receivedRoutes('ipv4-unicast')).map((r) => r.prefix).sort();

  await lab.check('the router learns the three /32s from the server, next hop the server', async () => {
    await timed(async () => (await routerPrefixes()).join() === [...ALL].sort().join(), {
      timeoutMs: 15_000,
      what: 'three routes at the router',
    });
    for (const r of await frr.receivedRoutes('ipv4-unicast')) {
      if (r.nextHop !== SERVER || r.asPath !== String(SERVER_ASN))
        throw new Error(`${r.prefix}: next hop ${r.nextHop}, AS path ${r.asPath}`);
    }
  });

  await lab.check("the router's kernel table has them via the server (B>* … via 192.168.1.5)", async () => {
    for (const p of ALL) {
      await timed(async () => (await kernelNextHops(router, p)).join() === SERVER, {
        timeoutMs: 10_000,
        what: `${p} in the router's kernel`,
      });
    }
  });

  await lab.check('`show ip bgp summary` at the router agrees with `herald neighbors`', async () => {
    // The counters of both sides settle a moment after the routes do (on a loaded machine, over a
    // second): asked again until they agree, for at most 10 s; the last disagreement is the error.
    let disagreement = '';
    const agreed = await timed(
      async () => {
        const summary = JSON.parse(await frr.cli(['show ip bgp summary json'])) as {
          ipv4Unicast?: { peers?: Record<string, { state: string; pfxRcd: number; pfxSnt?: number }> };
        };
        const p = summary.ipv4Unicast?.peers?.[SERVER];
        const n = await herald.neighbor(ROUTER);
        // `herald neighbors` is laid out like `show ip bgp summary`: State/PfxRcd is a count once
        // Established — here what the router sent Herald (nothing), i.e. the router's PfxSnt — and
        // PfxSnt is what the router received.
        const cli = await heraldCli(herald.socket, ['neighbors']);
        const line = cli.stdout.split('\n').find((l) => l.startsWith(ROUTER)) ?? '';
        const cols = line.trim().split(/\s+/);
        disagreement =
          `router ${p?.state} PfxRcd ${p?.pfxRcd} PfxSnt ${p?.pfxSnt}; herald ${n.state} advertised ` +
          `${n.prefixes.advertised}; \`herald neighbors\` exit ${cli.code}: "${cols.join(' ')}" ${cli.stderr.trim()}`;
        const ok =
          p?.state === 'Established' &&
          n.state === 'Established' &&
          p.pfxRcd === ALL.length &&
          n.prefixes.advertised === ALL.length &&
          cli.code === 0 &&
          cols[1] === String(ROUTER_ASN) &&
          cols[5] === String(p.pfxSnt ?? 0) &&
          cols[6] === String(p.pfxRcd);
        return (
          ok &&
          `router PfxRcd ${p.pfxRcd} = herald advertised ${n.prefixes.advertised}; herald: "${cols.join(' ')}"`
        );
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'the router and Herald agreeing' },
    ).catch(() => {
      throw new Error(disagreement);
    });
    return agreed.value;
  });

  await lab.check('`herald routes --table out` lists what the router received', async () => {
    const cli = await heraldCli(herald.socket, ['routes', '--table', 'out', '--neighbor', ROUTER, '--json']);
    if (cli.code !== 0) throw new Error(cli.stderr || cli.stdout);
    const sent = (JSON.parse(cli.stdout) as Array<{ prefix: string }>).map((r) => r.prefix).sort();
    const got = await routerPrefixes();
    if (sent.join() !== got.join())
      throw new Error(`herald sent ${sent.join(', ')}; router has ${got.join(', ')}`);
  });

  await lab.check('traffic from the router reaches a service address on the server', async () => {
    if (!(await reachable(t, router, '192.168.0.30'))) throw new Error('192.168.0.30 did not answer');
  });

  rmSync(healthFile);
  const failedAt = Date.now();
  await lab.check(`health check fails: ${CHECKED} is withdrawn at the router, the others stay`, async () => {
    await timed(async () => (await kernelNextHops(router, CHECKED)).length === 0, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: `${CHECKED} withdrawn`,
    });
    const ms = Date.now() - failedAt;
    const left = await routerPrefixes();
    if (left.join() !== [...STATIC].sort().join()) throw new Error(`router has ${left.join(', ')}`);
    return `${ms} ms after the check started failing (interval 0.5 s, fall 2)`;
  });
  await lab.check('`herald announcements` shows it down and not announced', async () => {
    const list = (await herald.api<AnnouncementView[]>('GET', '/api/v1/announcements')).body;
    const a = list.find((x) => x.prefix === CHECKED);
    if (a?.announced !== false || a.health?.state !== 'down') throw new Error(JSON.stringify(a));
    const cli = await heraldCli(herald.socket, ['announcements']);
    if (cli.code !== 0 || !cli.stdout.includes(CHECKED)) throw new Error(cli.stdout + cli.stderr);
  });

  writeFileSync(healthFile, 'ok\n');
  const healedAt = Date.now();
  await lab.check(`health check passes again: ${CHECKED} is back at the router`, async () => {
    await timed(async () => (await kernelNextHops(router, CHECKED)).join() === SERVER, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: `${CHECKED} back`,
    });
    return `${Date.now() - healedAt} ms after the check passed again (rise 2)`;
  });
  if (existsSync(healthFile)) rmSync(healthFile);
});
