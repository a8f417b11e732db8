// The routing engine: owns every neighbor's routes (Adj-RIB-In with its stale copy, Adj-RIB-Out)
// and Herald's own routes, as OpenBGPD's route decision engine does apart from its session engine.
// Sessions hand UPDATEs in through a neighbor's `RouteExchange` and write what it gives them; the
// API and metrics read through the query methods here, never through session objects.

import type { CompiledPolicies, Policy } from '../policy/index.js';
import type { Clock } from '../session/clock.js';
import {
  Afi,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  ipv4Key,
  type PathAttributes,
  type Prefix,
  prefixKey,
} from '../wire/index.js';
import type { NotSent, OutRoute } from './adj-rib-out.js';
import { decodedAttributes } from './attribute-store.js';
import type { MultipathOptions } from './best-path.js';
import type { ImportRules } from './import-rules.js';
import {
  judgeExport,
  type LearnedExport,
  learnedExport,
  learnedRouteFor,
  takesLearnedRoutes,
} from './learned-export.js';
import { type PrefixSelection, pathsOf, selectPrefix } from './loc-rib.js';
import { exportAttributes, type LocalRoute } from './local-routes.js';
import { type MaxPrefixes, NeighborRibs, type SessionFacts } from './neighbor-ribs.js';
import { prefixesOf } from './route-view.js';

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
  /** Max-prefix limit and what to do past it. */
  readonly maxPrefixes?: MaxPrefixes;
  readonly configuredAsns: readonly number[];
  readonly importRules?: ImportRules;
  /** Our IPv6 address for IPv6 routes over an IPv4 session, if any. */
  readonly localAddress6?: string;
}

/** What `herald policy test` shows: the policy, and per path its verdict and the attributes after it. */
export interface PolicyTestResult {
  readonly policy: string | null;
  readonly paths: { pathId: number; accepted: boolean; decidedBy: string; attributes: PathAttributes }[];
  /** Export: why the neighbor gets nothing for the prefix. */
  readonly refused?: string;
}

export interface EngineReports {
  /** Routes a neighbor should get but that cannot be sent (once per route and reason). */
  routesNotSent(address: string, routes: readonly NotSent[]): void;
  /** A failure of Herald's own while working on a neighbor's routes (a bug); the rest goes on. */
  internalError(address: string, error: Error): void;
}

/** Told of every prefix whose Loc-RIB entry may have changed, with the entry now (undefined: gone). */
export type LocRibFollower = (prefix: Prefix, selection: PrefixSelection | undefined) => void;

/** A prefix as a map key: a number for IPv4 (no allocation), the prefix key text otherwise. */
function routeKey(p: Prefix): number | string {
  return p.afi === Afi.IPV4 && p.pathId === undefined ? ipv4Key(p.bytes, 0, p.length) : prefixKey(p);
}

export class RoutingEngine {
  private readonly byAddress = new Map<string, NeighborRibs>();
  /** Export policy names by neighbor address. */
  private readonly exportPolicies = new Map<string, string>();
  private readonly importPolicyNames = new Map<string, string>();
  private readonly localAddress6 = new Map<string, string | undefined>();
  /** Loc-RIB changes waiting to reach the Adj-RIBs-Out (flushed once per turn). */
  private readonly pendingExports = new Map<
    number | string,
    { key: number | string; prefix: Prefix; selection: PrefixSelection | undefined }
  >();
  private unfollowLearned?: () => void;
  /** Herald's own routes by prefix key, rebuilt when they change. */
  private localIndex?: Map<number | string, LocalRoute>;
  private policies?: CompiledPolicies;
  private readonly followers = new Set<LocRibFollower>();
  /** Originated prefixes at the last change (to report the ones withdrawn). */
  private lastLocal: Prefix[] = [];

  constructor(private readonly opts: RoutingEngineOptions) {}

  /** The Loc-RIB entry of one prefix: every path, best and ECMP set, and why the others lost. */
  select(prefix: Prefix): PrefixSelection | undefined {
    const locals = this.localByKey();
    const local = locals.size === 0 ? undefined : locals.get(routeKey(prefix));
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

  /** Reports every prefix held to the followers again (their filter changed, e.g. on reload). */
  revisitAll(): void {
    if (this.followers.size === 0) return;
    for (const n of this.byAddress.values())
      for (const family of [IPV4_UNICAST, IPV6_UNICAST])
        for (const table of n.stale ? [n.adjRibIn, n.stale] : [n.adjRibIn])
          this.pathsChanged(prefixesOf(table, family));
  }

  private setTracking(): void {
    for (const n of this.byAddress.values()) n.trackChanges(this.followers.size > 0);
  }

  /** Reports each changed prefix (a repeat is harmless: followers compare with what they hold). */
  private pathsChanged(prefixes: readonly Prefix[]): void {
    if (this.followers.size === 0) return;
    for (const p of prefixes) {
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
      maxPrefixes: spec.maxPrefixes,
    });
    ribs.setImportPolicy(this.policyNamed(spec.importPolicy));
    if (spec.importPolicy !== undefined) this.importPolicyNames.set(spec.address, spec.importPolicy);
    if (spec.exportPolicy !== undefined) this.exportPolicies.set(spec.address, spec.exportPolicy);
    ribs.trackChanges(this.followers.size > 0);
    this.byAddress.set(spec.address, ribs);
    this.localAddress6.set(spec.address, spec.localAddress6);
    this.updateLearnedFollow();
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
    if (name === undefined) this.importPolicyNames.delete(address);
    else this.importPolicyNames.set(address, name);
    this.byAddress.get(address)?.setImportPolicy(this.policyNamed(name));
  }

