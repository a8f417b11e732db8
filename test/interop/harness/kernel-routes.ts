// The kernel's routes in a namespace, as `ip -j route` prints them (the kernel-route tests read
// what Herald installed there).
import { exec } from './netns.js';

export interface KernelRoute {
  dst: string;
  /** A number, or its name from /etc/iproute2/rt_protos(.d). */
  protocol: string | number;
  gateway?: string;
  nexthops?: { gateway: string }[];
}

/** Every route of `table` (main by default) in `ns`. */
export async function kernelRoutes(ns: string, table: string | number = 'main'): Promise<KernelRoute[]> {
  const r = await exec(ns, 'ip', ['-j', 'route', 'show', 'table', String(table)]);
  return JSON.parse(r.stdout || '[]') as KernelRoute[];
}

/** Herald's route protocol (72, named `herald` by the shipped rt_protos.d entry). */
export const isHeraldRoute = (k: KernelRoute): boolean =>
  String(k.protocol) === '72' || k.protocol === 'herald';

/** Herald's routes of `table` in `ns`. */
export async function heraldRoutes(ns: string, table: string | number = 'main'): Promise<KernelRoute[]> {
  return (await kernelRoutes(ns, table)).filter(isHeraldRoute);
}

/** The destinations of `routes`, sorted. */
export const destinations = (routes: KernelRoute[]): string[] => routes.map((r) => r.dst).sort();

/** A route's gateways, sorted ([] for none or no route). */
export const gatewaysOf = (r: KernelRoute | undefined): string[] =>
  r ? (r.nexthops ? r.nexthops.map((h) => h.gateway) : r.gateway ? [r.gateway] : []).sort() : [];

/**
 * Polls Herald's route to `dst` in `ns` every 100 ms until stopped; `stop()` resolves how many
 * polls ran and in how many the route was absent or not via `gateway`.
 */
export function watchHeraldRoute(
  ns: string,
  dst: string,
  gateway: string,
): { stop(): Promise<{ polls: number; missing: number }> } {
  let polls = 0;
  let missing = 0;
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const r = (await heraldRoutes(ns)).find((k) => k.dst === dst);
      polls++;
      if (r?.gateway !== gateway) missing++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      watching = false;
      await loop;
      return { polls, missing };
    },
  };
}
