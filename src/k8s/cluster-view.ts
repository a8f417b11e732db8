// Builds the typed view of the cluster from raw resource JSON: each resource read on its own (an
// invalid one is left out and reported, never fatal), then the rules that span resources as
// MetalLB applies them: pools must not overlap, Community alias names are unique, an
// advertisement's communities resolve, its aggregation lengths are no shorter than the prefixes
// of the pools it serves, a peer's BFD profile exists and its password secret is a basic-auth
// Secret holding `password`. FRRConfigurations (FRR-K8s mode) are read here too and merged later
// (frrk8s/merge.ts). Pure; the order of the input does not matter.
import { md5KeyProblem } from '../sys/libc.js';
import { type CommunityValue, parseCommunityValue } from './community.js';
import type { EndpointSlice, Node, Secret, Service } from './core-types.js';
import { FRR_CONFIGURATION, readFrrConfiguration } from './frrk8s/read-frr-configuration.js';
import type { FrrConfiguration } from './frrk8s/types.js';
import { cidrsOverlap, formatCidr } from './ip-ranges.js';
import { anySelectorMatches } from './label-selector.js';
import type {
  BfdProfile,
  BgpAdvertisement,
  BgpPeer,
  CommunityAliases,
  IpAddressPool,
  ObjectRef,
} from './metallb-types.js';
import { readBfdProfile } from './read-bfd-profile.js';
import { readBgpAdvertisement } from './read-bgp-advertisement.js';
import { readBgpPeer } from './read-bgp-peer.js';
import { readCommunity } from './read-community.js';
import { readEndpointSlice, readNode, readSecret, readService } from './read-core.js';
import { readIpAddressPool } from './read-ip-address-pool.js';
import { problemOf, type ResourceProblem, resourceName } from './resource-error.js';

/** The resources as the API server returns them (JSON objects), by kind. */
export interface RawResources {
  ipAddressPools: readonly unknown[];
  bgpAdvertisements: readonly unknown[];
  bgpPeers: readonly unknown[];
  communities: readonly unknown[];
  bfdProfiles: readonly unknown[];
  services: readonly unknown[];
  endpointSlices: readonly unknown[];
  nodes: readonly unknown[];
  secrets: readonly unknown[];
  /** FRR-K8s FRRConfigurations; absent: `kubernetes.frrk8s` is off. */
  frrConfigurations?: readonly unknown[];
  /** Namespaces (their labels, for pools' namespaceSelectors); watched only when allocating. */
  namespaces?: readonly unknown[];
}

export function emptyRawResources(): RawResources {
  return {
    ipAddressPools: [],
    bgpAdvertisements: [],
    bgpPeers: [],
    communities: [],
    bfdProfiles: [],
    services: [],
    endpointSlices: [],
    nodes: [],
    secrets: [],
  };
}

/** A BGPAdvertisement with its communities resolved and the pools it serves. */
export interface ResolvedAdvertisement extends BgpAdvertisement {
  /** "a:b" values in Herald's form. */
  standardCommunities: string[];
  /** "a:b:c" values in Herald's form. */
  largeCommunities: string[];
  /** Names of the pools it applies to. */
  pools: string[];
}

/** A BGPPeer with its secret password read. */
export interface ResolvedPeer extends BgpPeer {
  /** From `password` or the referenced Secret. */
  resolvedPassword?: string;
}

export interface ClusterView {
  /** Sorted by name. */
  pools: IpAddressPool[];
  advertisements: ResolvedAdvertisement[];
  peers: ResolvedPeer[];
  bfdProfiles: Map<string, BfdProfile>;
  services: Service[];
  /** By "namespace/serviceName". */
  endpointSlices: Map<string, EndpointSlice[]>;
  nodes: Map<string, Node>;
  /** By "namespace/name" (FRRConfiguration password secrets are resolved per node). */
  secrets: Map<string, Secret>;
  /** Read FRRConfigurations, oldest first; undefined when FRR-K8s mode is off. */
  frrConfigurations?: FrrConfiguration[];
  problems: ResourceProblem[];
}

/**
 * What each raw object read to (or the error it read to). The watcher's objects are never changed
 * in place (a change replaces the object), so a view after one change re-reads one object, not
 * thousands; the results are the same objects, which lets desired.ts reuse decisions too.
 */
const readCache = new WeakMap<object, { read: unknown; ok: boolean; value: unknown }>();

function readOnce<T>(raw: unknown, read: (raw: unknown) => T): T {
  if (typeof raw !== 'object' || raw === null) return read(raw);
  const hit = readCache.get(raw);
  if (hit && hit.read === read) {
    if (hit.ok) return hit.value as T;
    throw hit.value;
  }
  try {
    const value = read(raw);
    readCache.set(raw, { read, ok: true, value });
    return value;
  } catch (e) {
    readCache.set(raw, { read, ok: false, value: e });
    throw e;
  }
}

function readAll<T>(
  kind: string,
  raws: readonly unknown[],
  read: (raw: unknown) => T,
  problems: ResourceProblem[],
) {
  const out: T[] = [];
  for (const raw of raws) {
    try {
      out.push(readOnce(raw, read));
    } catch (e) {
      problems.push(problemOf(e, `${kind} (unreadable)`));
    }
  }
  return out;
}

