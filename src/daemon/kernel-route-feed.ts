// Feeds the kernel routes (src/fib) from the Loc-RIB: each prefix's best path — the whole ECMP set
// when `maximumPaths` > 1 — becomes one kernel route with one next hop per path, in the configured
// table and metric, if the `fib.prefixList` permits it. Herald's own routes are not installed (the
// host originates them). Loaded only when `fib.enabled` is set.
import type { HeraldConfig } from '../config/types.js';
import type { DesiredRoute, KernelRoutes, RouteStatus } from '../fib/index.js';
import { LogEvent, type Logger } from '../log/logger.js';
import type { CompiledPolicies } from '../policy/index.js';
import type { PrefixSelection } from '../rib/loc-rib.js';
import type { RoutingEngine } from '../rib/routing-engine.js';
import type { Prefix } from '../wire/index.js';

export type FibConfig = HeraldConfig['fib'];

/** The kernel route for a prefix's Loc-RIB entry, or undefined when none belongs in the kernel. */
export function kernelRouteFor(
  prefix: Prefix,
  selection: PrefixSelection | undefined,
  fib: FibConfig,
  policies: CompiledPolicies,
): DesiredRoute | undefined {
  if (!selection) return undefined;
  const list = fib.prefixList === undefined ? undefined : policies.prefixLists.get(fib.prefixList);
  if (list && !list.matches(prefix)) return undefined;
  const chosen = selection.paths.filter((p) => p.multipath);
  if (chosen.length === 0 || chosen.some((p) => p.neighbor === 'local')) return undefined;
  const hops = [...new Set(chosen.map((p) => p.nextHop).filter((h) => h !== undefined))];
  if (hops.length === 0) return undefined;
  return { prefix, nextHops: hops.map((address) => ({ address })), table: fib.table, metric: fib.metric };
}

export class KernelRouteFeed {
  private kernel?: KernelRoutes;
  private unfollow?: () => void;

  constructor(
    private readonly engine: RoutingEngine,
    private readonly log: Logger,
    private readonly config: () => HeraldConfig,
    private readonly policies: () => CompiledPolicies,
  ) {}

  /**
   * Opens the kernel side: leftovers of a crashed run are removed, or kept until `sweep()` when
   * `keep` (Herald restarting gracefully keeps forwarding), then follows the Loc-RIB.
   */
  async start(keep: boolean): Promise<void> {
    const fib = this.config().fib;
    const { KernelRoutes } = await import('../fib/index.js');
    const kernel = new KernelRoutes({
      protocol: fib.protocol,
      table: fib.table,
      metric: fib.metric,
      keepOnStart: keep,
    });
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
    const route = kernelRouteFor(prefix, selection, fib, this.policies());
    if (route) kernel.set(route);
    else kernel.delete(prefix, fib.table, fib.metric);
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
