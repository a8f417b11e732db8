// Merges every source that selects this node (config file, MetalLB BGPPeers, FRRConfigurations)
// into one desired configuration with FRR-K8s's rules (docs/kubernetes.md has the table): a
// source can only extend the others; routers combine per VRF (same ASN, router ids equal when
// both set, prefixes a union); neighbors are keyed by VRF + address and are one session (ASN,
// port, source address, password, multihop, address families, local ASN equal; BFD profile and
// timers equal where both differ from the default); toAdvertise and communities are unions, one
// LOCAL_PREF per prefix; toReceive is the most permissive (`all` over a list over nothing). A
// config-file neighbor keeps the config file's settings: others must only agree on AS and port.
// Unlike FRR-K8s, which refuses the whole merged state, a source that cannot be merged is left
// out alone, with a reason naming both sources, and the others keep working. Sources are merged
// in the order given, so an earlier (older) one wins a conflict. Pure.
import type { FrrBfdProfile, FrrNeighbor, FrrRouter, PrefixSelector } from './types.js';

/** One source's contribution, as FRRConfiguration routers. */
export interface MergeSource {
  /** "config file", "BGPPeer metallb-system/tor", "FRRConfiguration frr-k8s-system/a" */
  name: string;
  routers: FrrRouter[];
  bfdProfiles: FrrBfdProfile[];
  /** Neighbors of this source are the config file's own (the daemon runs those itself). */
  configFile?: boolean;
}

/** A prefix as sent to one neighbor. */
export interface AdvertisedPrefix {
  localPref?: number;
  /** Standard and large communities in Herald's forms, sorted. */
  communities: string[];
}

export interface MergedNeighbor {
  /** "10.0.0.1" in the default VRF, "red/10.0.0.1" in VRF red. */
  key: string;
  vrf: string;
  /** The router's ASN (our AS on this session). */
  localAsn: number;
  routerId?: string;
  /** The merged session settings (toAdvertise/toReceive as given by the first source). */
  session: FrrNeighbor;
  /** Prefix → attributes, for every prefix some source advertises to this neighbor. */
  advertise: Record<string, AdvertisedPrefix>;
  receive: { all: boolean; prefixes: PrefixSelector[] };
  /** Sources contributing, in merge order. */
  sources: string[];
  /** The config file has this neighbor (its settings and import policy are used). */
  configFile: boolean;
}

export interface MergedRouter {
  asn: number;
  id?: string;
  vrf: string;
  prefixes: string[];
  sources: string[];
}

export interface MergeResult {
  routers: MergedRouter[];
  neighbors: MergedNeighbor[];
  bfdProfiles: FrrBfdProfile[];
  /** Source names merged, in order. */
  accepted: string[];
  /** Sources left out, each with why. */
  rejected: { source: string; reason: string }[];
}

/** FRR-K8s's defaults that unset values are compared with (merge.go). */
const DEFAULT = { port: 179, holdTime: 180, keepaliveTime: 60, connectTime: 60 } as const;

class Conflict extends Error {}

/**
 * A router's prefixes while merging: each source's list chained to the earlier ones, so a source
 * adds its own without copying (or sorting) everything merged so far; sorted once at the end.
 */
interface PrefixChain {
  own: readonly string[];
  earlier?: PrefixChain;
}

type RouterState = Omit<MergedRouter, 'prefixes'> & { prefixes: PrefixChain };

interface State {
  routers: Map<string, RouterState>;
  neighbors: Map<string, MergedNeighbor>;
  bfd: Map<string, { profile: FrrBfdProfile; source: string }>;
  /**
   * A neighbor's advertised prefixes are changed in place (copying hundreds of them for every
   * source was most of the merge's garbage); these put back what the source being merged changed,
   * if it is left out.
   */
  undo: (() => void)[];
}

function neighborKey(vrf: string, n: FrrNeighbor): string {
  const id = n.address ?? `interface ${n.interface}`;
  return vrf ? `${vrf}/${id}` : id;
}

function fail(what: string, mine: unknown, theirs: unknown, by: readonly string[]): never {
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  throw new Conflict(`${what}: ${show(mine)} here, ${show(theirs)} in ${by.join(', ')}`);
}

