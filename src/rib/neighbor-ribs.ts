// One neighbor's routes, owned by the routing engine: its Adj-RIB-In, the stale copy kept across
// the neighbor's graceful restart (RFC 4724 §4.2) and its Adj-RIB-Out, with the counters about
// them. The session (src/session/peer.ts) hands UPDATE bodies in and a sink to write to; it holds
// no routes. Timers come from an injected clock; no sockets, no logger.

import {
  evaluate,
  NO_ATTRIBUTES,
  type Policy,
  type PolicyContext,
  type PolicyResult,
} from '../policy/index.js';
import type { Clock } from '../session/clock.js';
import {
  type CodecContext,
  encodeRouteRefresh,
  type FamilyKey,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  type PathAttributes,
  type Prefix,
  RouteRefreshSubtype,
} from '../wire/index.js';
import { AdjRibIn, type IngestResult } from './adj-rib-in.js';
import { AdjRibOut, type DesiredRoutes, type NotSent, type Sink } from './adj-rib-out.js';
import type { ImportRules } from './import-rules.js';
import { ImportVerdicts } from './import-verdicts.js';
import { nextHopSelf } from './learned-export.js';
import type { OutSetRegistry } from './out-sets.js';
import { RetiredRoutes } from './retired-routes.js';
import { prefixesOf } from './route-view.js';

/** Seconds stale routes may wait for End-of-RIB once the peer is back (FRR's stalepath-time). */
export const STALE_PATH_TIME = 360;

/** What the routing engine needs to know of an Established session. */
export interface SessionFacts {
  readonly peerAsn: number;
  readonly peerBgpId: string;
  readonly ibgp: boolean;
  readonly families: ReadonlySet<FamilyKey>;
  /** Encoding what we send. */
  readonly send: CodecContext;
  /** Decoding what the peer sends. */
  readonly receive: CodecContext;
  /** Our address on the connection (next-hop self). */
  readonly localAddress?: string;
  /** On an IPv4 session, our IPv6 address beside it: the next hop of IPv6 routes (RFC 2545 §3). */
  readonly localAddress6?: string;
  /** RFC 8950 negotiated for IPv4 unicast: IPv4 routes may carry an IPv6 next hop. */
  readonly ipv4OverIpv6: boolean;
  readonly enhancedRouteRefresh: boolean;
  /** The peer's graceful-restart capability: families whose forwarding state it kept (RFC 4724 §3). */
  readonly gracefulRestart?: { readonly forwarding: ReadonlySet<FamilyKey> };
}

/** What a session does with the routes of its neighbor; the engine implements it per neighbor. */
export interface RouteExchange {
  /** An UPDATE from the peer. Throws the Notification RFC 4271/7606 ask for when the session must reset. */
  received(body: Buffer): IngestResult;
  /** The UPDATEs of one socket read were all handed in: what they changed may be sent now. */
  updatesHandled(): void;
  /** The session is Established: send our routes, then End-of-RIB (RFC 4724 §2). */
  up(session: SessionFacts, sink: Sink): void;
  /**
   * The session went down. With `staleFor` (seconds), the peer's routes are kept as stale for that
   * long (RFC 4724 §4.2 helper); otherwise they are removed.
   */
  down(staleFor?: number, families?: ReadonlySet<FamilyKey>): void;
  /** The peer asked for our routes of `afi` again (RFC 2918, RFC 7313 framing when enhanced). */
  refresh(afi: number, safi: number): void;
  /** RFC 7313 §4.2: the peer's BoRR (begin) or EoRR (end) for a family. */
  refreshMarker?(afi: number, safi: number, begin: boolean): void;
  /** Sends every route again (an operator's soft reset outbound). */
  resendAll(): Promise<void>;
}

export interface NeighborCounters {
  /** Announcements dropped on import because of a loop (cumulative). */
  rejectedAsLoop: number;
  /** Announcements dropped as invalid (RFC 7606 treat-as-withdraw, route-validity.ts; cumulative). */
  rejectedInvalid: number;
  /** UPDATEs whose routes were treated as withdrawn (RFC 7606; cumulative). */
  treatAsWithdraw: number;
  updatesReceived: number;
}

