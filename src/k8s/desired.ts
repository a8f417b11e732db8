// The complete desired state of this node from one view of the cluster: every service's decision,
// the routes to announce (one per prefix and target, equal prefixes merged with their
// communities), the BGP sessions from BGPPeers, and the resources that could not be used. The
// daemon diffs it against what is announced; nothing here withdraws by itself. Pure.
import { buildClusterView, type ClusterView, type RawResources } from './cluster-view.js';
import type { EndpointSlice, Node, Service } from './core-types.js';
import { type DecideOptions, decide, type ServiceDecision, type ServiceRoute } from './decide.js';
import type { MergeSource } from './frrk8s/merge.js';
import { frrSources } from './frrk8s/sources.js';
import { parseIp } from './ip-ranges.js';
import type { ResourceProblem } from './resource-error.js';
import { type PeerSession, sessionsFor } from './sessions.js';

/**
 * One route to announce. A peer named in some announcement's `peers` for a prefix gets that one;
 * every other session gets the announcement of the prefix whose `peers` is null, if there is one.
 * So each session has at most one announcement per prefix.
 */
export interface Announcement {
  prefix: string;
  /** BGPPeer names, sorted; null: every session (BGPPeer or config-file neighbor). */
  peers: string[] | null;
  /** Union of the merged advertisements', sorted. */
  communities: string[];
  largeCommunities: string[];
  /** For iBGP sessions only; the highest when merged routes disagree. */
  localPref?: number;
  /** "namespace/name" of the services behind the prefix, sorted. */
  services: string[];
}

export interface NodeInfo {
  name: string;
  uid?: string;
  labels: Record<string, string>;
  /** First InternalIP (else ExternalIP) of each family: router id and next hop when the config has none. */
  ipv4?: string;
  ipv6?: string;
}

export interface DesiredState {
  nodeName: string;
  /** undefined when there is no Node named nodeName. */
  node?: NodeInfo;
  announcements: Announcement[];
  /** Every service, announced or with the reason why not. */
  services: ServiceDecision[];
  sessions: PeerSession[];
  /** FRR-K8s mode: the FRRConfigurations selecting this node, oldest first (merged by the daemon). */
  frrSources?: MergeSource[];
  /** Resources left out, each naming the resource and field. */
  problems: ResourceProblem[];
}

function nodeInfo(node: Node): NodeInfo {
  const pick = (family: 4 | 6) => {
    for (const type of ['InternalIP', 'ExternalIP']) {
      const a = node.addresses.find((x) => x.type === type && parseIp(x.address)?.family === family);
      if (a) return a.address;
    }
    return undefined;
  };
  return { name: node.name, uid: node.uid, labels: node.labels, ipv4: pick(4), ipv6: pick(6) };
}

interface Contribution {
  route: ServiceRoute;
  service: string;
}

function merged(prefix: string, peers: string[] | null, parts: readonly Contribution[]): Announcement {
  const communities = new Set<string>();
  const large = new Set<string>();
  const services = new Set<string>();
  let localPref: number | undefined;
  for (const { route, service } of parts) {
    for (const c of route.communities) communities.add(c);
    for (const c of route.largeCommunities) large.add(c);
    services.add(service);
    if (route.localPref !== undefined) localPref = Math.max(localPref ?? 0, route.localPref);
  }
  return {
    prefix,
    peers,
    communities: [...communities].sort(),
    largeCommunities: [...large].sort(),
    localPref,
    services: [...services].sort(),
  };
}

function announcementsFor(prefix: string, parts: readonly Contribution[]): Announcement[] {
  const out: Announcement[] = [];
  const everyone = parts.filter((p) => p.route.peers === null);
  if (everyone.length > 0) out.push(merged(prefix, null, everyone));
  const named = [...new Set(parts.flatMap((p) => p.route.peers ?? []))].sort();
  const byAttributes = new Map<string, { peers: string[]; parts: Contribution[] }>();
  for (const peer of named) {
    const mine = parts.filter((p) => p.route.peers === null || p.route.peers.includes(peer));
    const a = merged(prefix, null, mine);
    const key = JSON.stringify([a.communities, a.largeCommunities, a.localPref, a.services]);
    const group = byAttributes.get(key) ?? { peers: [], parts: mine };
    group.peers.push(peer);
    byAttributes.set(key, group);
  }
  for (const g of byAttributes.values()) out.push(merged(prefix, g.peers, g.parts));
  return out;
}

