// The composition root: builds peers from the config, owns the TCP listener (bgp-listener.ts) and
// outgoing connections, holds the local announcements, applies reloaded configs, and logs what happens.
// Everything protocol-shaped lives in session/, rib/ and wire/; this file wires them to node:net,
// the clock and the logger.
import type net from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import type { BfdSessionRunner } from '../bfd/worker-manager.js';
import { sessionAsn } from '../config/session-asn.js';
import type { HeraldConfig, InterfaceNeighborConfig, NeighborConfig } from '../config/types.js';
import { ConfigError, normalizeNeighbor } from '../config/validate.js';
import type { Logger } from '../log/logger.js';
import { LogEvent } from '../log/logger.js';
import { alwaysBlockTerm, type CompiledPolicies, compilePolicies } from '../policy/index.js';
import type { LocalRoute, LocalRouteSpec } from '../rib/local-routes.js';
import { RoutingEngine } from '../rib/routing-engine.js';
import { FAMILY_BY_NAME, localCapabilities } from '../session/capabilities.js';
import { systemClock } from '../session/clock.js';
import { type FsmConfig, SessionState } from '../session/fsm-types.js';
import { namedPeerAsns, type PeerAsns } from '../session/negotiate.js';
import { Peer } from '../session/peer.js';
import { VERSION } from '../version.js';
import {
  addressInRange,
  CeaseSubcode,
  canonicalAddress,
  cease,
  formatPrefix,
  unmapIpv4,
} from '../wire/index.js';
import { type AnnouncementDiff, Announcements } from './announcements.js';
import { BfdSessions } from './bfd-sessions.js';
import { BgpListener } from './bgp-listener.js';
import { diffConfig, diffNeighbors, type NeighborDiff } from './config-diff.js';
import { dialError } from './connect-hint.js';
import { DYNAMIC_LINGER_MS, DynamicLinger } from './dynamic-linger.js';
import { InitialState, settleTimeoutMs } from './initial-state.js';
import { InterfaceNeighborSources } from './interface-neighbor-sources.js';
import { globalIpv6Beside } from './ipv6-beside.js';
import { KernelRouteFeed } from './kernel-route-feed.js';
import type { KubernetesModeView } from './kubernetes-mode.js';
import { maxPrefixGuard } from './max-prefixes.js';
import { explainSetupFailures } from './multihop-hint.js';
import { logPeerEvents } from './peer-log.js';
import { sweepAfterEndOfRib } from './restart-sweep.js';
import { RouteStateFile } from './route-state.js';
import { SourcedPolicies } from './sourced-policies.js';
import { applyToAccepted, dialNeighbor, isSingleHop, ttlPolicy } from './transport.js';
import type { InterfaceNeighborStatus, UnnumberedOptions } from './unnumbered.js';

/** Top-level keys of the decision process: a change decides every prefix again (on reload). */
const DECISION_KEYS = ['maximumPaths', 'multipathRelax', 'alwaysCompareMed', 'deterministicMed'] as const;

/** Default timers (seconds): quick to recover, damped when a peer flaps. */
const TIMERS = { connectRetry: 5, connectRetryMax: 120, idleHold: 5, idleHoldMax: 120, stableTime: 60 };