export interface NeighborRibsOptions {
  readonly address: string;
  /** The ASNs this neighbor may use: the peer ASN and iBGP/eBGP while no session tells. */
  readonly configuredAsns: readonly number[];
  readonly importRules?: ImportRules;
  readonly clock: Clock;
  /** The routes this neighbor should get on `session` (export), walked on every full sync. */
  readonly exportRoutes: (session: SessionFacts) => DesiredRoutes;
  /** Numbers the out sets of every neighbor's Adj-RIB-Out (shared: sets are shared). */
  readonly outSets?: OutSetRegistry;
  /** The session is up, before its full sync (the engine follows the Loc-RIB if it now must). */
  readonly sessionStarted?: () => void;
  /** The session went down (the engine forgets export groups nobody uses, and may stop following). */
  readonly sessionEnded?: () => void;
  /** Reports work that failed (a bug), instead of leaving a rejected promise. */
  readonly failed: (e: Error) => void;
  readonly notSent: (routes: readonly NotSent[]) => void;
  /** Prefixes whose paths changed (only while the engine follows the Loc-RIB). */
  readonly pathsChanged: (prefixes: readonly Prefix[]) => void;
  /** The UPDATEs of one read are in: changes queued for export go out now, not at the end of the turn. */
  readonly updatesHandled?: () => void;
  /** The AS this neighbor's session speaks as (AS_PATH, iBGP, the import policy's context). */
  readonly localAsn: () => number;
  /** Max-prefix: the limit on accepted routes, and what to do past it (see MaxPrefixes). */
  readonly maxPrefixes?: MaxPrefixes;
  /** Resolves once our own routes are known after start; End-of-RIB waits for it (never rejects). */
  readonly settled?: () => Promise<void>;
  /** Where routes taken out of service are let go of, a batch per turn (the engine shares one). */
  readonly retired?: RetiredRoutes;
}

/** Max-prefix settings of a neighbor (FRR's `neighbor X maximum-prefix N [threshold] [warning-only] [restart M]`). */
export interface MaxPrefixes {
  readonly limit: number;
  /** Percent of the limit at which a warning is given once. */
  readonly warningThreshold: number;
  /** Only warn past the limit; keep the session. */
  readonly warningOnly: boolean;
  /** The limit was passed (the session is to be torn down unless warning only), or the threshold. */
  readonly reached: (event: {
    kind: 'warning' | 'exceeded';
    count: number;
    limit: number;
    afi: number;
  }) => void;
}

export class NeighborRibs implements RouteExchange {
  adjRibIn: AdjRibIn;
  /** Routes kept from before the peer's graceful restart until End-of-RIB or a timer (RFC 4724 §4.2). */
  stale?: AdjRibIn;
  readonly adjRibOut: AdjRibOut;
  /** Learned routes were staged for this session (changes of the Loc-RIB concern it). */
  hasLearned = false;
  readonly counters: NeighborCounters = {
    rejectedAsLoop: 0,
    rejectedInvalid: 0,
    treatAsWithdraw: 0,
    updatesReceived: 0,
  };
  /** The Established session, if any (the decision process reads the peer's ASN and identifier). */
  session?: SessionFacts;
  /** The peer's BGP Identifier on its last session (its stale paths keep it as their source). */
  peerBgpId?: string;
  private sink?: Sink;
  private staleTimer?: unknown;
  /** The Loc-RIB has followers: changed prefixes are reported. */
  private following = false;
  private importPolicy?: Policy;
  /** Counts the paths of the current Adj-RIB-In the import policy rejects (while it has one). */
  private verdicts?: ImportVerdicts;

  private readonly retired: RetiredRoutes;
  /** IPv4 routes the last session held: a new session's table makes room for as many at once. */
  private lastIpv4Routes = 0;

  constructor(private readonly opts: NeighborRibsOptions) {
    this.retired = opts.retired ?? new RetiredRoutes();
    this.adjRibIn = this.freshTable();
    this.adjRibOut = new AdjRibOut(opts.outSets);
  }

  /** Reports changed prefixes from now on (the Loc-RIB has followers), or stops. */
  trackChanges(on: boolean): void {
    this.following = on;
    this.adjRibIn.trackChanges(on);
  }

  /** Routes received, after the loop checks and before policy (FRR's received-routes). */
  get receivedCount(): number {
    return this.adjRibIn.size;
  }

  /** Routes the import policy accepted: what `show ip bgp summary` calls PfxRcd. */
  get acceptedCount(): number {
    return this.adjRibIn.size - (this.verdicts?.rejected ?? 0);
  }

  /** Routes received for an always-blocked prefix (counted in what the policy rejects too). */
  get blockedCount(): number {
    return this.verdicts?.blocked ?? 0;
  }

