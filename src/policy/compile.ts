// Compiles the policy part of the configuration once: every list into its matcher, every policy
// into terms of closures. Checks what the schema cannot say (names that must exist, ge/le ranges,
// regular expressions, neighbors naming policies) and reports every problem with its config path,
// e.g. `policies.import-fabric.terms[2].match.prefixList: no prefix list named "x"`. Pure.
import { compileSet } from './actions.js';
import { type AsPathList, compileAsPathList } from './as-path-list.js';
import { type CommunityList, compileCommunityList } from './community-list.js';
import { compileMatch, type NamedLists } from './conditions.js';
import type { RawPolicy, RawPolicyConfig } from './policy-schema.js';
import { compilePrefixList, type PrefixList } from './prefix-list.js';
import type { CompiledTerm, Policy } from './types.js';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(readonly problems: string[]) {
    super(`invalid policy configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** The policy keys of the config, and the neighbors that name policies. */
export interface PolicyConfig extends RawPolicyConfig {
  readonly neighbors?: readonly { readonly importPolicy?: string; readonly exportPolicy?: string }[];
}

export interface CompiledPolicies extends NamedLists {
  readonly policies: ReadonlyMap<string, Policy>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** Compiles each entry of `record` under `key`, checking its name. */
function compileNamed<Raw, T>(
  record: Readonly<Record<string, Raw>> | undefined,
  key: string,
  problems: string[],
  compile: (name: string, raw: Raw, path: string) => T,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, raw] of Object.entries(record ?? {})) {
    if (!NAME.test(name)) {
      problems.push(
        `${key}["${name}"]: a name is letters, digits, ".", "_", ":" and "-", starting with a letter or digit`,
      );
      continue;
    }
    out.set(name, compile(name, raw, `${key}.${name}`));
  }
  return out;
}

function compilePolicy(
  name: string,
  raw: RawPolicy,
  path: string,
  lists: NamedLists,
  problems: string[],
): Policy {
  const terms = (raw.terms ?? []).map((t, i): CompiledTerm => {
    const at = `${path}.terms[${i}]`;
    if (t.action === 'reject' && t.set !== undefined) {
      problems.push(`${at}.set: a term that rejects changes nothing (drop set, or use continue)`);
    }
    return {
      ...compileMatch(t.match, `${at}.match`, lists, problems),
      setters: compileSet(t.set, `${at}.set`, lists, problems),
      action: t.action,
      label: t.name === undefined ? `term ${i}` : `term ${i} (${t.name})`,
    };
  });
  // Whether evaluating needs the route's attributes at all: not when every term matches only on the
  // prefix, neighbor, family or route type and changes nothing (the RIB then skips decoding them).
  const needsAttributes = (raw.terms ?? []).some(
    (t) => t.set !== undefined || Object.keys(t.match ?? {}).some((k) => !PREFIX_ONLY_MATCHES.has(k)),
  );
  return { name, terms, defaultAccept: raw.default === 'accept', needsAttributes };
}

/** Match keys that read no path attribute. */
const PREFIX_ONLY_MATCHES: ReadonlySet<string> = new Set([
  'prefixList',
  'neighbor',
  'neighborAsn',
  'routeType',
  'family',
]);

/** Compiles `config`'s lists and policies; throws PolicyError naming every problem. */
export function compilePolicies(config: PolicyConfig): CompiledPolicies {
  const problems: string[] = [];
  const prefixLists = compileNamed(config.prefixLists, 'prefixLists', problems, (n, raw, at) =>
    compilePrefixList(n, raw, at, problems),
  );
  const asPathLists = compileNamed(config.asPathLists, 'asPathLists', problems, (n, raw, at) =>
    compileAsPathList(n, raw, at, problems),
  );
  const communityLists = compileNamed(config.communityLists, 'communityLists', problems, (n, raw, at) =>
    compileCommunityList(n, raw, at, problems),
  );
  const lists: NamedLists = { prefixLists, asPathLists, communityLists };
  const policies = compileNamed(config.policies, 'policies', problems, (n, raw, at) =>
    compilePolicy(n, raw, at, lists, problems),
  );
  (config.neighbors ?? []).forEach((nb, i) => {
    for (const key of ['importPolicy', 'exportPolicy'] as const) {
      const name = nb[key];
      if (name !== undefined && !policies.has(name)) {
        problems.push(`neighbors[${i}].${key}: no policy named "${name}"`);
      }
    }
  });
  if (problems.length > 0) throw new PolicyError(problems);
  return { prefixLists, asPathLists, communityLists, policies };
}

export type { AsPathList, CommunityList, PrefixList };
