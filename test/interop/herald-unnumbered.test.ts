// BGP unnumbered: a neighbor given by interface. Against FRR's `neighbor IF interface`, and
// between two Heralds (each finds the other only through the Router Advertisements it sends): the
// session runs between link-local addresses, IPv4 routes travel with IPv6 next hops (RFC 8950),
// and a received one is installed in the kernel through the peer's link-local address.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { run, startFrr, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65010;
const FRR_ASN = 65020;

/** The kernel's route for `prefix` in `ns` (JSON of `ip -j route show`), or undefined. */
async function kernelRoute(ns: string, prefix: string): Promise<Record<string, unknown> | undefined> {
  const r = await run('ip', ['-n', ns, '-j', prefix.includes(':') ? '-6' : '-4', 'route', 'show', prefix]);
  return (JSON.parse(r.stdout || '[]') as Record<string, unknown>[])[0];
}

describe.sequential('BGP unnumbered (neighbors by interface)', () => {
  const topo = useTopology();

  it('with FRR: the peer found on the link, IPv4 and IPv6 routes both ways over link-local addresses, BFD beside', async () => {
    const t = await topo.link();
    // Unnumbered: the link keeps its link-local addresses only.
    for (const e of [t.a, t.b])
      await run('ip', ['-n', e.ns, 'addr', 'flush', 'dev', e.ifname, 'scope', 'global']);
    const frr = await startFrr({
      ns: t.b.ns,
      routerId: '10.255.0.2',
      asn: FRR_ASN,
      localAddress: t.b.ipv4,
      neighbors: [],
      routes: [{ prefix: '10.99.0.0/24' }, { prefix: '2001:db8:99::/48' }],
      extraConfig: {
        bgp: [
          `neighbor ${t.b.ifname} interface remote-as external`,
          `neighbor ${t.b.ifname} timers connect 1`,
          `neighbor ${t.b.ifname} bfd`,
        ],
        ipv4: [`neighbor ${t.b.ifname} activate`],
        ipv6: [`neighbor ${t.b.ifname} activate`],
      },
      bfd: [], // bfdd runs; bgpd's `neighbor IF bfd` asks it for the link-local session
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: '10.255.0.1',
      listen: { address: '::' },
      fib: { enabled: true },
      neighbors: [{ interface: t.a.ifname, peerAsn: 'external', holdTime: 9, bfd: { enabled: true } }],
      announce: [{ prefix: '10.200.0.1/32' }, { prefix: '2001:db8:200::1/128' }],
    });
    const peer = `${t.b.linkLocal}%${t.a.ifname}`;
    await herald.waitState(encodeURIComponent(peer), 'Established', 30_000);
    // FRR has Herald's route, its next hop Herald's link-local address.
    const atFrr = async () =>
      (await frr.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === '10.200.0.1/32');
    await waitFor(async () => (await atFrr()) !== undefined, {
      timeoutMs: 20_000,
      what: "Herald's route at FRR",
    });
    const route4 = await atFrr();
    expect([route4?.nextHop, route4?.linkLocalNextHop]).toContain(t.a.linkLocal);
    expect(route4?.asPath).toBe(String(HERALD_ASN));
    // An IPv6 route too, its next hop Herald's link-local address (RFC 2545: no global one here).
    const atFrr6 = async () =>
      (await frr.receivedRoutes('ipv6-unicast')).find((r) => r.prefix === '2001:db8:200::1/128');
    await waitFor(async () => (await atFrr6()) !== undefined, {
      timeoutMs: 20_000,
      what: "Herald's IPv6 route at FRR",
    });
    const route6 = await atFrr6();
    expect([route6?.nextHop, route6?.linkLocalNextHop]).toContain(t.a.linkLocal);
    // Herald has FRR's, through FRR's link-local address, and the kernel forwards by it.
    await waitFor(
      async () => (await herald.routes({ neighbor: peer })).some((r) => r.prefix === '10.99.0.0/24'),
      {
        timeoutMs: 20_000,
        what: "FRR's route at Herald",
      },
    );
    await waitFor(async () => (await kernelRoute(t.a.ns, '10.99.0.0/24')) !== undefined, {
      timeoutMs: 10_000,
      what: "FRR's route in the kernel",
    });
    const route = await kernelRoute(t.a.ns, '10.99.0.0/24');
    expect(route?.gateway ?? (route?.via as { host?: string } | undefined)?.host).toBe(t.b.linkLocal);
    expect(route?.dev).toBe(t.a.ifname);
    await waitFor(async () => (await kernelRoute(t.a.ns, '2001:db8:99::/48')) !== undefined, {
      timeoutMs: 10_000,
      what: "FRR's IPv6 route in the kernel",
    });
    const kernel6 = await kernelRoute(t.a.ns, '2001:db8:99::/48');
    expect(kernel6?.gateway).toBe(t.b.linkLocal);
    expect(kernel6?.dev).toBe(t.a.ifname);
    // BFD beside it, single hop between the link-local addresses (FRR bfdd).
    const bfd = async () =>
      (await herald.api<{ peer: string; state: string; multihop: boolean }[]>('GET', '/api/v1/bfd')).body;
    await waitFor(async () => (await bfd())[0]?.state === 'Up', {
      timeoutMs: 15_000,
      what: 'BFD Up with FRR',
    });
    expect((await bfd())[0]).toMatchObject({ peer, multihop: false });
  }, 90_000);

  it('between two Heralds: each finds the other by its Router Advertisements', async () => {
    const t = await topo.link();
    const side = (routerId: string, asn: number, ifname: string, prefix: string) => ({
      asn,
      routerId,
      listen: { address: '::' },
      neighbors: [{ interface: ifname, peerAsn: 'external', holdTime: 9 }],
      announce: [{ prefix }],
    });
    const a = await startHerald(t, t.a.ns, side('10.255.0.1', HERALD_ASN, t.a.ifname, '10.201.0.0/24'));
    // Alone on the link: no router there yet.
    expect((await a.api('GET', '/api/v1/neighbors/interfaces')).body).toEqual([
      { interface: t.a.ifname, address: null, problem: null },
    ]);
    const b = await startHerald(t, t.b.ns, side('10.255.0.2', FRR_ASN, t.b.ifname, '10.202.0.0/24'));
    await a.waitState(encodeURIComponent(`${t.b.linkLocal}%${t.a.ifname}`), 'Established', 30_000);
    await b.waitState(encodeURIComponent(`${t.a.linkLocal}%${t.b.ifname}`), 'Established', 30_000);
    await waitFor(async () => (await a.routes()).some((r) => r.prefix === '10.202.0.0/24'), {
      timeoutMs: 20_000,
      what: "B's route at A",
    });
    await waitFor(async () => (await b.routes()).some((r) => r.prefix === '10.201.0.0/24'), {
      timeoutMs: 20_000,
      what: "A's route at B",
    });
    expect((await a.api('GET', '/api/v1/neighbors/interfaces')).body).toEqual([
      { interface: t.a.ifname, address: `${t.b.linkLocal}%${t.a.ifname}`, problem: null },
    ]);
    // The kernel recorded the other Herald as a router from its RA (lifetime 0: no default route).
    const neigh = await run('ip', ['-n', t.a.ns, '-6', 'neigh', 'show', 'dev', t.a.ifname]);
    expect(neigh.stdout).toMatch(new RegExp(`${t.b.linkLocal} .*router`));
    const defaults = await run('ip', ['-n', t.a.ns, '-6', 'route', 'show', 'default']);
    expect(defaults.stdout.trim()).toBe('');
  }, 90_000);
});
