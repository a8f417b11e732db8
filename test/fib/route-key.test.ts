// The reconciler's compact route keys and interned next-hop lists (pure).
import { describe, expect, it } from 'vitest';
import { LinkFlag, OperState, RouteType, Scope } from '../../src/fib/netlink/index.js';
import { encodeRoute } from '../../src/fib/netlink/route.js';
import { NetlinkWriter } from '../../src/fib/netlink/writer.js';
import { NextHopResolver } from '../../src/fib/next-hop-resolver.js';
import { NextHopSets } from '../../src/fib/next-hop-sets.js';
import * as rk from '../../src/fib/route-key.js';
import { parsePrefix } from '../../src/wire/prefix.js';

describe('prefix keys', () => {
  it.each([
    ['10.1.2.0/24', '10.1.2.0/24', 4, 24, [10, 1, 2, 0]],
    ['10.1.2.3/24', '10.1.2.0/24', 4, 24, [10, 1, 2, 0]],
    ['0.0.0.0/0', '0.0.0.0/0', 4, 0, [0, 0, 0, 0]],
    ['200.1.2.3/1', '128.0.0.0/1', 4, 1, [128, 0, 0, 0]],
    ['255.255.255.255/32', '255.255.255.255/32', 4, 32, [255, 255, 255, 255]],
    [
      '2001:db8:0:1::5/64',
      '2001:db8:0:1::/64',
      6,
      64,
      [0x20, 1, 0xd, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ],
  ])(
    '%s: the address key from text, Prefix and route message agree; host bits cleared',
    (text, canonical, family, length, octets) => {
      const p = rk.asPrefix(text);
      const key = rk.addressKeyOf(p);
      expect(p.length).toBe(length);
      expect(rk.familyOfPrefix(p)).toBe(family);
      expect(typeof key).toBe(family === 4 ? 'number' : 'string');
      expect(rk.addressKeyOf(parsePrefix(canonical))).toBe(key);
      expect(rk.formatKey(key, length)).toBe(canonical);
      expect([...rk.dstOfKey(key, new Uint8Array(4), new Uint8Array(16))]).toEqual(octets);
      const dst = canonical.slice(0, canonical.indexOf('/'));
      expect(rk.addressKeyOfRoute(family as 4 | 6, length === 0 ? undefined : dst, length)).toBe(key);
    },
  );

  it('an IPv4 key is a 32-bit integer, distinct per address', () => {
    const keys = ['10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '255.0.0.0/8'].map((t) =>
      rk.addressKeyOf(rk.asPrefix(t)),
    );
    expect(keys.every((k) => typeof k === 'number' && (k | 0) === k)).toBe(true);
    expect(keys[0]).toBe(keys[1]); // the length tells them apart (the reconciler's groups)
    expect(new Set(keys).size).toBe(3);
  });

  it('the encoder takes octets as it takes text', () => {
    const encode = (dst: string | Uint8Array, gateway: string | Uint8Array): Buffer => {
      const w = new NetlinkWriter(Buffer.alloc(256));
      encodeRoute(w, 24, 0, 0, {
        family: 4,
        dst,
        dstLength: 24,
        table: 254,
        protocol: 72,
        nextHops: [{ gateway }],
      });
      return w.buf.subarray(0, w.pos);
    };
    expect(encode(Uint8Array.of(10, 1, 2, 0), Uint8Array.of(10, 0, 0, 2))).toEqual(
      encode('10.1.2.0', '10.0.0.2'),
    );
    expect(() => encode(Uint8Array.of(10, 1, 2), '10.0.0.2')).toThrow(/3 octets for IPv4/);
  });
});

describe('NextHopSets', () => {
  function resolver(): NextHopResolver {
    const r = new NextHopResolver({ protocol: 72 });
    r.setLink({
      index: 2,
      name: 'e0',
      flags: LinkFlag.UP | LinkFlag.LOWER_UP,
      operState: OperState.UP,
      linkType: 1,
    });
    r.addRoute({
      family: 4,
      dst: '10.0.0.0',
      dstLength: 24,
      srcLength: 0,
      tos: 0,
      table: 254,
      protocol: 2,
      scope: Scope.LINK,
      type: RouteType.UNICAST,
      flags: 0,
      oif: 2,
    });
    return r;
  }

  it('routes with the same next hops share one list; it goes when its last route does', () => {
    const added: string[] = [];
    const removed: string[] = [];
    const sets = new NextHopSets(
      (s) => added.push(s.key),
      (s) => removed.push(s.key),
    );
    const a = sets.acquire(254, [{ address: '10.0.0.2' }]);
    const b = sets.acquire(254, [{ address: '10.0.0.2', weight: 1 }]);
    const c = sets.acquire(254, [{ address: '10.0.0.2', weight: 2 }]);
    const d = sets.acquire(100, [{ address: '10.0.0.2' }]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
    expect(a.users).toBe(2);
    expect(added).toHaveLength(3);
    sets.release(a);
    expect(removed).toEqual([]);
    sets.release(b);
    expect(removed).toEqual([a.key]);
    expect(sets.acquire(254, [{ address: '10.0.0.2' }])).not.toBe(a);
  });

  it('a list is planned once per resolver change, gateways as octets', () => {
    const r = resolver();
    const sets = new NextHopSets(
      () => {},
      () => {},
    );
    const s = sets.acquire(254, [{ address: '10.0.0.2' }, { address: '10.9.9.9' }]);
    const first = NextHopSets.plan(s, r);
    expect(first.plan.nextHops).toEqual([{ gateway: '10.0.0.2', ifindex: 2, weight: 1 }]);
    expect(first.plan.unusable.map((u) => u.reason)).toEqual(['noRoute']);
    expect(first.encode).toEqual([{ gateway: Uint8Array.of(10, 0, 0, 2), ifindex: 2, weight: 1 }]);
    expect(first.installed).toEqual({
      state: 'installed',
      nextHops: first.plan.nextHops,
      unusable: first.plan.unusable,
    });
    expect(NextHopSets.plan(s, r)).toBe(first);
    r.deleteLink(2);
    const second = NextHopSets.plan(s, r);
    expect(second).not.toBe(first);
    expect(second.plan.nextHops).toEqual([]);
    expect(second.held).toMatchObject({ state: 'held', reason: 'noUsableNextHop' });
  });
});