  /**
   * Sets (or clears) the import policy and re-evaluates every route held — soft reconfiguration
   * inbound, without asking the peer to resend: every route is kept as received.
   */
  setImportPolicy(policy: Policy | undefined): void {
    this.importPolicy = policy;
    this.countRejected(this.adjRibIn);
    this.verdicts?.recount(this.adjRibIn.ipv4, this.adjRibIn.ipv6);
    if (this.following)
      this.report([...prefixesOf(this.adjRibIn, IPV4_UNICAST), ...prefixesOf(this.adjRibIn, IPV6_UNICAST)]);
  }

  /**
   * The attributes of a received path after the import policy, or undefined when it rejects it;
   * no function at all while the neighbor has no import policy (every path stands as received).
   */
  get imported(): ((prefix: Prefix, attributes: PathAttributes) => PathAttributes | undefined) | undefined {
    return this.importPolicy ? this.applyImport : undefined;
  }

  /**
   * Present while the import policy reads and changes no attribute (a prefix list, say): whether
   * it accepts a path for `prefix`, judged without the path's attributes (nothing to decode).
   */
  get importByPrefix(): ((prefix: Prefix) => boolean) | undefined {
    return this.importPolicy?.needsAttributes === false ? this.acceptsPrefix : undefined;
  }

  private readonly acceptsPrefix = (prefix: Prefix): boolean =>
    this.judgeImport(prefix, NO_ATTRIBUTES).accepted;

  private readonly applyImport = (prefix: Prefix, attributes: PathAttributes): PathAttributes | undefined => {
    const r = this.judgeImport(prefix, attributes);
    return r.accepted ? r.attributes : undefined;
  };

  /** The import policy's verdict on one received path, with the term that decided it. */
  judgeImport(prefix: Prefix, attributes: PathAttributes): PolicyResult {
    const policy = this.importPolicy;
    if (!policy) return { accepted: true, attributes, decidedBy: 'no import policy' };
    return evaluate(policy, { prefix, attributes }, this.policyContext());
  }

  private policyContext(): PolicyContext {
    this.context ??= {
      direction: 'import',
      routeType: 'learned',
      neighborAddress: this.opts.address,
      neighborAsn: this.session?.peerAsn ?? this.opts.configuredAsns[0] ?? 0,
      localAsn: this.opts.localAsn(),
      nextHopSelf: nextHopSelf(this.session),
    };
    return this.context;
  }

  /** The import policy's context, rebuilt when the session changes. */
  private context?: PolicyContext;

  /** Counts (from now on) the paths of `table` the import policy rejects; nothing without a policy. */
  private countRejected(table: AdjRibIn): void {
    const policy = this.importPolicy;
    this.verdicts = policy && new ImportVerdicts(policy, table.attributes, () => this.policyContext());
    table.observePaths(this.verdicts);
  }

  get address(): string {
    return this.opts.address;
  }

  get configuredAsns(): readonly number[] {
    return this.opts.configuredAsns;
  }

  get localAsn(): number {
    return this.opts.localAsn();
  }

  updatesHandled(): void {
    // Sending to other neighbors: a failure there is reported, not this session's to reset.
    try {
      this.opts.updatesHandled?.();
    } catch (e) {
      this.opts.failed(e instanceof Error ? e : new Error(String(e)));
    }
  }

  received(body: Buffer): IngestResult {
    const session = this.session;
    if (!session) throw new Error('UPDATE outside an Established session');
    this.counters.updatesReceived++;
    const v6Before = this.adjRibIn.ipv6.size;
    let result: IngestResult;
    try {
      result = this.adjRibIn.apply(body, session.receive, session.families);
    } finally {
      if (this.following) this.report(this.adjRibIn.takeChanges());
    }
    this.counters.rejectedAsLoop += result.rejectedAsLoop;
    this.counters.rejectedInvalid += result.rejectedInvalid;
    if (result.treatAsWithdraw) this.counters.treatAsWithdraw++;
    if (result.announced > 0) this.checkMaxPrefixes(this.adjRibIn.ipv6.size > v6Before ? 2 : 1);
    // RFC 4724 §4.2: End-of-RIB for a family removes that family's stale routes (only those).
    if (result.endOfRib) this.sweepStale(result.endOfRib);
    return result;
  }

  up(session: SessionFacts, sink: Sink): void {
    this.session = session;
    this.peerBgpId = session.peerBgpId;
    this.context = undefined;
    this.sink = sink;
    this.replaceTable(this.lastIpv4Routes);
    if (this.stale) this.keepStaleFamilies(session);
    this.opts.sessionStarted?.();
    this.background(
      this.adjRibOut
        .resync(this.opts.exportRoutes(session), session.send, sink, true)
        .then((r) => this.reportNotSent(r.newlyNotSent))
        // Routes that settle meanwhile (a first health-check result) go out before End-of-RIB.
        .then(() => this.opts.settled?.())
        .then(() => this.adjRibOut.endOfRib(session.families, sink)),
    );
  }