// Names (RFC 1123: lowercase letters, digits, '-', '.') and RFC 3339 timestamps compare by code
// unit, which orders them as localeCompare does without loading ICU's collation data (~3 MB of
// resident memory, issue 19).
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byName = (a: ObjectRef, b: ObjectRef) =>
  compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name);

/** Merge order of FRRConfigurations: the older wins a conflict (then by namespace and name). */
const olderFirst = (a: FrrConfiguration, b: FrrConfiguration) =>
  compareText(a.createdAt, b.createdAt) || byName(a, b);

function refOf(kind: string, r: ObjectRef): string {
  return resourceName(kind, r.namespace, r.name);
}

function problem(resource: string, field: string, reason: string): ResourceProblem {
  return { resource, field, message: field ? `${resource}: ${field}: ${reason}` : `${resource}: ${reason}` };
}

/** Pools in name order; a pool overlapping an earlier one is left out (MetalLB rejects overlaps). */
function nonOverlappingPools(pools: IpAddressPool[], problems: ResourceProblem[]): IpAddressPool[] {
  const kept: IpAddressPool[] = [];
  for (const pool of [...pools].sort(byName)) {
    const clash = kept.find((k) =>
      k.addresses.some((a) =>
        a.cidrs.some((c) => pool.addresses.some((b) => b.cidrs.some((d) => cidrsOverlap(c, d)))),
      ),
    );
    if (clash) {
      const first = pool.addresses.flatMap((a) => a.cidrs)[0];
      problems.push(
        problem(
          refOf('IPAddressPool', pool),
          'spec.addresses',
          `overlaps pool "${clash.name}" (${formatCidr(first)} …)`,
        ),
      );
      continue;
    }
    kept.push(pool);
  }
  return kept;
}

function aliasMap(communities: CommunityAliases[], problems: ResourceProblem[]): Map<string, CommunityValue> {
  const out = new Map<string, CommunityValue>();
  for (const c of [...communities].sort(byName)) {
    c.aliases.forEach((a, i) => {
      if (out.has(a.name)) {
        problems.push(
          problem(refOf('Community', c), `spec.communities[${i}].name`, `duplicate alias "${a.name}"`),
        );
      } else {
        out.set(a.name, a.value);
      }
    });
  }
  return out;
}

/** The shortest prefix length among the CIDRs of each address entry, by family (MetalLB's check). */
function aggregationProblem(ad: BgpAdvertisement, pool: IpAddressPool): string | undefined {
  for (const entry of pool.addresses) {
    const lowest = Math.min(...entry.cidrs.map((c) => c.length));
    const v4 = entry.cidrs[0].family === 4;
    const length = v4 ? ad.aggregationLength : ad.aggregationLengthV6;
    if (length < lowest) {
      return `${v4 ? 'aggregationLength' : 'aggregationLengthV6'} ${length} is shorter than /${lowest} of "${entry.text}" in pool "${pool.name}"`;
    }
  }
  return undefined;
}

function resolveAdvertisement(
  ad: BgpAdvertisement,
  aliases: Map<string, CommunityValue>,
  pools: IpAddressPool[],
): ResolvedAdvertisement | ResourceProblem {
  const ref = refOf('BGPAdvertisement', ad);
  const standardCommunities: string[] = [];
  const largeCommunities: string[] = [];
  for (const [i, text] of ad.communities.entries()) {
    const parsed = aliases.get(text) ?? parseCommunityValue(text);
    if (parsed === 'notACommunity') {
      return problem(
        ref,
        `spec.communities[${i}]`,
        `"${text}" is neither a community value nor a Community alias`,
      );
    }
    if (typeof parsed === 'string') return problem(ref, `spec.communities[${i}]`, parsed);
    const list = parsed.kind === 'large' ? largeCommunities : standardCommunities;
    if (!list.includes(parsed.text)) list.push(parsed.text);
  }
  const selected =
    ad.ipAddressPools.length === 0 && ad.ipAddressPoolSelectors.length === 0
      ? pools
      : pools.filter(
          (p) =>
            ad.ipAddressPools.includes(p.name) ||
            (ad.ipAddressPoolSelectors.length > 0 && anySelectorMatches(ad.ipAddressPoolSelectors, p.labels)),
        );
  for (const pool of selected) {
    const why = aggregationProblem(ad, pool);
    if (why) return problem(ref, 'spec', why);
  }
  return { ...ad, standardCommunities, largeCommunities, pools: selected.map((p) => p.name) };
}