function sameWithDefault(a: number | undefined, b: number | undefined, def: number): boolean {
  return (a ?? def) === (b ?? def);
}

/** The prefixes, sorted; without repeats once more than one list was merged (as a union). */
function prefixList(chain: PrefixChain): string[] {
  if (!chain.earlier) return [...chain.own].sort();
  const all = new Set<string>();
  for (let c: PrefixChain | undefined = chain; c; c = c.earlier) for (const p of c.own) all.add(p);
  return [...all].sort();
}

function mergeRouter(state: State, r: FrrRouter, source: string): RouterState {
  const was = state.routers.get(r.vrf);
  const vrfText = r.vrf ? `VRF ${r.vrf}` : 'the default VRF';
  if (!was) {
    const fresh = { asn: r.asn, id: r.id, vrf: r.vrf, prefixes: { own: r.prefixes }, sources: [source] };
    state.routers.set(r.vrf, fresh);
    return fresh;
  }
  if (was.asn !== r.asn) fail(`router ASN in ${vrfText}`, r.asn, was.asn, was.sources);
  if (r.id && was.id && r.id !== was.id) fail(`router id in ${vrfText}`, r.id, was.id, was.sources);
  const merged = {
    asn: was.asn,
    id: was.id ?? r.id,
    vrf: r.vrf,
    prefixes: { own: r.prefixes, earlier: was.prefixes },
    sources: was.sources.includes(source) ? was.sources : [...was.sources, source],
  };
  state.routers.set(r.vrf, merged);
  return merged;
}

/** The peer: its AS and port. */
function checkPeer(key: string, a: FrrNeighbor, b: FrrNeighbor, by: readonly string[]): void {
  const at = `neighbor ${key}`;
  const peerAs = (n: FrrNeighbor) => n.asn ?? n.dynamicASN;
  if (peerAs(a) !== peerAs(b)) fail(`${at} asn`, peerAs(a), peerAs(b), by);
  if (!sameWithDefault(a.port, b.port, DEFAULT.port)) fail(`${at} port`, a.port, b.port, by);
}

/** The session values that must agree (merge.go neighborsAreCompatible). */
function checkSession(key: string, a: FrrNeighbor, b: FrrNeighbor, by: readonly string[]): void {
  const at = `neighbor ${key}`;
  checkPeer(key, a, b, by);
  if (a.sourceAddress !== b.sourceAddress) fail(`${at} source address`, a.sourceAddress, b.sourceAddress, by);
  if (a.password !== b.password) throw new Conflict(`${at}: different passwords than ${by.join(', ')}`);
  if (a.bfdProfile && b.bfdProfile && a.bfdProfile !== b.bfdProfile)
    fail(`${at} bfdProfile`, a.bfdProfile, b.bfdProfile, by);
  if (a.ebgpMultiHop !== b.ebgpMultiHop) fail(`${at} ebgpMultiHop`, a.ebgpMultiHop, b.ebgpMultiHop, by);
  if (a.dualStackAddressFamily !== b.dualStackAddressFamily)
    fail(`${at} dualStackAddressFamily`, a.dualStackAddressFamily, b.dualStackAddressFamily, by);
  for (const t of ['holdTime', 'keepaliveTime', 'connectTime'] as const)
    if (!sameWithDefault(a[t], b[t], DEFAULT[t])) fail(`${at} ${t}`, a[t], b[t], by);
  if (a.localASN !== b.localASN) fail(`${at} localASN`, a.localASN, b.localASN, by);
}

function advertised(n: FrrNeighbor): Record<string, AdvertisedPrefix> {
  const out: Record<string, AdvertisedPrefix> = {};
  for (const p of n.toAdvertise.prefixes) {
    const localPref = n.toAdvertise.localPref[p];
    out[p] = {
      communities: n.toAdvertise.communities[p] ?? [],
      ...(localPref !== undefined && { localPref }),
    };
  }
  return out;
}

function selectorKey(s: PrefixSelector): string {
  return `${s.prefix} ${s.ge ?? ''} ${s.le ?? ''}`;
}

