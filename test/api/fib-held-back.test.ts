// GET /api/v1/fib lists a kernel route Herald holds back, with the reason: Herald (fib enabled)
// runs in a namespace and learns 198.51.100.0/24 from GoBGP with a third-party next hop on the
// shared subnet, 10.0.0.77, which an `unreachable` route in Herald's namespace makes unusable.
// The route stays out of the kernel and shows in `notInstalled`; once the unreachable route is
// gone it is installed and the list is empty. Real kernel, real daemon (bin/herald, so dist/
// must be built); needs root and GoBGP, like the interop tests whose harness it uses.
import { describe, expect, it } from 'vitest';
import { startHerald } from '../interop/harness/herald.js';
import { exec, interopUnavailable, startPeer, useTopology, waitFor } from '../interop/harness/index.js';

const HERALD_ASN = 65000;
const PREFIX = '198.51.100.0/24';
const NEXT_HOP = '10.0.0.77';

interface FibView {
  routes: { desired: number; installed: number; held: number; failed: number } | null;
  notInstalled: Array<{
    prefix: string;
    state: string;
    reason: string;
    unusable?: Array<{ address: string; reason: string }>;
  }>;
}

async function heraldRoute(ns: string): Promise<{ dst: string; gateway?: string } | undefined> {
  const r = await exec(ns, 'ip', ['-j', 'route', 'show', 'table', 'main', 'proto', '72']);
  return (JSON.parse(r.stdout || '[]') as Array<{ dst: string; gateway?: string }>).find(
    (x) => x.dst === PREFIX,
  );
}

describe.skipIf(interopUnavailable(['gobgp']) !== undefined)('GET /api/v1/fib: held-back routes', () => {
  const topo = useTopology();

  it('lists a route whose next hop is unreachable with its reason; drops it once installed', async () => {
    const t = await topo.link();
    // Herald's only way to 10.0.0.77 is an unreachable route: the next hop cannot be used.
    await exec(t.a.ns, 'ip', ['route', 'add', 'unreachable', `${NEXT_HOP}/32`]);
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      fib: { enabled: true },
      neighbors: [{ address: t.b.ipv4, peerAsn: 65010, passive: true }],
    });
    await startPeer('gobgp', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: 65010,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN }],
      routes: [{ prefix: PREFIX, nextHop: NEXT_HOP }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);

    const fib = () => herald.api<FibView>('GET', '/api/v1/fib').then((r) => r.body);
    const held = await waitFor(
      async () => {
        const v = await fib();
        return v.routes?.held === 1 ? v : undefined;
      },
      {
        timeoutMs: 15_000,
        what: 'the route held back',
      },
    );
    expect(held.routes).toMatchObject({ desired: 1, installed: 0, held: 1, failed: 0 });
    expect(held.notInstalled).toEqual([
      expect.objectContaining({
        prefix: PREFIX,
        state: 'held',
        reason: 'noUsableNextHop',
        unusable: [expect.objectContaining({ address: NEXT_HOP, reason: 'unreachableRoute' })],
      }),
    ]);
    expect(await heraldRoute(t.a.ns)).toBeUndefined();

    // The unreachable route goes; the connected subnet now covers the next hop: installed.
    await exec(t.a.ns, 'ip', ['route', 'del', 'unreachable', `${NEXT_HOP}/32`]);
    const installed = await waitFor(async () => heraldRoute(t.a.ns), {
      timeoutMs: 15_000,
      what: 'the route installed',
    });
    expect(installed.gateway).toBe(NEXT_HOP);
    const after = await fib();
    expect(after.routes).toMatchObject({ desired: 1, installed: 1, held: 0 });
    expect(after.notInstalled).toEqual([]);
    await herald.stop();
  }, 90_000);
});