  /** Applies a neighbor's (new) export policy: its Adj-RIB-Out is brought up to date in place. */
  setExportPolicy(address: string, name: string | undefined): void {
    if (name === undefined) this.exportPolicies.delete(address);
    else this.exportPolicies.set(address, name);
    this.updateLearnedFollow();
    this.byAddress.get(address)?.sync();
  }

  private policyNamed(name: string | undefined): Policy | undefined {
    return name === undefined ? undefined : this.policies?.policies.get(name);
  }

  removeNeighbor(address: string): void {
    this.byAddress.get(address)?.dispose();
    this.byAddress.delete(address);
    this.exportPolicies.delete(address);
    this.importPolicyNames.delete(address);
    this.localAddress6.delete(address);
    this.updateLearnedFollow();
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

  private localByKey(): Map<number | string, LocalRoute> {
    this.localIndex ??= new Map(this.opts.localRoutes().map((r) => [routeKey(r.prefix), r]));
    return this.localIndex;
  }

  /** Herald's own routes changed: bring every Established neighbor's Adj-RIB-Out up to date. */
  localRoutesChanged(): void {
    this.localIndex = undefined;
    for (const n of this.byAddress.values()) n.sync();
    if (this.followers.size === 0) return;
    // Which ones changed is not known here: every originated prefix, and those that went away.
    const now = this.opts.localRoutes().map((r) => r.prefix);
    const gone = this.lastLocal.filter((p) => !now.some((q) => prefixKey(q) === prefixKey(p)));
    this.lastLocal = now;
    this.pathsChanged([...now, ...gone]);
  }

  /**
   * What a neighbor gets on `session` (a full sync): Herald's own routes, with next-hop self by
   * default, through the neighbor's export policy when it has one; and, where RFC 4271 and the
   * export policy allow, the Loc-RIB's learned routes (see learned-export.ts).
   */
  private exportTo(address: string, session: SessionFacts, localAddress6: string | undefined): OutRoute[] {
    const out: OutRoute[] = [];
    const local = new Set<string>();
    for (const r of this.opts.localRoutes()) {
      local.add(prefixKey(r.prefix));
      const route = this.localExport(address, session, localAddress6, r);
      if (route) out.push(route);
    }
    const target = this.learnedTarget(address, session, localAddress6);
    if (!takesLearnedRoutes({ ibgp: session.ibgp, exportPolicy: target.exportPolicy })) return out;
    // An iBGP neighbor takes only eBGP-learned routes (RFC 4271 §9.2): none without an eBGP neighbor.
    if (session.ibgp && ![...this.byAddress.keys()].some((a) => a !== address && this.ibgpOf(a) === false))
      return out;
    for (const prefix of this.allPrefixes()) {
      if (local.has(prefixKey(prefix))) continue;
      const route = learnedRouteFor(prefix, this.select(prefix), target, this.ibgpOf);
      if (route) out.push(route);
    }
    return out;
  }

  /**
   * `herald policy test`: what a neighbor's import policy does with each path it sent for `prefix`,
   * or what the neighbor gets for it (Herald's own route or a learned one) and why.
   */
  policyTest(address: string, prefix: Prefix, direction: 'import' | 'export'): PolicyTestResult | undefined {
    const n = this.byAddress.get(address);
    if (!n) return undefined;
    if (direction === 'import') {
      const policy = this.importPolicyNames.get(address);
      return {
        policy: policy ?? null,
        paths: pathsOf(n.adjRibIn, prefix).map(([pathId, setId]) => {
          const set = n.adjRibIn.attributes.get(setId);
          const received = set ? decodedAttributes(set) : {};
          const judged = n.judgeImport(prefix, received);
          return {
            pathId,
            accepted: judged.accepted,
            decidedBy: judged.decidedBy,
            attributes: judged.attributes,
          };
        }),
      };
    }
    const policy = this.exportPolicies.get(address) ?? null;
    const session = n.session;
    if (!session) return { policy, paths: [], refused: 'the session is not Established' };
    const localAddress6 = this.localAddress6.get(address);
    const own = this.opts.localRoutes().find((r) => prefixKey(r.prefix) === prefixKey(prefix));
    const e = own
      ? this.localExportExplained(address, session, localAddress6, own)
      : learnedExport(
          prefix,
          this.select(prefix),
          this.learnedTarget(address, session, localAddress6),
          this.ibgpOf,
        );
    if ('refused' in e) return { policy, paths: [], refused: e.refused };
    return {
      policy,
      paths: [
        {
          pathId: 0,
          accepted: true,
          decidedBy: e.decidedBy ?? 'no export policy',
          attributes: e.route.attributes,
        },
      ],
    };
  }

  /** One route Herald originates as `address` gets it, or undefined (not for it, or refused). */
  private localExport(
    address: string,
    session: SessionFacts,
    localAddress6: string | undefined,
    r: LocalRoute,
  ): OutRoute | undefined {
    const e = this.localExportExplained(address, session, localAddress6, r);
    return 'route' in e ? e.route : undefined;
  }

  private localExportExplained(
    address: string,
    session: SessionFacts,
    localAddress6: string | undefined,
    r: LocalRoute,
  ): LearnedExport {
    if (!session.families.has(familyKey(r.prefix.afi, 1)))
      return { refused: 'the family is not negotiated on this session' };
    if (r.peers && !r.peers.includes(address)) return { refused: 'the announcement names other neighbors' };
    const target = this.learnedTarget(address, session, localAddress6);
    const attributes = exportAttributes(r, {
      localAsn: target.localAsn,
      ibgp: session.ibgp,
      localAddress: session.localAddress ?? '0.0.0.0',
      localAddress6,
      ipv4OverIpv6: session.ipv4OverIpv6,
    });
    if (!attributes) return { refused: 'no usable next hop for this family on this session' };
    return judgeExport(r.prefix, attributes, 'originated', target);
  }

  private learnedTarget(address: string, session: SessionFacts, localAddress6: string | undefined) {
    return {
      address,
      session,
      localAsn: this.opts.localAsn(),
      localAddress6,
      exportPolicy: this.policyNamed(this.exportPolicies.get(address)),
    };
  }

  /** iBGP or not: from the session when up, else from the configured ASNs. */
  private readonly ibgpOf = (address: string): boolean | undefined => {
    const n = this.byAddress.get(address);
    if (!n) return undefined;
    if (n.session) return n.session.ibgp;
    const asn = this.opts.localAsn();
    return n.configuredAsns.length > 0 && n.configuredAsns.every((a) => a === asn);
  };

  /** Every prefix any neighbor holds (current or stale), once. */
  private *allPrefixes(): Generator<Prefix> {
    const seen = new Set<string>();
    for (const n of this.byAddress.values())
      for (const table of n.stale ? [n.adjRibIn, n.stale] : [n.adjRibIn])
        for (const family of [IPV4_UNICAST, IPV6_UNICAST])
          for (const p of prefixesOf(table, family)) {
            const key = prefixKey(p);
            if (seen.has(key)) continue;
            seen.add(key);
            yield p;
          }
  }

  /**
   * Follows the Loc-RIB while some neighbor may get learned routes (an iBGP neighbor, or one with
   * an export policy); otherwise ingest does no Loc-RIB work for export.
   */
  private updateLearnedFollow(): void {
    // A learned route can go somewhere only if some neighbor takes one from another: an eBGP
    // neighbor with an export policy (from anyone else), or an iBGP neighbor (from an eBGP one:
    // iBGP-learned routes never go to iBGP, RFC 4271 §9.2). Otherwise the Loc-RIB is not followed.
    const all = [...this.byAddress.values()].map((n) => ({
      address: n.address,
      ibgp: this.ibgpOf(n.address) ?? false,
      exportPolicy: this.policyNamed(this.exportPolicies.get(n.address)),
    }));
    const need = all.some((t) =>
      t.ibgp
        ? all.some((s) => s.address !== t.address && !s.ibgp)
        : t.exportPolicy !== undefined && all.length > 1,
    );
    if (need && !this.unfollowLearned)
      this.unfollowLearned = this.followLocRib((prefix, selection) => this.queueExport(prefix, selection));
    else if (!need && this.unfollowLearned) {
      this.unfollowLearned();
      this.unfollowLearned = undefined;
    }
  }

  private queueExport(prefix: Prefix, selection: PrefixSelection | undefined): void {
    const key = routeKey(prefix);
    this.pendingExports.set(key, { key, prefix, selection });
    if (this.pendingExports.size > 1) return;
    // Flushed once per turn: the changes of one UPDATE (or several) go out packed together.
    queueMicrotask(() => this.flushExports());
  }

  private flushExports(): void {
    const pending = [...this.pendingExports.values()];
    this.pendingExports.clear();
    const local = this.localByKey();
    for (const n of this.byAddress.values()) {
      const session = n.session;
      if (!session) continue;
      const localAddress6 = this.localAddress6.get(n.address);
      const target = this.learnedTarget(n.address, session, localAddress6);
      if (!takesLearnedRoutes({ ibgp: session.ibgp, exportPolicy: target.exportPolicy })) continue;
      const changes: { prefix: Prefix; route?: OutRoute }[] = [];
      for (const { key, prefix, selection } of pending) {
        const own = local.get(key);
        const route = own
          ? this.localExport(n.address, session, localAddress6, own)
          : learnedRouteFor(prefix, selection, target, this.ibgpOf);
        // Nothing to send and nothing to withdraw: the neighbor never had this prefix.
        if (route || n.adjRibOut.holds(prefix)) changes.push({ prefix, route });
      }
      n.exportChanged(changes);
    }
  }
}