function resolvePeer(
  peer: BgpPeer,
  secrets: Map<string, Secret>,
  bfdProfiles: Map<string, BfdProfile>,
): ResolvedPeer | ResourceProblem {
  const ref = refOf('BGPPeer', peer);
  if (peer.bfdProfile && !bfdProfiles.has(peer.bfdProfile)) {
    return problem(ref, 'spec.bfdProfile', `BFDProfile "${peer.bfdProfile}" does not exist`);
  }
  if (!peer.passwordSecret) return { ...peer, resolvedPassword: peer.password };
  const ns = peer.passwordSecret.namespace ?? peer.namespace ?? 'default';
  const password = secretPassword(secrets, ns, peer.passwordSecret.name);
  if (!password.ok) return problem(ref, 'spec.passwordSecret', password.reason);
  return { ...peer, resolvedPassword: password.value };
}

/** The `password` of a basic-auth Secret (MetalLB's and FRR-K8s's rule), or why not. */
export function secretPassword(
  secrets: ReadonlyMap<string, Secret>,
  ns: string,
  name: string,
): { ok: true; value: string } | { ok: false; reason: string } {
  const secret = secrets.get(`${ns}/${name}`);
  if (!secret) return { ok: false, reason: `Secret ${ns}/${name} not found` };
  if (secret.type !== 'kubernetes.io/basic-auth')
    return {
      ok: false,
      reason: `Secret ${ns}/${name} must be of type kubernetes.io/basic-auth, not ${secret.type}`,
    };
  if (secret.data.password === undefined)
    return { ok: false, reason: `Secret ${ns}/${name} has no "password"` };
  const problem = md5KeyProblem(secret.data.password);
  if (problem) return { ok: false, reason: `Secret ${ns}/${name}: ${problem}` };
  return { ok: true, value: secret.data.password };
}

function isProblem<T>(x: T | ResourceProblem): x is ResourceProblem {
  return (
    typeof (x as ResourceProblem).message === 'string' && typeof (x as ResourceProblem).resource === 'string'
  );
}

export function buildClusterView(raw: RawResources): ClusterView {
  const problems: ResourceProblem[] = [];
  const pools = nonOverlappingPools(
    readAll('IPAddressPool', raw.ipAddressPools, readIpAddressPool, problems),
    problems,
  );
  const aliases = aliasMap(readAll('Community', raw.communities, readCommunity, problems), problems);
  const bfdProfiles = new Map(
    readAll('BFDProfile', raw.bfdProfiles, readBfdProfile, problems).map((b) => [b.name, b] as const),
  );
  const secrets = new Map(
    readAll('Secret', raw.secrets, readSecret, problems).map((s) => [`${s.namespace}/${s.name}`, s] as const),
  );
  const advertisements: ResolvedAdvertisement[] = [];
  for (const ad of readAll('BGPAdvertisement', raw.bgpAdvertisements, readBgpAdvertisement, problems).sort(
    byName,
  )) {
    const r = resolveAdvertisement(ad, aliases, pools);
    if (isProblem(r)) problems.push(r);
    else advertisements.push(r);
  }
  const peers: ResolvedPeer[] = [];
  for (const peer of readAll('BGPPeer', raw.bgpPeers, readBgpPeer, problems).sort(byName)) {
    const r = resolvePeer(peer, secrets, bfdProfiles);
    if (isProblem(r)) problems.push(r);
    else peers.push(r);
  }
  const endpointSlices = new Map<string, EndpointSlice[]>();
  for (const slice of readAll('EndpointSlice', raw.endpointSlices, readEndpointSlice, problems)) {
    if (!slice.serviceName) continue;
    const key = `${slice.namespace}/${slice.serviceName}`;
    endpointSlices.set(key, [...(endpointSlices.get(key) ?? []), slice]);
  }
  const services = readAll('Service', raw.services, readService, problems).sort(
    (a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name),
  );
  const nodes = new Map(readAll('Node', raw.nodes, readNode, problems).map((n) => [n.name, n] as const));
  const frrConfigurations = raw.frrConfigurations
    ? readAll(FRR_CONFIGURATION, raw.frrConfigurations, readFrrConfiguration, problems).sort(olderFirst)
    : undefined;
  return {
    pools,
    advertisements,
    peers,
    bfdProfiles,
    services,
    endpointSlices,
    nodes,
    secrets,
    frrConfigurations,
    problems,
  };
}

const KIND_KEYS: Record<string, keyof RawResources> = {
  IPAddressPool: 'ipAddressPools',
  BGPAdvertisement: 'bgpAdvertisements',
  BGPPeer: 'bgpPeers',
  Community: 'communities',
  BFDProfile: 'bfdProfiles',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Node: 'nodes',
  Secret: 'secrets',
  FRRConfiguration: 'frrConfigurations',
};

/** Sorts objects (e.g. the documents of a manifest) by `kind`; other kinds are ignored. */
export function groupByKind(objects: readonly unknown[]): RawResources {
  const out = emptyRawResources() as { [K in keyof RawResources]: unknown[] };
  for (const o of objects) {
    const kind = typeof o === 'object' && o !== null ? (o as { kind?: unknown }).kind : undefined;
    const key = typeof kind === 'string' && Object.hasOwn(KIND_KEYS, kind) ? KIND_KEYS[kind] : undefined;
    if (key === 'frrConfigurations' && !out.frrConfigurations) out.frrConfigurations = [];
    if (key) out[key]?.push(o);
  }
  return out;
}