/**
 * The announcements of a prefix that one route alone makes (most prefixes: one service, one
 * advertisement), kept with the route: decisions are reused while nothing they depend on changed,
 * so a snapshot after one change merges again only the prefixes that change touched.
 */
const soleRouteAnnouncements = new WeakMap<ServiceRoute, { service: string; out: Announcement[] }>();

function announcementsOf(prefix: string, parts: readonly Contribution[]): Announcement[] {
  if (parts.length !== 1) return announcementsFor(prefix, parts);
  const { route, service } = parts[0];
  const hit = soleRouteAnnouncements.get(route);
  if (hit?.service === service) return hit.out;
  const out = announcementsFor(prefix, parts);
  soleRouteAnnouncements.set(route, { service, out });
  return out;
}

/** Merges the routes of every announced service into announcements (sorted by prefix, then peers). */
export function mergeAnnouncements(decisions: readonly ServiceDecision[]): Announcement[] {
  const byPrefix = new Map<string, Contribution[]>();
  for (const d of decisions) {
    if (!d.announced) continue;
    for (const route of d.routes) {
      const list = byPrefix.get(route.prefix);
      if (list) list.push({ route, service: d.service });
      else byPrefix.set(route.prefix, [{ route, service: d.service }]);
    }
  }
  const out: Announcement[] = [];
  for (const prefix of [...byPrefix.keys()].sort())
    for (const a of announcementsOf(prefix, byPrefix.get(prefix) ?? [])) out.push(a);
  return out;
}

/**
 * A decision is reused while the service, its slices and the node are the same objects (readers
 * return the same object for an unchanged resource) and nothing else it depends on changed
 * (`context`: the identity of every other resource and the options).
 */
interface CachedDecision {
  context: string;
  slices: readonly EndpointSlice[];
  node: Node | undefined;
  decision: ServiceDecision;
}
const decisions = new WeakMap<Service, CachedDecision>();

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function decideOnce(
  s: Service,
  slices: readonly EndpointSlice[],
  node: Node | undefined,
  view: ClusterView,
  options: DecideOptions,
  context: string | undefined,
): ServiceDecision {
  const hit = context === undefined ? undefined : decisions.get(s);
  if (hit && hit.context === context && hit.node === node && sameList(hit.slices, slices))
    return hit.decision;
  const decision = decide(s, slices, node, view, options);
  if (context !== undefined) decisions.set(s, { context, slices, node, decision });
  return decision;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;
function objectId(o: unknown): number {
  if (typeof o !== 'object' || o === null) return -1;
  let id = objectIds.get(o);
  if (id === undefined) {
    id = ++nextObjectId;
    objectIds.set(o, id);
  }
  return id;
}

/** The identity of everything a decision depends on besides its service, slices and node. */
function decisionContext(raw: RawResources, options: DecideOptions): string {
  const lists = [raw.ipAddressPools, raw.bgpAdvertisements, raw.bgpPeers, raw.communities, raw.bfdProfiles];
  return `${lists.map((l) => l.map(objectId).join(',')).join('|')}|${JSON.stringify(options)}`;
}

export function desiredFromView(view: ClusterView, options: DecideOptions, context?: string): DesiredState {
  const node = view.nodes.get(options.nodeName);
  const services = view.services.map((s) =>
    decideOnce(s, view.endpointSlices.get(`${s.namespace}/${s.name}`) ?? [], node, view, options, context),
  );
  const frr = view.frrConfigurations && frrSources(view.frrConfigurations, view.secrets, node);
  return {
    nodeName: options.nodeName,
    node: node ? nodeInfo(node) : undefined,
    announcements: mergeAnnouncements(services),
    services,
    sessions: sessionsFor(view, node),
    ...(frr && { frrSources: frr.sources }),
    problems: frr ? [...view.problems, ...frr.problems] : view.problems,
  };
}

/** The desired state from raw resource JSON (what the watcher holds). */
export function desiredState(raw: RawResources, options: DecideOptions): DesiredState {
  return desiredFromView(buildClusterView(raw), options, decisionContext(raw, options));
}
