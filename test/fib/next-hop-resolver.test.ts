// NextHopResolver, pure: fed decoded links and routes as the reconciler feeds it from netlink.
import { describe, expect, it } from 'vitest';
import { LinkFlag, OperState, type Route, RouteType, Scope } from '../../src/fib/netlink/index.js';
import { NextHopResolver } from '../../src/fib/next-hop-resolver.js';
import { planRoute } from '../../src/fib/route-plan.js';

const UP = { flags: LinkFlag.UP | LinkFlag.LOWER_UP, operState: OperState.UP, linkType: 1 };
const DOWN = { flags: LinkFlag.UP, operState: OperState.LOWERLAYERDOWN, linkType: 1 };

function route(r: Partial<Route> & Pick<Route, 'dst' | 'dstLength'>): Route {
  return {
    family: 4,
    srcLength: 0,
    tos: 0,
    table: 254,
    protocol: 2,
    scope: Scope.UNIVERSE,
    type: RouteType.UNICAST,
    flags: 0,
    ...r,
  };
}

function lab(): NextHopResolver {
  const r = new NextHopResolver({ protocol: 72 });
  r.setLink({ index: 2, name: 'e0', ...UP });
  r.setLink({ index: 3, name: 'e1', ...UP });
  r.addRoute(route({ dst: '10.0.0.0', dstLength: 24, scope: Scope.LINK, oif: 2 }));
  r.addRoute(route({ dst: '10.1.0.0', dstLength: 24, scope: Scope.LINK, oif: 3 }));
  r.addRoute(route({ dst: '172.16.0.0', dstLength: 16, protocol: 4, gateway: '10.0.0.254', oif: 2 }));
  r.addRoute(route({ dst: '172.16.9.0', dstLength: 24, protocol: 4, type: RouteType.BLACKHOLE }));
  r.addRoute(route({ dst: '0.0.0.0', dstLength: 0, protocol: 16, gateway: '10.0.0.1', oif: 2 }));
  // Herald's own route must never resolve a next hop.
  r.addRoute(route({ dst: '192.168.0.0', dstLength: 16, protocol: 72, gateway: '10.1.0.9', oif: 3 }));
  return r;
}

describe('NextHopResolver', () => {
  it.each([
    [
      'a connected next hop resolves to itself on its link',
      '10.0.0.2',
      { usable: true, via: [{ gateway: '10.0.0.2', ifindex: 2 }] },
    ],
    [
      'a multihop next hop resolves to the gateway of the route covering it',
      '172.16.5.5',
      { usable: true, via: [{ gateway: '10.0.0.254', ifindex: 2 }] },
    ],
    [
      'a blackhole covering the next hop makes it unusable',
      '172.16.9.1',
      { usable: false, reason: 'unreachableRoute' },
    ],
    [
      'only the default route covers it (not allowed by default)',
      '198.51.100.1',
      { usable: false, reason: 'noRoute' },
    ],
    ['Herald’s own routes do not count', '192.168.1.1', { usable: false, reason: 'noRoute' }],
    [
      'a link-local next hop needs an interface',
      'fe80::1',
      { usable: false, reason: 'linkLocalNeedsInterface' },
    ],
  ])('%s', (_, address, expected) => {
    expect(lab().resolve(address, 254)).toMatchObject(expected);
  });

  it('an explicit interface decides; a down or unknown one is unusable', () => {
    const r = lab();
    expect(r.resolve('fe80::1', 254, 3)).toEqual({ usable: true, via: [{ gateway: 'fe80::1', ifindex: 3 }] });
    expect(r.resolve('fe80::1', 254, 9)).toMatchObject({ usable: false, reason: 'unknownInterface' });
    r.setLink({ index: 3, name: 'e1', ...DOWN });
    expect(r.resolve('fe80::1', 254, 3)).toMatchObject({ usable: false, reason: 'linkDown' });
    expect(r.resolve('10.1.0.2', 254)).toMatchObject({ usable: false, reason: 'linkDown' });
  });

  it('follows route changes, and the default route when allowed', () => {
    const r = lab();
    r.deleteRoute(route({ dst: '10.1.0.0', dstLength: 24, scope: Scope.LINK, oif: 3 }));
    expect(r.resolve('10.1.0.2', 254)).toMatchObject({ usable: false, reason: 'noRoute' });
    const withDefault = new NextHopResolver({ protocol: 72, allowDefault: true });
    withDefault.setLink({ index: 2, ...UP });
    withDefault.addRoute(route({ dst: '0.0.0.0', dstLength: 0, gateway: '10.0.0.1', oif: 2 }));
    expect(withDefault.resolve('198.51.100.1', 254)).toMatchObject({
      usable: true,
      via: [{ gateway: '10.0.0.1' }],
    });
  });

  it('looks in the route’s own table first, then main', () => {
    const r = lab();
    r.addRoute(route({ dst: '10.0.0.0', dstLength: 24, table: 1000, gateway: '10.1.0.1', oif: 3 }));
    expect(r.resolve('10.0.0.2', 1000)).toMatchObject({ via: [{ gateway: '10.1.0.1', ifindex: 3 }] });
    expect(r.resolve('10.1.0.2', 1000)).toMatchObject({ via: [{ gateway: '10.1.0.2', ifindex: 3 }] });
  });

  it('plans an ECMP route from the usable next hops and lists the others with reasons', () => {
    const plan = planRoute(lab(), 254, [
      { address: '10.1.0.2' },
      { address: '10.0.0.2', weight: 2 },
      { address: '10.9.9.9' },
    ]);
    expect(plan.nextHops).toEqual([
      { gateway: '10.0.0.2', ifindex: 2, weight: 2 },
      { gateway: '10.1.0.2', ifindex: 3, weight: 1 },
    ]);
    expect(plan.unusable).toEqual([
      { address: '10.9.9.9', reason: 'noRoute', detail: 'no route to 10.9.9.9' },
    ]);
    expect(plan.signature).toBe('10.0.0.2@2*2,10.1.0.2@3*1');
  });
});

describe('VRF devices', () => {
  it('the table of a VRF device by name; none for a missing one or another kind of link', () => {
    const r = new NextHopResolver({ protocol: 72 });
    r.setLink({ index: 2, name: 'e0', linkType: 1, flags: 0 });
    r.setLink({ index: 7, name: 'red', linkType: 1, flags: 0, kind: 'vrf', vrfTable: 100 });
    r.setLink({ index: 8, name: 'br0', linkType: 1, flags: 0, kind: 'bridge' });
    expect(r.vrfTable('red')).toBe(100);
    expect(r.vrfTable('blue')).toBeUndefined();
    expect(r.vrfTable('br0')).toBeUndefined();
    r.deleteLink(7);
    expect(r.vrfTable('red')).toBeUndefined();
  });
});