  down(staleFor?: number, families?: ReadonlySet<FamilyKey>): void {
    this.session = undefined;
    this.context = undefined;
    this.sink = undefined;
    this.adjRibOut.clear();
    this.hasLearned = false;
    this.opts.sessionEnded?.();
    // Down again before the End-of-RIB that would have swept them: the routes still stale from the
    // last restart go now, reported (a stale copy replaced unreported stayed in the kernel for good).
    if (this.stale) this.sweepStale();
    if (staleFor === undefined || staleFor <= 0) {
      this.replaceTable();
      return;
    }
    this.stale = this.adjRibIn;
    if (this.stale.ipv4.size > 0) this.lastIpv4Routes = this.stale.ipv4.size;
    this.stale.trackChanges(false);
    this.stale.observePaths(undefined);
    this.adjRibIn = this.freshTable();
    // RFC 4724 §4.2: the Receiving Speaker "MUST retain the routes received from the peer for all
    // the address families that were previously received in the Graceful Restart Capability":
    // those only (FRR's "helper only" capability lists none: nothing is kept).
    for (const family of [IPV4_UNICAST, IPV6_UNICAST])
      if (families && !families.has(family)) this.dropFamily(this.stale, family);
    if (this.stale.size === 0) {
      this.sweepStale();
      return;
    }
    // §4.2: "... delete all the stale routes from the peer that it is retaining" when the restart
    // timer expires before the session is back.
    this.armStaleTimer(staleFor);
  }

  /** Brings the peer's Adj-RIB-Out to what it should get now (our routes changed). Never rejects. */
  sync(): void {
    this.background(this.syncNow(false));
  }

  /** Whether the threshold warning was given since the count was last below it. */
  private warned = false;

  /**
   * RFC 4486 §4: past the configured upper bound the speaker "MUST send to the neighbor a
   * NOTIFICATION message with the Error Code Cease and the Error Subcode 'Maximum Number of
   * Prefixes Reached'" — the caller does that (it owns the session); here the count is checked.
   */
  private checkMaxPrefixes(afi: number): void {
    const max = this.opts.maxPrefixes;
    if (!max) return;
    const count = this.acceptedCount;
    if (count > max.limit) {
      max.reached({ kind: 'exceeded', count, limit: max.limit, afi });
      return;
    }
    const warnAt = Math.ceil((max.limit * max.warningThreshold) / 100);
    if (count >= warnAt && !this.warned) {
      this.warned = true;
      max.reached({ kind: 'warning', count, limit: max.limit, afi });
    } else if (count < warnAt) this.warned = false;
  }

  /** Sends the changes staged in the Adj-RIB-Out (Loc-RIB or own-route changes). Never rejects. */
  sendStaged(): void {
    const { session, sink } = this;
    if (!session || !sink) return;
    const done = this.adjRibOut.flush(session.send, sink);
    if (done instanceof Promise) this.background(done.then((r) => this.reportNotSent(r.newlyNotSent)));
    else this.reportNotSent(done.newlyNotSent);
  }

  refreshMarker(afi: number, safi: number, begin: boolean): void {
    if (!this.session) return;
    const family = familyKey(afi, safi);
    if (begin) {
      this.adjRibIn.beginRefresh(family);
      return;
    }
    try {
      this.adjRibIn.endRefresh(family);
    } finally {
      if (this.following) this.report(this.adjRibIn.takeChanges());
    }
    this.updatesHandled();
  }

  refresh(afi: number, safi: number): void {
    const { session, sink } = this;
    if (!session || !sink) return;
    const framed = session.enhancedRouteRefresh;
    const marker = (subtype: number) => {
      if (framed && sink.open) sink.send(encodeRouteRefresh({ afi, subtype, safi }));
    };
    marker(RouteRefreshSubtype.BORR);
    this.background(this.syncNow(afi).then(() => marker(RouteRefreshSubtype.EORR)));
  }

  resendAll(): Promise<void> {
    return this.syncNow(true);
  }

  /** Drops everything (the neighbor was removed from the config). */
  dispose(): void {
    this.clearStaleTimer();
    if (this.stale) this.dropTable(this.stale);
    this.stale = undefined;
    this.session = undefined;
    this.sink = undefined;
    this.adjRibOut.clear();
    this.hasLearned = false;
    this.replaceTable();
  }

