// A shared LAN inside a topology: a bridge in one namespace (the router's) with one veth per
// member namespace, the layout test/interop/herald-kubernetes.test.ts builds by hand (nodes and a
// router on one subnet) and the labs (labs/*/lab.ts) reuse. Optionally one more veth whose other
// end stays in the host namespace, for a server running in the calling process (e.g. the fake
// Kubernetes API server), since namespaced processes cannot reach the host's loopback.
import type { Topology } from './netns.js';
import { run } from './util.js';

export interface LanOptions {
  /** The namespace that holds the bridge (usually the router's); it gets `address` on the bridge. */
  bridgeNs: string;
  /** The bridge's own address with prefix length, e.g. 198.18.77.254/24 (none when omitted). */
  address?: string;
  /** Bridge name inside bridgeNs (default br0). */
  bridge?: string;
  /** Members: each namespace gets `ifname` (default eth0) with `address` (CIDR) on the LAN. */
  members: Array<{ ns: string; address: string; ifname?: string }>;
  /** A veth to the host namespace with this address (CIDR) on its host end. */
  hostAddress?: string;
}

export interface Lan {
  bridgeNs: string;
  bridge: string;
  /** The host end's interface name, when hostAddress was given (removed with the namespace). */
  hostIf?: string;
}

let lanCounter = 0;

/** Builds the LAN; everything lives in the topology's namespaces (the host veth dies with them). */
export async function addLan(t: Topology, o: LanOptions): Promise<Lan> {
  const bridge = o.bridge ?? 'br0';
  const n = ++lanCounter;
  await run('ip', ['-n', o.bridgeNs, 'link', 'add', bridge, 'type', 'bridge']);
  if (o.address) await run('ip', ['-n', o.bridgeNs, 'addr', 'add', o.address, 'dev', bridge]);
  await run('ip', ['-n', o.bridgeNs, 'link', 'set', bridge, 'up']);
  for (const [i, m] of o.members.entries()) {
    const ifname = m.ifname ?? 'eth0';
    const port = `${bridge}p${i + 1}`;
    await run('ip', [
      'link',
      'add',
      ifname,
      'netns',
      m.ns,
      'type',
      'veth',
      'peer',
      'name',
      port,
      'netns',
      o.bridgeNs,
    ]);
    await run('ip', ['-n', o.bridgeNs, 'link', 'set', port, 'master', bridge, 'up']);
    await run('ip', ['-n', m.ns, 'addr', 'add', m.address, 'dev', ifname]);
    await run('ip', ['-n', m.ns, 'link', 'set', ifname, 'up']);
  }
  let hostIf: string | undefined;
  if (o.hostAddress) {
    hostIf = `hl${process.pid % 100_000}n${n}`;
    const port = `${bridge}h`;
    await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', port, 'netns', o.bridgeNs]);
    const name = hostIf;
    t.onDestroy(() => run('ip', ['link', 'del', name], { allowFail: true }).then(() => undefined));
    await run('ip', ['-n', o.bridgeNs, 'link', 'set', port, 'master', bridge, 'up']);
    await run('ip', ['addr', 'add', o.hostAddress, 'dev', hostIf]);
    await run('ip', ['link', 'set', hostIf, 'up']);
  }
  return { bridgeNs: o.bridgeNs, bridge, hostIf };
}

/** A kernel route's next hops in `ns` (main table), sorted; [] when there is no such route. */
export async function kernelNextHops(ns: string, prefix: string): Promise<string[]> {
  const r = await run('ip', ['-n', ns, '-j', 'route', 'show', 'exact', prefix]);
  const routes = JSON.parse(r.stdout || '[]') as Array<{
    gateway?: string;
    nexthops?: { gateway?: string }[];
  }>;
  if (routes.length === 0) return [];
  const route = routes[0];
  return (route.nexthops?.map((h) => h.gateway ?? '') ?? (route.gateway ? [route.gateway] : [])).sort();
}
