// The routing engine: owns every neighbor's routes (Adj-RIB-In with its stale copy, Adj-RIB-Out)
// and Herald's own routes, as OpenBGPD's route decision engine does apart from its session engine.
// Sessions hand UPDATEs in through a neighbor's `RouteExchange` and write what it gives them; the
// API and metrics read through the query methods here, never through session objects.

import { type CompiledPolicies, evaluate, type Policy, type PolicyContext } from '../policy/index.js';
import type { Clock } from '../session/clock.js';
import { familyKey, type Prefix, prefixKey } from '../wire/index.js';
import type { NotSent, OutRoute } from './adj-rib-out.js';
import type { MultipathOptions } from './best-path.js';
import type { ImportRules } from './import-rules.js';
import { type PrefixSelection, selectPrefix } from './loc-rib.js';
import { exportAttributes, type LocalRoute } from './local-routes.js';
import { NeighborRibs, type SessionFacts } from './neighbor-ribs.js';

export interface RoutingEngineOptions {
  readonly clock: Clock;
  /** Herald's own routes now (config, API, health checks): exported to every neighbor. */
  readonly localRoutes: () => readonly LocalRoute[];
  /** Our ASN (AS_PATH of exported routes). */
  readonly localAsn: () => number;
  /** ECMP: how many equal paths form one route, and whether they may come from different ASes. */
  readonly multipath?: () => MultipathOptions;
  /** Where the engine reports what the operator should hear of (the daemon logs it). */
  readonly report: EngineReports;
}

export interface NeighborSpec {
  readonly address: string;
  /** The name of its import policy (in the compiled policies), if any. */
  readonly importPolicy?: string;
  /** The name of its export policy, if any. */
  readonly exportPolicy?: string;
  readonly configuredAsns: readonly number[];
  readonly importRules?: ImportRules;
  /** Our IPv6 address for IPv6 routes over an IPv4 session, if any. */
  readonly localAddress6?: string;
}

export interface EngineReports {
  /** Routes a neighbor should get but that cannot be sent (once per route and reason). */
  routesNotSent(address: string, routes: readonly NotSent[]): void;
  /** A failure of Herald's own while working on a neighbor's routes (a bug); the rest goes on. */
  internalError(address: string, error: Error): void;
}

/** Told of every prefix whose Loc-RIB entry may have changed, with the entry now (undefined: gone). */
export type LocRibFollower = (prefix: Prefix, selection: PrefixSelection | undefined) => void;

export class RoutingEngine {
  private readonly byAddress = new Map<string, NeighborRibs>();
  /** Export policy names by neighbor address. */
  private readonly exportPolicies = new Map<string, string>();
  private policies?: CompiledPolicies;
  private readonly followers = new Set<LocRibFollower>();
  /** Originated prefixes at the last change (to report the ones withdrawn). */
  private lastLocal: Prefix[] = [];

  constructor(private readonly opts: RoutingEngineOptions) {}

  /** The Loc-RIB entry of one prefix: every path, best and ECMP set, and why the others lost. */
  select(prefix: Prefix): PrefixSelection | undefined {
    const key = prefixKey(prefix);
    const local = this.opts.localRoutes().find((r) => prefixKey(r.prefix) === key);
    const multipath = this.opts.multipath?.() ?? { maximumPaths: 1, multipathRelax: false };
    return selectPrefix(prefix, this.byAddress.values(), local, {
      localAsn: this.opts.localAsn(),
      ...multipath,
    });
  }

  /**
   * Calls `follower` for every prefix whose paths change from now on (the kernel routes, export of
   * learned routes). While nobody follows, ingest does no Loc-RIB work. Returns the unfollow.
   */
  followLocRib(follower: LocRibFollower): () => void {
    this.followers.add(follower);
    this.setTracking();
    return () => {
      this.followers.delete(follower);
      this.setTracking();
    };
  }

  private setTracking(): void {
    for (const n of this.byAddress.values()) n.trackChanges(this.followers.size > 0);
  }

  private pathsChanged(prefixes: readonly Prefix[]): void {
    if (this.followers.size === 0) return;
    const done = new Set<string>();
    for (const p of prefixes) {
      const key = prefixKey(p);
      if (done.has(key)) continue;
      done.add(key);
      const selection = this.select(p);
      for (const f of this.followers) f(p, selection);
    }
  }