  /** Removes stale routes: of one family (its End-of-RIB), or all of them (a timer ran out). */
  sweepStale(family?: FamilyKey): void {
    const stale = this.stale;
    if (!stale) return;
    if (family !== undefined) this.dropFamily(stale, family);
    else this.dropTable(stale);
    if (stale.size > 0) return;
    this.stale = undefined;
    this.clearStaleTimer();
  }

  private freshTable(ipv4Routes = 0): AdjRibIn {
    const t = new AdjRibIn(this.sessionRules(), ipv4Routes);
    t.trackChanges(this.following);
    this.countRejected(t);
    return t;
  }

  /** The import rules with the facts of the current session (a table lives for one session). */
  private sessionRules(): ImportRules | undefined {
    const rules = this.opts.importRules;
    const s = this.session;
    if (!rules || !s) return rules;
    const peerLinkLocal = /^fe[89ab]/i.test(this.opts.address);
    return {
      ...rules,
      session: {
        peerAsn: s.peerAsn,
        ebgp: !s.ibgp,
        localAddress: s.localAddress,
        singleHop: rules.singleHop === true || peerLinkLocal,
        enforceFirstAs: rules.enforceFirstAs ?? true,
      },
    };
  }

  /** A new, empty Adj-RIB-In (room for `ipv4Routes`); the old one's prefixes are reported as changed. */
  private replaceTable(ipv4Routes = 0): void {
    const old = this.adjRibIn;
    if (old.ipv4.size > 0) this.lastIpv4Routes = old.ipv4.size;
    old.observePaths(undefined);
    this.adjRibIn = this.freshTable(ipv4Routes);
    this.dropTable(old);
  }

  /**
   * Empties a table that is let go of (no longer held, or the stale copy swept whole): the routes
   * are gone at once; its attribute store goes with it, so nothing is released; its prefixes are
   * reported a batch per turn when the Loc-RIB is followed.
   */
  private dropTable(table: AdjRibIn): void {
    const tables = { ...table.takeFamily(IPV4_UNICAST >> 8), ...table.takeFamily(IPV6_UNICAST >> 8) };
    this.retired.retire({ tables, ...this.reporting() });
  }

  /**
   * Removes a family from a table that stays: the routes are gone at once, their attribute sets
   * released and their prefixes reported a batch per turn.
   */
  private dropFamily(table: AdjRibIn, family: FamilyKey): void {
    this.retired.retire({
      tables: table.takeFamily(family >> 8),
      release: table.attributes,
      ...this.reporting(),
    });
  }

  /** How retired routes are reported: only while the Loc-RIB is followed. */
  private reporting(): { report?: (prefixes: readonly Prefix[]) => void; failed: (e: Error) => void } {
    return { report: this.following ? (p) => this.report(p) : undefined, failed: this.opts.failed };
  }

  private report(prefixes: readonly Prefix[]): void {
    if (prefixes.length > 0) this.opts.pathsChanged(prefixes);
  }

  private async syncNow(full: boolean | number): Promise<void> {
    const { session, sink } = this;
    if (!session || !sink) return;
    const r = await this.adjRibOut.resync(this.opts.exportRoutes(session), session.send, sink, full);
    this.reportNotSent(r.newlyNotSent);
  }

  private reportNotSent(newlyNotSent: readonly NotSent[]): void {
    if (newlyNotSent.length > 0) this.opts.notSent(newlyNotSent);
  }

  /**
   * RFC 4724 §4.2: "If the Graceful Restart Capability is not received in the re-established
   * session, or if the F bit is not set for an AFI/SAFI, the Receiving Speaker MUST immediately
   * remove all the stale routes from the peer that it is retaining for that address family."
   * What stays waits for its End-of-RIB, at most STALE_PATH_TIME seconds.
   */
  private keepStaleFamilies(session: SessionFacts): void {
    for (const family of [IPV4_UNICAST, IPV6_UNICAST])
      if (this.stale && !session.gracefulRestart?.forwarding.has(family)) this.dropFamily(this.stale, family);
    if (!this.stale || this.stale.size === 0) {
      this.sweepStale();
      return;
    }
    this.armStaleTimer(STALE_PATH_TIME);
  }

  private armStaleTimer(seconds: number): void {
    this.clearStaleTimer();
    this.staleTimer = this.opts.clock.setTimeout(() => this.sweepStale(), seconds * 1000);
  }

  private clearStaleTimer(): void {
    if (this.staleTimer !== undefined) this.opts.clock.clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
  }

  /** Runs work in the background; a failure is reported, never left as an unhandled rejection. */
  private background(work: Promise<unknown>): void {
    work.catch((e: unknown) => this.opts.failed(e instanceof Error ? e : new Error(String(e))));
  }
}
