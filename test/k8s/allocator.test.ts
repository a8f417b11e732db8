// allocate(): MetalLB's address allocation as a pure function — pool choice, requested IPs,
// sharing, dual stack, stickiness, release, counters and every failure reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Allocation, type AllocationError, allocate, isAllocation } from '../../src/k8s/allocator.js';
import type { Service } from '../../src/k8s/core-types.js';
import type { IpAddressPool } from '../../src/k8s/metallb-types.js';
import { readIpAddressPool } from '../../src/k8s/read-ip-address-pool.js';
import { pool } from './resources.js';

const poolOf = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}) =>
  readIpAddressPool(pool(name, spec, labels));

let clock = 0;
function svc(name: string, o: Partial<Service> = {}): Service {
  clock++;
  return {
    namespace: 'default',
    name,
    labels: {},
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Cluster',
    ingressIps: [],
    requestedIps: [],
    ipFamilies: ['IPv4'],
    ports: [{ port: 80, protocol: 'TCP' }],
    selector: { app: name },
    createdAt: `2026-01-01T00:00:${String(clock).padStart(2, '0')}Z`,
    ...o,
  };
}

function resultOf(pools: IpAddressPool[], services: Service[], name: string) {
  const r = allocate(pools, services).results.find((x) => x.service === `default/${name}`);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}
const ips = (r: Allocation | AllocationError) => (isAllocation(r) ? r.ips : r.reason);

const small = poolOf('small', { addresses: ['192.0.2.10-192.0.2.11'] });

describe('allocate: pool choice', () => {
  it('gives the lowest free address, in service age order', () => {
    const plan = allocate([small], [svc('b'), svc('a'), svc('c')]);
    expect(plan.results.map((r) => [r.service, ips(r)])).toEqual([
      ['default/b', ['192.0.2.10']],
      ['default/a', ['192.0.2.11']],
      ['default/c', 'noAvailableIPs'],
    ]);
    expect(plan.pools).toEqual([
      { pool: 'small', assignedIPv4: 2, availableIPv4: 0, assignedIPv6: 0, availableIPv6: 0 },
    ]);
  });

  it('keeps the IP a service already has, even when a lower one is free', () => {
    const r = resultOf([small], [svc('a'), svc('b', { ingressIps: ['192.0.2.11'] })], 'a');
    expect(ips(r)).toEqual(['192.0.2.10']);
    const kept = resultOf([small], [svc('a'), svc('b', { ingressIps: ['192.0.2.10'] })], 'b');
    expect(kept).toEqual({ service: 'default/b', ips: ['192.0.2.10'], pool: 'small' });
  });

  it('reallocates a status IP that left every pool', () => {
    expect(ips(resultOf([small], [svc('a', { ingressIps: ['198.51.100.1'] })], 'a'))).toEqual(['192.0.2.10']);
  });

  it('the older of two services claiming one IP keeps it; the other moves', () => {
    const older = svc('old', { ingressIps: ['192.0.2.10'] });
    const newer = svc('new', { ingressIps: ['192.0.2.10'] });
    const plan = allocate([small], [newer, older]);
    expect(plan.results.map(ips)).toEqual([['192.0.2.10'], ['192.0.2.11']]);
  });

  it('skips autoAssign: false pools unless named; a named pool is used', () => {
    const manual = poolOf('manual', { addresses: ['198.51.100.0/30'], autoAssign: false });
    expect(ips(resultOf([manual], [svc('a')], 'a'))).toBe('noAvailableIPs');
    expect(ips(resultOf([manual], [svc('a', { addressPool: 'manual' })], 'a'))).toEqual(['198.51.100.0']);
    expect(resultOf([manual], [svc('a', { addressPool: 'nope' })], 'a')).toMatchObject({
      reason: 'unknownPool',
      detail: 'no IPAddressPool "nope"',
    });
  });

  it('avoidBuggyIPs skips .0 and .255 and counts them out of the capacity', () => {
    const p = poolOf('p', { addresses: ['10.0.0.255-10.0.1.1'], avoidBuggyIPs: true });
    const plan = allocate([p], [svc('a'), svc('b')]);
    expect(plan.results.map(ips)).toEqual([['10.0.1.1'], 'noAvailableIPs']);
    expect(plan.pools[0]).toMatchObject({ assignedIPv4: 1, availableIPv4: 0 });
    const wide = poolOf('w', { addresses: ['10.1.0.0/23'], avoidBuggyIPs: true });
    expect(allocate([wide], []).pools[0].availableIPv4).toBe(512 - 4);
  });

  it('serviceAllocation: pools selecting the service by priority, then open pools by name', () => {
    const open = poolOf('a-open', { addresses: ['10.9.0.1/32'] });
    const gold = poolOf('gold', {
      addresses: ['10.1.0.1/32'],
      serviceAllocation: { priority: 20, serviceSelectors: [{ matchLabels: { tier: 'gold' } }] },
    });
    const platinum = poolOf('platinum', {
      addresses: ['10.2.0.1/32'],
      serviceAllocation: { priority: 10, namespaces: ['default'] },
    });
    const unranked = poolOf('b-unranked', {
      addresses: ['10.3.0.1/32'],
      serviceAllocation: { namespaces: ['default'] },
    });
    const pools = [open, gold, platinum, unranked];
    const gold1 = svc('g1', { labels: { tier: 'gold' } });
    const gold2 = svc('g2', { labels: { tier: 'gold' } });
    const gold3 = svc('g3', { labels: { tier: 'gold' } });
    const gold4 = svc('g4', { labels: { tier: 'gold' } });
    const gold5 = svc('g5', { labels: { tier: 'gold' } });
    expect(allocate(pools, [gold1, gold2, gold3, gold4, gold5]).results.map(ips)).toEqual([
      ['10.2.0.1'], // priority 10
      ['10.1.0.1'], // priority 20
      ['10.3.0.1'], // selecting, no priority
      ['10.9.0.1'], // open pool
      'noAvailableIPs',
    ]);
    // A service in another namespace, without the label: only the open pool.
    const other = svc('o', { namespace: 'team' });
    const plan = allocate(pools, [other, svc('o2', { namespace: 'team' })]);
    expect(plan.results.map(ips)).toEqual([['10.9.0.1'], 'noAvailableIPs']);
  });

  it('namespaceSelectors match the namespace labels', () => {
    const p = poolOf('p', {
      addresses: ['10.1.0.1/32'],
      serviceAllocation: { namespaceSelectors: [{ matchLabels: { env: 'prod' } }] },
    });
    const labels = new Map([['prod', { env: 'prod' }]]);
    const plan = allocate([p], [svc('a', { namespace: 'dev' }), svc('b', { namespace: 'prod' })], {
      namespaceLabels: labels,
    });
    expect(plan.results.map((r) => [r.service, ips(r)])).toEqual([
      ['dev/a', 'noAvailableIPs'],
      ['prod/b', ['10.1.0.1']],
    ]);
  });
});

