// Kubernetes mode (`kubernetes.enabled`): runs the watcher (loaded here with a dynamic import, so
// nothing of it is loaded otherwise) and applies each complete snapshot to the daemon: the BGPPeers
// selecting this node become neighbors next to the config file's, the announcements become the
// `kubernetes` source of Herald's own routes (replaced as a whole), and the node's IPv4 address is
// the router id when the config has none. The watcher hands over only complete, successful views
// and keeps the last one through an API-server outage, so an outage withdraws nothing.
import type { KubernetesConfig } from '../config/types.js';
import type { AllocationController } from '../k8s/allocation-controller.js';
import type { FrrNodeState } from '../k8s/frrk8s/node-state.js';
import type { RejectionEvents } from '../k8s/frrk8s/rejection-events.js';
import type {
  CollectionStatus,
  DesiredState,
  K8sWatcher,
  ResourceProblem,
  ServiceDecision,
} from '../k8s/index.js';
import type { KubeTarget } from '../k8s/kube-config.js';
import type { LeaderElector } from '../k8s/leader-election.js';
import type { ServiceEvents } from '../k8s/service-events.js';
import type { ServiceStatuses } from '../k8s/service-statuses.js';
import type { SessionStates } from '../k8s/session-states.js';
import { LogEvent, type Logger } from '../log/logger.js';
import type { Daemon } from './daemon.js';
import { compilePlanPolicies, type FrrK8sPlan, planFrrK8s } from './frrk8s-plan.js';
import { nodeStateOf, rejectedSources } from './frrk8s-status.js';
import { kubernetesRoutes, RouteMemo } from './kubernetes-routes.js';
import { resolvePeerAddresses, sessionNeighbors } from './kubernetes-sessions.js';
import { serviceNodeViews, statusViews } from './service-neighbors.js';

/** Kubernetes mode cannot start (NODE_NAME missing, no usable kubeconfig). */
export class KubernetesModeError extends Error {
  override readonly name = 'KubernetesModeError';
}

/** What the API and metrics read. */
export interface KubernetesModeView {
  readonly nodeName: string;
  /** The last complete snapshot (undefined before the first). */
  state(): DesiredState | undefined;
  /** Every collection listed at least once. */
  synced(): boolean;
  /** A list or watch is failing: Herald runs on the last complete snapshot. */
  stale(): boolean;
  collections(): CollectionStatus[];
  /** Invalid resources, and what Herald could not do with sessions and routes. */
  problems(): ResourceProblem[];
  /** BGPPeer name → the neighbor address its session runs on. */
  peerAddress(name: string): string | undefined;
  /** Whether the neighbor at `address` is configured for `family` (unknown neighbors: true). */
  carriesFamily(address: string, family: 'ipv4-unicast' | 'ipv6-unicast'): boolean;
  /** FRR-K8s mode (`kubernetes.frrk8s`): the merged configuration last applied. */
  frrk8s(): FrrK8sPlan | undefined;
  /** `kubernetes.allocate`: the address allocator (it writes only while this instance leads). */
  readonly allocator?: AllocationController;
  /** `kubernetes.allocate`: who allocates (the Lease holder as last read; '' none). */
  allocatorHolder(): string | undefined;
}

export interface KubernetesModeOptions {
  /** `herald run --kubeconfig` (wins over the config's kubernetes.kubeconfig). */
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** How long start() waits for the first snapshot when the router id depends on it (default 10 s). */
  readonly firstSnapshotMs?: number;
}

const SOURCE = 'kubernetes';
/** The Lease whose holder allocates addresses (in kubernetes.namespace). */
export const ALLOCATOR_LEASE = 'herald-allocator';
const STATUS_EVERY_MS = 2000;
/** FRR-K8s mode: the FRRNodeState and Events follow a burst of snapshots once, this long after. */
const FRR_STATUS_DELAY_MS = 200;

