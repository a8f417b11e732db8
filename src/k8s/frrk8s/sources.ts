// The merge inputs of a node: each FRRConfiguration whose nodeSelector selects it (password
// secrets resolved in its namespace, else the watched one), and each BGPPeer session of the MetalLB
// resources as the FRRConfiguration MetalLB would write for it (router = myASN and VRF, neighbor =
// the peer, toAdvertise = the prefixes its announcements send to that peer). Pure.
import { secretPassword } from '../cluster-view.js';
import type { Node, Secret } from '../core-types.js';
import type { Announcement } from '../desired.js';
import { selectorMatches } from '../label-selector.js';
import type { BfdProfile } from '../metallb-types.js';
import type { ResourceProblem } from '../resource-error.js';
import { resourceName } from '../resource-error.js';
import type { PeerSession } from '../sessions.js';
import type { MergeSource } from './merge.js';
import type { FrrBfdProfile, FrrConfiguration, FrrNeighbor } from './types.js';

class SecretProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The FRRConfigurations selecting `node`, in the order given (oldest first), as merge sources. */
export function frrSources(
  configs: readonly FrrConfiguration[],
  secrets: ReadonlyMap<string, Secret>,
  node: Node | undefined,
): { sources: MergeSource[]; problems: ResourceProblem[] } {
  const problems: ResourceProblem[] = [];
  const sources: MergeSource[] = [];
  if (!node) return { sources, problems };
  for (const c of configs) {
    if (!selectorMatches(c.nodeSelector, node.labels)) continue;
    const name = resourceName('FRRConfiguration', c.namespace, c.name);
    try {
      const routers = c.routers.map((r, i) => ({
        ...r,
        neighbors: r.neighbors.map((n, j) =>
          withPassword(n, c, secrets, `spec.bgp.routers[${i}].neighbors[${j}]`),
        ),
      }));
      sources.push({ name, routers, bfdProfiles: c.bfdProfiles });
    } catch (e) {
      if (!(e instanceof SecretProblem)) throw e;
      problems.push({ resource: name, field: e.field, message: `${name}: ${e.field}: ${e.message}` });
    }
  }
  return { sources, problems };
}

function withPassword(
  n: FrrNeighbor,
  c: FrrConfiguration,
  secrets: ReadonlyMap<string, Secret>,
  at: string,
): FrrNeighbor {
  if (!n.passwordSecret) return n;
  const ns = n.passwordSecret.namespace ?? c.namespace ?? 'default';
  const p = secretPassword(secrets, ns, n.passwordSecret.name);
  if (!p.ok) throw new SecretProblem(`${at}.passwordSecret`, p.reason);
  return { ...n, password: p.value };
}

/** The announcement of `prefix` that `peer` gets: one naming it, else the one for every peer. */
function forPeer(list: readonly Announcement[], peer: string): Announcement | undefined {
  return list.find((a) => a.peers?.includes(peer)) ?? list.find((a) => a.peers === null);
}

function profileOf({ namespace: _ns, labels: _labels, ...profile }: BfdProfile): FrrBfdProfile {
  return profile;
}

/** Each BGPPeer session with the prefixes MetalLB's resources announce to it. */
export function metallbSources(
  sessions: readonly PeerSession[],
  announcements: readonly Announcement[],
): MergeSource[] {
  const byPrefix = new Map<string, Announcement[]>();
  for (const a of announcements) byPrefix.set(a.prefix, [...(byPrefix.get(a.prefix) ?? []), a]);
  return sessions.map((s) => {
    const localPref: Record<string, number> = {};
    const communities: Record<string, string[]> = {};
    const prefixes: string[] = [];
    for (const [prefix, list] of byPrefix) {
      const a = forPeer(list, s.name);
      if (!a) continue;
      prefixes.push(prefix);
      if (a.localPref !== undefined) localPref[prefix] = a.localPref;
      const all = [...a.communities, ...a.largeCommunities].sort();
      if (all.length > 0) communities[prefix] = all;
    }
    const neighbor: FrrNeighbor = {
      address: s.address,
      interface: s.interface,
      asn: s.peerAsn,
      dynamicASN: s.dynamicAsn,
      port: s.port,
      sourceAddress: s.localAddress,
      password: s.password,
      holdTime: s.holdTime,
      keepaliveTime: s.keepalive,
      connectTime: s.connectRetry,
      ebgpMultiHop: s.ebgpMultihop !== undefined,
      bfdProfile: s.bfdProfile?.name,
      enableGracefulRestart: s.gracefulRestart,
      toAdvertise: { mode: 'filtered', prefixes, localPref, communities },
      // MetalLB accepts no routes.
      toReceive: { mode: 'filtered', prefixes: [] },
      dualStackAddressFamily: s.families.length === 2 && s.address !== undefined,
      localASN: s.localAsnOverride,
    };
    return {
      name: s.resource,
      routers: [
        { asn: s.localAsn, id: s.routerId, vrf: s.bindDevice ?? '', prefixes, neighbors: [neighbor] },
      ],
      bfdProfiles: s.bfdProfile ? [profileOf(s.bfdProfile)] : [],
    };
  });
}
