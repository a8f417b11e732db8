// Feeds the kernel routes (src/fib) from the Loc-RIB: each prefix's best path — the whole ECMP set
// when `maximumPaths` > 1 — becomes one kernel route with one next hop per path, in the configured
// table and metric, if the `fib.prefixList` permits it. Herald's own routes are not installed (the
// host originates them). Paths learned from a neighbor with `vrf:` go into that VRF's table instead
// (its IFLA_VRF_TABLE): the VRF's own ECMP-set paths, else its best-ranked path. Loaded only when
// `fib.enabled` is set.
import type { HeraldConfig } from '../config/types.js';
import type { DesiredRoute, KernelRoutes, KernelRoutesOptions, RouteStatus } from '../fib/index.js';
import { LogEvent, type Logger } from '../log/logger.js';
import type { CompiledPolicies } from '../policy/index.js';
import type { PrefixSelection, RoutePath } from '../rib/loc-rib.js';
import type { RoutingEngine } from '../rib/routing-engine.js';
import { type Prefix, prefixKey } from '../wire/index.js';

export type FibConfig = HeraldConfig['fib'];

/** The kernel route for a prefix's Loc-RIB entry in the main (fib.table) table, or undefined. */
export function kernelRouteFor(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  fib: FibConfig,
  policies: CompiledPolicies,
): DesiredRoute | undefined {
  return kernelRoutesFor(prefix, selection, fib, policies, () => fib.table)[0];
}

/**
 * The kernel routes for a prefix's Loc-RIB entry, one per table: `tableOf` gives each neighbor's
 * table (fib.table, a VRF's, or undefined when its VRF device is missing: its paths are skipped).
 */
export function kernelRoutesFor(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  fib: FibConfig,
  policies: CompiledPolicies,
  tableOf: (neighbor: string) => number | undefined,
): DesiredRoute[] {
  if (!selection) return [];
  const list = fib.prefixList === undefined ? undefined : policies.prefixLists.get(fib.prefixList);
  if (list && !list.matches(prefix)) return [];
  const byTable = new Map<number, RoutePath[]>();
  for (const p of selection.paths) {
    const table = p.neighbor === 'local' ? fib.table : tableOf(p.neighbor);
    if (table === undefined) continue;
    const group = byTable.get(table) ?? [];
    group.push(p);
    byTable.set(table, group);
  }
  const out: DesiredRoute[] = [];
  for (const [table, paths] of byTable) {
    let chosen = paths.filter((p) => p.multipath);
    // A VRF whose paths all lost to another table's: its best-ranked candidate (paths come ranked).
    if (chosen.length === 0 && table !== fib.table) chosen = paths.filter(candidate).slice(0, 1);
    if (chosen.length === 0 || chosen.some((p) => p.neighbor === 'local')) continue;
    const hops = [...new Set(chosen.map((p) => p.nextHop).filter((h) => h !== undefined))];
    if (hops.length === 0) continue;
    out.push({ prefix, nextHops: hops.map((address) => ({ address })), table, metric: fib.metric });
  }
  return out;
}

/** A path the decision process ranked (not refused by import policy, not our own). */
function candidate(p: RoutePath): boolean {
  return p.lostAt !== undefined && p.lostAt !== 'importPolicy' && p.lostAt !== 'originatedLocally';
}

export class KernelRouteFeed {
  private kernel?: KernelRoutes;
  private unfollow?: () => void;
  /** Prefix key → the tables other than fib.table its route is in now (VRF tables). */
  private readonly inVrfTables = new Map<string, Set<number>>();
  /** VRF names without a VRF device, logged once each. */
  private readonly missingVrfs = new Set<string>();

  constructor(
    private readonly engine: RoutingEngine,
    private readonly log: Logger,
    private readonly config: () => HeraldConfig,
    private readonly policies: () => CompiledPolicies,
    /** The `vrf:` of a neighbor (undefined: the main table). */
    private readonly vrfOf: (neighbor: string) => string | undefined = () => undefined,
    /** Tests: the kernel side in memory. Default: netlink (src/fib). */
    private readonly openKernel?: (opts: KernelRoutesOptions) => KernelRoutes,
  ) {}

