// The routes Herald originates: those in the config (each optionally following a health check),
// those added at run time through the API, and those of Kubernetes services (a set replaced as a
// whole by each complete snapshot; config and API win on the same prefix). Works out which of them are announced right now,
// and how: a route whose check is down is withdrawn, or kept with a worse MED / longer AS path.
import { isDeepStrictEqual } from 'node:util';
import type { AnnouncementConfig, HealthCheckConfig } from '../config/types.js';
import { HealthMonitor, type HealthState, type ProbeResult } from '../health/index.js';
import { type LocalRoute, type LocalRouteSpec, localRoute, localRouteKey } from '../rib/local-routes.js';
import { routeSizeProblem } from '../rib/route-size.js';
import { formatPrefix, type Prefix, prefixKey } from '../wire/index.js';
import type { RouteState } from './route-state.js';

export type AnnouncementSource = 'config' | 'api' | 'kubernetes';

/** What a reload did to the configured announcements. */
export interface AnnouncementDiff {
  added: string[];
  removed: string[];
  changed: string[];
  /** Configured routes withdrawn through the API that the reload brought back. */
  reannounced: string[];
  /** Configured routes an API route for the same prefix still overrides. */
  shadowed: string[];
}

/** A route of a source replaced as a whole (Kubernetes), with the spec it was parsed from. */
export interface SourcedRoute {
  readonly spec: LocalRouteSpec;
  readonly route: LocalRoute;
}

export interface HealthView {
  state: HealthState;
  check: string;
  lastResult: string | null;
  lastChange: string | null;
  successes: number;
  failures: number;
}

export interface AnnouncementView {
  prefix: string;
  source: AnnouncementSource;
  /** Whether peers get the route now (false: withdrawn by its health check). */
  announced: boolean;
  /** Announced with the health check's worse MED / prepends. */
  degraded: boolean;
  /** A configured route withdrawn through the API; the next reload or restart brings it back. */
  withdrawn: boolean;
  /**
   * A configured route while an API route for the same prefix is in force: each source is kept; the
   * API one wins while present, and withdrawing it brings the configured one back.
   */
  shadowedBy: 'api' | null;
  nextHop: string | null;
  communities: string[];
  largeCommunities: string[];
  extendedCommunities: string[];
  med: number | null;
  localPref: number | null;
  asPathPrepend: number;
  health: HealthView | null;
}

interface Entry {
  readonly spec: LocalRouteSpec & { healthCheck?: HealthCheckConfig };
  readonly route: LocalRoute;
  readonly source: AnnouncementSource;
  monitor?: HealthMonitor;
  /** The route as announced while the health check is down (whenDown: degrade). */
  degraded?: LocalRoute;
}

export interface AnnouncementEvents {
  /** The set of announced routes (or their attributes) changed; `only`: just this prefix's. */
  changed(only?: Prefix): void;
  /** A health check changed state; `effect` is what the route is now. */
  healthChanged(
    prefix: string,
    state: HealthState,
    last: ProbeResult,
    effect: 'announced' | 'degraded' | 'withdrawn',
  ): void;
}

function checkText(h: HealthCheckConfig): string {
  if (h.command !== undefined) return `command ${h.command}`;
  if (h.tcp !== undefined) return `tcp ${h.tcp}`;
  return `http ${h.http}`;
}

/** A route that could not be sent in a 4,096-octet UPDATE (the API answers 422 routeTooLarge). */
export class RouteTooLarge extends Error {
  override readonly name = 'RouteTooLarge';
}

export class Announcements {
  private configured = new Map<string, Entry>();
  private readonly runtime = new Map<string, Entry>();
  /** Configured routes withdrawn at run time (keys), until the next configure(). */
  private readonly suppressed = new Set<string>();
  /** Kubernetes routes (a prefix may have several, each for its own peers). */
  private kubernetes: Entry[] = [];
  /** The last Kubernetes entry of each prefix (the one in force, as in `effective`). */
  private kubernetesByKey = new Map<string, Entry>();
  /** The routes in force, in `merged()` order; rebuilt on demand after a one-prefix change. */
  private effective: LocalRoute[] | undefined = [];
  /** The route in force per prefix key (the last of `effective` with that prefix). */
  private inForce = new Map<string, LocalRoute>();
  /** Health checks without a first result yet, each holding the initial-state gate. */
  private readonly awaitingFirst = new Map<HealthMonitor, () => void>();

