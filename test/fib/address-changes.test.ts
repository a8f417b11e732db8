// Next hops are re-resolved when an address comes or goes: adding an address puts its connected
// subnet in the kernel's main table (an RTM_NEWROUTE of protocol kernel on the route groups the
// reconciler listens to), removing it takes the subnet away again. A route whose next hop is only
// reachable through that subnet is installed after `ip addr add` and held back after `ip addr del`.
// Same namespace and agent as kernel-routes.test.ts; needs root and iproute2.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteStatus } from '../../src/fib/index.js';
import type { Topology } from '../interop/harness/index.js';
import { Agent, createRouteLab, type IpRoute, ipIn, ipRoutes, netnsUnavailable } from './netns-agent.js';

const PROTO = 72;

/** Herald's routes in the main table, by prefix. */
async function herald(ns: string): Promise<Map<string, IpRoute>> {
  const v4 = await ipRoutes(ns, `-4 route show table main proto ${PROTO}`);
  const v6 = await ipRoutes(ns, `-6 route show table main proto ${PROTO}`);
  return new Map([...v4, ...v6].map((r) => [r.dst, r]));
}

describe.skipIf(netnsUnavailable() !== undefined)('KernelRoutes and address changes', () => {
  let topology: Topology;
  let ns: string;
  let agent: Agent | undefined;

  beforeAll(async () => {
    ({ topology, ns } = await createRouteLab());
    agent = await Agent.start(topology, ns);
    await agent.call('start', { opts: { metric: 20, tables: [254] } });
  }, 60_000);

  afterAll(async () => {
    await agent?.call('stop').catch(() => {});
    await agent?.close().catch(() => {});
    await topology?.destroy();
  }, 60_000);

  async function waitFor(check: (m: Map<string, IpRoute>) => boolean): Promise<Map<string, IpRoute>> {
    for (let i = 0; i < 100; i++) {
      await agent!.call('settled');
      const m = await herald(ns);
      if (check(m)) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('kernel routes did not converge');
  }

  const status = async (prefix: string) =>
    (await agent!.call<{ status: RouteStatus }>('status', { prefix })).status;

  /** Both routes held back: no route covers their next hops. */
  async function expectBothHeld(): Promise<void> {
    expect(await status('192.0.2.0/24')).toMatchObject({
      state: 'held',
      unusable: [{ address: '10.9.9.9', reason: 'noRoute' }],
    });
    expect(await status('2001:db8:9::/48')).toMatchObject({
      state: 'held',
      unusable: [{ address: 'fd09::9', reason: 'noRoute' }],
    });
  }

  it('an address added on a link installs the routes its subnet makes reachable; removed, holds them back', async () => {
    await agent!.call('set', {
      routes: [
        { prefix: '192.0.2.0/24', nextHops: [{ address: '10.9.9.9' }] },
        { prefix: '2001:db8:9::/48', nextHops: [{ address: 'fd09::9' }] },
      ],
    });
    await expectBothHeld();
    expect((await herald(ns)).size).toBe(0);

    // The addresses (and with them the connected subnets) appear: both routes go in over e2.
    await ipIn(ns, 'addr add 10.9.9.1/24 dev e2');
    await ipIn(ns, '-6 addr add fd09::1/64 dev e2 nodad');
    const up = await waitFor((m) => m.has('192.0.2.0/24') && m.has('2001:db8:9::/48'));
    expect(up.get('192.0.2.0/24')).toMatchObject({ gateway: '10.9.9.9', dev: 'e2', metric: 20 });
    expect(up.get('2001:db8:9::/48')).toMatchObject({ gateway: 'fd09::9', dev: 'e2', metric: 20 });
    expect(await status('192.0.2.0/24')).toMatchObject({ state: 'installed' });

    // The addresses go: the subnets leave the main table and the routes are held back again.
    await ipIn(ns, 'addr del 10.9.9.1/24 dev e2');
    await ipIn(ns, '-6 addr del fd09::1/64 dev e2');
    await waitFor((m) => m.size === 0);
    await expectBothHeld();
    const { held } = await agent!.call<{ held: RouteStatus[] }>('held');
    expect(held.map((h) => h.prefix).sort()).toEqual(['192.0.2.0/24', '2001:db8:9::/48']);
  }, 60_000);
});
