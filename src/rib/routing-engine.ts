// The routing engine: owns every neighbor's routes (Adj-RIB-In with its stale copy, Adj-RIB-Out)
// and Herald's own routes, as OpenBGPD's route decision engine does apart from its session engine.
// Sessions hand UPDATEs in through a neighbor's `RouteExchange` and write what it gives them; the
// API and metrics read through the query methods here, never through session objects.

import { type CompiledPolicies, type CompiledTerm, type Policy, withAlwaysBlock } from '../policy/index.js';
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
import type { AdjRibIn } from './adj-rib-in.js';
import type { DesiredRoutes, NotSent } from './adj-rib-out.js';
import { decodedAttributes } from './attribute-store.js';
import type { DecisionOptions, MultipathOptions } from './best-path.js';
import { ExportGroup, exportSignature } from './export-groups.js';
import {
  type ExportTarget,
  exportTarget,
  learnedOut,
  learnedOuts,
  localExport,
  localOut,
} from './export-target.js';
import type { ImportRules } from './import-rules.js';
import {
  type LearnedExportTarget,
  learnedExport,
  type PathSource,
  reflects,
  takesLearnedRoutes,
} from './learned-export.js';
import { type PrefixSelection, pathsOf, type RoutePath, selectPrefix } from './loc-rib.js';
import type { LocalRoute } from './local-routes.js';
import { type MaxPrefixes, NeighborRibs, type SessionFacts } from './neighbor-ribs.js';
import { type OutSet, OutSetRegistry } from './out-sets.js';
import { RetiredRoutes } from './retired-routes.js';
import { ipv4Prefix, prefixesOf } from './route-view.js';

