// The reconciler end to end against the real kernel, in a network namespace this file creates
// (links e0/e1/e2: 10.N.0.1/24, fd0N::1/64) with KernelRoutes running in a child process inside
// it (kernel-routes.agent.ts). What the kernel holds is read with `ip -j route`. Needs root and
// iproute2; every wait is bounded and the namespace is removed even when a test fails.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredRoute, RouteStatus } from '../../src/fib/index.js';
import type { Topology } from '../interop/harness/index.js';
import { Agent, createRouteLab, type IpRoute, ipIn, ipRoutes, netnsUnavailable } from './netns-agent.js';

const PROTO = 72;
const A = '10.0.0.2';
const B = '10.1.0.2';

/** 1,000 routes: 10.100.0.0/24 … — every 10th ECMP over A and B, the rest alternating A / B. */
function thousand(): DesiredRoute[] {
  const out: DesiredRoute[] = [];
  for (let i = 0; i < 1000; i++) {
    const prefix = `10.${100 + (i >> 8)}.${i & 255}.0/24`;
    const nextHops = i % 10 === 0 ? [{ address: A }, { address: B }] : [{ address: i % 2 ? A : B }];
    out.push({ prefix, nextHops });
  }
  return out;
}

/** Herald's routes in every table, by "table|prefix". */
async function herald(ns: string): Promise<Map<string, IpRoute>> {
  const v4 = await ipRoutes(ns, `-4 route show table all proto ${PROTO}`);
  const v6 = await ipRoutes(ns, `-6 route show table all proto ${PROTO}`);
  return new Map([...v4, ...v6].map((r) => [`${r.table ?? 'main'}|${r.dst}`, r]));
}

function gateways(r: IpRoute | undefined): string[] {
  if (r === undefined) return [];
  if (r.nexthops) return r.nexthops.map((n) => n.gateway).sort();
  return r.gateway ? [r.gateway] : r.via ? [r.via.host] : [];
}