describe('allocate: requested IPs', () => {
  const pools = [small, poolOf('other', { addresses: ['198.51.100.0/24'], autoAssign: false })];

  it('gives a requested IP from any pool, autoAssign or not', () => {
    expect(ips(resultOf(pools, [svc('a', { requestedIps: ['198.51.100.7'] })], 'a'))).toEqual([
      '198.51.100.7',
    ]);
  });

  it.each([
    [{ requestedIps: ['10.0.0.1'] }, 'ipNotInPool'],
    [{ requestedIps: ['192.0.2.10', '198.51.100.1'] }, 'invalidRequest'],
    [{ requestedIps: ['nope'] }, 'invalidRequest'],
    [{ requestedIps: ['198.51.100.1'], addressPool: 'small' }, 'poolMismatch'],
  ] as const)('%j → %s', (o, reason) => {
    expect(resultOf(pools, [svc('a', { ...o, requestedIps: [...o.requestedIps] })], 'a')).toMatchObject({
      reason,
    });
  });

  it('a requested IP held by another service without a sharing key is ipInUse', () => {
    const holder = svc('holder', { ingressIps: ['192.0.2.10'] });
    expect(resultOf(pools, [holder, svc('a', { requestedIps: ['192.0.2.10'] })], 'a')).toEqual({
      service: 'default/a',
      reason: 'ipInUse',
      detail: '192.0.2.10 is in use by default/holder (no common metallb.io/allow-shared-ip key)',
    });
  });

  it('a status IP that no longer matches the request is replaced by the request', () => {
    const r = resultOf(pools, [svc('a', { ingressIps: ['192.0.2.10'], requestedIps: ['192.0.2.11'] })], 'a');
    expect(ips(r)).toEqual(['192.0.2.11']);
  });
});

