// Public surface of the routing-policy language: config schema pieces, the compiler, the
// evaluator and the well-known community export rules. Pure: no node:* imports.
export { ALWAYS_BLOCK, alwaysBlockTerm, withAlwaysBlock } from './always-block.js';
export { asPathRegex, asPathText } from './as-path-list.js';
export {
  type AsPathList,
  type CommunityList,
  type CompiledPolicies,
  compilePolicies,
  type PolicyConfig,
  PolicyError,
  type PrefixList,
} from './compile.js';
export { decidesOnIpv4Numbers, decidingTermIpv4, evaluate, NO_ATTRIBUTES } from './evaluate.js';
export { nextHopOf } from './next-hop.js';
export * from './policy-schema.js';
export type { CompiledTerm, Ipv4Condition, Policy, PolicyContext, PolicyResult, Route } from './types.js';
export { type ExportTarget, type WellKnownBlock, wellKnownExportBlocked } from './well-known.js';
