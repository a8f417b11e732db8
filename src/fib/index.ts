// Kernel routes: the rtnetlink codec (./netlink/), next-hop resolution and the reconciler.
export type { DesiredNextHop, DesiredRoute } from './desired-route.js';
export {
  KernelRoutes,
  type KernelRoutesEvents,
  type KernelRoutesOptions,
  type RouteState,
  type RouteStatus,
} from './kernel-routes.js';
export type { Resolution, ResolvedNextHop, UnusableReason } from './next-hop-resolver.js';
export type { KernelNextHop, UnusableNextHop } from './route-plan.js';
export { HERALD_RT_PROTOCOL } from './rt-protocol.js';
