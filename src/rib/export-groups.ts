// Export groups (FRR's update groups): neighbors whose sessions make a route look the same on the
// way out — iBGP or eBGP, our ASN and addresses there, the export policy, the codec context —
// share one group, so a path is rewritten for them once and becomes one out set that all their
// Adj-RIBs-Out refer to. With four eBGP neighbors on one LAN taking the full table, the table's
// attribute sets are rewritten and encoded once, not four times. Pure.
import type { Policy } from '../policy/index.js';
import type { PathAttributes } from '../wire/index.js';
import { attributeKey } from './adj-rib-out.js';
import type { SessionFacts } from './neighbor-ribs.js';
import { OutSet } from './out-sets.js';

/**
 * A route rewritten for the group: its out set, or null (no usable next hop). The set keeps its
 * attributes decoded only when the group's export policy reads them; else its octets are all that
 * is kept (a full table's rewrites, decoded, cost ~300 octets each, per group).
 */
export type Rewritten = OutSet | null;

/** Out sets made from policy-changed attributes, by content, kept up to this many. */
const CONTENT_LIMIT = 65536;

const policyIds = new WeakMap<Policy, number>();
let nextPolicyId = 1;

function policyId(p: Policy | undefined): number {
  if (!p) return 0;
  let id = policyIds.get(p);
  if (id === undefined) {
    id = nextPolicyId++;
    policyIds.set(p, id);
  }
  return id;
}

/** What makes two neighbors get a route with the same attributes. */
export function exportSignature(
  session: SessionFacts,
  localAsn: number,
  localAddress6: string | undefined,
  exportPolicy: Policy | undefined,
  clusterId?: string,
): string {
  const ctx = session.send;
  return [
    session.ibgp ? `i${clusterId ?? ''}` : 'e',
    localAsn,
    session.localAddress ?? '',
    localAddress6 ?? '',
    session.ipv4OverIpv6 ? 1 : 0,
    policyId(exportPolicy),
    ctx.as4 ? 4 : 2,
    ctx.maxMessageLength,
    [...ctx.addPath].sort().join(','),
  ].join('|');
}

export class ExportGroup {
  /** By the object the attributes came from: a Loc-RIB path's attributes, or a local route. */
  private readonly rewritten = new WeakMap<object, Rewritten>();
  private byContent = new Map<string, OutSet>();
  /** Herald's own routes, by what their attributes depend on (`localAttributesKey`). */
  private readonly local = new Map<string, Rewritten>();

  /** `keepAttributes`: the group's export policy reads attributes (`Policy.needsAttributes`). */
  constructor(private readonly keepAttributes = false) {}

  /** The rewrite of `source` for this group (made by `rewrite` the first time). */
  rewrite(source: object, rewrite: () => PathAttributes | undefined): Rewritten {
    let r = this.rewritten.get(source);
    if (r === undefined) {
      r = this.made(rewrite());
      this.rewritten.set(source, r);
    }
    return r;
  }

  /** The rewrite of Herald's own routes with attributes key `key`, made by `rewrite` the first time. */
  rewriteLocal(key: string, rewrite: () => PathAttributes | undefined): Rewritten {
    let r = this.local.get(key);
    if (r === undefined) {
      if (this.local.size >= CONTENT_LIMIT) this.local.clear();
      r = this.made(rewrite());
      this.local.set(key, r);
    }
    return r;
  }

  /** The out set of attributes an export policy changed (one per distinct content). */
  outFor(attributes: PathAttributes): OutSet {
    const key = attributeKey(attributes);
    let set = this.byContent.get(key);
    if (!set) {
      if (this.byContent.size >= CONTENT_LIMIT) this.byContent = new Map();
      set = new OutSet(attributes);
      this.byContent.set(key, set);
    }
    return set;
  }

  private made(attributes: PathAttributes | undefined): Rewritten {
    return attributes ? new OutSet(attributes, this.keepAttributes) : null;
  }
}