  constructor(
    private readonly events: AnnouncementEvents,
    /** The initial-state gate (End-of-RIB waits for every check's first result). */
    private readonly gate?: { hold(what: string): () => void },
  ) {}

  /** The routes to announce now. */
  routes(): readonly LocalRoute[] {
    this.effective ??= this.build();
    return this.effective;
  }

  /** The route announced now for `prefix`, if any: `routes()`' last one with that prefix, without a scan. */
  routeFor(prefix: Prefix): LocalRoute | undefined {
    return this.inForce.get(prefixKey(prefix));
  }

  /** Replaces the configured announcements; unchanged entries keep their health state. */
  configure(list: readonly AnnouncementConfig[]): AnnouncementDiff {
    const next = new Map<string, Entry>();
    const diff: AnnouncementDiff = { added: [], removed: [], changed: [], reannounced: [], shadowed: [] };
    for (const spec of list) {
      const route = localRoute(spec);
      const key = localRouteKey(route);
      const old = this.configured.get(key);
      if (old && isDeepStrictEqual(old.spec, spec)) {
        next.set(key, old);
        continue;
      }
      const entry: Entry = { spec, route, source: 'config' };
      if (old && isDeepStrictEqual(old.spec.healthCheck, spec.healthCheck)) {
        entry.monitor = old.monitor;
        old.monitor = undefined;
      }
      (old ? diff.changed : diff.added).push(formatPrefix(route.prefix));
      next.set(key, entry);
    }
    for (const [key, old] of this.configured) {
      const kept = next.get(key);
      if (kept !== old) this.stopMonitor(old);
      if (!kept) diff.removed.push(formatPrefix(old.route.prefix));
    }
    this.configured = next;
    // Configured routes withdrawn through the API come back (those still configured, unchanged).
    for (const key of this.suppressed) {
      const e = next.get(key);
      if (e && e === this.configured.get(key)) diff.reannounced.push(formatPrefix(e.route.prefix));
    }
    this.suppressed.clear();
    for (const [key, e] of next) if (this.runtime.has(key)) diff.shadowed.push(formatPrefix(e.route.prefix));
    for (const [key, e] of next) if (e.spec.healthCheck && !e.monitor) this.watch(key, e);
    this.recompute();
    return diff;
  }

  /**
   * Replaces every Kubernetes route with `routes` (a complete snapshot). Unchanged routes keep
   * their identity, so a snapshot that changes nothing sends nothing.
   */
  replaceKubernetes(routes: readonly SourcedRoute[]): void {
    const old = new Map(this.kubernetes.map((e) => [sourcedKey(e.route), e]));
    this.kubernetes = routes.map(({ spec, route }) => {
      const was = old.get(sourcedKey(route));
      return was && isDeepStrictEqual(was.route, route) ? was : { spec, route, source: 'kubernetes' };
    });
    this.kubernetesByKey = new Map(this.kubernetes.map((e) => [kubernetesKeys(e.route).prefix, e]));
    this.recompute();
  }

  /** Adds or replaces a run-time announcement (it overrides a configured one for the same prefix). */
  add(spec: LocalRouteSpec): LocalRoute {
    const route = localRoute(spec);
    const tooLarge = routeSizeProblem(route);
    if (tooLarge) throw new RouteTooLarge(`${spec.prefix}: ${tooLarge}`);
    this.runtime.set(localRouteKey(route), { spec, route, source: 'api' });
    this.recompute(route.prefix);
    return route;
  }