describe.skipIf(netnsUnavailable() !== undefined)('KernelRoutes in a network namespace', () => {
  let topology: Topology;
  let ns: string;
  let agent: Agent | undefined;

  beforeAll(async () => {
    ({ topology, ns } = await createRouteLab());
  }, 60_000);

  afterAll(async () => {
    await agent?.close().catch(() => {});
    await topology?.destroy();
  }, 60_000);

  async function startAgent(opts: object = {}): Promise<Agent> {
    agent = await Agent.start(topology, ns);
    await agent.call('start', { opts: { metric: 20, tables: [254, 1000], ...opts } });
    return agent;
  }

  it('removes a crashed run’s leftovers at start', async () => {
    const first = await startAgent();
    await first.call('set', { routes: thousand().slice(0, 50) });
    expect((await herald(ns)).size).toBe(50);
    await first.crash();
    // And one added by hand in another managed table, as an older version might have left.
    await ipIn(ns, `route add 192.0.2.0/24 via ${A} proto ${PROTO} table 1000 metric 20`);
    expect((await herald(ns)).size).toBe(51);
    // A route of another protocol with a Herald-like prefix stays.
    await ipIn(ns, `route add 10.100.1.0/24 via ${A} metric 99`);

    const second = await startAgent();
    expect((await herald(ns)).size).toBe(0);
    expect(await ipRoutes(ns, '-4 route show 10.100.1.0/24')).toHaveLength(1);
    expect((await second.call<{ counts: object }>('counts')).counts).toMatchObject({
      desired: 0,
      installed: 0,
    });
  }, 60_000);

  it('installs 1,000 routes including ECMP ones (timings printed)', async () => {
    await agent!.call('loopDelay');
    const { ms } = await agent!.call<{ ms: number }>('set', { routes: thousand() });
    const delay = await agent!.call<{ maxMs: number; timerMaxLateMs: number }>('loopDelay');
    const routes = await herald(ns);
    expect(routes.size).toBe(1000);
    expect(gateways(routes.get('main|10.100.0.0/24'))).toEqual([A, B]);
    expect(gateways(routes.get('main|10.100.1.0/24'))).toEqual([A]);
    expect(gateways(routes.get('main|10.100.2.0/24'))).toEqual([B]);
    expect(routes.get('main|10.100.1.0/24')).toMatchObject({ dev: 'e0', metric: 20 });
    expect(routes.get('main|10.100.2.0/24')).toMatchObject({ dev: 'e1', metric: 20 });
    expect((await agent!.call<{ counts: object }>('counts')).counts).toMatchObject({
      desired: 1000,
      installed: 1000,
    });
    // Timings are reported, not asserted (they belong in benchmarks; a loaded machine would fail them).
    console.log(
      `1,000 routes installed in ${ms.toFixed(1)} ms; loop delay max ${delay.maxMs.toFixed(1)} ms, 10 ms timer at most ${delay.timerMaxLateMs.toFixed(1)} ms late`,
    );
  }, 60_000);

  it('withdraws routes and changes next hops', async () => {
    const all = thousand();
    await agent!.call('delete', { prefixes: all.slice(900).map((r) => r.prefix) });
    // 100 routes move: single → ECMP and ECMP → single over B.
    const moved = all.slice(0, 100).map((r, i) => ({
      prefix: r.prefix,
      nextHops: i % 10 === 0 ? [{ address: B }] : [{ address: A }, { address: B }],
    }));
    await agent!.call('set', { routes: moved });
    const routes = await herald(ns);
    expect(routes.size).toBe(900);
    expect(routes.has('main|10.103.132.0/24')).toBe(false); // index 900
    expect(gateways(routes.get('main|10.100.0.0/24'))).toEqual([B]);
    expect(gateways(routes.get('main|10.100.1.0/24'))).toEqual([A, B]);
    expect(gateways(routes.get('main|10.100.200.0/24'))).toEqual([A, B]); // untouched ECMP
  }, 60_000);

  it('installs IPv6 routes, ECMP, another table, and IPv4 over an IPv6 next hop (RTA_VIA)', async () => {
    await agent!.call('set', {
      routes: [
        { prefix: '2001:db8:1::/48', nextHops: [{ address: 'fd00::2' }, { address: 'fd01::2' }] },
        { prefix: '2001:db8:2::/48', nextHops: [{ address: 'fd00::2' }], table: 1000, metric: 300 },
        { prefix: '198.51.100.0/24', nextHops: [{ address: B }], table: 1000 },
        { prefix: '203.0.113.0/24', nextHops: [{ address: 'fd00::2' }] },
      ],
    });
    const routes = await herald(ns);
    expect(gateways(routes.get('main|2001:db8:1::/48'))).toEqual(['fd00::2', 'fd01::2']);
    expect(routes.get('1000|2001:db8:2::/48')).toMatchObject({ gateway: 'fd00::2', metric: 300 });
    expect(routes.get('1000|198.51.100.0/24')).toMatchObject({ gateway: B, dev: 'e1' });
    expect(routes.get('main|203.0.113.0/24')).toMatchObject({ via: { family: 'inet6', host: 'fd00::2' } });
  }, 60_000);

  it('holds back a route whose next hop has no route, installs it once one appears', async () => {
    await agent!.call('set', { routes: [{ prefix: '192.0.2.0/24', nextHops: [{ address: '10.9.9.9' }] }] });
    const { status } = await agent!.call<{ status: RouteStatus }>('status', { prefix: '192.0.2.0/24' });
    expect(status).toMatchObject({
      state: 'held',
      reason: 'noUsableNextHop',
      unusable: [{ address: '10.9.9.9', reason: 'noRoute' }],
    });
    expect((await herald(ns)).has('main|192.0.2.0/24')).toBe(false);
    const { held } = await agent!.call<{ held: RouteStatus[] }>('held');
    expect(held.map((h) => h.prefix)).toContain('192.0.2.0/24');

    // A connected route for the next hop appears (someone else's): the route goes in.
    await ipIn(ns, 'route add 10.9.9.0/24 dev e2');
    await agent!.call('settled');
    let route: IpRoute | undefined;
    for (let i = 0; i < 50 && route === undefined; i++) {
      route = (await herald(ns)).get('main|192.0.2.0/24');
      if (route === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(route).toMatchObject({ gateway: '10.9.9.9', dev: 'e2' });
  }, 60_000);

  it('resolves a multihop next hop through the route that covers it', async () => {
    await ipIn(ns, 'route add 172.16.0.0/16 via 10.2.0.254');
    await new Promise((r) => setTimeout(r, 100));
    await agent!.call('set', {
      routes: [{ prefix: '192.0.2.128/25', nextHops: [{ address: '172.16.5.5' }] }],
    });
    expect((await herald(ns)).get('main|192.0.2.128/25')).toMatchObject({ gateway: '10.2.0.254', dev: 'e2' });
  }, 60_000);

  it('does not overwrite another protocol’s route with the same prefix and metric', async () => {
    await ipIn(ns, `route add 198.18.0.0/24 via ${B} metric 20`);
    await agent!.call('set', { routes: [{ prefix: '198.18.0.0/24', nextHops: [{ address: A }] }] });
    const { status } = await agent!.call<{ status: RouteStatus }>('status', { prefix: '198.18.0.0/24' });
    expect(status).toMatchObject({ state: 'failed', reason: 'conflictingRoute', code: 'EEXIST' });
    expect(await ipRoutes(ns, '-4 route show 198.18.0.0/24')).toMatchObject([{ gateway: B, metric: 20 }]);
    expect((await herald(ns)).has('main|198.18.0.0/24')).toBe(false);
    // Once the other route is gone, ours goes in (it stayed failed until something else changed).
    await ipIn(ns, `route del 198.18.0.0/24 via ${B} metric 20`);
    let ours: IpRoute | undefined;
    for (let i = 0; i < 50 && ours === undefined; i++) {
      await agent!.call('settled');
      ours = (await herald(ns)).get('main|198.18.0.0/24');
      if (ours === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ours).toMatchObject({ gateway: A });
    await agent!.call('delete', { prefixes: ['198.18.0.0/24'] });
  }, 60_000);

  it('a link going down holds its single-next-hop routes back and trims ECMP; up restores them', async () => {
    await ipIn(ns, 'link set e1 down');
    const waitFor = async (check: (m: Map<string, IpRoute>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        await agent!.call('settled');
        if (check(await herald(ns))) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('kernel routes did not converge');
    };
    // 10.100.1.0/24 is ECMP over A and B since the previous test; 10.100.102.0/24 goes via B only.
    await waitFor(
      (m) => gateways(m.get('main|10.100.1.0/24')).join() === A && !m.has('main|10.100.102.0/24'),
    );
    const { status } = await agent!.call<{ status: RouteStatus }>('status', { prefix: '10.100.102.0/24' });
    expect(status).toMatchObject({ state: 'held', unusable: [{ address: B, reason: 'noRoute' }] });
    await ipIn(ns, 'link set e1 up');
    await waitFor(
      (m) => gateways(m.get('main|10.100.1.0/24')).join() === `${A},${B}` && m.has('main|10.100.102.0/24'),
    );
  }, 60_000);

  it('re-syncs after the notification socket overruns', async () => {
    await agent!.call('stop');
    const a = await startAgent({ receiveBufferBytes: 4096 });
    await a.call('set', { routes: thousand() });
    await a.call('settled');
    await a.call('events');
    // A 4 KiB buffer overruns under a burst of notifications: another protocol's 1,000 routes
    // (Herald's own changes never reach the socket: the kernel filters them out). A busy machine
    // may drain it in time once, so the burst is repeated (add all, delete all) up to three times.
    const dir = mkdtempSync(join(tmpdir(), 'herald-burst-'));
    const burst = async (verb: 'add' | 'del'): Promise<void> => {
      const file = join(dir, `${verb}.batch`);
      const lines = Array.from(
        { length: 1000 },
        (_, i) => `route ${verb} 10.${200 + (i >> 8)}.${i & 255}.0/24 via ${A}`,
      );
      writeFileSync(file, `${lines.join('\n')}\n`);
      await ipIn(ns, `-batch ${file}`);
    };
    let events: Array<{ event: string; reason?: string }> = [];
    try {
      for (let round = 0; round < 3 && !events.some((e) => e.event === 'overrun'); round++) {
        await burst('add');
        await burst('del');
        await a.call('settled');
        events = [...events, ...(await a.call<{ events: typeof events }>('events')).events];
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(events.some((e) => e.event === 'overrun')).toBe(true);
    expect(events.some((e) => e.event === 'resync' && e.reason === 'overrun')).toBe(true);
    expect((await herald(ns)).size).toBe(1000);
  }, 60_000);

  it('never receives the notifications of its own changes (a socket filter drops them)', async () => {
    const a = agent!;
    await a.call('replaceAll', { routes: [] });
    await a.call('settled');
    await a.call('events');
    // A 4 KiB buffer would overrun under 1,000 notifications of route changes.
    await a.call('set', { routes: thousand() });
    await a.call('settled');
    const { events } = await a.call<{ events: Array<{ event: string }> }>('events');
    expect(events.filter((e) => e.event === 'overrun')).toEqual([]);
    expect((await herald(ns)).size).toBe(1000);
  }, 60_000);

  it('graceful restart keeps the routes, adopts them, sweeps the rest', async () => {
    await agent!.call('stop', { keep: true });
    await agent!.close();
    expect((await herald(ns)).size).toBe(1000);
    const a = await startAgent({ keepOnStart: true });
    expect((await herald(ns)).size).toBe(1000);
    await a.call('set', { routes: thousand().slice(0, 600) });
    expect((await herald(ns)).size).toBe(1000);
    await a.call('sweep');
    const routes = await herald(ns);
    expect(routes.size).toBe(600);
    expect(gateways(routes.get('main|10.100.0.0/24'))).toEqual([A, B]);
  }, 60_000);

  it('a clean stop removes everything it installed', async () => {
    await agent!.call('stop');
    expect((await herald(ns)).size).toBe(0);
    // Other protocols' routes are untouched.
    expect(await ipRoutes(ns, '-4 route show 10.100.1.0/24')).toHaveLength(1);
  }, 60_000);

  it('a table first used after start (a VRF’s) is read: next hops resolve through its routes', async () => {
    await agent!.close();
    // Table 300 has the only route to 10.66.0.0/24 (as a VRF table has its links' subnets), made
    // before the reconciler starts, so only a dump of table 300 can tell it.
    await ipIn(ns, 'route add 10.66.0.0/24 dev e2 table 300');
    const a = await startAgent();
    await a.call('set', {
      routes: [{ prefix: '192.0.2.64/26', nextHops: [{ address: '10.66.0.5' }], table: 300 }],
    });
    let route: IpRoute | undefined;
    for (let i = 0; i < 50 && route === undefined; i++) {
      await a.call('settled');
      route = (await herald(ns)).get('300|192.0.2.64/26');
      if (route === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(route).toMatchObject({ gateway: '10.66.0.5', dev: 'e2' });
    expect((await herald(ns)).has('main|192.0.2.64/26')).toBe(false);
    await a.call('stop');
    expect((await herald(ns)).size).toBe(0);
  }, 60_000);

  it('routes changed again while their messages await acks end as last asked, none refused', async () => {
    await agent?.close();
    // Small datagrams, many in flight: every route goes out in the first step and is changed again
    // before any ack is read (a second create would be refused EEXIST, a delete of a route not
    // yet known to be installed would be skipped): such routes wait for their acks.
    const a = await startAgent({ datagramBytes: 2048, maxInFlight: 64 });
    const all = thousand();
    const { counts } = await a.call<{ counts: object }>('steps', {
      steps: [
        { set: all },
        { set: all.map((r) => ({ prefix: r.prefix, nextHops: [{ address: B }] })) },
        { delete: all.slice(0, 300).map((r) => r.prefix) },
        { set: all.slice(0, 100) },
      ],
    });
    expect(counts).toMatchObject({ desired: 800, installed: 800, failed: 0, held: 0, pending: 0 });
    const routes = await herald(ns);
    expect(routes.size).toBe(800);
    expect(gateways(routes.get('main|10.100.0.0/24'))).toEqual([A, B]); // set again as at first
    expect(gateways(routes.get('main|10.100.1.0/24'))).toEqual([A]);
    expect(routes.has('main|10.100.200.0/24')).toBe(false); // deleted
    expect(gateways(routes.get('main|10.103.0.0/24'))).toEqual([B]); // index 768: moved to B
    const { events } = await a.call<{ events: Array<{ event: string }> }>('events');
    expect(events.filter((e) => e.event !== 'resync')).toEqual([]);
    await a.call('stop');
    expect((await herald(ns)).size).toBe(0);
  }, 60_000);
});