export class KubernetesMode implements KubernetesModeView {
  private watcher?: K8sWatcher;
  /** Events on Services when this node starts or stops announcing them. */
  private events?: ServiceEvents;
  allocator?: AllocationController;
  private elector?: LeaderElector;
  /** BGPSessionState and ServiceBGPStatus resources for this node. */
  private sessionStates?: SessionStates;
  private serviceStatuses?: ServiceStatuses;
  /** FRR-K8s mode: this node's FRRNodeState, and Events on the sources left out. */
  private nodeState?: FrrNodeState;
  private rejections?: RejectionEvents;
  private sessionStatesTimer?: NodeJS.Timeout;
  private frrStatusTimer?: NodeJS.Timeout;
  private last?: DesiredState;
  /** The snapshot and neighbors the ServiceBGPStatuses were last reported for. */
  private reported?: { state: DesiredState; neighbors: string };
  private own: ResourceProblem[] = [];
  private peerAddresses = new Map<string, string>();
  private logged = {
    problems: new Set<string>(),
    announced: new Map<string, string>(),
    decisions: new Map<string, ServiceDecision>(),
  };
  private routerIdWarned = false;
  /** Holds the initial-state gate (End-of-RIB) until the first snapshot is applied. */
  private releaseFirst: () => void = () => {};
  private sessionProblems: ResourceProblem[] = [];
  /** The neighbor addresses the announced routes were targeted with (see retarget). */
  private targetedNeighbors = '';
  /** The last snapshot's routes, handed out again for unchanged announcements. */
  private readonly routeMemo = new RouteMemo();
  private unsubscribe: () => void = () => {};
  /** FRR-K8s mode: the merged plan applied, and its import policies as last compiled. */
  private plan?: FrrK8sPlan;
  private planPolicies = '';
  private policyProblem?: string;

  private constructor(
    private readonly daemon: Daemon,
    private readonly log: Logger,
    readonly nodeName: string,
  ) {}