  /**
   * Withdraws a prefix: a run-time announcement goes away; a configured one is held back until the
   * next configure() (reload) or restart. False when neither announces it.
   */
  remove(prefixText: string): boolean {
    const route = localRoute({ prefix: prefixText });
    const key = localRouteKey(route);
    if (this.runtime.delete(key)) {
      this.recompute(route.prefix);
      return true;
    }
    if (!this.configured.has(key) || this.suppressed.has(key)) return false;
    this.suppressed.add(key);
    this.recompute(route.prefix);
    return true;
  }

  /** What the API changed (kept by `stateDir`): run-time routes as announced, configured ones withdrawn. */
  apiState(): RouteState {
    return {
      announced: [...this.runtime.values()].map((e) => e.spec),
      withdrawn: [...this.suppressed].flatMap((key) => {
        const e = this.configured.get(key);
        return e ? [formatPrefix(e.route.prefix)] : [];
      }),
    };
  }

  /** How many rows `views()` has (a configured route shadowed by the API is one more). */
  get size(): number {
    let n = 0;
    for (const _ of this.merged(true)) n++;
    return n;
  }

  /** Each originated route's source and whether it is announced now: `views()` without the details. */
  *states(): Generator<{ readonly source: AnnouncementSource; readonly announced: boolean }> {
    for (const [key, e] of this.merged())
      yield { source: e.source, announced: this.current(key, e) !== undefined };
  }

  /** Every originated route as the API shows it; `healthChecked`: only those with a health check. */
  views(healthChecked = false): AnnouncementView[] {
    const entries = [...this.merged(true)];
    return (healthChecked ? entries.filter(([, e]) => e.spec.healthCheck) : entries).map(([key, e]) => {
      const shadowed = e.source === 'config' && this.runtime.has(key);
      const now = shadowed ? undefined : this.current(key, e);
      const m = e.monitor;
      const h = e.spec.healthCheck;
      return {
        prefix: formatPrefix(e.route.prefix),
        source: e.source,
        announced: now !== undefined,
        degraded: now !== undefined && now !== e.route,
        withdrawn: this.withdrawn(key, e),
        shadowedBy: shadowed ? 'api' : null,
        nextHop: e.spec.nextHop ?? null,
        communities: [...(e.spec.communities ?? [])],
        largeCommunities: [...(e.spec.largeCommunities ?? [])],
        extendedCommunities: [...(e.spec.extendedCommunities ?? [])],
        med: e.route.med ?? null,
        localPref: e.route.localPref ?? null,
        asPathPrepend: e.route.asPathPrepend,
        health:
          h && m
            ? {
                state: m.state,
                check: checkText(h),
                lastResult: m.lastResult?.detail ?? null,
                lastChange: m.lastChange ? new Date(m.lastChange).toISOString() : null,
                successes: m.successes,
                failures: m.failures,
              }
            : null,
      };
    });
  }

  /** Stops every health check. */
  stop(): void {
    for (const e of this.configured.values()) this.stopMonitor(e);
  }

  private stopMonitor(e: Entry): void {
    if (!e.monitor) return;
    e.monitor.stop();
    this.firstResult(e.monitor);
  }

  /** A check has its first result (or is gone): it no longer holds the initial-state gate. */
  private firstResult(monitor: HealthMonitor): void {
    this.awaitingFirst.get(monitor)?.();
    this.awaitingFirst.delete(monitor);
  }

  private watch(key: string, e: Entry): void {
    const h = e.spec.healthCheck as HealthCheckConfig;
    const monitor = new HealthMonitor(h, (state, last) => {
      // The monitor moves to the new entry when a reload changes the route but not the check.
      if (this.configured.get(key)?.monitor !== monitor) return;
      this.recompute(e.route.prefix);
      // After the route changed (and went to the peers' queues), so End-of-RIB follows it.
      this.firstResult(monitor);
      const now = this.inForce.get(key);
      const effect = now === undefined ? 'withdrawn' : now === e.route ? 'announced' : 'degraded';
      this.events.healthChanged(formatPrefix(e.route.prefix), state, last, effect);
    });
    e.monitor = monitor;
    const release = this.gate?.hold(`first health-check result of ${formatPrefix(e.route.prefix)}`);
    if (release) this.awaitingFirst.set(monitor, release);
    monitor.start();
  }