export interface RoutingEngineOptions {
  readonly clock: Clock;
  /** Herald's own routes now (config, API, health checks): exported to every neighbor. */
  readonly localRoutes: () => readonly LocalRoute[];
  /** The last of `localRoutes()` for a prefix, found without a scan (optional: else they are scanned). */
  readonly localRouteFor?: (prefix: Prefix) => LocalRoute | undefined;
  /** Our ASN (AS_PATH of exported routes). */
  readonly localAsn: () => number;
  /** ECMP: how many equal paths form one route, and whether they may come from different ASes. */
  readonly multipath?: () => MultipathOptions;
  /** The decision process knobs (alwaysCompareMed, deterministicMed), read on every selection. */
  readonly decision?: () => DecisionOptions;
  /** Where the engine reports what the operator should hear of (the daemon logs it). */
  readonly report: EngineReports;
  /** Resolves once Herald's own routes are known after start: End-of-RIB waits for it. */
  readonly settled?: () => Promise<void>;
  /** The CLUSTER_ID of reflected routes (RFC 4456 §8): the configured one, else the router id. */
  readonly clusterId?: () => string | undefined;
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
  /** The AS its session speaks as, when not the engine's (BIRD's per-protocol `local as`). */
  readonly localAsn?: number;
  readonly importRules?: ImportRules;
  /** Our IPv6 address for IPv6 routes over an IPv4 session, if any. */
  readonly localAddress6?: string;
  /** An iBGP neighbor that is our route-reflector client (RFC 4456). */
  readonly routeReflectorClient?: boolean;
  /** With add-path send negotiated (RFC 7911): at most this many paths per prefix (default: all). */
  readonly addPathSendMax?: number;
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

/** Stages the paths a neighbor gets for `prefix` (RFC 7911 send): those it no longer gets are withdrawn. */
function stagePaths(n: NeighborRibs, prefix: Prefix, wanted: readonly [number, OutSet][]): void {
  const held = n.adjRibOut.pathIds(prefix);
  for (const [pathId, out] of wanted) {
    held.delete(pathId);
    n.adjRibOut.stage({ ...prefix, pathId }, out);
  }
  for (const pathId of held) n.adjRibOut.stage({ ...prefix, pathId }, undefined);
}

/** Whether two prefixes (without path ids) are the same, compared without allocating. */
function samePrefix(a: Prefix, b: Prefix): boolean {
  if (a.afi !== b.afi || a.length !== b.length) return false;
  for (let i = (a.length + 7) >> 3; i-- > 0; ) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** A prefix as a map key: a number for IPv4 (no allocation), the prefix key text otherwise. */
function routeKey(p: Prefix): number | string {
  return p.afi === Afi.IPV4 && p.pathId === undefined ? ipv4Key(p.bytes, 0, p.length) : prefixKey(p);
}

/** Changes of at most this many prefixes are staged and sent one target after another. */
const SENT_PER_TARGET = 64;

/** A prefix's Loc-RIB selection, made when first asked for (no target may need it). */
class LazySelection {
  private made = false;
  private value?: PrefixSelection;

  constructor(
    private readonly select: (prefix: Prefix) => PrefixSelection | undefined,
    private prefix?: Prefix,
  ) {}

  reset(prefix: Prefix): void {
    this.prefix = prefix;
    this.made = false;
    this.value = undefined;
  }

  get(): PrefixSelection | undefined {
    if (!this.made && this.prefix) {
      this.value = this.select(this.prefix);
      this.made = true;
    }
    return this.value;
  }
}

export class RoutingEngine {
  private readonly byAddress = new Map<string, NeighborRibs>();
  /** Export policy names by neighbor address. */
  private readonly exportPolicies = new Map<string, string>();
  private readonly importPolicyNames = new Map<string, string>();
  private alwaysBlock?: CompiledTerm;
  private readonly localAddress6 = new Map<string, string | undefined>();
  /** Our route-reflector clients, by address. */
  private readonly clients = new Set<string>();
  /** Add-path send limits, by address. */
  private readonly sendMax = new Map<string, number>();
  /** A small number per neighbor: the high bits of the path ids of its paths (RFC 7911 send). */
  private readonly sourceIndex = new Map<string, number>();
  /** Prefixes whose Loc-RIB entry changed, waiting to reach the Adj-RIBs-Out (flushed once per turn). */
  private pendingExports = new Map<number | string, Prefix>();
  /** Some neighbor may take a learned route from another: Loc-RIB changes are exported. */
  private exportsLearned = false;
  /** Numbers the out sets of every Adj-RIB-Out. */
  private readonly outSets = new OutSetRegistry();
  /** Export groups by signature (see export-groups.ts); dropped when policies change. */
  private groups = new Map<string, ExportGroup>();
  /** Bumped when pruneGroups forgets a group: a remembered target may hold it. */
  private groupsPruned = 0;
  /** Each neighbor's last export target and what it was made from (targetFor). */
  private readonly targets = new WeakMap<NeighborRibs, TargetMemo>();
  /** Herald's own routes by prefix key, rebuilt when they change. */
  private localIndex?: Map<number | string, LocalRoute>;
  private policies?: CompiledPolicies;
  private readonly followers = new Set<LocRibFollower>();
  /** Herald's own routes at the last change, by prefix key (to find what changed). */
  private lastLocal = new Map<number | string, LocalRoute>();
  /** Routes taken out of service (sessions down, stale families swept), let go of a batch per turn. */
  readonly retired = new RetiredRoutes();

  constructor(private readonly opts: RoutingEngineOptions) {}

  /** Out sets the Adj-RIBs-Out refer to (shared by neighbors of one export group). */
  get outSetCount(): number {
    return this.outSets.size;
  }

  /** The Loc-RIB entry of one prefix: every path, best and ECMP set, and why the others lost. */
  select(prefix: Prefix): PrefixSelection | undefined {
    const locals = this.localByKey();
    const local = locals.size === 0 ? undefined : locals.get(routeKey(prefix));
    const multipath = this.opts.multipath?.() ?? { maximumPaths: 1, multipathRelax: false };
    return selectPrefix(prefix, this.byAddress.values(), local, {
      localAsn: this.opts.localAsn(),
      ...multipath,
      ...this.opts.decision?.(),
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

  /** Decides every prefix held again, for the followers and the exports (a reload changed the decision or a filter). */
  revisitAll(): void {
    // Both the Loc-RIB's followers (kernel routes) and the Adj-RIBs-Out of learned routes follow
    // the decision: without kernel routes, peers would keep the old best paths.
    if (!this.tracking) return;
    for (const n of this.byAddress.values())
      for (const family of [IPV4_UNICAST, IPV6_UNICAST])
        for (const table of n.stale ? [n.adjRibIn, n.stale] : [n.adjRibIn])
          this.pathsChanged(prefixesOf(table, family));
  }

  private setTracking(): void {
    for (const n of this.byAddress.values()) n.trackChanges(this.tracking);
  }

  private get tracking(): boolean {
    return this.followers.size > 0 || this.exportsLearned;
  }

  /** Reports each changed prefix (a repeat is harmless: followers compare with what they hold). */
  private pathsChanged(prefixes: readonly Prefix[]): void {
    // Queued already this turn: the flush picks the targets (hasLearnedTargets loops over them all).
    if (this.exportsLearned && (this.pendingExports.size > 0 || this.hasLearnedTargets()))
      this.queueExports(prefixes);
    if (this.followers.size === 0) return;
    for (const p of prefixes) {
      const selection = this.select(p);
      for (const f of this.followers) f(p, selection);
    }
  }

  /** Creates (or replaces) the routes of a neighbor; the session uses the result as its `RouteExchange`. */
  addNeighbor(spec: NeighborSpec): NeighborRibs {
    this.removeNeighbor(spec.address);
    const ownAsn = spec.localAsn;
    const ribs = new NeighborRibs({
      address: spec.address,
      configuredAsns: spec.configuredAsns,
      importRules: spec.importRules,
      clock: this.opts.clock,
      exportRoutes: (session) => this.desiredFor(spec.address, session),
      outSets: this.outSets,
      sessionStarted: () => this.updateLearnedFollow(),
      sessionEnded: () => {
        this.pruneGroups();
        this.updateLearnedFollow();
      },
      failed: (e) => this.opts.report.internalError(spec.address, e),
      notSent: (routes) => this.opts.report.routesNotSent(spec.address, routes),
      pathsChanged: (prefixes) => this.pathsChanged(prefixes),
      updatesHandled: () => this.flushExports(),
      localAsn: ownAsn === undefined ? this.opts.localAsn : () => ownAsn,
      maxPrefixes: spec.maxPrefixes,
      settled: this.opts.settled,
      retired: this.retired,
    });
    ribs.setImportPolicy(this.policyNamed(spec.importPolicy));
    if (spec.importPolicy !== undefined) this.importPolicyNames.set(spec.address, spec.importPolicy);
    if (spec.exportPolicy !== undefined) this.exportPolicies.set(spec.address, spec.exportPolicy);
    ribs.trackChanges(this.tracking);
    this.byAddress.set(spec.address, ribs);
    this.localAddress6.set(spec.address, spec.localAddress6);
    if (spec.routeReflectorClient) this.clients.add(spec.address);
    if (spec.addPathSendMax !== undefined) this.sendMax.set(spec.address, spec.addPathSendMax);
    this.sourceIndex.set(spec.address, this.freeSourceIndex());
    this.updateLearnedFollow();
    return ribs;
  }

  /** The compiled policies neighbors name (start, reload); applied by `setImportPolicy`. */
  setPolicies(policies: CompiledPolicies): void {
    this.policies = policies;
    this.groups = new Map();
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
    this.groups = new Map();
    this.updateLearnedFollow();
    this.byAddress.get(address)?.sync();
  }

  /**
   * The prefixes no neighbor's routes are accepted for (always-block.ts), in front of every import
   * policy; each neighbor's routes are judged again in place.
   */
  setAlwaysBlock(block: CompiledTerm | undefined): void {
    this.alwaysBlock = block;
    for (const [address, ribs] of this.byAddress)
      ribs.setImportPolicy(this.policyNamed(this.importPolicyNames.get(address)));
  }

  private policyNamed(name: string | undefined): Policy | undefined {
    const named = name === undefined ? undefined : this.policies?.policies.get(name);
    return withAlwaysBlock(named, this.alwaysBlock);
  }

  removeNeighbor(address: string): void {
    this.byAddress.get(address)?.dispose();
    this.byAddress.delete(address);
    this.exportPolicies.delete(address);
    this.importPolicyNames.delete(address);
    this.localAddress6.delete(address);
    this.clients.delete(address);
    this.sendMax.delete(address);
    this.sourceIndex.delete(address);
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

  /**
   * Herald's own routes changed: each Established neighbor gets the originated prefixes whose route
   * changed (a new route object: added, changed, or gone — then withdrawn, or the learned route for
   * it) staged and sent; the rest of its Adj-RIB-Out is not walked, nor are unchanged routes.
   * `only`: the caller knows that no other prefix's route changed.
   */
  localRoutesChanged(only?: Prefix): void {
    // One route added or withdrawn (the API): the index is patched, not rebuilt — with 100,000 own
    // routes a rebuild per call took 0.2–1 s and tens of MB of garbage.
    if (only && this.localIndex === this.lastLocal) {
      this.localRouteChanged(only);
      return;
    }
    const before = this.lastLocal;
    this.localIndex = undefined;
    const now = this.localByKey();
    this.lastLocal = now;
    const changed: Prefix[] = [];
    for (const [key, r] of now) if (before.get(key) !== r) changed.push(r.prefix);
    const gone: Prefix[] = [];
    for (const [key, r] of before) if (!now.has(key)) gone.push(r.prefix);
    this.ownRoutesChanged(changed, gone);
  }

  /** `localRoutesChanged` when only `prefix` may have changed: one lookup (or scan), no new index. */
  private localRouteChanged(prefix: Prefix): void {
    let now: LocalRoute | undefined;
    if (this.opts.localRouteFor) now = this.opts.localRouteFor(prefix);
    else for (const r of this.opts.localRoutes()) if (samePrefix(r.prefix, prefix)) now = r; // the last wins, as in the index
    const key = routeKey(prefix);
    const was = this.lastLocal.get(key);
    if (now === was) return;
    if (now) this.lastLocal.set(key, now);
    else this.lastLocal.delete(key);
    if (now) this.ownRoutesChanged([now.prefix], []);
    else if (was) this.ownRoutesChanged([], [was.prefix]);
  }

  /** Stages and reports own routes that changed (a new route object) and those that went away. */
  private ownRoutesChanged(changed: readonly Prefix[], gone: readonly Prefix[]): void {
    this.exportPrefixes([...changed, ...gone], this.exportTargets(true));
    this.pathsChanged(gone);
    if (this.followers.size === 0) return;
    for (const p of changed) {
      const selection = this.select(p);
      for (const f of this.followers) f(p, selection);
    }
  }

  /**
   * What a neighbor gets on `session` (a full sync), walked as its Adj-RIB-Out asks: Herald's own
   * routes, then, where RFC 4271 and the export policy allow, the Loc-RIB's learned routes.
   */
  private *desiredFor(address: string, session: SessionFacts): DesiredRoutes {
    const n = this.byAddress.get(address);
    if (!n) return;
    const t = this.targetFor(n, session);
    const locals = this.localByKey();
    for (const r of locals.values()) {
      const out = localOut(r, t);
      if (out) yield [r.prefix, out];
    }
    if (!this.mayGetLearned(n, t)) return;
    for (const prefix of this.allPrefixes()) {
      if (locals.size > 0 && locals.has(routeKey(prefix))) continue;
      if (this.addPathTo(t, prefix)) {
        for (const [pathId, out] of this.learnedPaths(prefix, this.select(prefix), t)) {
          n.hasLearned = true;
          yield [{ ...prefix, pathId }, out];
        }
        continue;
      }
      const out = learnedOut(prefix, this.select(prefix), t, this.sourceOf);
      if (!out) continue;
      n.hasLearned = true;
      yield [prefix, out];
    }
  }

  /** Whether `t` gets several paths per prefix of this family (RFC 7911 send negotiated). */
  private addPathTo(t: ExportTarget, prefix: Prefix): boolean {
    return t.session.send.addPath.size > 0 && t.session.send.addPath.has(familyKey(prefix.afi, 1));
  }

  private learnedPaths(prefix: Prefix, selection: PrefixSelection | undefined, t: ExportTarget) {
    return learnedOuts(prefix, selection, t, this.sourceOf, this.outPathId, this.sendMax.get(t.address));
  }

  /**
   * The path id a Loc-RIB path is sent with (RFC 7911): the source neighbor's number in the high 12
   * bits, the path id it was received with in the low 20 (0 for Herald's own route). Stable while
   * both stay, so a path that stays is not withdrawn and announced again.
   */
  private readonly outPathId = (path: RoutePath): number => {
    const index = this.sourceIndex.get(path.neighbor) ?? 0;
    return ((index << 20) | (path.pathId & 0xfffff)) >>> 0;
  };

  private freeSourceIndex(): number {
    const used = new Set(this.sourceIndex.values());
    let i = 1;
    while (used.has(i)) i++;
    return i & 0xfff;
  }

  /**
   * Whether a neighbor can get any learned route now: it takes them, and some other neighbor holds
   * routes it may get (for an iBGP neighbor: an eBGP one, or one route reflection passes on, RFC
   * 4271 §9.2, RFC 4456 §6), or it holds some already.
   */
  private mayGetLearned(
    n: NeighborRibs,
    t: Pick<LearnedExportTarget, 'session' | 'exportPolicy' | 'routeReflectorClient'>,
  ): boolean {
    if (!takesLearnedRoutes(t)) return false;
    if (n.hasLearned) return true;
    for (const s of this.byAddress.values()) {
      if (s === n || (s.adjRibIn.size === 0 && !s.stale)) continue;
      if (!t.session.ibgp) return true;
      const source = this.sourceOf(s.address);
      if (source && (!source.ibgp || reflects(source, t))) return true;
    }
    return false;
  }

  /** Forgets the export groups of no Established neighbor (their rewrites and out sets). */
  private pruneGroups(): void {
    const used = new Set<string>();
    for (const n of this.byAddress.values()) {
      const session = n.session;
      if (!session) continue;
      const t = this.learnedTarget(n, session);
      used.add(exportSignature(session, t.localAsn, t.localAddress6, t.exportPolicy, t.clusterId));
    }
    for (const key of this.groups.keys()) {
      if (used.has(key)) continue;
      this.groups.delete(key);
      this.groupsPruned++;
    }
  }

  /** Whether some Established neighbor can get a learned route now (else changes are not queued). */
  private hasLearnedTargets(): boolean {
    for (const n of this.byAddress.values()) {
      const session = n.session;
      if (!session) continue;
      const exportPolicy = this.policyNamed(this.exportPolicies.get(n.address));
      const routeReflectorClient = this.clients.has(n.address);
      if (this.mayGetLearned(n, { session, exportPolicy, routeReflectorClient })) return true;
    }
    return false;
  }

  /** What `n` gets on `session`: made again only when something it depends on changed (every change is exported to each target). */
  private targetFor(n: NeighborRibs, session: SessionFacts): ExportTarget {
    const memo = this.targets.get(n);
    if (
      memo !== undefined &&
      memo.groups === this.groups &&
      memo.pruned === this.groupsPruned &&
      this.madeFrom(memo.target, n, session)
    )
      return memo.target;
    const t = this.learnedTarget(n, session);
    const signature = exportSignature(session, t.localAsn, t.localAddress6, t.exportPolicy, t.clusterId);
    let group = this.groups.get(signature);
    if (!group) {
      group = new ExportGroup(t.exportPolicy?.needsAttributes === true);
      this.groups.set(signature, group);
    }
    const target = exportTarget(t, group);
    this.targets.set(n, { groups: this.groups, pruned: this.groupsPruned, target });
    return target;
  }

  /** The Established neighbors to export to; with `learned`, only those that can get learned routes. */
  private exportTargets(all = false): { n: NeighborRibs; t: ExportTarget }[] {
    const out: { n: NeighborRibs; t: ExportTarget }[] = [];
    for (const n of this.byAddress.values()) {
      const session = n.session;
      if (!session) continue;
      const t = this.targetFor(n, session);
      if (all || this.mayGetLearned(n, t)) out.push({ n, t });
    }
    return out;
  }

  /** Stages what each target gets now for `prefixes` (one Loc-RIB selection per prefix) and sends it. */
  private exportPrefixes(prefixes: readonly Prefix[], targets: { n: NeighborRibs; t: ExportTarget }[]): void {
    if (targets.length === 0 || prefixes.length === 0) return;
    const local = this.localByKey();
    const own = (prefix: Prefix) => (local.size === 0 ? undefined : local.get(routeKey(prefix)));
    if (prefixes.length <= SENT_PER_TARGET) {
      // A few changes (one UPDATE's, typically): each target's go out before the next target's are
      // made, so the first peers do not wait for the last ones' staging.
      const selections = prefixes.map((p) => new LazySelection(this.selectOne, p));
      const owned = prefixes.map(own);
      for (const { n, t } of targets) {
        for (let i = 0; i < prefixes.length; i++) this.stageFor(n, t, prefixes[i], owned[i], selections[i]);
        n.sendStaged();
      }
      return;
    }
    // Many (a table): one selection at a time, every target staged from it, then every target sent.
    const selection = new LazySelection(this.selectOne);
    for (const prefix of prefixes) {
      selection.reset(prefix);
      const o = own(prefix);
      for (const { n, t } of targets) this.stageFor(n, t, prefix, o, selection);
    }
    for (const { n } of targets) n.sendStaged();
  }

  private readonly selectOne = (prefix: Prefix) => this.select(prefix);

  /** Stages what `n` gets now for `prefix`: Herald's own route `own`, else the Loc-RIB's learned paths. */
  private stageFor(
    n: NeighborRibs,
    t: ExportTarget,
    prefix: Prefix,
    own: LocalRoute | undefined,
    selection: LazySelection,
  ): void {
    if (this.addPathTo(t, prefix)) {
      let wanted: [number, OutSet][];
      if (own) {
        const out = localOut(own, t);
        wanted = out ? [[0, out]] : [];
      } else {
        wanted = takesLearnedRoutes(t) ? this.learnedPaths(prefix, selection.get(), t) : [];
        if (wanted.length > 0) n.hasLearned = true;
      }
      stagePaths(n, prefix, wanted);
      return;
    }
    let out = own && localOut(own, t);
    if (!own && takesLearnedRoutes(t)) {
      out = learnedOut(prefix, selection.get(), t, this.sourceOf);
      if (out) n.hasLearned = true;
    }
    if (out || n.adjRibOut.holds(prefix)) n.adjRibOut.stage(prefix, out);
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
    const target = this.learnedTarget(n, session);
    const own = this.localByKey().get(routeKey(prefix));
    const e = own
      ? localExport(own, target)
      : learnedExport(prefix, this.select(prefix), target, this.sourceOf);
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

  /** Whether `learnedTarget(n, session)` would be `t` again (compared without making one). */
  private madeFrom(t: LearnedExportTarget, n: NeighborRibs, session: SessionFacts): boolean {
    return (
      t.session === session &&
      t.address === n.address &&
      t.localAsn === n.localAsn &&
      t.localAddress6 === (session.localAddress6 ?? this.localAddress6.get(n.address)) &&
      t.exportPolicy === this.policyNamed(this.exportPolicies.get(n.address)) &&
      t.routeReflectorClient === this.clients.has(n.address) &&
      t.clusterId === this.opts.clusterId?.()
    );
  }

  private learnedTarget(n: NeighborRibs, session: SessionFacts): LearnedExportTarget {
    return {
      address: n.address,
      session,
      localAsn: n.localAsn,
      localAddress6: session.localAddress6 ?? this.localAddress6.get(n.address),
      exportPolicy: this.policyNamed(this.exportPolicies.get(n.address)),
      routeReflectorClient: this.clients.has(n.address),
      clusterId: this.opts.clusterId?.(),
    };
  }

  /** iBGP or not: from the session when up, else from the configured ASNs. */
  private ibgp(n: NeighborRibs): boolean {
    if (n.session) return n.session.ibgp;
    const asn = n.localAsn;
    return n.configuredAsns.length > 0 && n.configuredAsns.every((a) => a === asn);
  }

  /** What export needs to know of the neighbor a path came from. */
  private readonly sourceOf = (address: string): PathSource | undefined => {
    const n = this.byAddress.get(address);
    if (!n) return undefined;
    const ibgp = this.ibgp(n);
    const client = this.clients.has(address);
    const bgpId = n.peerBgpId;
    // Asked per path and per target on every export: the same answer is the same object.
    const last = this.sources.get(n);
    if (last?.ibgp === ibgp && last.client === client && last.bgpId === bgpId) return last;
    const source = { ibgp, client, bgpId };
    this.sources.set(n, source);
    return source;
  };

  /** Each neighbor's last `sourceOf` answer. */
  private readonly sources = new WeakMap<NeighborRibs, PathSource>();

  /** Every prefix any neighbor holds (current or stale), once: each from the first table holding it. */
  private *allPrefixes(): Generator<Prefix> {
    const tables: AdjRibIn[] = [];
    for (const n of this.byAddress.values()) tables.push(...(n.stale ? [n.adjRibIn, n.stale] : [n.adjRibIn]));
    for (let k = 0; k < tables.length; k++) {
      const earlier = tables.slice(0, k);
      for (const [addr, length, pathId] of tables[k].ipv4.entries()) {
        if (!tables[k].ipv4.isFirstPath(addr, length, pathId)) continue;
        if (earlier.some((t) => t.ipv4.hasPrefix(addr, length))) continue;
        yield ipv4Prefix(addr, length);
      }
      for (const p of prefixesOf(tables[k], IPV6_UNICAST))
        if (!earlier.some((t) => t.ipv6.hasPrefix(p.bytes, 0, p.length))) yield p;
    }
  }

  /**
   * Follows the Loc-RIB while some Established neighbor may get learned routes (an iBGP neighbor,
   * or one with an export policy); otherwise ingest does no Loc-RIB work for export. A neighbor
   * whose session comes up gets everything in its full sync, so nothing is missed meanwhile.
   */
  private updateLearnedFollow(): void {
    // A learned route can go somewhere only if some neighbor takes one from another: an eBGP
    // neighbor with an export policy (from anyone else), or an iBGP neighbor (from an eBGP one,
    // or from an iBGP one when route reflection applies: RFC 4271 §9.2, RFC 4456 §6). Otherwise
    // the Loc-RIB is not followed.
    // Targets are Established neighbors; sources, those that can hold routes (up, or stale ones
    // kept through a graceful restart). A neighbor coming up or going down asks again.
    const all = [...this.byAddress.values()].map((n) => ({
      address: n.address,
      up: n.session !== undefined,
      holds: n.session !== undefined || n.stale !== undefined || n.adjRibIn.size > 0,
      ibgp: this.ibgp(n),
      client: this.clients.has(n.address),
      routeReflectorClient: this.clients.has(n.address),
      exportPolicy: this.policyNamed(this.exportPolicies.get(n.address)),
    }));
    const need = all.some(
      (t) =>
        t.up &&
        (t.ibgp
          ? all.some((s) => s.holds && s.address !== t.address && (!s.ibgp || reflects(s, t)))
          : t.exportPolicy !== undefined && all.some((s) => s.holds && s.address !== t.address)),
    );
    if (need === this.exportsLearned) return;
    // Routes still being let go of are reported as they go (their withdrawals must reach the
    // targets): following stops on a later change, not while any are left.
    if (!need && this.retired.pending > 0) return;
    this.exportsLearned = need;
    this.pendingExports.clear();
    this.setTracking();
  }

  private queueExports(prefixes: readonly Prefix[]): void {
    const first = this.pendingExports.size === 0;
    for (const p of prefixes) this.pendingExports.set(routeKey(p), p);
    // Flushed when the session has handed in a read's UPDATEs (they go out packed together), or at
    // the end of the turn for changes from elsewhere (a promise job: queueMicrotask would make an
    // AsyncResource each time).
    if (first && this.pendingExports.size > 0) void Promise.resolve().then(this.flushQueued);
  }

  private readonly flushQueued = (): void => this.flushExports();

  private flushExports(): void {
    if (this.pendingExports.size === 0) return;
    const pending = [...this.pendingExports.values()];
    this.pendingExports = new Map();
    this.exportPrefixes(pending, this.exportTargets());
  }
}

interface TargetMemo {
  readonly groups: Map<string, ExportGroup>;
  readonly pruned: number;
  readonly target: ExportTarget;
}
