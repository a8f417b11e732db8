// FRR-K8s mode (`kubernetes.frrk8s`): every source selecting this node — the config file's
// neighbors, the MetalLB BGPPeers with what they announce, the FRRConfigurations — merged
// (k8s/frrk8s/merge.ts) and turned into what the daemon runs: the merged neighbors as sessions
// (through sessionNeighbors, so the checks are the MetalLB path's), each neighbor's advertised
// prefixes as routes targeted at it (with that neighbor's communities and LOCAL_PREF), and
// toReceive as the neighbor's import policy, built as a prefix list plus a policy and compiled by
// the policy engine: nothing is accepted unless a source opens it (as FRR-K8s). Pure.
import type { HeraldConfig, InterfaceNeighborConfig, NeighborConfig } from '../config/types.js';
import type { MergedNeighbor, MergeResult, MergeSource } from '../k8s/frrk8s/merge.js';
import { mergeSources } from '../k8s/frrk8s/merge.js';
import { metallbSources } from '../k8s/frrk8s/sources.js';
import type { FrrNeighbor, PrefixSelector } from '../k8s/frrk8s/types.js';
import type { Announcement, DesiredState, PeerSession, ResourceProblem } from '../k8s/index.js';
import { type CompiledPolicies, compilePolicies, PolicyError } from '../policy/index.js';
import type { RawPolicyConfig, RawPrefixListEntry } from '../policy/policy-schema.js';
import { interfaceMark, sessionNeighbors } from './kubernetes-sessions.js';

export const CONFIG_FILE_SOURCE = 'config file';

export interface FrrK8sPlan {
  merged: MergeResult;
  /** Neighbors to run (the config file's own are not among them). */
  neighbors: NeighborConfig[];
  /** Neighbors given by interface (BGP unnumbered), run once found on their link. */
  interfaceNeighbors: InterfaceNeighborConfig[];
  /** Merged neighbor key and BGPPeer name → the neighbor address the session runs on. */
  peerAddress: Map<string, string>;
  /** One per prefix and set of attributes, `peers` naming merged neighbor keys. */
  announcements: Announcement[];
  /** The import policies the neighbors name (toReceive), as policy configuration. */
  policyConfig: PolicyConfig;
  problems: ResourceProblem[];
}

/** The config file as a source: its neighbors (default VRF) under the config's AS. */
export function configFileSource(config: Pick<HeraldConfig, 'asn' | 'routerId' | 'neighbors'>): MergeSource {
  const neighbors = config.neighbors.map(
    (n): FrrNeighbor => ({
      address: n.address,
      ...(n.peerAsn === 'external' ? { dynamicASN: 'external' as const } : { asn: n.peerAsn }),
      port: n.port,
      ebgpMultiHop: false,
      enableGracefulRestart: n.gracefulRestart.enabled,
      toAdvertise: { mode: 'filtered', prefixes: [], localPref: {}, communities: {} },
      toReceive: { mode: 'filtered', prefixes: [] },
      dualStackAddressFamily: false,
    }),
  );
  return {
    name: CONFIG_FILE_SOURCE,
    configFile: true,
    routers: [{ asn: config.asn, id: config.routerId, vrf: '', prefixes: [], neighbors }],
    bfdProfiles: [],
  };
}