  /** Starts watching; throws KubernetesModeError when NODE_NAME is missing or the kubeconfig is unusable. */
  static async start(
    daemon: Daemon,
    config: KubernetesConfig,
    opts: KubernetesModeOptions = {},
  ): Promise<KubernetesMode> {
    const env = opts.env ?? process.env;
    const nodeName = env.NODE_NAME;
    if (!nodeName)
      throw new KubernetesModeError(
        'kubernetes.enabled is true but NODE_NAME is not set: give it the node name (the downward API field spec.nodeName)',
      );
    const log = daemon.log.child({ component: 'kubernetes' });
    const mode = new KubernetesMode(daemon, log, nodeName);
    mode.releaseFirst = daemon.initialState.hold('first Kubernetes snapshot');
    mode.unsubscribe = daemon.onNeighborsChanged(() => mode.retarget());
    const { startWatcher } = await import('../k8s/watcher.js');
    const { loadKubeConfig } = await import('../k8s/kube-config.js');
    const { ServiceEvents } = await import('../k8s/service-events.js');
    try {
      const target = loadKubeConfig(opts.kubeconfig ?? config.kubeconfig);
      mode.events = new ServiceEvents(target, 'herald-speaker', nodeName);
      const { SessionStates } = await import('../k8s/session-states.js');
      const { ServiceStatuses } = await import('../k8s/service-statuses.js');
      const statusError = (what: string) => (e: Error) =>
        log.debug({ event: LogEvent.kubernetesProblem, err: e.message }, `cannot write ${what}`);
      mode.sessionStates = new SessionStates(target, config.namespace, nodeName, {
        frrk8s: config.frrk8s,
        onError: statusError('BGPSessionState'),
      });
      mode.serviceStatuses = new ServiceStatuses(
        target,
        config.namespace,
        nodeName,
        statusError('ServiceBGPStatus'),
      );
      if (config.frrk8s) {
        const { FrrNodeState } = await import('../k8s/frrk8s/node-state.js');
        const { RejectionEvents } = await import('../k8s/frrk8s/rejection-events.js');
        mode.nodeState = new FrrNodeState(target, nodeName, statusError('FRRNodeState'));
        mode.rejections = new RejectionEvents(target, mode.events, statusError('an Event'));
      }
      if (config.allocate) await mode.startAllocator(target, config);
      mode.watcher = await startWatcher({
        nodeName,
        namespace: config.namespace,
        kubeConfig: target,
        allocate: config.allocate,
        onResources: (raw) => mode.allocator?.update(raw),
        loadBalancerClass: config.loadBalancerClass,
        ignoreExcludeLb: config.ignoreExcludeLb,
        debounceMs: config.debounceMs,
        frrk8s: config.frrk8s,
        onDesired: (state) => mode.apply(state),
        onError: (collection, e, retryInMs) =>
          log.warn(
            { event: LogEvent.kubernetesWatchError, collection, err: (e as Error).message, retryInMs },
            'Kubernetes list/watch failed; the last complete view stays in force',
          ),
      });
    } catch (e) {
      throw new KubernetesModeError(`kubernetes: cannot use the kubeconfig: ${(e as Error).message}`);
    }
    mode.elector?.start();
    // FRR-K8s polls FRR for the same picture; states change rarely and only differences are written.
    mode.sessionStatesTimer = setInterval(() => mode.reportStatus(), STATUS_EVERY_MS);
    mode.sessionStatesTimer.unref();
    log.info(
      {
        event: LogEvent.kubernetesStarted,
        node: nodeName,
        namespace: config.namespace,
        allocate: config.allocate,
      },
      'watching Kubernetes',
    );
    // Without a configured router id the node's address gives it: wait (bounded) for the first view.
    const deadline = Date.now() + (opts.firstSnapshotMs ?? 10_000);
    while (!daemon.config.routerId && !mode.last && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return mode;
  }

  /**
   * kubernetes.allocate: the allocator, and the election of the one instance that runs it (Lease
   * `herald-allocator` in the MetalLB namespace; this node's name is the candidate's identity).
   */
  private async startAllocator(target: KubeTarget, config: KubernetesConfig): Promise<void> {
    const { AllocationController } = await import('../k8s/allocation-controller.js');
    const { LeaderElector } = await import('../k8s/leader-election.js');
    const log = this.log.child({ component: 'allocator' });
    const allocator = new AllocationController({
      target,
      identity: this.nodeName,
      loadBalancerClass: config.loadBalancerClass,
      onError: (what, e) =>
        log.warn({ event: LogEvent.allocatorError, what, err: e.message }, `allocator ${what} failed`),
      onWritten: (service, ips) =>
        log.info(
          { event: LogEvent.ipAllocated, service, ips },
          ips.length > 0 ? 'IPs assigned' : 'IPs cleared',
        ),
    });
    this.allocator = allocator;
    this.elector = new LeaderElector({
      target,
      namespace: config.namespace,
      name: ALLOCATOR_LEASE,
      identity: this.nodeName,
      onStartedLeading: () => {
        log.info(
          { event: LogEvent.allocatorLeading, leading: true },
          'this instance allocates addresses now',
        );
        allocator.setLeader(true);
      },
      onStoppedLeading: () => {
        log.info({ event: LogEvent.allocatorLeading, leading: false }, 'this instance no longer allocates');
        allocator.setLeader(false);
      },
      onError: (e) => log.debug({ event: LogEvent.allocatorError, what: 'lease', err: e.message }, 'lease'),
    });
  }

  state(): DesiredState | undefined {
    return this.last;
  }

  /** Every session of this node as a BGPSessionState, every service as this node's ServiceBGPStatus. */
  private reportStatus(): void {
    const owner = this.last?.node?.uid;
    this.sessionStates?.setOwner(owner);
    this.serviceStatuses?.setOwner(owner);
    // The services' statuses change only with a snapshot or the neighbors running: with 5,000
    // services, building them again every period would hold the event loop for tens of ms.
    const neighbors = this.neighborKey();
    const reported = this.reported;
    const unchanged =
      reported !== undefined &&
      reported.state === this.last &&
      reported.neighbors === neighbors &&
      this.serviceStatuses?.upToDate();
    if (this.last && !unchanged) {
      this.reported = { state: this.last, neighbors };
      const views = statusViews(serviceNodeViews(this, [...this.daemon.peers.keys()]));
      void this.serviceStatuses?.report(
        views.map((v) => ({
          ...v,
          prefixes: v.routes.map((r) => ({ prefix: r.prefix, neighbors: r.neighbors })),
        })),
      );
    }
    const bfd = new Map(this.daemon.bfd.views().map((v) => [v.neighbor, v.session?.state]));
    const sessions = [...this.daemon.peers.values()].map((p) => ({
      address: p.address,
      vrf: this.daemon.neighborConfig(p.address)?.vrf ?? '',
      bgpState: p.state,
      bfdState: bfd.get(p.address),
      lastError: p.stats.lastError ?? null,
    }));
    void this.sessionStates?.report(sessions);
  }

  allocatorHolder(): string | undefined {
    return this.elector?.holder();
  }

  synced(): boolean {
    return this.watcher?.synced() ?? false;
  }

  stale(): boolean {
    return this.collections().some((c) => c.synced && !c.healthy);
  }

  collections(): CollectionStatus[] {
    return this.watcher?.status() ?? [];
  }

  problems(): ResourceProblem[] {
    return [...(this.last?.problems ?? []), ...this.own];
  }

  peerAddress(name: string): string | undefined {
    return this.resolvedPeerAddresses().get(name);
  }

  carriesFamily(address: string, family: 'ipv4-unicast' | 'ipv6-unicast'): boolean {
    return this.daemon.neighborConfig(address)?.families.includes(family) ?? true;
  }

  /** BGPPeer name → neighbor address, an interface peer's once found on its link. */
  private resolvedPeerAddresses(): Map<string, string> {
    const found = new Map(this.daemon.interfaceNeighbors().map((n) => [n.interface, n.address]));
    return resolvePeerAddresses(this.peerAddresses, (name) => found.get(name));
  }

  /** Some BGPPeer session asks for graceful restart (then a stop keeps the routes at peers). */
  wantsGracefulRestart(): boolean {
    return this.last?.sessions.some((s) => s.gracefulRestart) ?? false;
  }

  /** Applies the last snapshot again (after a reload: asn, neighbors or routerId may have changed). */
  refresh(): void {
    if (this.last) this.apply(this.last);
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.releaseFirst();
    if (this.sessionStatesTimer) clearInterval(this.sessionStatesTimer);
    clearTimeout(this.frrStatusTimer);
    await this.elector?.stop();
    await this.allocator?.idle();
    await this.watcher?.stop();
  }

  private apply(state: DesiredState): void {
    this.last = state;
    const daemon = this.daemon;
    const ipv4 = state.node?.ipv4;
    if (!daemon.config.routerId && ipv4 && !daemon.setFallbackRouterId(ipv4) && !this.routerIdWarned) {
      this.routerIdWarned = true;
      this.log.warn(
        { event: LogEvent.kubernetesProblem, routerId: daemon.routerId, nodeAddress: ipv4 },
        'the node address changed after start; the router id stays until a restart',
      );
    }
    if (state.frrSources) this.applyMerged(state);
    else {
      const sessions = sessionNeighbors(state.sessions, daemon.config, daemon.routerId);
      this.peerAddresses = sessions.peerAddress;
      daemon.setSourcedNeighbors(SOURCE, sessions.neighbors);
      daemon.setSourcedInterfaceNeighbors(SOURCE, sessions.interfaceNeighbors);
      this.sessionProblems = sessions.problems;
    }
    this.announce(state);
    this.releaseFirst();
    if (state.frrSources) this.scheduleFrrStatus();
    this.report(state);
  }

  /**
   * FRR-K8s mode: every source merged (frrk8s-plan.ts). The import policies go first, so a new
   * neighbor starts with its own; they are compiled again only when they changed.
   */
  private applyMerged(state: DesiredState): void {
    const plan = planFrrK8s(state, this.daemon.config, this.daemon.routerId);
    const policies = JSON.stringify(plan.policyConfig);
    if (policies !== this.planPolicies) {
      const compiled = compilePlanPolicies(plan);
      this.daemon.setSourcedPolicies('frrk8s', compiled.policies);
      this.planPolicies = policies;
      this.policyProblem = compiled.problem;
    }
    if (this.policyProblem)
      plan.problems.push({
        resource: 'toReceive',
        field: '',
        message: `${this.policyProblem}; nothing accepted`,
      });
    this.plan = plan;
    this.peerAddresses = plan.peerAddress;
    this.daemon.setSourcedNeighbors(SOURCE, plan.neighbors);
    this.daemon.setSourcedInterfaceNeighbors(SOURCE, plan.interfaceNeighbors);
    this.sessionProblems = plan.problems;
  }

  /**
   * The FRRNodeState (its runningConfig is a YAML rendering of the whole merge) and the Events on
   * sources left out: written after the routes are staged and once per burst of snapshots, with the
   * last plan, so they do not delay what goes to the peers.
   */
  private scheduleFrrStatus(): void {
    if (this.frrStatusTimer) return;
    this.frrStatusTimer = setTimeout(() => {
      this.frrStatusTimer = undefined;
      const { plan, last } = this;
      if (!plan || !last) return;
      this.rejections?.record(rejectedSources(plan, last.problems));
      this.nodeState?.setOwner(last.node?.uid);
      void this.nodeState?.report(nodeStateOf(plan, last.problems, this.daemon.config.alwaysBlock ?? []));
    }, FRR_STATUS_DELAY_MS);
    this.frrStatusTimer.unref();
  }

  frrk8s(): FrrK8sPlan | undefined {
    return this.plan;
  }

  /**
   * Neighbors were added or removed outside a snapshot (a reload, a dynamic neighbor): the routes
   * for "every peer but the named ones" list their targets, so they are targeted again now, not at
   * the next snapshot.
   */
  private retarget(): void {
    if (this.last && this.neighborKey() !== this.targetedNeighbors) this.announce(this.last);
  }

  private neighborKey(): string {
    return [...this.daemon.peers.keys()].sort().join(' ');
  }

  /** The snapshot's announcements as the `kubernetes` source of own routes, for today's neighbors. */
  private announce(state: DesiredState): void {
    this.daemon.nodeIpv6 = state.node?.ipv6;
    this.targetedNeighbors = this.neighborKey();
    const routes = kubernetesRoutes(
      state.frrSources && this.plan ? this.plan.announcements : state.announcements,
      { peerAddress: this.resolvedPeerAddresses(), neighbors: [...this.daemon.peers.keys()] },
      this.routeMemo,
    );
    this.daemon.announcements.replaceKubernetes(routes.routes);
    this.own = [...this.sessionProblems, ...routes.problems];
  }

  /** An Event on the Service; a failure to record it is logged at debug and changes nothing else. */
  private serviceEvent(service: string, uid: string | undefined, reason: string, message: string): void {
    const [namespace, name] = service.split('/');
    this.events
      ?.record({ namespace, name, ...(uid && { uid }) }, 'Normal', reason, message)
      .catch((e: Error) =>
        this.log.debug(
          { event: LogEvent.kubernetesProblem, service, err: e.message },
          'cannot record an Event',
        ),
      );
  }

  /** Logs what changed since the last snapshot: new problems, services announced or withdrawn. */
  private report(state: DesiredState): void {
    const problems = new Set(this.problems().map((p) => p.message));
    for (const message of problems)
      if (!this.logged.problems.has(message))
        this.log.warn({ event: LogEvent.kubernetesProblem, problem: message }, message);
    this.logged.problems = problems;
    if (!state.node)
      this.log.warn(
        { event: LogEvent.kubernetesProblem, node: state.nodeName },
        `no Node named ${state.nodeName}: nothing is announced`,
      );
    const announced = new Map<string, string>();
    const decisions = new Map<string, ServiceDecision>();
    for (const s of state.services) {
      decisions.set(s.service, s);
      const was = this.logged.announced.get(s.service);
      // The same decision object as last time (desired.ts reuses it while nothing it depends on
      // changed): nothing to log.
      if (this.logged.decisions.get(s.service) === s) {
        if (was !== undefined) announced.set(s.service, was);
        continue;
      }
      if (s.announced) {
        const prefixes = [...new Set(s.routes.map((r) => r.prefix))].join(',');
        announced.set(s.service, prefixes);
        if (was !== prefixes) {
          this.log.info(
            { event: LogEvent.serviceAnnounced, service: s.service, ips: s.ips, prefixes },
            'service announced',
          );
          if (was === undefined)
            this.serviceEvent(
              s.service,
              s.uid,
              'nodeAssigned',
              `announcing from node "${this.nodeName}" with protocol "bgp"`,
            );
        }
      } else if (was !== undefined) {
        this.log.info(
          { event: LogEvent.serviceWithdrawn, service: s.service, reason: s.reason, detail: s.detail },
          `service withdrawn: ${s.reason}`,
        );
        this.serviceEvent(
          s.service,
          s.uid,
          'nodeUnassigned',
          `not announcing from node "${this.nodeName}": ${s.reason}${s.detail ? ` (${s.detail})` : ''}`,
        );
      }
    }
    for (const [service] of this.logged.announced)
      if (!decisions.has(service))
        this.log.info(
          { event: LogEvent.serviceWithdrawn, service, reason: 'deleted' },
          'service withdrawn: deleted',
        );
    this.logged.announced = announced;
    this.logged.decisions = decisions;
    this.log.debug(
      {
        event: LogEvent.kubernetesSnapshot,
        services: state.services.length,
        announcements: state.announcements.length,
        sessions: state.sessions.length,
      },
      'Kubernetes view applied',
    );
  }
}
