// The values the policy evaluator takes and gives. A route is a prefix with its decoded path
// attributes; the context says on which session and in which direction it is evaluated.
import type { PathAttributes, Prefix } from '../wire/index.js';

export interface Route {
  readonly prefix: Prefix;
  readonly attributes: PathAttributes;
}

export interface PolicyContext {
  readonly direction: 'import' | 'export';
  /** Learned from a neighbor, or originated by Herald (config, API, Kubernetes). */
  readonly routeType: 'learned' | 'originated';
  /** The neighbor the route comes from (import) or goes to (export), as formatAddress prints it. */
  readonly neighborAddress: string;
  readonly neighborAsn: number;
  /** Our ASN on this session (what `asPathPrepend` adds by default). */
  readonly localAsn: number;
  /** What "next hop self" means on this session: our address per family, when we have one. */
  readonly nextHopSelf: { readonly ipv4?: string; readonly ipv6?: string };
}

export interface PolicyResult {
  readonly accepted: boolean;
  /** The route's attributes after the policy: the input object itself when nothing changed. */
  readonly attributes: PathAttributes;
  /** "term 2 (name)" (the index in `terms`), "term 2" for an unnamed term, or "default". */
  readonly decidedBy: string;
}

/** One compiled condition: true when the route matches. */
export type Condition = (route: Route, attrs: PathAttributes, ctx: PolicyContext) => boolean;

/** One compiled change: writes into `out` (a copy of the attributes); true when it changed something. */
export type Setter = (out: PathAttributes, route: Route, ctx: PolicyContext) => boolean;

/**
 * One compiled condition on an IPv4 prefix held as numbers (the address as in the RIB's IPv4
 * keys): the same test as the term's `Condition`, for a condition that reads no path attribute.
 */
export type Ipv4Condition = (address: number, length: number, ctx: PolicyContext) => boolean;

export interface CompiledTerm {
  readonly conditions: readonly Condition[];
  /** The conditions again, on IPv4 numbers; absent when one of them reads a path attribute. */
  readonly ipv4Conditions?: readonly Ipv4Condition[];
  readonly setters: readonly Setter[];
  readonly action: 'accept' | 'reject' | 'continue';
  /** What `decidedBy` says when this term decides. */
  readonly label: string;
}

export interface Policy {
  readonly name: string;
  readonly terms: readonly CompiledTerm[];
  readonly defaultAccept: boolean;
  /** False when no term reads or changes a path attribute (then any attributes object will do). */
  readonly needsAttributes: boolean;
}
