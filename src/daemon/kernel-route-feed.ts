// Feeds the kernel routes (src/fib) from the Loc-RIB: each prefix's best path — the whole ECMP set
// when `maximumPaths` > 1 — becomes one kernel route with one next hop per path, in the configured
// table and metric, if the `fib.prefixList` permits it. Herald's own routes are not installed (the
// host originates them). Paths learned from a neighbor with `vrf:` go into that VRF's table instead
// (its IFLA_VRF_TABLE): the VRF's own ECMP-set paths, else its best-ranked path. Loaded only when
// `fib.enabled` is set.
import type { HeraldConfig } from '../config/types.js';
import type {
  DesiredNextHop,
  DesiredRoute,
  KernelRoutes,
  KernelRoutesOptions,
  RouteStatus,
} from '../fib/index.js';
import { LogEvent, type Logger } from '../log/logger.js';
import type { CompiledPolicies } from '../policy/index.js';
import type { PrefixSelection, RoutePath } from '../rib/loc-rib.js';
import type { RoutingEngine } from '../rib/routing-engine.js';
import { interfaceIndex } from '../sys/libc.js';
import { isLinkLocalText, type Prefix, prefixKey, splitZone } from '../wire/index.js';

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
): readonly DesiredRoute[] {
  if (!selection) return NONE;
  const list = fib.prefixList === undefined ? undefined : policies.prefixLists.get(fib.prefixList);
  if (list && !list.matches(prefix)) return NONE;
  const paths = selection.paths;
  // One best path into the main table (a prefix from one neighbor outside any VRF, the common
  // case): no grouping by table, nothing to choose.
  const only = paths.length === 1 ? paths[0] : undefined;
  if (only?.multipath && only.neighbor !== 'local' && tableOf(only.neighbor) === fib.table) {
    const nextHops = nextHopsOf(paths);
    return nextHops === undefined ? NONE : [{ prefix, nextHops, table: fib.table, metric: fib.metric }];
  }
  const out: DesiredRoute[] = [];
  for (const [table, inTable] of pathsByTable(paths, fib.table, tableOf)) {
    const nextHops = nextHopsOf(chosenPaths(inTable, table !== fib.table));
    if (nextHops !== undefined) out.push({ prefix, nextHops, table, metric: fib.metric });
  }
  return out;
}

const NONE: readonly DesiredRoute[] = Object.freeze([]);

/** A table's paths that make its route: its ECMP-set ones (all of them, the common case: no copy). */
function chosenPaths(paths: readonly RoutePath[], vrf: boolean): readonly RoutePath[] {
  if (paths.every((p) => p.multipath)) return paths;
  const chosen = paths.filter((p) => p.multipath);
  // A VRF whose paths all lost to another table's: its best-ranked candidate (paths come ranked).
  return chosen.length === 0 && vrf ? paths.filter(candidate).slice(0, 1) : chosen;
}

/** The distinct next hops of the chosen paths, in order; undefined: none, or one is Herald's own. */
function nextHopsOf(chosen: readonly RoutePath[]): DesiredRoute['nextHops'] | undefined {
  const hops: DesiredNextHop[] = [];
  for (const p of chosen) {
    if (p.neighbor === 'local') return undefined;
    const address = p.nextHop;
    if (address === undefined || hops.some((h) => h.address === address)) continue;
    // A link-local next hop is on the link of the session it came over (an interface neighbor's
    // address carries that link as its zone: fe80::1%eth0).
    const zone = isLinkLocalText(address) ? splitZone(p.neighbor).zone : undefined;
    hops.push(zone === undefined ? hopTo(address) : { address, ifindex: cachedInterfaceIndex(zone) });
  }
  return hops.length > 0 ? hops : undefined;
}

/** Interface indexes by name, looked up again after a few seconds (an interface may be re-made). */
const indexes = new Map<string, { index: number; at: number }>();

function cachedInterfaceIndex(name: string): number | undefined {
  const now = Date.now();
  const known = indexes.get(name);
  if (known && now - known.at < 5000) return known.index || undefined;
  const index = interfaceIndex(name);
  indexes.set(name, { index, at: now });
  return index || undefined;
}

/**
 * The next hop `{ address }`, one object per address seen last (a table from one peer has one or
 * a few next hops; the kernel routes copy what they keep, so sharing it is safe).
 */
function hopTo(address: string): { address: string } {
  if (lastHop?.address !== address) lastHop = Object.freeze({ address });
  return lastHop;
}
let lastHop: { readonly address: string } | undefined;

/** The paths by table, in order (one table, the common case: the paths as they are). */
function pathsByTable(
  paths: readonly RoutePath[],
  main: number,
  tableOf: (neighbor: string) => number | undefined,
): Iterable<[number, readonly RoutePath[]]> {
  if (paths.length === 1) {
    const only = paths[0].neighbor === 'local' ? main : tableOf(paths[0].neighbor);
    return only === undefined ? [] : [[only, paths]];
  }
  const tables = paths.map((p) => (p.neighbor === 'local' ? main : tableOf(p.neighbor)));
  const first = tables[0];
  if (first !== undefined && tables.every((t) => t === first)) return [[first, paths]];
  const byTable = new Map<number, RoutePath[]>();
  paths.forEach((p, i) => {
    const table = tables[i];
    if (table === undefined) return;
    const group = byTable.get(table) ?? [];
    group.push(p);
    byTable.set(table, group);
  });
  return byTable;
}

/** A path the decision process ranked (not refused by import policy, not our own). */
function candidate(p: RoutePath): boolean {
  return p.lostAt !== undefined && p.lostAt !== 'importPolicy' && p.lostAt !== 'originatedLocally';
}

export class KernelRouteFeed {
  /** The fib settings of this run (start's). */
  private inForce?: FibConfig;
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
    this.inForce = fib;
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
    const fib = this.inForce;
    if (!kernel || !fib) return;
    const routes = kernelRoutesFor(prefix, selection, fib, this.policies(), this.tableOfNeighbor);
    let inMain = false;
    let now: Set<number> | undefined;
    for (const r of routes) {
      kernel.set(r);
      if (r.table === fib.table) inMain = true;
      else {
        now ??= new Set();
        now.add(r.table as number);
      }
    }
    if (!inMain) kernel.delete(prefix, fib.table, fib.metric);
    // Without VRFs (the common case) there is nothing to track: no key is made.
    if (now === undefined && this.inVrfTables.size === 0) return;
    const key = prefixKey(prefix);
    for (const t of this.inVrfTables.get(key) ?? []) if (!now?.has(t)) kernel.delete(prefix, t, fib.metric);
    if (now !== undefined) this.inVrfTables.set(key, now);
    else this.inVrfTables.delete(key);
  }

  private readonly tableOfNeighbor = (neighbor: string): number | undefined =>
    this.tableOf(neighbor, this.inForce ?? this.config().fib);

  /**
   * The fib settings this run installs with. A reload that changes them says they need a restart
   * (needsRestart: fib); until then every route keeps this table and metric, so a withdrawal
   * deletes the route it installed (it deleted at the new metric, leaving the old route behind).
   */
  get settings(): FibConfig | undefined {
    return this.inForce;
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
