// Always-block prefixes (FRR-K8s's --always-block: pod and service CIDRs): a route for one of
// them, or for any prefix inside one, is never accepted from any neighbor, whatever its import
// policy (or toReceive) says. FRR-K8s writes it as a deny at the head of every neighbor's inbound
// route-map, the list holding each CIDR with `le 32` / `le 128`; here it is a reject term put in
// front of each neighbor's import policy, and a neighbor without one gets "block, else accept".
// `decidedBy` of a blocked route is ALWAYS_BLOCK, so the RIB can count those apart. Pure.
import { PolicyError } from './compile.js';
import { compilePrefixList } from './prefix-list.js';
import type { CompiledTerm, Policy } from './types.js';

export const ALWAYS_BLOCK = 'always-block';

/** The reject term for `prefixes` (validated prefixes), or undefined when there are none. */
export function alwaysBlockTerm(prefixes: readonly string[] = []): CompiledTerm | undefined {
  if (prefixes.length === 0) return undefined;
  const problems: string[] = [];
  const list = compilePrefixList(
    ALWAYS_BLOCK,
    prefixes.map((prefix) => ({ action: 'permit' as const, prefix, le: prefix.includes(':') ? 128 : 32 })),
    ALWAYS_BLOCK,
    problems,
  );
  if (problems.length > 0) throw new PolicyError(problems);
  return {
    conditions: [(r) => list.matches(r.prefix)],
    ipv4Conditions: [(address, length) => list.matchesIpv4(address, length)],
    setters: [],
    action: 'reject',
    label: ALWAYS_BLOCK,
  };
}

/** `policy` with the block in front; without a policy, one that accepts what is not blocked. */
export function withAlwaysBlock(
  policy: Policy | undefined,
  block: CompiledTerm | undefined,
): Policy | undefined {
  if (!block) return policy;
  if (!policy) return { name: ALWAYS_BLOCK, terms: [block], defaultAccept: true, needsAttributes: false };
  return { ...policy, terms: [block, ...policy.terms] };
}
