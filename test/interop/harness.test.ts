// Self-tests of the interop harness (test/interop/harness/), without Herald: topologies are created
// and fully removed, packets are routed (and TTLs decremented) as intended, and the three reference
// daemons really peer with each other and report exactly the attributes the other side announced.
// Needs root and gobgpd/bird/frr (skipped otherwise). Tests run one after another.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createChain,
  createLink,
  type Family,
  interopUnavailable,
  KEEP_NETNS,
  listNamespaces,
  liveNamespaceNames,
  nftDrop,
  nftRule,
  normalizeCommunities,
  normalizeExtCommunities,
  normalizeLargeCommunities,
  pidAlive,
  type ReceivedRoute,
  type RouteSpec,
  type RunningPeer,
  startBird,
  startFrr,
  startGobgp,
  tsharkFields,
  useTopology,
  waitFor,
  withTopology,
} from './harness/index.js';

const unavailable = interopUnavailable();

async function waitRoute(peer: RunningPeer, family: Family, prefix: string, timeoutMs = 15_000) {
  return waitFor(async () => (await peer.receivedRoutes(family)).find((r) => r.prefix === prefix), {
    timeoutMs,
    what: `${peer.kind} receiving ${prefix}`,
  });
}

async function waitCount(peer: RunningPeer, family: Family, count: number, timeoutMs = 30_000) {
  let last = -1;
  await waitFor(
    async () => {
      last = (await peer.receivedRoutes(family)).length;
      return last === count;
    },
    { timeoutMs, intervalMs: 250, what: `${peer.kind} holding ${count} ${family} routes (has ${last})` },
  );
}

async function waitGone(peer: RunningPeer, family: Family, prefix: string, timeoutMs = 15_000) {
  await waitFor(async () => !(await peer.receivedRoutes(family)).some((r) => r.prefix === prefix), {
    timeoutMs,
    what: `${peer.kind} dropping ${prefix}`,
  });
}

/** The attributes a receiver must report for a route announced with `spec`. */
function expected(spec: RouteSpec, asPath: string, nextHop: string): Partial<ReceivedRoute> {
  return {
    prefix: spec.prefix,
    nextHop,
    asPath,
    origin: spec.origin ?? 'igp',
    communities: normalizeCommunities(spec.communities ?? []),
    largeCommunities: normalizeLargeCommunities(spec.largeCommunities ?? []),
    extendedCommunities: normalizeExtCommunities(spec.extendedCommunities ?? []),
    ...(spec.med !== undefined ? { med: spec.med } : {}),
    ...(spec.localPref !== undefined ? { localPref: spec.localPref } : {}),
  };
}

/** n /24 routes in 10.<base>.0.0/16 and up, in three attribute groups. */
function manyRoutes(n: number, base: number): RouteSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    prefix: `10.${base + (i >> 8)}.${i & 255}.0/24`,
    med: i % 3,
    communities: [`64512:${i % 3}`],
  }));
}

async function neighborStats(frr: RunningPeer, neighbor: string): Promise<Record<string, number>> {
  const j = JSON.parse(await frr.cli([`show bgp neighbors ${neighbor} json`])) as Record<
    string,
    { messageStats: Record<string, number> }
  >;
  return j[neighbor].messageStats;
}

