// The router-side witness of the roll: while the nodes restart one after the other, it records every
// moment a node's path is missing from FRR's BGP table or its next hop from the router's kernel
// route, which paths FRR marked stale (proof the restart was seen at all), and every kernel route
// deletion `ip monitor route` prints for a node prefix. Polling is bounded by stop().
import type { FrrPeer, Topology, TrackedChild } from '../../test/interop/harness/index.js';
import { delay, run } from '../../test/interop/harness/index.js';

/** One node as the router sees it: its session address and the prefixes it announces. */
export interface WatchedNode {
  address: string;
  prefixes: string[];
}

export interface WatchReport {
  polls: number;
  /** "prefix via node: missing in BGP|kernel at +ms" (empty when nothing ever went away). */
  losses: string[];
  /** `ip monitor route` lines deleting a node prefix. */
  deletions: string[];
  /** Node address → the prefixes FRR showed stale from it at some poll. */
  staleSeen: Map<string, Set<string>>;
  /** Polls that could not read FRR or the kernel (not counted as losses). */
  errors: string[];
}

export interface RouteWatch {
  stop(): Promise<WatchReport>;
}

/** Kernel routes installed by FRR (`proto bgp`): destination (with /32) → sorted next hops. */
async function kernelBgpRoutes(ns: string): Promise<Map<string, string[]>> {
  const r = await run('ip', ['-n', ns, '-j', 'route', 'show', 'proto', 'bgp']);
  const routes = JSON.parse(r.stdout || '[]') as Array<{
    dst: string;
    gateway?: string;
    nexthops?: { gateway?: string }[];
  }>;
  const out = new Map<string, string[]>();
  for (const route of routes) {
    const dst = route.dst.includes('/') ? route.dst : `${route.dst}/32`;
    const hops = route.nexthops?.map((h) => h.gateway ?? '') ?? (route.gateway ? [route.gateway] : []);
    out.set(dst, hops.sort());
  }
  return out;
}

/** `ip monitor route` lines that delete one of the prefixes (it prints a /32 as a bare address). */
function deletionsOf(monitorOutput: string, prefixes: string[]): string[] {
  const bare = new Set(prefixes.map((p) => p.replace(/\/32$/, '')));
  return monitorOutput
    .split('\n')
    .filter((line) => /\bDeleted\b/.test(line))
    .filter((line) => line.split(/\s+/).some((tok) => bare.has(tok) || prefixes.includes(tok)));
}

/** Starts `ip monitor route` in the router's namespace and polls FRR and the kernel every intervalMs. */
export async function watchRoutes(
  t: Topology,
  routerNs: string,
  frr: FrrPeer,
  nodes: WatchedNode[],
  intervalMs = 250,
): Promise<RouteWatch> {
  const monitor: TrackedChild = t.spawn(routerNs, 'ip', ['-timestamp', 'monitor', 'route']);
  await delay(200); // the netlink subscription is open before the first change can happen
  const t0 = Date.now();
  const report: WatchReport = { polls: 0, losses: [], deletions: [], staleSeen: new Map(), errors: [] };
  for (const n of nodes) report.staleSeen.set(n.address, new Set());
  let watching = true;

  const poll = async (): Promise<void> => {
    const paths = await frr.receivedRoutes('ipv4-unicast');
    const kernel = await kernelBgpRoutes(routerNs);
    const at = Date.now() - t0;
    for (const n of nodes) {
      for (const prefix of n.prefixes) {
        const path = paths.find((p) => p.prefix === prefix && p.peer === n.address);
        if (!path) report.losses.push(`${prefix} via ${n.address}: missing in BGP at +${at} ms`);
        else if (path.stale) report.staleSeen.get(n.address)?.add(prefix);
        if (!(kernel.get(prefix) ?? []).includes(n.address))
          report.losses.push(`${prefix} via ${n.address}: missing in kernel at +${at} ms`);
      }
    }
    report.polls++;
  };

  const loop = (async () => {
    while (watching) {
      await poll().catch((e: unknown) => report.errors.push(String(e)));
      await delay(intervalMs);
    }
  })();

  return {
    async stop() {
      watching = false;
      await loop;
      await monitor.stop(2000);
      report.deletions = deletionsOf(
        monitor.output(),
        nodes.flatMap((n) => n.prefixes),
      );
      return report;
    },
  };
}