describe('allocate: sharing', () => {
  const shared = (name: string, o: Partial<Service> = {}) => svc(name, { allowSharedIp: 'k', ...o });

  it('services with one key and different ports share the lowest address', () => {
    const plan = allocate([small], [shared('a'), shared('b', { ports: [{ port: 443, protocol: 'TCP' }] })]);
    expect(plan.results.map(ips)).toEqual([['192.0.2.10'], ['192.0.2.10']]);
    expect(plan.pools[0]).toMatchObject({ assignedIPv4: 1, availableIPv4: 1 });
  });

  it('the same port (and protocol), another key, or no key moves to another address', () => {
    const udp = { ports: [{ port: 80, protocol: 'UDP' }] };
    expect(allocate([small], [shared('a'), shared('b', udp)]).results.map(ips)).toEqual([
      ['192.0.2.10'],
      ['192.0.2.10'],
    ]);
    expect(allocate([small], [shared('a'), shared('b')]).results.map(ips)).toEqual([
      ['192.0.2.10'],
      ['192.0.2.11'],
    ]);
    expect(
      allocate([small], [shared('a'), shared('b', { allowSharedIp: 'other', ...udp })]).results.map(ips),
    ).toEqual([['192.0.2.10'], ['192.0.2.11']]);
    expect(allocate([small], [shared('a'), svc('b', udp)]).results.map(ips)).toEqual([
      ['192.0.2.10'],
      ['192.0.2.11'],
    ]);
  });

  it('policy Local shares only with services selecting the same pods', () => {
    const local = (name: string, app: string, port: number) =>
      shared(name, { externalTrafficPolicy: 'Local', selector: { app }, ports: [{ port, protocol: 'TCP' }] });
    expect(allocate([small], [local('a', 'web', 80), local('b', 'web', 443)]).results.map(ips)).toEqual([
      ['192.0.2.10'],
      ['192.0.2.10'],
    ]);
    const r = resultOf(
      [small],
      [local('a', 'web', 80), local('b', 'db', 443), svc('c', { ingressIps: ['192.0.2.11'] })],
      'b',
    );
    expect(r).toMatchObject({ reason: 'noAvailableIPs' });
  });
});