  /** Creates (or replaces) the routes of a neighbor; the session uses the result as its `RouteExchange`. */
  addNeighbor(spec: NeighborSpec): NeighborRibs {
    this.removeNeighbor(spec.address);
    const ribs = new NeighborRibs({
      address: spec.address,
      configuredAsns: spec.configuredAsns,
      importRules: spec.importRules,
      clock: this.opts.clock,
      exportRoutes: (session) => this.exportTo(spec.address, session, spec.localAddress6),
      failed: (e) => this.opts.report.internalError(spec.address, e),
      notSent: (routes) => this.opts.report.routesNotSent(spec.address, routes),
      pathsChanged: (prefixes) => this.pathsChanged(prefixes),
      localAsn: this.opts.localAsn,
    });
    ribs.setImportPolicy(this.policyNamed(spec.importPolicy));
    if (spec.exportPolicy !== undefined) this.exportPolicies.set(spec.address, spec.exportPolicy);
    ribs.trackChanges(this.followers.size > 0);
    this.byAddress.set(spec.address, ribs);
    return ribs;
  }

  /** The compiled policies neighbors name (start, reload); applied by `setImportPolicy`. */
  setPolicies(policies: CompiledPolicies): void {
    this.policies = policies;
  }

  /**
   * Judges a neighbor's routes again by the named import policy, in place, without a session
   * reset: the routes are kept as received (soft reconfiguration inbound).
   */
  setImportPolicy(address: string, name: string | undefined): void {
    this.byAddress.get(address)?.setImportPolicy(this.policyNamed(name));
  }

  /** Applies a neighbor's (new) export policy: its Adj-RIB-Out is brought up to date in place. */
  setExportPolicy(address: string, name: string | undefined): void {
    if (name === undefined) this.exportPolicies.delete(address);
    else this.exportPolicies.set(address, name);
    this.byAddress.get(address)?.sync();
  }

  private policyNamed(name: string | undefined): Policy | undefined {
    return name === undefined ? undefined : this.policies?.policies.get(name);
  }

  removeNeighbor(address: string): void {
    this.byAddress.get(address)?.dispose();
    this.byAddress.delete(address);
    this.exportPolicies.delete(address);
  }

  neighbor(address: string): NeighborRibs | undefined {
    return this.byAddress.get(address);
  }

  neighbors(): IterableIterator<NeighborRibs> {
    return this.byAddress.values();
  }

  localRoutes(): readonly LocalRoute[] {
    return this.opts.localRoutes();
  }

  /** Herald's own routes changed: bring every Established neighbor's Adj-RIB-Out up to date. */
  localRoutesChanged(): void {
    for (const n of this.byAddress.values()) n.sync();
    if (this.followers.size === 0) return;
    // Which ones changed is not known here: every originated prefix, and those that went away.
    const now = this.opts.localRoutes().map((r) => r.prefix);
    const gone = this.lastLocal.filter((p) => !now.some((q) => prefixKey(q) === prefixKey(p)));
    this.lastLocal = now;
    this.pathsChanged([...now, ...gone]);
  }

  /**
   * What a neighbor gets on `session`: Herald's own routes, with next-hop self by default, through
   * the neighbor's export policy when it has one.
   */
  private exportTo(address: string, session: SessionFacts, localAddress6: string | undefined): OutRoute[] {
    const out: OutRoute[] = [];
    const ctx = {
      localAsn: this.opts.localAsn(),
      ibgp: session.ibgp,
      localAddress: session.localAddress ?? '0.0.0.0',
      localAddress6,
      ipv4OverIpv6: session.ipv4OverIpv6,
    };
    const policy = this.policyNamed(this.exportPolicies.get(address));
    const policyCtx: PolicyContext = {
      direction: 'export',
      routeType: 'originated',
      neighborAddress: address,
      neighborAsn: session.peerAsn,
      localAsn: ctx.localAsn,
      nextHopSelf: {
        ipv4: session.localAddress?.includes(':') ? undefined : session.localAddress,
        ipv6: localAddress6,
      },
    };
    for (const r of this.opts.localRoutes()) {
      if (!session.families.has(familyKey(r.prefix.afi, 1))) continue;
      if (r.peers && !r.peers.includes(address)) continue;
      const attributes = exportAttributes(r, ctx);
      if (!attributes) continue;
      if (!policy) {
        out.push({ prefix: r.prefix, attributes });
        continue;
      }
      const judged = evaluate(policy, { prefix: r.prefix, attributes }, policyCtx);
      if (judged.accepted) out.push({ prefix: r.prefix, attributes: judged.attributes });
    }
    return out;
  }
}
