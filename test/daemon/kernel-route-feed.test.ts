// Which kernel route a Loc-RIB entry becomes: the ECMP set's next hops (one each), nothing for a
// prefix Herald originates or the prefix list denies, nothing when no path is left; the paths of a
// neighbor with `vrf:` in that VRF's table instead of main (the feed over an in-memory kernel).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { HeraldConfig } from '../../src/config/types.js';
import { KernelRouteFeed, kernelRouteFor, kernelRoutesFor } from '../../src/daemon/kernel-route-feed.js';
import type { DesiredRoute, KernelRoutes } from '../../src/fib/index.js';
import { createLogger } from '../../src/log/logger.js';
import { compilePolicies } from '../../src/policy/index.js';
import type { PrefixSelection, RoutePath } from '../../src/rib/loc-rib.js';
import type { RoutingEngine } from '../../src/rib/routing-engine.js';
import { formatPrefix, type Prefix, parsePrefix } from '../../src/wire/index.js';

const fib = { enabled: true, table: 254, metric: 20, protocol: 72 };
const policies = compilePolicies({
  prefixLists: { fabric: [{ action: 'permit', prefix: '10.0.0.0/8', le: 24 }] },
});
const P = parsePrefix('10.1.0.0/16');

function path(neighbor: string, nextHop: string, multipath: boolean): RoutePath {
  return {
    neighbor,
    pathId: 0,
    stale: false,
    attributes: { origin: 0, asPath: [], nextHop },
    nextHop,
    best: false,
    multipath,
  };
}

const selection = (...paths: RoutePath[]): PrefixSelection => ({ prefix: P, paths });

describe('kernelRouteFor', () => {
  it('one next hop per path of the ECMP set, none for the others', () => {
    const s = selection(
      path('a', '192.0.2.1', true),
      path('b', '192.0.2.2', true),
      path('c', '192.0.2.3', false),
    );
    expect(kernelRouteFor(P, s, fib, policies)).toEqual({
      prefix: P,
      nextHops: [{ address: '192.0.2.1' }, { address: '192.0.2.2' }],
      table: 254,
      metric: 20,
    });
  });

  it('nothing for a prefix Herald originates, or one without paths', () => {
    expect(kernelRouteFor(P, selection(path('local', '192.0.2.9', true)), fib, policies)).toBeUndefined();
    expect(kernelRouteFor(P, undefined, fib, policies)).toBeUndefined();
    expect(kernelRouteFor(P, selection(path('a', '192.0.2.1', false)), fib, policies)).toBeUndefined();
  });

  it('fib.prefixList keeps out what it denies', () => {
    const s = selection(path('a', '192.0.2.1', true));
    expect(kernelRouteFor(P, s, { ...fib, prefixList: 'fabric' }, policies)).toBeDefined();
    const outside = parsePrefix('172.16.0.0/16');
    expect(
      kernelRouteFor(outside, { ...s, prefix: outside }, { ...fib, prefixList: 'fabric' }, policies),
    ).toBeUndefined();
  });

  it('equal next hops collapse into one', () => {
    const s = selection(path('a', '192.0.2.1', true), path('b', '192.0.2.1', true));
    expect(kernelRouteFor(P, s, fib, policies)?.nextHops).toEqual([{ address: '192.0.2.1' }]);
  });
});

describe('kernelRoutesFor: neighbors in a VRF', () => {
  // a and b in the main table; r1 and r2 in VRF red (table 100); x in a VRF with no device.
  const tableOf = (n: string) => ({ a: 254, b: 254, r1: 100, r2: 100 })[n];
  const lost = (p: RoutePath, lostAt: RoutePath['lostAt']): RoutePath => ({ ...p, lostAt });

  it('no VRF neighbor: the same route as kernelRouteFor, main table only', () => {
    const s = selection(path('a', '192.0.2.1', true), lost(path('b', '192.0.2.2', false), 'asPathLength'));
    expect(kernelRoutesFor(P, s, fib, policies, tableOf)).toEqual([kernelRouteFor(P, s, fib, policies)]);
  });

  it("a VRF's paths go to its table, not main; main keeps its own ECMP set", () => {
    const s = selection(path('r1', '10.9.0.1', true), path('a', '192.0.2.1', true));
    expect(kernelRoutesFor(P, s, fib, policies, tableOf)).toEqual([
      { prefix: P, nextHops: [{ address: '10.9.0.1' }], table: 100, metric: 20 },
      { prefix: P, nextHops: [{ address: '192.0.2.1' }], table: 254, metric: 20 },
    ]);
  });

  it('a VRF whose paths lost to main gets its best-ranked one; import-policy rejects never', () => {
    const s = selection(
      path('a', '192.0.2.1', true),
      lost(path('r2', '10.9.0.2', false), 'importPolicy'),
      lost(path('r1', '10.9.0.1', false), 'asPathLength'),
      lost(path('r2', '10.9.0.3', false), 'med'),
    );
    expect(kernelRoutesFor(P, s, fib, policies, tableOf).map((r) => [r.table, r.nextHops])).toEqual([
      [254, [{ address: '192.0.2.1' }]],
      [100, [{ address: '10.9.0.1' }]],
    ]);
  });

  it('only VRF paths: nothing in main; a VRF without a device: nothing at all', () => {
    const s = selection(path('r1', '10.9.0.1', true));
    expect(kernelRoutesFor(P, s, fib, policies, tableOf).map((r) => r.table)).toEqual([100]);
    expect(kernelRoutesFor(P, selection(path('x', '10.8.0.1', true)), fib, policies, tableOf)).toEqual([]);
  });
});

