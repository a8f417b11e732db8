// How many paths of one Adj-RIB-In the neighbor's import policy rejects, kept as the table changes:
// the table tells of each path it stores, replaces or removes (the attribute set before and after),
// and only those paths are judged. A policy is pure and its context is fixed for the table's life
// (one session), so judging a path again when it goes gives the verdict it had when it came;
// nothing is kept per prefix. IPv4 paths are judged through one reused prefix object: the ingest
// path allocates nothing here. Pure: no node:* imports.
import {
  ALWAYS_BLOCK,
  decidesOnIpv4Numbers,
  decidingTermIpv4,
  evaluate,
  NO_ATTRIBUTES,
  type Policy,
  type PolicyContext,
  type PolicyResult,
} from '../policy/index.js';
import { Afi, type PathAttributes, type Prefix } from '../wire/index.js';
import type { PathObserver } from './adj-rib-in.js';
import { type AttributeStore, decodedAttributes } from './attribute-store.js';
import type { Ipv4Table } from './ipv4-table.js';
import type { Ipv6Table } from './ipv6-table.js';

/** A prefix and a route the counter overwrites for each judgement (never handed on). */
interface Scratch {
  prefix: { afi: Afi; length: number; bytes: Uint8Array };
  route: { prefix: Prefix; attributes: PathAttributes };
}

export class ImportVerdicts implements PathObserver {
  /** Paths of the table the policy rejects now. */
  rejected = 0;
  /** Of those, the paths rejected because their prefix is always blocked (always-block.ts). */
  blocked = 0;
  private readonly octets = new Uint8Array(4);
  /** Views of `octets` by octet count (0..4), so a prefix of any length has its own size. */
  private readonly views = [0, 1, 2, 3, 4].map((n) => this.octets.subarray(0, n));
  private readonly scratch: Scratch;
  /** The policy reads no attribute: an IPv4 path is judged on its prefix's numbers alone. */
  private readonly byNumbers: boolean;

  constructor(
    private readonly policy: Policy,
    /** The attribute sets of the table the counted paths live in. */
    private readonly sets: AttributeStore,
    private readonly context: () => PolicyContext,
  ) {
    const prefix = { afi: Afi.IPV4, length: 0, bytes: this.views[0] };
    this.scratch = { prefix, route: { prefix, attributes: NO_ATTRIBUTES } };
    this.byNumbers = decidesOnIpv4Numbers(policy);
  }

  ipv4(addr: number, length: number, before: number, after: number): void {
    if (this.byNumbers) {
      this.countIpv4(addr, length, before, after);
      return;
    }
    const o = this.octets;
    o[0] = addr >>> 24;
    o[1] = addr >>> 16;
    o[2] = addr >>> 8;
    o[3] = addr;
    const p = this.scratch.prefix;
    p.length = length;
    p.bytes = this.views[(length + 7) >> 3];
    this.count(p, before, after);
  }

  prefix(prefix: Prefix, before: number, after: number): void {
    this.count(prefix, before, after);
  }

  /** Counts every path of the tables from scratch (a new policy, or a new counter). */
  recount(ipv4: Ipv4Table, ipv6: Ipv6Table): void {
    this.rejected = 0;
    this.blocked = 0;
    ipv4.forEach((addr, length, _pathId, set) => {
      this.ipv4(addr, length, -1, set);
    });
    ipv6.forEach((bytes, length, _pathId, set) => {
      this.prefix({ afi: Afi.IPV6, length, bytes: bytes.subarray(0, (length + 7) >> 3) }, -1, set);
    });
  }

  /** `count` for a policy that decides on the prefix alone: a replaced path keeps its verdict. */
  private countIpv4(addr: number, length: number, before: number, after: number): void {
    const by = (after >= 0 ? 1 : 0) - (before >= 0 ? 1 : 0);
    if (by === 0) return;
    const { policy } = this;
    const term = decidingTermIpv4(policy, addr, length, this.context());
    if (term < 0 ? policy.defaultAccept : policy.terms[term].action === 'accept') return;
    this.rejected += by;
    if (term >= 0 && policy.terms[term].label === ALWAYS_BLOCK) this.blocked += by;
  }

  private count(prefix: Prefix, before: number, after: number): void {
    if (before >= 0) this.tally(prefix, before, -1);
    if (after >= 0) this.tally(prefix, after, 1);
  }

  /** Adds `by` to the counts the verdict on the path of `prefix` with attribute set `id` falls in. */
  private tally(prefix: Prefix, id: number, by: number): void {
    const verdict = this.judge(prefix, id);
    if (!verdict || verdict.accepted) return;
    this.rejected += by;
    if (verdict.decidedBy === ALWAYS_BLOCK) this.blocked += by;
  }

  /** The policy's verdict on the path of `prefix` with attribute set `id` (none: no such set). */
  private judge(prefix: Prefix, id: number): PolicyResult | undefined {
    const set = this.sets.get(id);
    if (!set) return undefined;
    const route = this.scratch.route;
    route.prefix = prefix;
    // A policy that reads no attribute (a prefix list, say) is judged without decoding them.
    route.attributes = this.policy.needsAttributes ? decodedAttributes(set) : NO_ATTRIBUTES;
    return evaluate(this.policy, route, this.context());
  }
}