describe.skipIf(unavailable !== undefined)(
  `interop harness${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    const topo = useTopology();

    it('link: two namespaces with usable IPv4/IPv6 at once; destroy() removes namespaces, processes and files', async () => {
      const t = await createLink();
      try {
        expect(t.namespaces).toHaveLength(2);
        for (const ns of t.namespaces) expect(ns).toMatch(/^hr\d+x\d+[ab]$/);
        expect(await listNamespaces()).toEqual(expect.arrayContaining(t.namespaces));
        for (const [from, to] of [
          [t.a, t.b],
          [t.b, t.a],
        ]) {
          expect(await t.probe(from.ns, to.ipv4, { ttl: 1 })).toBe('reachable');
          expect(await t.probe(from.ns, to.ipv6, { ttl: 1 })).toBe('reachable');
          expect(await t.probe(from.ns, `${to.linkLocal}%${from.ifname}`, { ttl: 1 })).toBe('reachable');
        }
        // nftDrop blocks (and counts), remove() unblocks
        const rule = await nftDrop(t.b.ns, 'udp dport 33434');
        expect(await t.probe(t.a.ns, t.b.ipv4, { timeoutMs: 400 })).toBe('no-answer');
        expect(await rule.packets()).toBeGreaterThan(0);
        await rule.remove();
        expect(await t.probe(t.a.ns, t.b.ipv4)).toBe('reachable');
      } catch (e) {
        await t.destroy();
        throw e;
      }
      const sleeper = t.spawn(t.b.ns, 'sleep', ['600']);
      const stray = await t.exec(t.a.ns, 'sh', ['-c', 'sleep 600 >/dev/null 2>&1 & echo $!']);
      const dir = t.dir;
      expect(existsSync(dir)).toBe(true);
      await t.destroy();
      if (KEEP_NETNS) return;
      const left = await listNamespaces();
      expect(left.filter((ns) => t.namespaces.includes(ns))).toEqual([]);
      expect(pidAlive(sleeper.pid)).toBe(false);
      expect(pidAlive(Number(stray.stdout.trim()))).toBe(false);
      expect(existsSync(dir)).toBe(false);
    }, 30_000);

    it('chain: A reaches B only through R, which decrements the TTL (IPv4 and IPv6)', async () => {
      const t = await topo.chain();
      for (const [from, to] of [
        [t.a, t.b],
        [t.b, t.a],
      ]) {
        for (const addr of [to.ipv4, to.ipv6]) {
          expect(await t.probe(from.ns, addr, { ttl: 1, timeoutMs: 600 })).toBe('no-answer'); // expires at R
          expect(await t.probe(from.ns, addr, { ttl: 2 })).toBe('reachable');
        }
      }
      expect(await t.probe(t.a.ns, t.r.toA.ipv4, { ttl: 1 })).toBe('reachable');
      expect(await t.probe(t.a.ns, t.r.toB.ipv6, { ttl: 1 })).toBe('reachable'); // R's own address: no forwarding
    }, 30_000);

    it('GoBGP ⇄ BIRD, eBGP over IPv4 and IPv6: Established, attributes arrive exactly, withdraw works', async () => {
      const t = await topo.link();
      const fromGobgp: RouteSpec[] = [
        {
          prefix: '10.10.1.0/24',
          asPath: [3356, 4200000005],
          origin: 'egp',
          med: 42,
          communities: ['64512:100', 'blackhole', 'graceful-shutdown', '65000:65000'],
          largeCommunities: ['4200000001:1:2', '64512:3:4'],
          extendedCommunities: ['rt:64512:100', 'rt:4200000001:7', 'soo:192.0.2.1:9'],
        },
        { prefix: '10.10.2.0/24', origin: 'incomplete' },
        { prefix: '2001:db8:10::/48', med: 7, communities: ['64512:6'], largeCommunities: ['1:2:3'] },
      ];
      const fromBird: RouteSpec[] = [
        {
          prefix: '10.20.1.0/24',
          asPath: [65020, 65021],
          med: 5,
          communities: ['no-peer', '65002:1'],
          largeCommunities: ['65002:9:9'],
          extendedCommunities: ['rt:65002:1', 'soo:65002:2', 'rt:10.0.0.2:3'],
        },
        { prefix: '2001:db8:20::/48', origin: 'egp', extendedCommunities: ['rt:65002:6'] },
      ];
      const gobgp = await startGobgp({
        ns: t.a.ns,
        routerId: '10.0.0.1',
        asn: 4200000001,
        localAddress: t.a.ipv4,
        localAddress6: t.a.ipv6,
        neighbors: [
          { address: t.b.ipv4, asn: 65002 },
          { address: t.b.ipv6, asn: 65002 },
        ],
        routes: fromGobgp,
      });
      const bird = await startBird({
        ns: t.b.ns,
        routerId: '10.0.0.2',
        asn: 65002,
        localAddress: t.b.ipv4,
        localAddress6: t.b.ipv6,
        neighbors: [
          { address: t.a.ipv4, asn: 4200000001 },
          { address: t.a.ipv6, asn: 4200000001 },
        ],
        routes: fromBird,
      });
      await gobgp.waitEstablished(t.b.ipv4, 20_000);
      await gobgp.waitEstablished(t.b.ipv6, 20_000);
      await bird.waitEstablished(t.a.ipv4, 5_000);
      expect(await bird.sessionState(t.a.ipv6)).toBe('established');
      expect(await gobgp.sessionUptimeSeconds(t.b.ipv4)).toBeGreaterThanOrEqual(0);

      const [g1, g2, g6] = fromGobgp;
      expect(await waitRoute(bird, 'ipv4-unicast', g1.prefix)).toMatchObject({
        ...expected(g1, '4200000001 3356 4200000005', t.a.ipv4),
        peer: t.a.ipv4,
      });
      expect(await waitRoute(bird, 'ipv4-unicast', g2.prefix)).toMatchObject(
        expected(g2, '4200000001', t.a.ipv4),
      );
      expect(await waitRoute(bird, 'ipv6-unicast', g6.prefix)).toMatchObject({
        ...expected(g6, '4200000001', t.a.ipv6),
        peer: t.a.ipv6,
      });
      const [b1, b6] = fromBird;
      expect(await waitRoute(gobgp, 'ipv4-unicast', b1.prefix)).toMatchObject({
        ...expected(b1, '65002 65020 65021', t.b.ipv4),
        peer: t.b.ipv4,
        stale: false,
      });
      expect(await waitRoute(gobgp, 'ipv6-unicast', b6.prefix)).toMatchObject(
        expected(b6, '65002', t.b.ipv6),
      );
      // only the IPv6 session carries IPv6 routes here
      expect((await bird.receivedRoutes('ipv6-unicast')).every((r) => r.peer === t.a.ipv6)).toBe(true);

      await gobgp.withdraw([g1.prefix]);
      await bird.withdraw([b6.prefix]);
      await waitGone(bird, 'ipv4-unicast', g1.prefix);
      await waitGone(gobgp, 'ipv6-unicast', b6.prefix);
      expect((await bird.receivedRoutes('ipv4-unicast')).map((r) => r.prefix)).toEqual([g2.prefix]);
      await gobgp.stop();
      await waitFor(async () => (await bird.sessionState(t.a.ipv4)) !== 'established', {
        timeoutMs: 10_000,
        what: 'bird noticing gobgp stopped',
      });
    }, 60_000);

    it('BIRD ⇄ FRR, iBGP with MD5: LOCAL_PREF and attributes, ROUTE-REFRESH both ways, 1,000 routes, withdraw', async () => {
      const t = await topo.link();
      const md5 = await nftRule(t.b.ns, 'tcp sport 179 tcp option md5sig exists', { verdict: 'count' });
      const special: RouteSpec = {
        prefix: '10.30.0.0/16',
        localPref: 250,
        med: 9,
        asPath: [64999],
        communities: ['no-export', '65010:1', 'no-advertise'],
        largeCommunities: ['65010:1:1'],
        extendedCommunities: ['rt:65010:100', 'soo:10.0.0.1:7'],
      };
      const many = manyRoutes(1000, 100);
      const password = 'herald-md5';
      const t0 = Date.now();
      const bird = await startBird({
        ns: t.a.ns,
        routerId: '10.0.0.1',
        asn: 65010,
        localAddress: t.a.ipv4,
        neighbors: [{ address: t.b.ipv4, asn: 65010, password }],
        routes: [special, ...many],
      });
      const frr = await startFrr({
        ns: t.b.ns,
        routerId: '10.0.0.2',
        asn: 65010,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65010, password }],
        routes: [{ prefix: '10.40.0.0/16', localPref: 80, communities: ['65010:40'] }],
      });
      await frr.waitEstablished(t.a.ipv4, 20_000);
      expect(await md5.packets()).toBeGreaterThan(0); // segments from BIRD carry the MD5 option

      await waitCount(frr, 'ipv4-unicast', 1001);
      const loadMs = Date.now() - t0;
      expect(loadMs).toBeLessThan(30_000);
      const got = await frr.receivedRoutes('ipv4-unicast');
      expect(got.find((r) => r.prefix === special.prefix)).toMatchObject({
        ...expected(special, '64999', t.a.ipv4),
        peer: t.a.ipv4,
      });
      expect(got.find((r) => r.prefix === '10.103.231.0/24')).toMatchObject({
        med: 999 % 3,
        communities: [`64512:${999 % 3}`],
        localPref: 100,
        asPath: '',
      });
      expect(await waitRoute(bird, 'ipv4-unicast', '10.40.0.0/16')).toMatchObject({
        localPref: 80,
        communities: ['65010:40'],
        asPath: '',
        nextHop: t.b.ipv4,
      });

      const before = await neighborStats(frr, t.a.ipv4);
      await bird.refresh(t.b.ipv4);
      await frr.refresh(t.a.ipv4);
      await waitFor(
        async () => {
          const s = await neighborStats(frr, t.a.ipv4);
          return s.routeRefreshRecv > before.routeRefreshRecv && s.routeRefreshSent > before.routeRefreshSent;
        },
        { timeoutMs: 10_000, what: 'ROUTE-REFRESH sent and received by FRR' },
      );

      await bird.withdraw(many.slice(0, 500).map((r) => r.prefix));
      await waitCount(frr, 'ipv4-unicast', 501);
      expect(await frr.sessionUptimeSeconds(t.a.ipv4)).toBeGreaterThan(0);
    }, 90_000);

    it('FRR ⇄ GoBGP, eBGP with MD5: 1,000 routes bulk-loaded into GoBGP arrive; bulk and single withdraws', async () => {
      const t = await topo.link();
      const password = 'another-secret';
      const many = manyRoutes(1000, 150);
      const frr = await startFrr({
        ns: t.a.ns,
        routerId: '10.0.0.1',
        asn: 65001,
        localAddress: t.a.ipv4,
        neighbors: [{ address: t.b.ipv4, asn: 65002, password }],
      });
      const t0 = Date.now();
      const gobgp = await startGobgp({
        ns: t.b.ns,
        routerId: '10.0.0.2',
        asn: 65002,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65001, password }],
        routes: many,
      });
      const injectMs = Date.now() - t0;
      expect(injectMs).toBeLessThan(15_000);
      await gobgp.waitEstablished(t.a.ipv4, 20_000);
      await waitCount(frr, 'ipv4-unicast', 1000);
      const sample = (await frr.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === many[500].prefix);
      expect(sample).toMatchObject(expected(many[500], '65002', t.b.ipv4));

      const extra: RouteSpec = {
        prefix: '10.50.0.0/16',
        asPath: [65100],
        med: 1,
        communities: ['graceful-shutdown'],
        largeCommunities: ['65002:0:1'],
        extendedCommunities: ['rt:4200000002:1', 'rt:65002:1'],
      };
      await gobgp.announce([extra]);
      expect(await waitRoute(frr, 'ipv4-unicast', extra.prefix)).toMatchObject(
        expected(extra, '65002 65100', t.b.ipv4),
      );
      await gobgp.withdraw(many.slice(0, 600).map((r) => r.prefix)); // bulk: del all + re-inject the rest
      await waitCount(frr, 'ipv4-unicast', 401);
      await gobgp.withdraw([many[999].prefix, extra.prefix]); // one by one
      await waitCount(frr, 'ipv4-unicast', 399);
      expect((await frr.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === extra.prefix)).toBe(false);
    }, 90_000);

    it('IPv6 session FRR ⇄ BIRD carries IPv6 routes with global and link-local next hops', async () => {
      const t = await topo.link();
      const v6: RouteSpec[] = [
        { prefix: '2001:db8:60::/48', med: 3, communities: ['65060:1'], largeCommunities: ['65060:1:1'] },
        { prefix: '2001:db8:61::/48', extendedCommunities: ['rt:65060:2'] },
      ];
      const frr = await startFrr({
        ns: t.a.ns,
        routerId: '10.0.0.1',
        asn: 65060,
        localAddress: t.a.ipv4,
        localAddress6: t.a.ipv6,
        neighbors: [{ address: t.b.ipv6, asn: 65061 }],
        routes: v6,
      });
      const bird = await startBird({
        ns: t.b.ns,
        routerId: '10.0.0.2',
        asn: 65061,
        localAddress: t.b.ipv4,
        localAddress6: t.b.ipv6,
        neighbors: [{ address: t.a.ipv6, asn: 65060 }],
        routes: [{ prefix: '2001:db8:62::/48', communities: ['65061:2'] }],
      });
      await bird.waitEstablished(t.a.ipv6, 20_000);
      for (const spec of v6) {
        expect(await waitRoute(bird, 'ipv6-unicast', spec.prefix)).toMatchObject({
          ...expected(spec, '65060', t.a.ipv6),
          linkLocalNextHop: t.a.linkLocal,
        });
      }
      expect(await waitRoute(frr, 'ipv6-unicast', '2001:db8:62::/48')).toMatchObject({
        nextHop: t.b.ipv6,
        linkLocalNextHop: t.b.linkLocal,
        asPath: '65061',
        communities: ['65061:2'],
      });
      expect(await frr.receivedRoutes('ipv4-unicast')).toEqual([]);
    }, 60_000);

    it('chain: eBGP multihop GoBGP ⇄ FRR across R (TTL 2 arrives as 1)', async () => {
      const t = await topo.chain();
      const ttl1 = await nftRule(t.b.ns, `ip saddr ${t.a.ipv4} ip ttl 1 meta l4proto tcp`, {
        verdict: 'count',
      });
      const cap = await t.capture(t.b.ns, t.b.ifname);
      const gobgp = await startGobgp({
        ns: t.a.ns,
        routerId: '10.0.1.1',
        asn: 65101,
        localAddress: t.a.ipv4,
        neighbors: [{ address: t.b.ipv4, asn: 65102, multihop: 2 }],
        routes: [{ prefix: '10.70.0.0/16', med: 70 }],
      });
      const frr = await startFrr({
        ns: t.b.ns,
        routerId: '10.0.2.2',
        asn: 65102,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65101, multihop: 2 }],
      });
      await frr.waitEstablished(t.a.ipv4, 20_000);
      expect(await waitRoute(frr, 'ipv4-unicast', '10.70.0.0/16')).toMatchObject({
        med: 70,
        nextHop: t.a.ipv4,
      });
      expect(await ttl1.packets()).toBeGreaterThan(0);
      expect(await gobgp.sessionState(t.b.ipv4)).toBe('established');
      await cap.stop();
      const fromA = await tsharkFields(cap.file, `ip.src == ${t.a.ipv4} && bgp`, ['ip.ttl', 'bgp.type']);
      expect(fromA.map((f) => f[1].split(',')[0])).toContain('1'); // GoBGP's OPEN…
      expect(new Set(fromA.map((f) => f[0]))).toEqual(new Set(['1'])); // …and all its BGP segments arrive with TTL 1
    }, 60_000);

    it('chain: GTSM BIRD ⇄ FRR — ttlSecurity 2 comes up across R, ttlSecurity 1 does not', async () => {
      const t = await topo.chain();
      const ttl254 = await nftRule(t.b.ns, `ip saddr ${t.a.ipv4} ip ttl 254 meta l4proto tcp`, {
        verdict: 'count',
      });
      const bird = await startBird({
        ns: t.a.ns,
        routerId: '10.0.1.1',
        asn: 65201,
        localAddress: t.a.ipv4,
        neighbors: [{ address: t.b.ipv4, asn: 65202, ttlSecurity: 2 }],
      });
      const frr = await startFrr({
        ns: t.b.ns,
        routerId: '10.0.2.2',
        asn: 65202,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65201, ttlSecurity: 2 }],
      });
      await frr.waitEstablished(t.a.ipv4, 20_000);
      expect(await bird.sessionState(t.b.ipv4)).toBe('established');
      expect(await ttl254.packets()).toBeGreaterThan(0); // sent with 255, one hop

      // FRR expecting a direct neighbor (min TTL 255) must refuse BIRD's TTL-254 packets
      await frr.stop();
      const strict = await startFrr({
        ns: t.b.ns,
        routerId: '10.0.2.2',
        asn: 65202,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65201, ttlSecurity: 1 }],
      });
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline) {
        expect(await strict.sessionState(t.a.ipv4)).not.toBe('established');
        await new Promise((r) => setTimeout(r, 250));
      }
    }, 60_000);

    it('graceful restart: GoBGP crash leaves stale routes at FRR, restart refreshes them', async () => {
      const t = await topo.link();
      const gr = { restartTime: 60 };
      const gobgp = await startGobgp({
        ns: t.a.ns,
        routerId: '10.0.0.1',
        asn: 65301,
        localAddress: t.a.ipv4,
        neighbors: [{ address: t.b.ipv4, asn: 65302, gracefulRestart: gr }],
        routes: [{ prefix: '10.80.0.0/16' }, { prefix: '10.81.0.0/16' }],
      });
      const frr = await startFrr({
        ns: t.b.ns,
        routerId: '10.0.0.2',
        asn: 65302,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65301, gracefulRestart: gr }],
      });
      await waitCount(frr, 'ipv4-unicast', 2, 20_000);
      await gobgp.crash!();
      await waitFor(
        async () => (await frr.receivedRoutes('ipv4-unicast')).filter((r) => r.stale).length === 2,
        {
          timeoutMs: 10_000,
          what: 'FRR keeping both routes as stale',
        },
      );
      await gobgp.withdraw(['10.81.0.0/16']); // while down: recorded, applied by restart()
      await gobgp.restart!();
      await gobgp.waitEstablished(t.b.ipv4, 20_000);
      await waitFor(
        async () => {
          const r = await frr.receivedRoutes('ipv4-unicast');
          return r.length === 1 && r[0].prefix === '10.80.0.0/16' && !r[0].stale;
        },
        { timeoutMs: 20_000, what: 'FRR with the fresh route only' },
      );
    }, 60_000);

    it('graceful restart: FRR (1,001 routes) and BIRD crash and restart in turn, the other keeps stale routes', async () => {
      const t = await topo.link();
      const gr = { restartTime: 60 };
      const frr = await startFrr({
        ns: t.a.ns,
        routerId: '10.0.0.1',
        asn: 65401,
        localAddress: t.a.ipv4,
        neighbors: [{ address: t.b.ipv4, asn: 65402, gracefulRestart: gr }],
        routes: [{ prefix: '10.90.0.0/16', communities: ['65401:1'] }, ...manyRoutes(1000, 200)],
      });
      const bird = await startBird({
        ns: t.b.ns,
        routerId: '10.0.0.2',
        asn: 65402,
        localAddress: t.b.ipv4,
        neighbors: [{ address: t.a.ipv4, asn: 65401, gracefulRestart: gr }],
        routes: [{ prefix: '10.91.0.0/16' }],
      });
      await waitCount(bird, 'ipv4-unicast', 1001); // FRR loads 1,000 `network` routes from its config
      await waitRoute(frr, 'ipv4-unicast', '10.91.0.0/16');

      await frr.crash!();
      const stale = await waitFor(
        async () =>
          (await bird.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === '10.90.0.0/16' && r.stale),
        { timeoutMs: 10_000, what: 'BIRD keeping the route as stale' },
      );
      expect(stale.communities).toEqual(['65401:1']);
      await frr.restart!();
      await frr.waitEstablished(t.b.ipv4, 20_000);
      await waitFor(
        async () =>
          (await bird.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === '10.90.0.0/16' && !r.stale),
        { timeoutMs: 20_000, what: 'BIRD with the refreshed route' },
      );

      await bird.crash!();
      await waitFor(
        async () =>
          (await frr.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === '10.91.0.0/16' && r.stale),
        { timeoutMs: 10_000, what: 'FRR keeping the route as stale' },
      );
      await bird.restart!();
      await bird.waitEstablished(t.a.ipv4, 20_000);
      await waitFor(
        async () =>
          (await frr.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === '10.91.0.0/16' && !r.stale),
        { timeoutMs: 20_000, what: 'FRR with the refreshed route' },
      );
    }, 90_000);

    it('withTopology() cleans up after itself, and nothing of this file is left behind', async () => {
      const names = await withTopology(createChain, async (t) => {
        expect(await t.probe(t.a.ns, t.b.ipv4, { ttl: 2 })).toBe('reachable');
        return t.namespaces;
      });
      expect(names).toHaveLength(3);
      if (KEEP_NETNS) return;
      expect(liveNamespaceNames()).toEqual([]); // afterEach destroyed every earlier topology
      const mine = (await listNamespaces()).filter((ns) => ns.startsWith(`hr${process.pid}x`));
      expect(mine).toEqual([]);
    }, 30_000);
  },
);