export function defaultRouterId(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** The configured BGP identifier, else `fallback` (Kubernetes: the node's IPv4), else a local IPv4 address. */
function routerIdOf(config: HeraldConfig, fallback?: string): string {
  return config.routerId ?? fallback ?? defaultRouterId() ?? '127.0.0.1';
}

function normalize(address: string): string {
  return canonicalAddress(unmapIpv4(address));
}

export interface DaemonOptions {
  readonly config: HeraldConfig;
  readonly log: Logger;
  /** Replaces TCP dialling (tests); default node:net. */
  readonly dial?: (n: NeighborConfig, signal?: AbortSignal) => Promise<Duplex>;
  /** Replaces the host's interfaces in finding our IPv6 address beside a session's IPv4 one (tests). */
  readonly ipv6Beside?: (ipv4: string) => string | undefined;
  /** Replaces the BFD worker on UDP (tests: managerRunner over an in-memory network); default
   * ports 3784/4784, opened when a neighbor first needs BFD. */
  readonly bfdRunner?: () => BfdSessionRunner;
  /** Replace the kernel neighbor table and the RA socket of interface neighbors (tests). */
  readonly unnumbered?: Pick<UnnumberedOptions, 'routers' | 'advertiser'>;
  /** How long a dynamic neighbor whose connection is gone stays listed (default 60 s; tests less). */
  readonly dynamicLingerMs?: number;
}

/** What a reload did, for the log and the API. */
export interface ReloadResult {
  neighborsAdded: string[];
  neighborsRemoved: string[];
  neighborsReset: { address: string; keys: string[] }[];
  neighborsUpdated: { address: string; keys: string[] }[];
  announcements: AnnouncementDiff;
  listenerRestarted: boolean;
  needsRestart: string[];
  /** Other settings whose value changed (`api.token`, `policies`, …; secrets by name only). */
  settingsChanged: string[];
}

export class Daemon {
  /** The sessions, by neighbor address. Their routes live in `engine`. */
  readonly peers = new Map<string, Peer>();
  /** Neighbors shut down by the operator (API/CLI `shutdown`): nothing but `enable` starts them. */
  readonly shutDown = new Set<string>();
  /**
   * Kubernetes mode: the node's IPv6 address, the next hop of IPv6 routes on an IPv4 session whose
   * interface has no global IPv6 address of its own.
   */
  nodeIpv6?: string;
  readonly engine: RoutingEngine;
  /** BFD sessions of the neighbors that ask for one, and the BGP holds they impose. */
  readonly bfd: BfdSessions;
  private readonly neighborConfigs = new Map<string, NeighborConfig>();
  /** Peers accepted through a dynamicNeighbors range (not in `neighbors`). */
  private readonly dynamicPeers = new Set<string>();
  /** Neighbors given by interface (BGP unnumbered): made once their link-local address is found. */
  private readonly interfaceSources: InterfaceNeighborSources;
  /** Dynamic peers whose connection is gone, removed a while later (dynamic-linger.ts). */
  private readonly linger: DynamicLinger;
  /** Neighbors of other sources (Kubernetes BGPPeers) by source: wanted, and running (not shadowed). */
  private readonly sourced = new Map<string, { wanted: NeighborConfig[]; running: NeighborConfig[] }>();
  /** The router id when the config has none (Kubernetes: the node's IPv4). */
  private fallbackRouterId?: string;
  /** Kubernetes mode, when on (the API and metrics read it). */
  kubernetes?: KubernetesModeView;
  /** Told (once per turn of the event loop) when neighbors were added or removed. */
  private readonly neighborListeners = new Set<() => void>();
  private neighborsChangedQueued = false;
  readonly announcements: Announcements;
  /** Opens once Herald's own routes are known after start; End-of-RIB waits for it. */
  readonly initialState: InitialState;
  /** `stateDir`: the API's route changes, kept across restarts (the directory given at start). */
  private readonly routeState?: RouteStateFile;
  private readonly listener: BgpListener;
  private current: HeraldConfig;
  private policies: CompiledPolicies;
  /** Policies other sources build (FRR-K8s toReceive), combined with the config's. */
  private readonly sourcedPolicies = new SourcedPolicies();
  /** Installs Loc-RIB routes into the kernel (`fib.enabled`). */
  kernelRoutes?: KernelRouteFeed;
  private cancelSweep?: () => void;
  private started = false;
  routerId: string;
  readonly startedAt = Date.now();
  readonly version: string = VERSION;

  constructor(private readonly opts: DaemonOptions) {
    this.current = opts.config;
    this.routerId = routerIdOf(opts.config);
    this.listener = new BgpListener(opts.log, (socket) => this.onConnection(socket));
    this.linger = new DynamicLinger({
      lingerMs: opts.dynamicLingerMs ?? DYNAMIC_LINGER_MS,
      decide: (peer) => {
        if (this.peers.get(peer.address) !== peer || CONNECTED.has(peer.state)) return 'stays';
        return this.engine.neighbor(peer.address)?.stale ? 'later' : 'goes';
      },
      remove: (address) => this.removePeer(address, CeaseSubcode.PEER_DECONFIGURED),
    });
    this.interfaceSources = new InterfaceNeighborSources({
      log: opts.log,
      apply: (neighbors) => this.setSourcedNeighbors('unnumbered', neighbors),
      connected: (address) => CONNECTED.has(this.peers.get(address)?.state ?? SessionState.IDLE),
      listenAddress: () => (this.current.listen ? this.current.listen.address : undefined),
      ...opts.unnumbered,
    });
    if (opts.config.stateDir) this.routeState = new RouteStateFile(opts.config.stateDir);
    const log = opts.log;
    this.bfd = new BfdSessions({ log, ...(opts.bfdRunner && { runner: opts.bfdRunner }) });
    this.initialState = new InitialState({
      clock: systemClock,
      expired: (pending) =>
        log.warn(
          { event: LogEvent.initialStateSettled, pending },
          'End-of-RIB sent before every initial input settled (deadline)',
        ),
    });
    this.engine = new RoutingEngine({
      clock: systemClock,
      settled: () => this.initialState.settled,
      localRoutes: () => this.announcements.routes(),
      localRouteFor: (prefix) => this.announcements.routeFor(prefix),
      localAsn: () => this.current.asn,
      clusterId: () => this.current.clusterId ?? this.routerId,
      multipath: () => ({
        maximumPaths: this.current.maximumPaths,
        multipathRelax: this.current.multipathRelax,
      }),
      decision: () => ({
        alwaysCompareMed: this.current.alwaysCompareMed,
        deterministicMed: this.current.deterministicMed,
      }),
      report: {
        routesNotSent: (peer, routes) =>
          log.warn(
            {
              event: LogEvent.routeNotSent,
              peer,
              routes: routes.slice(0, 20).map((r) => ({ prefix: formatPrefix(r.prefix), reason: r.reason })),
              count: routes.length,
            },
            `${routes.length} route(s) not sent to the peer`,
          ),
        internalError: (peer, e) =>
          log.error(
            { event: LogEvent.internalError, peer, err: e.message, stack: e.stack },
            'internal error',
          ),
      },
    });
    this.policies = this.sourcedPolicies.over(compilePolicies(opts.config));
    this.engine.setPolicies(this.policies);
    this.engine.setAlwaysBlock(alwaysBlockTerm(opts.config.alwaysBlock));
    this.announcements = new Announcements(
      {
        changed: (only) => this.engine.localRoutesChanged(only),
        healthChanged: (prefix, state, last, effect) =>
          log.info(
            { event: LogEvent.healthCheckChanged, prefix, state, result: last.detail, route: effect },
            `health check ${state}: ${prefix} ${effect}`,
          ),
      },
      this.initialState,
    );
  }

  get config(): HeraldConfig {
    return this.current;
  }

  get log(): Logger {
    return this.opts.log;
  }

  /** True once the config is loaded and sessions are started (GET /readyz). */
  get ready(): boolean {
    return this.started;
  }

  /** The config of a neighbor (a dynamic one's defaults included). */
  neighborConfig(address: string): NeighborConfig | undefined {
    return this.neighborConfigs.get(address);
  }

  localRoutes(): readonly LocalRoute[] {
    return this.engine.localRoutes();
  }

  async start(): Promise<void> {
    for (const n of this.current.neighbors) this.addPeer(n);
    this.interfaceSources.setConfig(this.current.interfaceNeighbors);
    if (this.current.fib.enabled) await this.startKernelRoutes();
    await this.listener.open(this.current, this.listenedNeighbors());
    this.announcements.configure(this.current.announce);
    this.restoreRouteState();
    this.sealInitialState();
    for (const p of this.peers.values()) if (this.bfd.allowsStart(p.address)) p.start();
    this.started = true;
  }

  /**
   * `stateDir`: brings back what the API changed before the restart — before any session is up, so
   * the first End-of-RIB already covers it. Unusable entries are logged (the file is kept aside).
   */
  private restoreRouteState(): void {
    const file = this.routeState;
    if (!file) return;
    const { log } = this.opts;
    const { state, problems, keptAs } = file.load();
    for (const prefix of state.withdrawn)
      if (!this.announcements.remove(prefix))
        problems.push(`${prefix}: no longer configured; withdrawal dropped`);
    for (const spec of state.announced)
      try {
        this.announcements.add(spec);
      } catch (e) {
        problems.push(`${spec.prefix}: ${(e as Error).message}`);
      }
    if (problems.length > 0)
      log.warn(
        { event: LogEvent.stateDirError, file: file.path, problems, keptAs },
        'kept routes partly restored',
      );
    if (state.announced.length + state.withdrawn.length > 0)
      log.info(
        {
          event: LogEvent.stateDirRestored,
          file: file.path,
          announced: state.announced.map((r) => r.prefix),
          withdrawn: state.withdrawn,
        },
        'routes kept in stateDir restored',
      );
  }

  /**
   * `stateDir`: writes what the API changed now; a failure is logged (the change itself stands)
   * and kept in `stateDirProblem` until a write works, so the API's answer says it too.
   */
  private saveRouteState(): void {
    try {
      this.routeState?.save(this.announcements.apiState());
      this.stateDirProblem = undefined;
    } catch (e) {
      const err = (e as Error).message;
      this.stateDirProblem = `not kept across a restart: cannot write stateDir ${this.routeState?.dir} (${err})`;
      this.opts.log.error(
        { event: LogEvent.stateDirError, dir: this.routeState?.dir, err },
        'cannot write stateDir: this change is lost at the next restart',
      );
    }
  }

  /** Why the last API change could not be written to `stateDir` (undefined: it was, or none is set). */
  stateDirProblem: string | undefined;

  /**
   * Every input that holds the initial-state gate at start has taken its hold (health checks at
   * configure(), Kubernetes before start()): from now on it opens when they settle, or at a deadline
   * below the shortest Restart Time we advertise.
   */
  private sealInitialState(): void {
    const restartTimes = [...this.neighborConfigs.values()]
      .filter((n) => n.gracefulRestart.enabled)
      .map((n) => n.gracefulRestart.restartTime);
    this.initialState.seal(settleTimeoutMs(restartTimes));
    void this.initialState.settled.then(() =>
      this.opts.log.debug(
        { event: LogEvent.initialStateSettled },
        'initial state settled: End-of-RIB may go',
      ),
    );
  }

  /**
   * Starts installing routes into the kernel. With graceful restart on, the previous run's routes
   * stay (traffic keeps flowing) until the peers have sent their routes again, then are swept.
   */
  private async startKernelRoutes(): Promise<void> {
    const graceful = this.current.neighbors.filter((n) => n.gracefulRestart.enabled);
    const feed = new KernelRouteFeed(
      this.engine,
      this.opts.log,
      () => this.current,
      () => this.policies,
      (address) => this.neighborConfigs.get(address)?.vrf,
    );
    await feed.start(graceful.length > 0);
    this.kernelRoutes = feed;
    if (graceful.length === 0) return;
    this.cancelSweep = sweepAfterEndOfRib({
      peers: graceful.map((n) => this.peers.get(normalize(n.address))!).filter((p) => p !== undefined),
      deadline: Math.max(...graceful.map((n) => n.gracefulRestart.restartTime)),
      sweep: (why) =>
        void feed.sweep().then(
          () => this.opts.log.info({ event: LogEvent.kernelRoutesSwept, why }, 'stale kernel routes swept'),
          (e: Error) =>
            this.opts.log.error({ event: LogEvent.kernelRoutesError, err: e.message }, 'sweep failed'),
        ),
    });
  }

  /** Announces (or replaces) a run-time route and updates every established peer. */
  announce(spec: LocalRouteSpec): LocalRoute {
    const route = this.announcements.add(spec);
    this.saveRouteState();
    this.opts.log.info(
      { event: LogEvent.routeAnnounced, prefix: formatPrefix(route.prefix) },
      'route announced',
    );
    return route;
  }

  /**
   * Withdraws a route: a run-time one for good, a configured one until the next reload or restart.
   * False when the prefix is not announced.
   */
  withdraw(prefixText: string): boolean {
    const gone = this.announcements.remove(prefixText);
    if (gone) this.saveRouteState();
    if (gone) this.opts.log.info({ event: LogEvent.routeWithdrawn, prefix: prefixText }, 'route withdrawn');
    return gone;
  }

  /**
   * Applies a new (already validated) config: neighbors added or removed start or stop (Cease/Peer
   * De-configured), a neighbor whose session parameters changed is reset alone (Cease/Other
   * Configuration Change, RFC 4486), announcements change in place. (The log level is the caller's:
   * `herald run` lets HERALD_LOG_LEVEL override the file.)
   */
  async reload(next: HeraldConfig): Promise<ReloadResult> {
    const diff = diffConfig(this.current, next);
    const previous = this.current;
    // Binding a new listen address is the one step the host can refuse (EADDRINUSE,
    // EADDRNOTAVAIL): do it before anything changes, so a refusal leaves the running config whole.
    let listenerRestarted = false;
    if (diff.listenChanged) {
      try {
        listenerRestarted = await this.listener.refresh(next, this.listenedNeighbors(), true);
      } catch (e) {
        throw new ConfigError([`listen: cannot listen there: ${(e as Error).message}`]);
      }
    }
    this.current = next;
    this.policies = this.sourcedPolicies.over(compilePolicies(next));
    this.engine.setPolicies(this.policies);
    if (!isDeepStrictEqual(previous.alwaysBlock, next.alwaysBlock))
      this.engine.setAlwaysBlock(alwaysBlockTerm(next.alwaysBlock));
    if (diff.identityChanged) {
      this.routerId = routerIdOf(next, this.fallbackRouterId);
      // Dynamic peers run on the old ASN and identifier too: reset them; they come back on the new.
      for (const address of [...this.dynamicPeers])
        this.removePeer(address, CeaseSubcode.OTHER_CONFIGURATION_CHANGE);
      for (const e of this.sourced.values()) {
        for (const n of e.running) this.removePeer(n.address, CeaseSubcode.OTHER_CONFIGURATION_CHANGE);
        e.running = [];
      }
    }
    // A config-file neighbor takes its address over from another source (removed when added below).
    for (const e of this.sourced.values())
      e.running = e.running.filter((n) => !next.neighbors.some((c) => c.address === n.address));
    const updated = this.applyNeighborDiff(diff);
    for (const [source, e] of this.sourced) this.setSourcedNeighbors(source, e.wanted);
    this.interfaceSources.setConfig(next.interfaceNeighbors);
    if (diff.dynamicNeighborsChanged) this.pruneDynamicPeers();
    // A policy that changed is applied in place to every neighbor that names it.
    // So does a decision knob: every prefix is decided again and its followers told.
    const decisionChanged = DECISION_KEYS.some((k) => previous[k] !== next[k]);
    // A new CLUSTER_ID changes every reflected route: iBGP neighbors get theirs again (soft out).
    if (previous.clusterId !== next.clusterId)
      for (const n of this.engine.neighbors()) if (n.session?.ibgp) n.sync();
    if ((!policiesEqual(previous, next) && this.kernelRoutes) || decisionChanged) this.engine.revisitAll();
    if (!policiesEqual(previous, next))
      for (const [address, n] of this.neighborConfigs) {
        if (n.importPolicy !== undefined) this.engine.setImportPolicy(address, n.importPolicy);
        if (n.exportPolicy !== undefined) this.engine.setExportPolicy(address, n.exportPolicy);
      }
    // Keys for the neighbors now configured (and a GTSM change re-opens it).
    if (await this.listener.refresh(this.current, this.listenedNeighbors(), false)) listenerRestarted = true;
    const result: ReloadResult = {
      neighborsAdded: diff.added.map((n) => n.address),
      neighborsRemoved: diff.removed,
      neighborsReset: diff.changed.filter((c) => c.reset).map(({ address, keys }) => ({ address, keys })),
      neighborsUpdated: updated,
      announcements: this.announcements.configure(next.announce),
      listenerRestarted,
      needsRestart: isDeepStrictEqual(previous.fib, next.fib)
        ? diff.needsRestart
        : [...diff.needsRestart, 'fib'],
      settingsChanged: diff.settingsChanged.filter((k) => !k.startsWith('fib.')),
    };
    this.saveRouteState(); // a reload brings configured routes withdrawn through the API back
    for (const r of result.neighborsReset)
      this.opts.log.info({ event: LogEvent.neighborReset, peer: r.address, keys: r.keys }, 'neighbor reset');
    return result;
  }

  /** Starts, stops and resets neighbors as `diff` says; returns those changed in place. */
  private applyNeighborDiff(diff: NeighborDiff): ReloadResult['neighborsUpdated'] {
    for (const address of diff.removed) {
      this.shutDown.delete(address); // a neighbor configured again starts afresh
      this.removePeer(address, CeaseSubcode.PEER_DECONFIGURED);
    }
    const updated: ReloadResult['neighborsUpdated'] = [];
    const started = (p: Peer) =>
      this.started && this.bfd.allowsStart(p.address) && !this.shutDown.has(p.address)
        ? p.start()
        : undefined;
    for (const c of diff.changed) {
      if (c.reset) {
        this.removePeer(c.address, CeaseSubcode.OTHER_CONFIGURATION_CHANGE);
        started(this.addPeer(c.next));
      } else {
        this.neighborConfigs.set(c.address, c.next);
        if (c.keys.includes('importPolicy')) this.engine.setImportPolicy(c.address, c.next.importPolicy);
        if (c.keys.includes('exportPolicy')) this.engine.setExportPolicy(c.address, c.next.exportPolicy);
        this.peers.get(c.address)?.retime({ connectRetry: c.next.connectRetry, delayOpen: c.next.delayOpen });
        updated.push({ address: c.address, keys: c.keys });
      }
    }
    for (const n of diff.added) {
      // A dynamic (or other-source) peer on the address gives way.
      if (this.peers.has(n.address)) this.removePeer(n.address, CeaseSubcode.OTHER_CONFIGURATION_CHANGE);
      started(this.addPeer(n));
    }
    this.bfd.sync(this.neighborConfigs, this.peers);
    return updated;
  }

  /**
   * Replaces the policies another source builds (`frrk8s`: toReceive import policies); the routes
   * of neighbors naming one of them are judged again in place. Set before the neighbors naming them.
   */
  setSourcedPolicies(source: string, policies: CompiledPolicies): void {
    this.policies = this.sourcedPolicies.set(source, policies);
    this.engine.setPolicies(this.policies);
    for (const [address, n] of this.neighborConfigs)
      if (n.importPolicy !== undefined && policies.policies.has(n.importPolicy))
        this.engine.setImportPolicy(address, n.importPolicy);
  }

  /**
   * Sets the neighbors another source wants (`kubernetes`: BGPPeers selecting this node), as a
   * whole: like a reload, only what changed is started, stopped (Peer De-configured) or reset. A
   * config-file neighbor (or another source's) on the same address wins. Before start() the
   * peers are created and start with the others.
   */
  setSourcedNeighbors(source: string, wanted: readonly NeighborConfig[]): NeighborDiff {
    const entry = this.sourced.get(source) ?? { wanted: [], running: [] };
    const taken = new Set(this.current.neighbors.map((n) => n.address));
    for (const [other, e] of this.sourced)
      if (other !== source) for (const n of e.running) taken.add(n.address);
    const running = wanted.filter((n) => !taken.has(n.address));
    const diff = diffNeighbors(entry.running, running);
    this.sourced.set(source, { wanted: [...wanted], running });
    this.applyNeighborDiff(diff);
    this.listener.refreshKeys(this.current, this.listenedNeighbors());
    return diff;
  }

  /**
   * Sets the interface neighbors another source wants (`kubernetes`: BGPPeers given by interface),
   * as a whole; the config file's win on the same interface.
   */
  setSourcedInterfaceNeighbors(source: string, wanted: readonly InterfaceNeighborConfig[]): void {
    this.interfaceSources.set(source, wanted);
  }

  /** Each interface neighbor: the peer's address once found, or what is missing (API, CLI). */
  interfaceNeighbors(): InterfaceNeighborStatus[] {
    return this.interfaceSources.status();
  }

  /**
   * The router id to use when the config has none (Kubernetes: the node's IPv4 address). Only
   * before start(): false afterwards (the running sessions keep theirs until a restart).
   */
  setFallbackRouterId(id: string): boolean {
    if (this.started || this.peers.size > 0) return id === this.routerId;
    this.fallbackRouterId = id;
    this.routerId = routerIdOf(this.current, id);
    return true;
  }

  /** The neighbors that may connect to the listener: the config file's and every source's running ones. */
  private listenedNeighbors(): NeighborConfig[] {
    return [...this.current.neighbors, ...[...this.sourced.values()].flatMap((e) => e.running)];
  }

  private removePeer(address: string, subcode: number): void {
    const p = this.peers.get(address);
    if (!p) return;
    p.stop(cease(subcode));
    p.dispose();
    this.engine.removeNeighbor(address);
    this.peers.delete(address);
    this.neighborConfigs.delete(address);
    this.dynamicPeers.delete(address);
    this.linger.forget(address);
    this.opts.log.info({ event: LogEvent.neighborRemoved, peer: address }, 'neighbor removed');
    this.neighborsChanged();
  }

  /**
   * Calls `listener` after neighbors are added or removed (a reload, a BGPPeer, a dynamic neighbor),
   * once for a batch of changes; returns the unsubscribe function.
   */
  onNeighborsChanged(listener: () => void): () => void {
    this.neighborListeners.add(listener);
    return () => this.neighborListeners.delete(listener);
  }

  private neighborsChanged(): void {
    if (this.neighborsChangedQueued || this.neighborListeners.size === 0) return;
    this.neighborsChangedQueued = true;
    queueMicrotask(() => {
      this.neighborsChangedQueued = false;
      for (const l of this.neighborListeners) l();
    });
  }

  /** Drops dynamic peers that no range admits any more (or whose allowed ASNs changed). */
  private pruneDynamicPeers(): void {
    for (const address of [...this.dynamicPeers]) {
      const range = this.current.dynamicNeighbors.find((d) => addressInRange(address, d.range));
      const asns = this.peers.get(address)?.configuredAsns;
      if (!range || !isDeepStrictEqual(range.peerAsn, asns))
        this.removePeer(address, CeaseSubcode.PEER_DECONFIGURED);
    }
  }

  /**
   * Stops every session: Cease/Administrative Shutdown with `message` (RFC 9003), or, for peers with
   * graceful restart when `graceful` is set, just closes the connection so they keep our routes.
   */
  async stop(message = 'herald shutting down', graceful = false): Promise<void> {
    this.listener.close();
    await this.interfaceSources.stop();
    this.linger.stop();
    this.announcements.stop();
    this.initialState.openNow();
    const n = cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, message);
    for (const p of this.peers.values()) {
      if (graceful && p.session?.gracefulRestart) {
        this.opts.log.info(
          { event: LogEvent.gracefulRestartShutdown, peer: p.address },
          'closing for graceful restart',
        );
        p.dropForRestart();
      } else p.stop(n, { hardReset: true }); // RFC 8538 §3: "to be fully terminated"
    }
    // Give the NOTIFICATIONs a moment to leave before the process exits.
    await new Promise((r) => setTimeout(r, 200));
    for (const p of this.peers.values()) p.dispose();
    await this.bfd.close();
    this.cancelSweep?.();
    // A graceful stop keeps the kernel routes (forwarding goes on while Herald restarts).
    await this.kernelRoutes
      ?.stop(graceful)
      .catch((e: Error) =>
        this.opts.log.error(
          { event: LogEvent.kernelRoutesError, err: e.message },
          'kernel routes not removed',
        ),
      );
  }

  private fsmConfig(
    n: NeighborConfig,
    peerAsns: PeerAsns,
    passive: boolean,
    ipv6Transport: boolean,
    restarting = false,
  ): FsmConfig {
    const families = n.families.map((f) => FAMILY_BY_NAME[f]);
    const localAsn = sessionAsn(n, this.current);
    return {
      local: {
        localAsn,
        bgpId: n.routerId ?? this.routerId,
        peerAsns,
        holdTime: n.holdTime,
        keepalive: n.keepalive,
        capabilities: localCapabilities({
          localAsn,
          families,
          ipv6Transport,
          gracefulRestart: n.gracefulRestart.enabled
            ? { restartTime: n.gracefulRestart.restartTime, restarting }
            : undefined,
          hostname: hostname(),
          addPath: n.addPath,
        }),
      },
      passive,
      ...TIMERS,
      delayOpen: n.delayOpen,
      connectRetry: n.connectRetry,
    };
  }

  private addPeer(
    n: NeighborConfig,
    peerAsns: PeerAsns = n.peerAsn === 'external' ? 'external' : [n.peerAsn],
    passive = n.passive,
  ): Peer {
    const address = normalize(n.address);
    const localAsn = sessionAsn(n, this.current);
    const log = this.opts.log.child({ peer: address });
    const peer = new Peer({
      address,
      config: this.fsmConfig(n, peerAsns, passive, address.includes(':'), n.gracefulRestart.enabled),
      steadyConfig: this.fsmConfig(n, peerAsns, passive, address.includes(':')),
      clock: systemClock,
      dial: passive
        ? undefined
        : (signal: AbortSignal) =>
            (this.opts.dial ? this.opts.dial(n, signal) : dialNeighbor(n, localAsn, signal)).catch(
              (e: unknown) => {
                throw dialError(e, signal, n, localAsn);
              },
            ),
      ipv6Beside: (ipv4) => (this.opts.ipv6Beside ?? globalIpv6Beside)(ipv4) ?? this.nodeIpv6,
      routes: this.engine.addNeighbor({
        address,
        importPolicy: n.importPolicy,
        exportPolicy: n.exportPolicy,
        routeReflectorClient: n.routeReflectorClient,
        addPathSendMax: n.addPath === 'send' || n.addPath === 'both' ? n.addPathSendMax : undefined,
        configuredAsns: namedPeerAsns(peerAsns),
        localAsn,
        importRules: {
          localAsn,
          allowAsIn: n.allowAsIn,
          routerId: n.routerId ?? this.routerId,
          clusterId: this.current.clusterId,
          enforceFirstAs: n.enforceFirstAs,
          singleHop: isSingleHop(ttlPolicy(n, localAsn)),
        },
        maxPrefixes: maxPrefixGuard(n, () => this.peers.get(address), log),
      }),
      gracefulRestart: n.gracefulRestart.enabled,
    });
    logPeerEvents(peer, log);
    explainSetupFailures(
      peer,
      () => this.neighborConfigs.get(address),
      () => this.current,
      log,
    );
    this.peers.set(address, peer);
    this.neighborConfigs.set(address, n);
    this.bfd.bind(n, peer);
    log.debug({ event: LogEvent.neighborAdded }, 'neighbor added');
    this.neighborsChanged();
    return peer;
  }

  private onConnection(socket: net.Socket): void {
    let remote: string;
    try {
      remote = normalize(socket.remoteAddress ?? '');
    } catch {
      socket.destroy(); // gone before it could be looked at
      return;
    }
    let peer = this.peers.get(remote);
    if (!peer && this.interfaceSources.connectionFrom(remote)) peer = this.peers.get(remote);
    if (!peer) {
      const dyn = this.current.dynamicNeighbors.find((d) => addressInRange(remote, d.range));
      if (dyn && [...this.dynamicPeers].filter((a) => addressInRange(a, dyn.range)).length >= dyn.limit) {
        this.opts.log.warn(
          { event: LogEvent.connectionRejected, remote, range: dyn.range, limit: dyn.limit },
          'connection refused: the dynamic neighbor range is at its limit',
        );
        socket.destroy();
        return;
      }
      if (dyn) {
        // A passive neighbor with the configured defaults (hold time, families by address family).
        const n = normalizeNeighbor(
          {
            address: remote,
            peerAsn: dyn.peerAsn[0],
            passive: true,
            routeReflectorClient: dyn.routeReflectorClient,
            ...(dyn.password ? { password: dyn.password } : {}),
          },
          'dynamicNeighbors',
        );
        peer = this.addPeer(n, dyn.peerAsn, true);
        this.dynamicPeers.add(remote);
        this.linger.watch(peer);
        this.opts.log.info(
          { event: LogEvent.dynamicPeerCreated, peer: remote, range: dyn.range },
          'dynamic neighbor accepted',
        );
        peer.start();
      }
    }
    if (!peer) {
      this.opts.log.info(
        { event: LogEvent.connectionRejected, remote },
        'connection from an unknown address rejected',
      );
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const n = this.neighborConfigs.get(peer.address);
    if (n) applyToAccepted(socket, n, sessionAsn(n, this.current));
    peer.accept(socket);
  }
}

/** States with a connection open. */
const CONNECTED: ReadonlySet<string> = new Set([
  SessionState.OPEN_SENT,
  SessionState.OPEN_CONFIRM,
  SessionState.ESTABLISHED,
]);

const POLICY_KEYS = ['prefixLists', 'asPathLists', 'communityLists', 'policies'] as const;

function policiesEqual(a: HeraldConfig, b: HeraldConfig): boolean {
  return POLICY_KEYS.every((k) => isDeepStrictEqual(a[k], b[k]));
}
