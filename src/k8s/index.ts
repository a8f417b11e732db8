// The Kubernetes part's pure surface: reading MetalLB and core resources, decide() and the
// desired state. The watcher (and its list/watch client) is NOT re-exported here: the
// daemon loads it with `await import('../k8s/watcher.js')` only when kubernetes.enabled is true.
export { buildClusterView, type ClusterView, groupByKind, type RawResources } from './cluster-view.js';
export {
  type DecideOptions,
  decide,
  NOT_ANNOUNCED_REASONS,
  type NotAnnouncedReason,
  type ServiceDecision,
  type ServiceRoute,
} from './decide.js';
export { type Announcement, type DesiredState, desiredState, type NodeInfo } from './desired.js';
export type { ResourceProblem } from './resource-error.js';
export type { PeerSession, SessionFamily } from './sessions.js';
export type { CollectionStatus, K8sWatcher, WatcherOptions } from './watcher.js';
