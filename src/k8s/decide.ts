// Whether this node announces a Service's load-balancer IPs over BGP, to which peers and with
// which attributes, or why not. The same checks, in the same order, as MetalLB's speaker
// (service controller class filter, SetBalancer, bgpController.ShouldAnnounce), with MetalLB's
// reason names where it has one. Pure: no I/O, no clock.
import type { ClusterView, ResolvedAdvertisement } from './cluster-view.js';
import type { EndpointSlice, Node, Service } from './core-types.js';
import { cidrContains, formatCidr, type Ip, maskIp, parseIp } from './ip-ranges.js';
import { anySelectorMatches } from './label-selector.js';
import type { IpAddressPool } from './metallb-types.js';

export const NOT_ANNOUNCED_REASONS = [
  /** spec.loadBalancerClass is not the one this instance serves. */
  'loadBalancerClassMismatch',
  /** spec.type is not LoadBalancer. */
  'notLoadBalancer',
  /** status.loadBalancer.ingress is empty. */
  'noIPAllocated',
  /** An ingress entry is not an IP address (e.g. only a hostname). */
  'invalidIP',
  /** No IPAddressPool holds every ingress IP (MetalLB: ipNotAllowed). */
  'notInPool',
  /** There is no Node object named NODE_NAME. */
  'nodeNotFound',
  /** No BGPAdvertisement of the pool selects this node. */
  'notOwner',
  /** The pool's advertisements for this node all have serviceSelectors that miss the service. */
  'noMatchingAdvertisement',
  /** Two matching advertisements set different LOCAL_PREF for the same prefixes and peers. */
  'conflictingAdvertisements',
  /** The node's NetworkUnavailable condition is True. */
  'nodeNetworkUnavailable',
  /** The node has the node.kubernetes.io/exclude-from-external-load-balancers label. */
  'nodeLabeledExcludeBalancers',
  /** externalTrafficPolicy Local and no ready or serving endpoint on this node. */
  'noLocalEndpoints',
  /** externalTrafficPolicy Cluster and no ready or serving endpoint anywhere. */
  'noEndpoints',
] as const;

export type NotAnnouncedReason = (typeof NOT_ANNOUNCED_REASONS)[number];

export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface DecideOptions {
  /** NODE_NAME: the node this instance speaks for. */
  nodeName: string;
  /** The spec.loadBalancerClass served; undefined serves services without a class (MetalLB's default). */
  loadBalancerClass?: string;
  /** Announce even from nodes labelled exclude-from-external-load-balancers (MetalLB's flag). */
  ignoreExcludeLb?: boolean;
}

/** One IP of a service through one advertisement. */
export interface ServiceRoute {
  ip: string;
  /** The IP masked to the advertisement's aggregation length, "192.0.2.0/24". */
  prefix: string;
  advertisement: string;
  communities: string[];
  largeCommunities: string[];
  /** LOCAL_PREF for iBGP peers; undefined when the advertisement sets none. */
  localPref?: number;
  /** BGPPeer names; null: every peer. */
  peers: string[] | null;
}

export type ServiceDecision =
  | {
      service: string;
      /** The Service's metadata.uid, for the Events recorded on it. */
      uid?: string;
      ips: string[];
      pool: string;
      announced: true;
      routes: ServiceRoute[];
    }
  | {
      service: string;
      uid?: string;
      ips: string[];
      pool?: string;
      announced: false;
      reason: NotAnnouncedReason;
      /** A sentence for logs and the API. */
      detail: string;
    };

function classMatches(service: Service, served: string | undefined): boolean {
  return (service.loadBalancerClass ?? '') === (served ?? '');
}

/** MetalLB's poolFor: a pool holding every one of the IPs. */
export function poolFor(pools: readonly IpAddressPool[], ips: readonly Ip[]): IpAddressPool | undefined {
  return pools.find((p) =>
    ips.every((ip) => p.addresses.some((a) => a.cidrs.some((c) => cidrContains(c, ip)))),
  );
}

function advertisementSelectsNode(ad: ResolvedAdvertisement, node: Node): boolean {
  return anySelectorMatches(ad.nodeSelectors, node.labels);
}

/** MetalLB's isAggrLengthDifferent, for the families the pool has. */
function aggregationDiffers(
  a: ResolvedAdvertisement,
  b: ResolvedAdvertisement,
  pool: IpAddressPool,
): boolean {
  const families = new Set(pool.addresses.map((e) => e.cidrs[0].family));
  const v4 = a.aggregationLength !== b.aggregationLength;
  const v6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  if (!families.has(6)) return v4;
  if (!families.has(4)) return v6;
  return v4 && v6;
}