describe('KernelRouteFeed with a neighbor in a VRF', () => {
  /** The kernel side in memory: what is installed, by "table prefix". */
  function fakeKernel(vrfs: Record<string, number>) {
    const installed = new Map<string, string[]>();
    const kernel = Object.assign(new EventEmitter(), {
      start: async () => {},
      stop: async () => {},
      set: (r: DesiredRoute) =>
        installed.set(
          `${r.table} ${formatPrefix(r.prefix as Prefix)}`,
          r.nextHops.map((h) => h.address),
        ),
      delete: (p: Prefix, table: number) => installed.delete(`${table} ${formatPrefix(p)}`),
      vrfTable: (name: string) => vrfs[name],
    });
    return { kernel: kernel as unknown as KernelRoutes, installed };
  }

  async function feedWith(
    vrfs: Record<string, number>,
    vrfOf: Record<string, string>,
    config = { fib } as unknown as HeraldConfig,
  ) {
    let follow: ((p: Prefix, s: PrefixSelection | undefined) => void) | undefined;
    const engine = {
      followLocRib: (f: typeof follow) => {
        follow = f;
        return () => {};
      },
    } as unknown as RoutingEngine;
    const { kernel, installed } = fakeKernel(vrfs);
    const feed = new KernelRouteFeed(
      engine,
      createLogger('silent'),
      () => config,
      () => policies,
      (n) => vrfOf[n],
      () => kernel,
    );
    await feed.start(false);
    return { feed, installed, update: (s: PrefixSelection | undefined) => follow?.(P, s) };
  }

  it("installs a VRF neighbor's route in the VRF's table, moves it, and removes it", async () => {
    const { installed, update } = await feedWith({ red: 100 }, { r1: 'red' });
    update(selection(path('r1', '10.9.0.1', true)));
    expect([...installed]).toEqual([['100 10.1.0.0/16', ['10.9.0.1']]]);
    // Now a main neighbor wins, and the VRF keeps its own path.
    update(selection(path('a', '192.0.2.1', true), { ...path('r1', '10.9.0.1', false), lostAt: 'med' }));
    expect(new Map(installed)).toEqual(
      new Map([
        ['100 10.1.0.0/16', ['10.9.0.1']],
        ['254 10.1.0.0/16', ['192.0.2.1']],
      ]),
    );
    // The VRF neighbor's path goes: the VRF table's route goes, main's stays.
    update(selection(path('a', '192.0.2.1', true)));
    expect([...installed]).toEqual([['254 10.1.0.0/16', ['192.0.2.1']]]);
    update(undefined);
    expect(installed.size).toBe(0);
  });

  it('a VRF without a device: nothing installed for its neighbors, main unaffected', async () => {
    const { installed, update } = await feedWith({}, { r1: 'red' });
    update(selection(path('r1', '10.9.0.1', true), path('a', '192.0.2.1', true)));
    expect([...installed]).toEqual([['254 10.1.0.0/16', ['192.0.2.1']]]);
  });

  it('a reload that changed fib awaits a restart: routes keep the table they were installed in', async () => {
    const config = { fib } as unknown as HeraldConfig;
    const { feed, installed, update } = await feedWith({}, {}, config);
    update(selection(path('a', '192.0.2.1', true)));
    (config as { fib: unknown }).fib = { ...fib, table: 200, metric: 30 };
    update(selection(path('a', '192.0.2.2', true)));
    update(undefined);
    expect(installed.size).toBe(0);
    expect(feed.settings).toMatchObject({ table: 254, metric: 20 });
  });
});
