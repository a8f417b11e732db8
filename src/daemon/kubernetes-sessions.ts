// The sessions of a Kubernetes snapshot (BGPPeers selecting this node) as neighbor configs,
// normalized by the same code as the config file's neighbors, so defaults and checks are the
// same. What Herald cannot do for a session is reported as a problem naming the BGPPeer, never
// silently dropped: BFD echo mode is reported and the session runs without it. A BGPPeer given by
// `interface` (BGP unnumbered) becomes an interface neighbor (unnumbered.ts). A myASN other than
// the config's asn or a routerID other than the node's become the
// neighbor's own localAsn and routerId, as MetalLB's native speaker runs them; a localASN too
// (FRR-K8s renders it `local-as N no-prepend replace-as`: the peer sees that AS alone). The
// BGPPeer's bfdProfile becomes the neighbor's BFD session (MetalLB's defaults: 300 ms × 3). A
// config-file neighbor on the same address wins.
import type { HeraldConfig, InterfaceNeighborConfig, NeighborConfig } from '../config/types.js';
import { ConfigError, normalizeInterfaceNeighbor, normalizeNeighbor } from '../config/validate.js';
import type { PeerSession, ResourceProblem } from '../k8s/index.js';

export interface SessionNeighbors {
  /** Neighbors for the BGPPeers (the daemon runs the config file's instead on the same address). */
  neighbors: NeighborConfig[];
  /** BGPPeers given by interface (BGP unnumbered): run once the peer is found on the link. */
  interfaceNeighbors: InterfaceNeighborConfig[];
  /**
   * BGPPeer name → neighbor address (config-file neighbors on the same address included); an
   * interface peer's is `%IFNAME` until its link-local address is known (interfacePeerAddress).
   */
  peerAddress: Map<string, string>;
  problems: ResourceProblem[];
}

/** The stand-in address of an interface peer in `peerAddress`. */
export const interfaceMark = (name: string): string => `%${name}`;

/** `peerAddress` with each interface peer's stand-in resolved by `found` (dropped while unknown). */
export function resolvePeerAddresses(
  peerAddress: ReadonlyMap<string, string>,
  found: (name: string) => string | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [peer, address] of peerAddress) {
    const resolved = address.startsWith('%') ? found(address.slice(1)) : address;
    if (resolved !== undefined) out.set(peer, resolved);
  }
  return out;
}

/** The AS the session presents: localASN (FRR's local-as … replace-as), else myASN. */
function sessionAs(s: PeerSession): number {
  return s.localAsnOverride ?? s.localAsn;
}

/** `required` with the keys of `optional` that have a value (the schema refuses an undefined one). */
function withDefined(
  required: Record<string, unknown>,
  optional: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...required };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out;
}

/** A BFDProfile as a neighbor's `bfd` block; its absent fields take Herald's defaults (MetalLB's). */
function bfdOf(profile: NonNullable<PeerSession['bfdProfile']>, multihop: boolean): Record<string, unknown> {
  return withDefined(
    { enabled: true, passive: profile.passiveMode, multihop },
    {
      minRx: profile.receiveInterval,
      minTx: profile.transmitInterval,
      multiplier: profile.detectMultiplier,
      // RFC 5883: the lowest TTL a multihop session accepts (single hop always requires 255).
      minTtl: multihop ? profile.minimumTtl : undefined,
    },
  );
}

function neighborOf(
  s: PeerSession,
  peerAsn: number | 'external',
  config: Pick<HeraldConfig, 'asn'>,
  routerId: string,
): Record<string, unknown> {
  const required = {
    address: s.address,
    peerAsn,
    port: s.port,
    families: s.families,
    gracefulRestart: { enabled: s.gracefulRestart },
    description: s.resource,
  };
  const optional = {
    localAsn: sessionAs(s) === config.asn ? undefined : sessionAs(s),
    routerId: s.routerId === routerId ? undefined : s.routerId,
    holdTime: s.holdTime,
    keepalive: s.keepalive,
    connectRetry: s.connectRetry,
    localAddress: s.localAddress,
    password: s.password,
    ebgpMultihop: s.ebgpMultihop,
    // MetalLB's BGPPeer.vrf: the session runs in that VRF, and its routes install there.
    vrf: s.bindDevice,
    bfd: s.bfdProfile && bfdOf(s.bfdProfile, s.ebgpMultihop !== undefined),
  };
  return withDefined(required, optional);
}

export function sessionNeighbors(
  sessions: readonly PeerSession[],
  config: Pick<HeraldConfig, 'asn' | 'neighbors'>,
  routerId: string,
): SessionNeighbors {
  const out: SessionNeighbors = {
    neighbors: [],
    interfaceNeighbors: [],
    peerAddress: new Map(),
    problems: [],
  };
  const problem = (s: PeerSession, field: string, reason: string) =>
    out.problems.push({ resource: s.resource, field, message: `${s.resource}: ${field}: ${reason}` });
  const configured = new Set(config.neighbors.map((n) => n.address));
  const seen = new Map<string, string>();
  const seenInterface = new Map<string, string>();
  for (const s of sessions) {
    let n: NeighborConfig;
    try {
      // dynamicASN: `internal` is our own AS; `external` any other, learned from the peer's OPEN.
      const peerAsn = s.peerAsn ?? (s.dynamicAsn === 'external' ? 'external' : s.localAsn);
      const raw = neighborOf(s, peerAsn, config, routerId);
      if (s.address === undefined && s.interface !== undefined) {
        const u = normalizeInterfaceNeighbor({ ...raw, interface: s.interface }, 'spec');
        const first = seenInterface.get(u.interface);
        if (first)
          problem(s, 'spec.interface', `${u.interface} is already the session of ${first}; session left out`);
        else {
          seenInterface.set(u.interface, s.resource);
          out.peerAddress.set(s.name, interfaceMark(u.interface));
          out.interfaceNeighbors.push(u);
        }
        continue;
      }
      n = normalizeNeighbor(raw, 'spec');
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const p of e.problems)
        problem(s, p.slice(0, p.indexOf(':')), `${p.slice(p.indexOf(':') + 2)}; session left out`);
      continue;
    }
    const first = seen.get(n.address);
    if (first) {
      problem(s, 'spec.peerAddress', `${n.address} is already the session of ${first}; session left out`);
      continue;
    }
    seen.set(n.address, s.resource);
    out.peerAddress.set(s.name, n.address);
    if (s.bfdProfile?.echoMode)
      problem(
        s,
        'spec.bfdProfile',
        `BFDProfile ${s.bfdProfile.name}: echo mode is not supported; the session runs in asynchronous mode`,
      );
    if (configured.has(n.address))
      problem(
        s,
        'spec.peerAddress',
        `${n.address} is a neighbor in the config file, whose settings are used`,
      );
    out.neighbors.push(n);
  }
  return out;
}