/** Two advertisements that both select this node clash when their LOCAL_PREF differs for the same updates. */
function conflict(ads: readonly ResolvedAdvertisement[], pool: IpAddressPool): string | undefined {
  for (let i = 0; i < ads.length; i++) {
    for (const b of ads.slice(i + 1)) {
      const a = ads[i];
      if (a.localPref === b.localPref || aggregationDiffers(a, b, pool)) continue;
      if (a.peers.length > 0 && b.peers.length > 0 && !a.peers.some((p) => b.peers.includes(p))) continue;
      return `advertisements "${a.name}" and "${b.name}" have conflicting LOCAL_PREF (${a.localPref} vs ${b.localPref})`;
    }
  }
  return undefined;
}

/** Kubernetes' rule as MetalLB applies it: ready (or unknown), or serving (terminating included). */
export function endpointCanServe(e: { ready?: boolean; serving?: boolean }): boolean {
  return e.ready === undefined || e.ready || e.serving === true;
}

function hasHealthyEndpoint(slices: readonly EndpointSlice[], onNode?: string): boolean {
  return slices.some((s) =>
    s.endpoints.some(
      (e) => e.addresses.length > 0 && endpointCanServe(e) && (onNode === undefined || e.nodeName === onNode),
    ),
  );
}

function routesFor(
  ips: readonly Ip[],
  texts: readonly string[],
  ads: readonly ResolvedAdvertisement[],
): ServiceRoute[] {
  return ips.flatMap((ip, i) =>
    ads.map((ad) => ({
      ip: texts[i],
      prefix: formatCidr(maskIp(ip, ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6)),
      advertisement: ad.name,
      communities: [...ad.standardCommunities].sort(),
      largeCommunities: [...ad.largeCommunities].sort(),
      localPref: ad.localPref === 0 ? undefined : ad.localPref,
      peers: ad.peers.length > 0 ? [...ad.peers].sort() : null,
    })),
  );
}

export function decide(
  service: Service,
  slices: readonly EndpointSlice[],
  node: Node | undefined,
  view: Pick<ClusterView, 'pools' | 'advertisements'>,
  options: DecideOptions,
): ServiceDecision {
  // Which service, in every answer (the uid for the Events recorded on it).
  const who = { service: `${service.namespace}/${service.name}`, ...(service.uid && { uid: service.uid }) };
  const ips = service.ingressIps;
  const no = (reason: NotAnnouncedReason, detail: string, pool?: string): ServiceDecision => ({
    ...who,
    ips,
    pool,
    announced: false,
    reason,
    detail,
  });
  if (!classMatches(service, options.loadBalancerClass)) {
    return no(
      'loadBalancerClassMismatch',
      `loadBalancerClass "${service.loadBalancerClass ?? ''}" is not "${options.loadBalancerClass ?? ''}"`,
    );
  }
  if (service.type !== 'LoadBalancer') return no('notLoadBalancer', `type is ${service.type}`);
  if (ips.length === 0) return no('noIPAllocated', 'status.loadBalancer.ingress has no IP');
  const parsed: Ip[] = [];
  for (const text of ips) {
    const ip = parseIp(text);
    if (!ip) return no('invalidIP', `ingress "${text}" is not an IP address`);
    parsed.push(ip);
  }
  const pool = poolFor(view.pools, parsed);
  if (!pool) return no('notInPool', `no IPAddressPool holds ${ips.join(', ')}`);
  if (!node) return no('nodeNotFound', `there is no Node "${options.nodeName}"`, pool.name);
  const forNode = view.advertisements.filter(
    (ad) => ad.pools.includes(pool.name) && advertisementSelectsNode(ad, node),
  );
  if (forNode.length === 0) {
    return no(
      'notOwner',
      `no BGPAdvertisement of pool "${pool.name}" selects node "${node.name}"`,
      pool.name,
    );
  }
  const ads = forNode.filter((ad) => anySelectorMatches(ad.serviceSelectors, service.labels));
  if (ads.length === 0) {
    return no(
      'noMatchingAdvertisement',
      `no BGPAdvertisement of pool "${pool.name}" selects the service`,
      pool.name,
    );
  }
  const clash = conflict(ads, pool);
  if (clash) return no('conflictingAdvertisements', clash, pool.name);
  if (node.networkUnavailable) {
    return no('nodeNetworkUnavailable', `node "${node.name}" has NetworkUnavailable=True`, pool.name);
  }
  if (!options.ignoreExcludeLb && Object.hasOwn(node.labels, EXCLUDE_LB_LABEL)) {
    return no(
      'nodeLabeledExcludeBalancers',
      `node "${node.name}" has the label ${EXCLUDE_LB_LABEL}`,
      pool.name,
    );
  }
  if (service.externalTrafficPolicy === 'Local' && !hasHealthyEndpoint(slices, node.name)) {
    return no(
      'noLocalEndpoints',
      `externalTrafficPolicy Local and no ready endpoint on "${node.name}"`,
      pool.name,
    );
  }
  if (!hasHealthyEndpoint(slices)) return no('noEndpoints', 'no ready endpoint', pool.name);
  return {
    ...who,
    ips,
    pool: pool.name,
    announced: true,
    routes: routesFor(parsed, ips, ads),
  };
}
