// Lists and watches every collection Herald reads (list-watch.ts: list, then watch from the list's
// resourceVersion; a 410 Gone re-lists; bookmarks move the resourceVersion on), folds the caches
// into one complete desired state (debounced) and hands it over. A failing list or watch is
// retried with bounded exponential backoff and never empties anything: caches keep their last
// objects, so only a successful view can withdraw a route. Load this module only when
// kubernetes.enabled is true.
import { isDeepStrictEqual } from 'node:util';
import { emptyRawResources, type RawResources } from './cluster-view.js';
import type { DecideOptions } from './decide.js';
import { type DesiredState, desiredState } from './desired.js';
import { type KubeTarget, loadKubeConfig } from './kube-config.js';
import { ListWatch } from './list-watch.js';
import { type WatchSource, watchSources } from './watch-sources.js';

export interface WatcherOptions extends DecideOptions {
  /** Namespace of the MetalLB resources and peer Secrets (default metallb-system). */
  namespace?: string;
  /** Also watch FRR-K8s FRRConfigurations in that namespace (kubernetes.frrk8s). */
  frrk8s?: boolean;
  /** Explicit kubeconfig path; else KUBECONFIG; else in-cluster. */
  kubeconfig?: string;
  /** A ready API-server target (tests); overrides `kubeconfig`. */
  kubeConfig?: KubeTarget;
  /** Changes within this window are folded into one snapshot (default 200 ms). */
  debounceMs?: number;
  /** Retry delays after a failed list or watch: doubling from initialMs up to maxMs (default 1 s … 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch timeout in seconds, renewed from the resourceVersion (default 300–600 s, random). */
  watchTimeoutSeconds?: () => number;
  /** Also watch Namespaces and hand every complete view to `onResources` (kubernetes.allocate). */
  allocate?: boolean;
  /** Every complete view of the raw resources (before the desired state is derived). */
  onResources?(raw: RawResources): void;
  /** A complete desired state: first once every collection has listed, then after each change. */
  onDesired(state: DesiredState): void;
  /** A list or watch failed (the watcher keeps the last state and retries). */
  onError?(collection: string, error: unknown, retryInMs: number): void;
}

export interface CollectionStatus {
  collection: string;
  path: string;
  /** Listed successfully at least once. */
  synced: boolean;
  /** false from a failure until the next successful list or watch. */
  healthy: boolean;
  resourceVersion: string;
  objects: number;
}

export interface K8sWatcher {
  /** The last desired state handed over (undefined before the first complete view). */
  current(): DesiredState | undefined;
  /** Every collection listed at least once. */
  synced(): boolean;
  /** Per collection: for the API, metrics (config stale) and readiness. */
  status(): CollectionStatus[];
  stop(): Promise<void>;
}

interface Collection {
  source: WatchSource;
  informer: ListWatch;
  synced: boolean;
  healthy: boolean;
  failed: boolean;
  delayMs: number;
  retry?: NodeJS.Timeout;
}

function errorStatus(err: unknown): string {
  const e = err as { statusCode?: number; code?: unknown; message?: string };
  return e?.message ?? String(err);
}

/** Lists of equal items; an item desired.ts reused is the same object (most, after one change). */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || isDeepStrictEqual(x, b[i]));
}

/** Whether a new snapshot says nothing the last one did not (then it is not handed over). */
function sameDesiredState(a: DesiredState, b: DesiredState): boolean {
  return (
    a.nodeName === b.nodeName &&
    sameItems(a.services, b.services) &&
    sameItems(a.announcements, b.announcements) &&
    isDeepStrictEqual(a.node, b.node) &&
    isDeepStrictEqual(a.sessions, b.sessions) &&
    isDeepStrictEqual(a.frrSources, b.frrSources) &&
    isDeepStrictEqual(a.problems, b.problems)
  );
}

export async function startWatcher(options: WatcherOptions): Promise<K8sWatcher> {
  const kc = options.kubeConfig ?? loadKubeConfig(options.kubeconfig);
  const namespace = options.namespace ?? 'metallb-system';
  const debounceMs = options.debounceMs ?? 200;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  const timeoutSeconds = options.watchTimeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));
  const decideOptions: DecideOptions = {
    nodeName: options.nodeName,
    loadBalancerClass: options.loadBalancerClass,
    ignoreExcludeLb: options.ignoreExcludeLb,
  };
  let stopped = false;
  let pending: NodeJS.Timeout | undefined;
  let current: DesiredState | undefined;

  const collections: Collection[] = watchSources(namespace, options.frrk8s, options.allocate).map(
    (source) => ({
      source,
      informer: new ListWatch(kc, source.path, timeoutSeconds),
      synced: false,
      healthy: false,
      failed: false,
      delayMs: backoff.initialMs,
    }),
  );

  const emit = () => {
    pending = undefined;
    if (stopped || !collections.every((c) => c.synced)) return;
    const raw = emptyRawResources() as { [K in keyof RawResources]: unknown[] };
    for (const c of collections) raw[c.source.key] = [...c.informer.list()];
    options.onResources?.(raw);
    const state = desiredState(raw, decideOptions);
    if (current && sameDesiredState(current, state)) return;
    current = state;
    options.onDesired(state);
  };
  const changed = () => {
    if (!stopped && !pending) pending = setTimeout(emit, debounceMs);
  };

  const run = async (c: Collection) => {
    c.retry = undefined;
    if (stopped) return;
    c.failed = false;
    await c.informer.start();
    if (stopped || c.failed) return;
    c.synced = true;
    c.healthy = true;
    c.delayMs = backoff.initialMs;
    changed();
  };

  for (const c of collections) {
    c.informer.on('add', changed);
    c.informer.on('update', changed);
    c.informer.on('delete', changed);
    c.informer.on('error', (err: unknown) => {
      c.failed = true;
      c.healthy = false;
      if (stopped || c.retry) return;
      const delay = c.delayMs;
      c.delayMs = Math.min(backoff.maxMs, c.delayMs * 2);
      options.onError?.(c.source.key, new Error(`${c.source.path}: ${errorStatus(err)}`), delay);
      c.retry = setTimeout(() => void run(c), delay);
    });
  }
  await Promise.all(collections.map(run));

  return {
    current: () => current,
    synced: () => collections.every((c) => c.synced),
    status: () =>
      collections.map((c) => ({
        collection: c.source.key,
        path: c.source.path,
        synced: c.synced,
        healthy: c.healthy,
        resourceVersion: c.informer.latestResourceVersion(),
        objects: c.informer.list().length,
      })),
    async stop() {
      stopped = true;
      if (pending) clearTimeout(pending);
      for (const c of collections) {
        if (c.retry) clearTimeout(c.retry);
        await c.informer.stop();
      }
    },
  };
}
