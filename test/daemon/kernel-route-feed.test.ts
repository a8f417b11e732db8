// Which kernel route a Loc-RIB entry becomes: the ECMP set's next hops (one each), nothing for a
// prefix Herald originates or the prefix list denies, nothing when no path is left.
import { describe, expect, it } from 'vitest';
import { kernelRouteFor } from '../../src/daemon/kernel-route-feed.js';
import { compilePolicies } from '../../src/policy/index.js';
import type { PrefixSelection, RoutePath } from '../../src/rib/loc-rib.js';
import { parsePrefix } from '../../src/wire/index.js';

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
