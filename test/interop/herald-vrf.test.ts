// A neighbor in a VRF (issue 18): namespace A has VRF device `red` (table 100) with A's link
// enslaved to it; Herald's neighbor has `vrf: red`, so its session binds to the VRF (SO_BINDTODEVICE)
// and, with fib enabled, the FRR peer's routes install into table 100 — read from the VRF device's
// IFLA_VRF_TABLE over netlink — and not into main. A clean stop removes them. Needs root, FRR, and a
// kernel with VRF support (CONFIG_NET_VRF): skipped, saying so, where `ip link add type vrf` fails.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { exec, interopUnavailable, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65030;
const PEER_ASN = 65031;
const TABLE = 100;
const PREFIX = '10.77.0.0/16';

/** Why VRF devices cannot be made here (probed in a namespace of its own), or undefined. */
function vrfUnavailable(): string | undefined {
  const other = interopUnavailable(['frr']);
  if (other) return other;
  const ns = `herald-vrf-probe-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe' });
    execFileSync('ip', ['-n', ns, 'link', 'add', 'probe', 'type', 'vrf', 'table', '1'], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `no VRF devices on this kernel (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})`;
  } finally {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  }
}

interface KernelRoute {
  dst: string;
  protocol: string;
  gateway?: string;
  dev?: string;
}

async function tableRoutes(ns: string, table: number | 'main'): Promise<KernelRoute[]> {
  const r = await exec(ns, 'ip', ['-j', 'route', 'show', 'table', String(table)]);
  return JSON.parse(r.stdout || '[]') as KernelRoute[];
}

const unavailable = vrfUnavailable();
if (unavailable) console.info(`[vrf] skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('Herald with a neighbor in a VRF', () => {
  const topo = useTopology();

  it(`installs the neighbor's routes into the VRF's table (${TABLE}), not main`, async () => {
    const t = await topo.link();
    await exec(t.a.ns, 'ip', ['link', 'add', 'red', 'type', 'vrf', 'table', String(TABLE)]);
    await exec(t.a.ns, 'ip', ['link', 'set', 'red', 'up']);
    await exec(t.a.ns, 'ip', ['link', 'set', t.a.ifname, 'master', 'red']);
    // The connected route moved with the link: B is reachable in the VRF only.
    await waitFor(
      async () => (await tableRoutes(t.a.ns, TABLE)).some((r) => r.dev === t.a.ifname && r.dst.includes('/')),
      { timeoutMs: 5000, what: 'the connected route in the VRF table' },
    );
    await startPeer('frr', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true }],
      routes: [{ prefix: PREFIX }],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      fib: { enabled: true },
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, localAddress: t.a.ipv4, connectRetry: 1, vrf: 'red' },
      ],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    const installed = await waitFor(
      async () => (await tableRoutes(t.a.ns, TABLE)).find((r) => r.dst === PREFIX),
      { timeoutMs: 15_000, what: `${PREFIX} in table ${TABLE}` },
    );
    expect(installed.gateway).toBe(t.b.ipv4);
    expect(['72', 'herald']).toContain(String(installed.protocol));
    expect((await tableRoutes(t.a.ns, 'main')).find((r) => r.dst === PREFIX)).toBeUndefined();

    // A clean stop removes what it installed in the VRF's table too.
    await herald.stop();
    expect((await tableRoutes(t.a.ns, TABLE)).find((r) => r.dst === PREFIX)).toBeUndefined();
  }, 60_000);
});