function families(n: FrrNeighbor): PeerSession['families'] {
  if (!n.address || n.dualStackAddressFamily) return ['ipv4-unicast', 'ipv6-unicast'];
  return [n.address.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast'];
}

function sessionOf(m: MergedNeighbor, merged: MergeResult): PeerSession {
  const n = m.session;
  const profile = merged.bfdProfiles.find((b) => b.name === n.bfdProfile);
  return {
    name: m.key,
    resource: m.sources.join(', '),
    localAsn: m.localAsn,
    peerAsn: n.asn,
    dynamicAsn: n.dynamicASN,
    address: n.address,
    interface: n.interface,
    port: n.port ?? 179,
    localAddress: n.sourceAddress,
    holdTime: n.holdTime,
    keepalive: n.keepaliveTime,
    connectRetry: n.connectTime,
    routerId: m.routerId,
    password: n.password,
    ebgpMultihop: n.ebgpMultiHop ? 255 : undefined,
    gracefulRestart: n.enableGracefulRestart,
    bindDevice: m.vrf || undefined,
    families: families(n),
    bfdProfile: profile && { ...profile, namespace: undefined, labels: {} },
    ibgp: n.asn !== undefined ? n.asn === m.localAsn : n.dynamicASN === 'internal',
    localAsnOverride: n.localASN,
  };
}

/** FRR's `ge` equal to the prefix length means "from that length on": Herald's list says it without ge. */
function entryOf(s: PrefixSelector): RawPrefixListEntry {
  const length = Number(s.prefix.slice(s.prefix.indexOf('/') + 1));
  const max = s.prefix.includes(':') ? 128 : 32;
  if (s.ge !== undefined && s.ge === length) return { action: 'permit', prefix: s.prefix, le: s.le ?? max };
  return {
    action: 'permit',
    prefix: s.prefix,
    ...(s.ge !== undefined && { ge: s.ge }),
    ...(s.le !== undefined && { le: s.le }),
  };
}

/**
 * The import policy name of a neighbor address (an interface neighbor's: its `%IFNAME` stand-in);
 * characters a policy name cannot have (a zone's '%', an interface name's own) become '_'.
 */
export function importPolicyName(address: string): string {
  return `frrk8s-in-${address.replace(/[^A-Za-z0-9._:-]/g, '_')}`;
}

type PolicyConfig = Required<Pick<RawPolicyConfig, 'prefixLists' | 'policies'>>;

function importPolicy(m: MergedNeighbor, name: string, out: PolicyConfig): void {
  if (m.receive.all) out.policies[name] = { default: 'accept' };
  else if (m.receive.prefixes.length === 0) out.policies[name] = { default: 'reject' };
  else {
    out.prefixLists[name] = m.receive.prefixes.map(entryOf);
    out.policies[name] = { terms: [{ match: { prefixList: name }, action: 'accept' }], default: 'reject' };
  }
}

/** Routes per prefix and attributes, each for the neighbors (keys) that get it so. */
function announcementsOf(neighbors: readonly MergedNeighbor[]): Announcement[] {
  const groups = new Map<string, { announcement: Announcement; from: MergedNeighbor[] }>();
  for (const m of neighbors) {
    for (const prefix of Object.keys(m.advertise)) {
      const a = m.advertise[prefix];
      const none = a.communities.length === 0;
      const standard = none ? a.communities : a.communities.filter((c) => c.split(':').length === 2);
      const large = none ? a.communities : a.communities.filter((c) => c.split(':').length === 3);
      // Communities hold neither spaces nor commas: the text names the attributes unambiguously.
      const key = `${prefix} ${standard.join(',')} ${large.join(',')} ${a.localPref}`;
      let g = groups.get(key);
      if (!g) {
        const announcement: Announcement = {
          prefix,
          peers: [],
          communities: standard,
          largeCommunities: large,
          ...(a.localPref !== undefined && { localPref: a.localPref }),
          services: [],
        };
        g = { announcement, from: [] };
        groups.set(key, g);
      }
      g.announcement.peers?.push(m.key);
      g.from.push(m);
    }
  }
  // Most prefixes go to one neighbor: its sources, sorted once, serve all of them.
  const sorted = new Map<MergedNeighbor, string[]>();
  const sourcesOf = (from: readonly MergedNeighbor[]): string[] => {
    if (from.length > 1) return [...new Set(from.flatMap((m) => m.sources))].sort();
    const list = sorted.get(from[0]) ?? [...from[0].sources].sort();
    sorted.set(from[0], list);
    return list;
  };
  const out: Announcement[] = [];
  for (const g of groups.values()) {
    g.announcement.services = sourcesOf(g.from);
    out.push(g.announcement);
  }
  return out.sort((a, b) => byText.compare(a.prefix, b.prefix));
}

/** The order of localeCompare, without building a collator per comparison. */
const byText = new Intl.Collator();

/** A config-file neighbor gets MetalLB's routes for every peer, as outside FRR-K8s mode. */
function withEveryPeerRoutes(m: MergedNeighbor, announcements: readonly Announcement[]): MergedNeighbor {
  const advertise = { ...m.advertise };
  for (const a of announcements) {
    if (a.peers !== null || advertise[a.prefix]) continue;
    const communities = [...a.communities, ...a.largeCommunities].sort();
    advertise[a.prefix] = { communities, ...(a.localPref !== undefined && { localPref: a.localPref }) };
  }
  return { ...m, advertise };
}

export function planFrrK8s(
  state: Pick<DesiredState, 'sessions' | 'announcements' | 'frrSources'>,
  config: Pick<HeraldConfig, 'asn' | 'routerId' | 'neighbors'>,
  routerId: string,
): FrrK8sPlan {
  const merged = mergeSources([
    configFileSource(config),
    ...metallbSources(state.sessions, state.announcements),
    ...(state.frrSources ?? []),
  ]);
  const problems: ResourceProblem[] = merged.rejected.map((r) => ({
    resource: r.source,
    field: '',
    message: r.reason,
  }));
  const running = merged.neighbors.filter((m) => !m.configFile);
  const sessions = sessionNeighbors(
    running.map((m) => sessionOf(m, merged)),
    config,
    routerId,
  );
  problems.push(...sessions.problems);
  const peerAddress = new Map(sessions.peerAddress);
  const policyConfig: PolicyConfig = { prefixLists: {}, policies: {} };
  const byKey = new Map(running.map((m) => [m.key, m]));
  // Each session's toReceive as its import policy (an interface neighbor's named by its link).
  const withImportPolicy = <N extends { importPolicy?: string }>(n: N, address: string): N => {
    const key = [...peerAddress].find(([, a]) => a === address)?.[0];
    const m = key === undefined ? undefined : byKey.get(key);
    if (!m) return n;
    importPolicy(m, importPolicyName(address), policyConfig);
    return { ...n, importPolicy: importPolicyName(address) };
  };
  const neighbors = sessions.neighbors.map((n) => withImportPolicy(n, n.address));
  const interfaceNeighbors = sessions.interfaceNeighbors.map((n) =>
    withImportPolicy(n, interfaceMark(n.interface)),
  );
  for (const m of merged.neighbors) {
    if (!m.configFile || !m.session.address) continue;
    peerAddress.set(m.key, m.session.address);
    if (m.receive.all || m.receive.prefixes.length > 0)
      problems.push({
        resource: m.sources.join(', '),
        field: 'toReceive',
        message: `${m.sources.slice(1).join(', ')}: toReceive for ${m.key} is not applied: it is a config-file neighbor, whose importPolicy applies`,
      });
  }
  // BGPAdvertisement `peers` name BGPPeers: their sessions are the merged neighbors of their address.
  for (const s of state.sessions) {
    const m = merged.neighbors.find((x) => x.sources.includes(s.resource));
    const address = m && peerAddress.get(m.key);
    if (address) peerAddress.set(s.name, address);
  }
  const announced = merged.neighbors
    .filter((m) => peerAddress.has(m.key))
    .map((m) => (m.configFile ? withEveryPeerRoutes(m, state.announcements) : m));
  return {
    merged,
    neighbors,
    interfaceNeighbors,
    peerAddress,
    announcements: announcementsOf(announced),
    policyConfig,
    problems,
  };
}

/**
 * The compiled import policies of a plan. The readers check the selectors as the prefix lists do,
 * so this should not fail; if it does, every neighbor of the plan accepts nothing (closed, as
 * FRR-K8s's default) and the reason is returned.
 */
export function compilePlanPolicies(plan: FrrK8sPlan): { policies: CompiledPolicies; problem?: string } {
  try {
    return { policies: compilePolicies(plan.policyConfig) };
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const closed = Object.fromEntries(
      Object.keys(plan.policyConfig.policies).map((name) => [name, { default: 'reject' as const }]),
    );
    return { policies: compilePolicies({ policies: closed }), problem: e.message };
  }
}