  /** The entries in force (with `shadowed`, also configured ones an API route overrides). */
  private *merged(shadowed = false): Generator<[string, Entry]> {
    for (const [key, e] of this.configured) if (shadowed || !this.runtime.has(key)) yield [key, e];
    yield* this.runtime;
    for (const e of this.kubernetes) {
      const key = kubernetesKeys(e.route).prefix;
      if (!this.configured.has(key) && !this.runtime.has(key)) yield [key, e];
    }
  }

  /** A configured route withdrawn through the API (a run-time route is simply removed). */
  private withdrawn(key: string, e: Entry): boolean {
    return e.source === 'config' && this.suppressed.has(key);
  }

  /** The route an entry contributes now, if any: as configured, degraded, or none (whenDown). */
  private current(key: string, e: Entry): LocalRoute | undefined {
    const h = e.spec.healthCheck;
    if (this.withdrawn(key, e)) return undefined;
    if (!h || e.monitor?.state === 'up') return e.route;
    if (h.whenDown === 'withdraw') return undefined;
    e.degraded ??= {
      ...e.route,
      med: h.degrade?.med ?? e.route.med,
      asPathPrepend: e.route.asPathPrepend + (h.degrade?.asPathPrepend ?? 0),
    };
    return e.degraded;
  }

  /**
   * `only`: the one prefix whose entries changed (the engine then looks at it alone): its route in
   * force is found by key, so announcing through the API does not walk every route (10,000 API
   * routes one by one took 2.4 s, most of it here and in the engine's scan for the prefix).
   */
  private recompute(only?: Prefix): void {
    if (only) {
      const key = prefixKey(only);
      const now = this.inForceFor(key);
      if (now === this.inForce.get(key)) return;
      if (now) this.inForce.set(key, now);
      else this.inForce.delete(key);
      this.effective = undefined;
      this.events.changed(only);
      return;
    }
    const next = this.build();
    // After one-prefix changes the list is not kept (undefined): each of them was said already.
    const before = this.effective;
    if (before && next.length === before.length && next.every((r, i) => r === before[i])) return;
    this.effective = next;
    this.inForce = new Map(next.map((r) => [localRouteKey(r), r]));
    this.events.changed();
  }

  /** Every route in force, in `merged()` order. */
  private build(): LocalRoute[] {
    const next: LocalRoute[] = [];
    for (const [key, e] of this.merged()) {
      const r = this.current(key, e);
      if (r) next.push(r);
    }
    return next;
  }

  /** The route in force for one prefix key, as `merged()` would decide it: API, else configured, else Kubernetes. */
  private inForceFor(key: string): LocalRoute | undefined {
    const runtime = this.runtime.get(key);
    if (runtime) return this.current(key, runtime);
    const configured = this.configured.get(key);
    if (configured) return this.current(key, configured);
    const kubernetes = this.kubernetesByKey.get(key);
    return kubernetes && this.current(key, kubernetes);
  }
}

/**
 * A Kubernetes route's keys, remembered per route object (routes are immutable, and a snapshot
 * that leaves a route unchanged hands over the same object): an FRR-K8s change of one prefix
 * among thousands does not format every prefix again.
 */
const kubernetesKeyCache = new WeakMap<LocalRoute, { prefix: string; sourced: string }>();

function kubernetesKeys(r: LocalRoute): { prefix: string; sourced: string } {
  let keys = kubernetesKeyCache.get(r);
  if (!keys) {
    const prefix = localRouteKey(r);
    keys = { prefix, sourced: `${prefix} ${r.peers?.join(',') ?? '*'}` };
    kubernetesKeyCache.set(r, keys);
  }
  return keys;
}

/** A Kubernetes route's identity: its prefix and the neighbors it is for. */
function sourcedKey(r: LocalRoute): string {
  return kubernetesKeys(r).sourced;
}