describe('allocate: dual stack', () => {
  const dual = poolOf('dual', { addresses: ['192.0.2.10/32', '2001:db8::10/127'] });
  const v6only = poolOf('v6', { addresses: ['2001:db8:1::/126'] });

  it('RequireDualStack gets one of each family from one pool, in the service family order', () => {
    const s = svc('a', { ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'RequireDualStack' });
    expect(resultOf([v6only, dual], [s], 'a')).toEqual({
      service: 'default/a',
      ips: ['2001:db8::10', '192.0.2.10'],
      pool: 'dual',
    });
    const second = svc('b', { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' });
    expect(ips(resultOf([v6only, dual], [s, second], 'b'))).toBe('noAvailableIPs');
  });

  it('PreferDualStack settles for the primary family from any pool, else the other', () => {
    const taken = svc('t', { ingressIps: ['192.0.2.10'] });
    const s = svc('a', { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'PreferDualStack' });
    // "dual" (first by name) has only IPv6 left: the IPv4 of a later pool wins.
    const v4 = poolOf('z-v4', { addresses: ['10.0.0.1/32'] });
    expect(resultOf([v6only, dual, v4], [taken, s], 'a')).toEqual({
      service: 'default/a',
      ips: ['10.0.0.1'],
      pool: 'z-v4',
    });
    // Without any IPv4 left, the first pool with IPv6.
    expect(resultOf([v6only, dual], [taken, s], 'a')).toEqual({
      service: 'default/a',
      ips: ['2001:db8::10'],
      pool: 'dual',
    });
  });

  it('an IPv6 single-stack service gets an IPv6 address; counters per family', () => {
    const plan = allocate([dual], [svc('a', { ipFamilies: ['IPv6'] })]);
    expect(plan.results.map(ips)).toEqual([['2001:db8::10']]);
    expect(plan.pools[0]).toEqual({
      pool: 'dual',
      assignedIPv4: 0,
      availableIPv4: 1,
      assignedIPv6: 1,
      availableIPv6: 1,
    });
  });
});

describe('allocate: whom it serves', () => {
  it('serves LoadBalancer services of its class only, and releases a service that stopped being one', () => {
    const plan = allocate(
      [small],
      [
        svc('classed', { loadBalancerClass: 'other.io/lb' }),
        svc('cluster', { type: 'ClusterIP', ingressIps: ['192.0.2.10'], allocatedFromPool: 'small' }),
        svc('lb'),
      ],
    );
    expect(plan.results.map((r) => [r.service, ips(r)])).toEqual([['default/lb', ['192.0.2.10']]]);
    expect(plan.released).toEqual(['default/cluster']);
    const ours = allocate([small], [svc('x', { loadBalancerClass: 'herald.io/lb' })], {
      loadBalancerClass: 'herald.io/lb',
    });
    expect(ours.results.map(ips)).toEqual([['192.0.2.10']]);
  });
});

describe('allocate: invariants', () => {
  it('never gives one address to two services that may not share it, and is deterministic', () => {
    const p = poolOf('p', { addresses: ['10.0.0.0/29', '10.0.1.0/30'], avoidBuggyIPs: true });
    const arb = fc.array(
      fc.record({
        status: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        request: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
        port: fc.constantFrom(80, 443),
      }),
      { maxLength: 14 },
    );
    const ipAt = (i: number) => (i < 8 ? `10.0.0.${i}` : `10.0.1.${i - 8}`);
    fc.assert(
      fc.property(arb, (specs) => {
        const services = specs.map((x, i) =>
          svc(`s${i}`, {
            ingressIps: x.status === undefined ? [] : [ipAt(x.status)],
            requestedIps: x.request === undefined ? [] : [ipAt(x.request)],
            allowSharedIp: x.key,
            ports: [{ port: x.port, protocol: 'TCP' }],
          }),
        );
        const plan = allocate([p], services);
        expect(allocate([p], [...services].reverse())).toEqual(plan);
        const holders = new Map<string, Service[]>();
        for (const r of plan.results.filter(isAllocation)) {
          const s = services.find((x) => `default/${x.name}` === r.service) as Service;
          for (const ip of r.ips) {
            holders.set(ip, [...(holders.get(ip) ?? []), s]);
            expect(ip.endsWith('.0') || ip.endsWith('.255')).toBe(false);
          }
        }
        for (const [, list] of holders) {
          if (list.length < 2) continue;
          const keys = new Set(list.map((s) => s.allowSharedIp));
          expect(keys.size === 1 && !keys.has(undefined)).toBe(true);
          const ports = list.map((s) => s.ports[0].port);
          expect(new Set(ports).size).toBe(ports.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a service given an address gets the lowest it may take: every lower one is held by a service it may not share with', () => {
    const p = poolOf('p', { addresses: ['10.0.0.0/29', '10.0.1.0/30'], avoidBuggyIPs: true });
    const order = [...Array(12).keys()].map((i) => (i < 8 ? `10.0.0.${i}` : `10.0.1.${i - 8}`));
    const usable = order.filter((ip) => !ip.endsWith('.0') && !ip.endsWith('.255'));
    const arb = fc.array(
      fc.record({
        status: fc.option(fc.integer({ min: 0, max: 11 }), { nil: undefined }),
        key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
        port: fc.constantFrom(80, 443),
      }),
      { maxLength: 14 },
    );
    const mayShare = (a: Service, b: Service) =>
      a.allowSharedIp !== undefined &&
      a.allowSharedIp === b.allowSharedIp &&
      a.ports[0].port !== b.ports[0].port;
    fc.assert(
      fc.property(arb, (specs) => {
        const services = specs.map((x, i) =>
          svc(`s${i}`, {
            ingressIps: x.status === undefined ? [] : [order[x.status]],
            allowSharedIp: x.key,
            ports: [{ port: x.port, protocol: 'TCP' }],
          }),
        );
        const got = new Map<Service, string>();
        for (const r of allocate([p], services).results.filter(isAllocation))
          got.set(services.find((x) => `default/${x.name}` === r.service) as Service, r.ips[0]);
        for (const [a, ip] of got) {
          if (ip === a.ingressIps[0]) continue; // kept, not chosen
          for (const lower of usable.slice(0, usable.indexOf(ip))) {
            const holders = [...got].filter(([b, held]) => b !== a && held === lower).map(([b]) => b);
            expect(holders.some((b) => !mayShare(a, b))).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