function mergeNeighbor(
  state: State,
  router: RouterState,
  n: FrrNeighbor,
  source: string,
  configFile: boolean,
): void {
  const key = neighborKey(router.vrf, n);
  const was = state.neighbors.get(key);
  const receive = { all: n.toReceive.mode === 'all', prefixes: n.toReceive.prefixes };
  if (!was) {
    state.neighbors.set(key, {
      key,
      vrf: router.vrf,
      localAsn: router.asn,
      routerId: router.id,
      session: n,
      advertise: advertised(n),
      receive,
      sources: [source],
      configFile,
    });
    return;
  }
  // A config-file neighbor runs with the config file's settings: only the peer must agree.
  if (was.configFile || configFile) checkPeer(key, n, was.session, was.sources);
  else checkSession(key, n, was.session, was.sources);
  const advertise = was.advertise;
  for (const [prefix, mine] of Object.entries(advertised(n))) {
    const theirs = advertise[prefix];
    if (!theirs) {
      state.undo.push(() => delete advertise[prefix]);
      advertise[prefix] = mine;
      continue;
    }
    if (mine.localPref !== undefined && theirs.localPref !== undefined && mine.localPref !== theirs.localPref)
      fail(`neighbor ${key} localPref of ${prefix}`, mine.localPref, theirs.localPref, was.sources);
    state.undo.push(() => {
      advertise[prefix] = theirs;
    });
    advertise[prefix] = {
      communities: [...new Set([...theirs.communities, ...mine.communities])].sort(),
      ...((theirs.localPref ?? mine.localPref) !== undefined && {
        localPref: theirs.localPref ?? mine.localPref,
      }),
    };
  }
  const all = was.receive.all || receive.all;
  const selectors = new Map([...was.receive.prefixes, ...receive.prefixes].map((s) => [selectorKey(s), s]));
  state.neighbors.set(key, {
    ...was,
    session: { ...was.session, bfdProfile: was.session.bfdProfile ?? n.bfdProfile },
    routerId: router.id,
    advertise,
    receive: { all, prefixes: all ? [] : [...selectors.values()] },
    sources: was.sources.includes(source) ? was.sources : [...was.sources, source],
    configFile: was.configFile || configFile,
  });
}

function mergeBfd(state: State, profiles: readonly FrrBfdProfile[], source: string): void {
  for (const p of profiles) {
    const was = state.bfd.get(p.name);
    if (was && JSON.stringify(was.profile) !== JSON.stringify(p))
      throw new Conflict(`bfd profile "${p.name}" has other values in ${was.source}`);
    if (!was) state.bfd.set(p.name, { profile: p, source });
  }
}

function copy(state: State): State {
  const { routers, neighbors, bfd } = state;
  return { routers: new Map(routers), neighbors: new Map(neighbors), bfd: new Map(bfd), undo: [] };
}

export function mergeSources(sources: readonly MergeSource[]): MergeResult {
  let state: State = { routers: new Map(), neighbors: new Map(), bfd: new Map(), undo: [] };
  const accepted: string[] = [];
  const rejected: MergeResult['rejected'] = [];
  for (const s of sources) {
    const next = copy(state);
    try {
      mergeBfd(next, s.bfdProfiles, s.name);
      for (const r of s.routers) {
        const router = mergeRouter(next, r, s.name);
        for (const n of r.neighbors) mergeNeighbor(next, router, n, s.name, s.configFile === true);
      }
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      for (const undo of next.undo.reverse()) undo();
      rejected.push({ source: s.name, reason: `${s.name}: ${e.message}; left out` });
      continue;
    }
    state = next;
    accepted.push(s.name);
  }
  const byKey = <T>(m: Map<string, T>) => [...m.keys()].sort().map((k) => m.get(k) as T);
  return {
    routers: byKey(state.routers).map((r) => ({ ...r, prefixes: prefixList(r.prefixes) })),
    neighbors: byKey(state.neighbors),
    bfdProfiles: byKey(state.bfd).map((b) => b.profile),
    accepted,
    rejected,
  };
}
