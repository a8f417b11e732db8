// Import rules applied to every received route before any policy: the loop checks here, the
// validity checks in route-validity.ts. A route that fails one is dropped on import (not stored,
// not counted as received), as BIRD and FRR do. Pure.
import type { PathAttributes } from '../wire/index.js';
import type { SessionRules } from './route-validity.js';

export interface ImportRules {
  /** Our ASN on this session. */
  readonly localAsn: number;
  /** How many times our ASN may appear in a received AS_PATH (`allowAsIn`, default 0). */
  readonly allowAsIn: number;
  /** Our BGP identifier. */
  readonly routerId?: string;
  /** Our CLUSTER_ID (RFC 4456; the router id unless configured). */
  readonly clusterId?: string;
  /** An eBGP peer's AS_PATH must start with its AS (`enforceFirstAs`, default true). */
  readonly enforceFirstAs?: boolean;
  /** The neighbor is configured one hop away (single-hop eBGP or GTSM of one hop). */
  readonly singleHop?: boolean;
  /** The running session's facts (set per session): what the validity checks compare with. */
  readonly session?: SessionRules;
}

export type LoopReason = 'asPathLoop' | 'originatorId' | 'clusterList';

/** Why a route with `attrs` must be dropped on import, or undefined when it may stay. */
export function loopReason(attrs: PathAttributes, rules: ImportRules): LoopReason | undefined {
  // RFC 4271 §9.1.2: "AS loop detection is done by scanning the full AS path (as specified in the
  // AS_PATH attribute), and checking that the autonomous system number of the local system does not
  // appear in the AS path." allowAsIn relaxes this for designs that reuse one ASN at many sites.
  // Index loops: this runs for every new attribute set, and array iterators there cost allocations.
  let seen = 0;
  const path = attrs.asPath ?? [];
  for (let s = 0; s < path.length; s++) {
    const asns = path[s].asns;
    for (let i = 0; i < asns.length; i++) if (asns[i] === rules.localAsn) seen++;
  }
  if (seen > rules.allowAsIn) return 'asPathLoop';
  // RFC 4456 §8: "A router that recognizes the ORIGINATOR_ID attribute SHOULD ignore a route
  // received with its BGP Identifier as the ORIGINATOR_ID."
  if (rules.routerId !== undefined && attrs.originatorId === rules.routerId) return 'originatorId';
  // RFC 4456 §8: "If the local CLUSTER_ID is found in the CLUSTER_LIST, the advertisement received
  // SHOULD be ignored."
  const clusterId = rules.clusterId ?? rules.routerId;
  if (clusterId !== undefined && attrs.clusterList?.includes(clusterId)) return 'clusterList';
  return undefined;
}