  /**
   * Opens the kernel side: leftovers of a crashed run are removed, or kept until `sweep()` when
   * `keep` (Herald restarting gracefully keeps forwarding), then follows the Loc-RIB.
   */
  async start(keep: boolean): Promise<void> {
    const fib = this.config().fib;
    const options = { protocol: fib.protocol, table: fib.table, metric: fib.metric, keepOnStart: keep };
    const kernel = this.openKernel
      ? this.openKernel(options)
      : new (await import('../fib/index.js')).KernelRoutes(options);
    kernel.on('routeState', (s: RouteStatus) =>
      this.log.warn({ event: LogEvent.kernelRouteNotInstalled, ...s }, `kernel route ${s.prefix} ${s.state}`),
    );
    kernel.on('resync', (r) =>
      this.log.info({ event: LogEvent.kernelRoutesResynced, ...r }, 'kernel routes re-read'),
    );
    kernel.on('error', (e: Error) =>
      this.log.error({ event: LogEvent.kernelRoutesError, err: e.message }, 'kernel routes error'),
    );
    await kernel.start();
    this.kernel = kernel;
    this.unfollow = this.engine.followLocRib((prefix, selection) => this.update(prefix, selection));
    this.log.info(
      {
        event: LogEvent.kernelRoutesStarted,
        table: fib.table,
        metric: fib.metric,
        protocol: fib.protocol,
        keep,
      },
      'installing routes into the kernel',
    );
  }

  private update(prefix: Prefix, selection: PrefixSelection | undefined): void {
    const kernel = this.kernel;
    if (!kernel) return;
    const fib = this.config().fib;
    const routes = kernelRoutesFor(prefix, selection, fib, this.policies(), (n) => this.tableOf(n, fib));
    const key = prefixKey(prefix);
    const before = this.inVrfTables.get(key);
    const now = new Set<number>();
    for (const r of routes) {
      kernel.set(r);
      if (r.table !== fib.table) now.add(r.table as number);
    }
    if (!routes.some((r) => r.table === fib.table)) kernel.delete(prefix, fib.table, fib.metric);
    for (const t of before ?? []) if (!now.has(t)) kernel.delete(prefix, t, fib.metric);
    if (now.size > 0) this.inVrfTables.set(key, now);
    else this.inVrfTables.delete(key);
  }

  /** fib.table, or the table of the neighbor's VRF device (undefined while there is no such VRF). */
  private tableOf(neighbor: string, fib: FibConfig): number | undefined {
    const vrf = this.vrfOf(neighbor);
    if (vrf === undefined) return fib.table;
    const table = this.kernel?.vrfTable(vrf);
    if (table === undefined && !this.missingVrfs.has(vrf)) {
      this.missingVrfs.add(vrf);
      this.log.warn(
        { event: LogEvent.kernelRoutesError, vrf, peer: neighbor },
        `no VRF device ${vrf}: routes from ${neighbor} are not installed`,
      );
    }
    return table;
  }

  /** After a graceful restart: removes the kept routes that were not learned again. */
  sweep(): Promise<void> {
    return this.kernel?.sweep() ?? Promise.resolve();
  }

  /** Whether routes are being installed. */
  get running(): boolean {
    return this.kernel !== undefined;
  }

  counts(): ReturnType<KernelRoutes['counts']> | undefined {
    return this.kernel?.counts();
  }

  held(): RouteStatus[] {
    return this.kernel?.held() ?? [];
  }

  /** Stops following; removes every route installed, or keeps them (graceful restart). */
  async stop(keep: boolean): Promise<void> {
    this.unfollow?.();
    this.unfollow = undefined;
    const kernel = this.kernel;
    this.kernel = undefined;
    await kernel?.stop({ keep });
  }
}
