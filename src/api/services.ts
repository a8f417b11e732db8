// GET /api/v1/services: Kubernetes mode's view from this node — every LoadBalancer service, its
// IPs, whether this node announces it and, if not, why (MetalLB's reasons), the prefixes with
// their attributes and the neighbors that get them; plus the resources Herald could not use and
// whether the view is stale (the API server is unreachable: the last complete view stays).
import type { Static, TSchema } from 'typebox';
import { Type } from '../config/schema-type.js';
import type { Daemon } from '../daemon/daemon.js';
import type { KubernetesModeView } from '../daemon/kubernetes-mode.js';
import { serviceNodeViews } from '../daemon/service-neighbors.js';
import type { Api } from './server.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ServiceRouteViewSchema = Type.Object({
  prefix: Type.String(),
  advertisement: Type.String({ description: 'BGPAdvertisement' }),
  communities: Type.Array(Type.String()),
  largeCommunities: Type.Array(Type.String()),
  localPref: Nullable(Type.Integer({ description: 'Sent to iBGP neighbors only' })),
  peers: Nullable(Type.Array(Type.String(), { description: 'BGPPeer names; null: every neighbor' })),
  neighbors: Type.Array(Type.String(), { description: 'Neighbor addresses that get the prefix' }),
});

export const ServiceViewSchema = Type.Object({
  service: Type.String({ description: 'namespace/name' }),
  ips: Type.Array(Type.String()),
  pool: Nullable(Type.String()),
  announced: Type.Boolean({ description: 'Announced from this node' }),
  reason: Nullable(Type.String({ description: 'Why not (MetalLB reason names where they exist)' })),
  detail: Nullable(Type.String()),
  routes: Type.Array(ServiceRouteViewSchema),
});

export const ServicesViewSchema = Type.Object({
  enabled: Type.Boolean({ description: 'kubernetes.enabled' }),
  nodeName: Nullable(Type.String()),
  synced: Type.Boolean({ description: 'Every collection listed at least once' }),
  stale: Type.Boolean({ description: 'A list or watch is failing; the last complete view is in force' }),
  services: Type.Array(ServiceViewSchema),
  allocator: Nullable(
    Type.Object(
      {
        leader: Type.Boolean({ description: 'This instance holds the Lease herald-allocator and allocates' }),
        holder: Type.String({ description: "The Lease's holder as last read ('' none)" }),
        pools: Type.Array(
          Type.Object({
            pool: Type.String(),
            assignedIPv4: Type.Integer(),
            availableIPv4: Type.Integer(),
            assignedIPv6: Type.Integer(),
            availableIPv6: Type.Integer(),
          }),
        ),
        failed: Type.Array(
          Type.Object({ service: Type.String(), reason: Type.String(), detail: Type.String() }),
          { description: 'Services that could not get IPs (leader only)' },
        ),
      },
      { description: 'kubernetes.allocate; null when off' },
    ),
  ),
  problems: Type.Array(
    Type.Object({ resource: Type.String(), field: Type.String(), message: Type.String() }),
  ),
});

export type ServicesView = Static<typeof ServicesViewSchema>;

function allocatorView(k8s: KubernetesModeView): ServicesView['allocator'] {
  const allocator = k8s.allocator;
  if (!allocator) return null;
  const leader = allocator.isLeader();
  const plan = leader ? allocator.plan() : undefined;
  return {
    leader,
    holder: k8s.allocatorHolder() ?? '',
    pools: leader ? allocator.pools() : [],
    failed: (plan?.results ?? []).flatMap((r) =>
      'reason' in r ? [{ service: r.service, reason: r.reason, detail: r.detail }] : [],
    ),
  };
}

export function servicesView(daemon: Daemon): ServicesView {
  const k8s = daemon.kubernetes;
  if (!k8s)
    return {
      enabled: false,
      nodeName: null,
      synced: false,
      stale: false,
      services: [],
      allocator: null,
      problems: [],
    };
  const all = [...daemon.peers.keys()];
  return {
    enabled: true,
    nodeName: k8s.nodeName,
    synced: k8s.synced(),
    stale: k8s.stale(),
    services: serviceNodeViews(k8s, all),
    allocator: allocatorView(k8s),
    problems: k8s.problems(),
  };
}

export function serviceRoutes(app: Api, daemon: Daemon): void {
  app.get(
    '/api/v1/services',
    {
      schema: {
        tags: ['kubernetes'],
        summary: 'Kubernetes services: announced from this node or why not, to which neighbors',
        response: { 200: ServicesViewSchema },
      },
    },
    async () => servicesView(daemon),
  );
}
