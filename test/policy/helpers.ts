// Shared builders for the policy tests: routes from text, a session context, one-policy configs.
import {
  compilePolicies,
  type PolicyConfig,
  type PolicyContext,
  type Route,
} from '../../src/policy/index.js';
import type { RawPolicy } from '../../src/policy/policy-schema.js';
import { type PathAttributes, parseAsPath, parsePrefix } from '../../src/wire/index.js';

export function route(prefix: string, attributes: PathAttributes = {}): Route {
  return { prefix: parsePrefix(prefix), attributes };
}

/** Attributes with an AS path from its `show ip bgp` text. */
export function withPath(path: string, rest: PathAttributes = {}): PathAttributes {
  return { ...rest, asPath: parseAsPath(path) };
}

export function context(over: Partial<PolicyContext> = {}): PolicyContext {
  return {
    direction: 'import',
    routeType: 'learned',
    neighborAddress: '192.0.2.1',
    neighborAsn: 65001,
    localAsn: 65000,
    nextHopSelf: { ipv4: '192.0.2.254', ipv6: '2001:db8::fe' },
    ...over,
  };
}

/** Compiles `config` with one more policy called "p" and returns that policy. */
export function policy(p: RawPolicy, config: PolicyConfig = {}) {
  return compilePolicies({ ...config, policies: { ...config.policies, p } }).policies.get('p')!;
}

/** Recursively frozen, so any write by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    if (ArrayBuffer.isView(value)) return value; // typed arrays cannot be frozen
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
