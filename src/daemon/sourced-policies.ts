// The policies the daemon evaluates: the config file's, compiled at start and reload, plus those
// other sources build at run time (FRR-K8s mode: one import policy per neighbor from toReceive),
// each source's set replaced as a whole. A config policy of the same name wins.
import type { CompiledPolicies } from '../policy/index.js';

export class SourcedPolicies {
  private readonly sources = new Map<string, CompiledPolicies>();
  private config?: CompiledPolicies;

  /** The config's policies (start, reload) with every source's: what the engine gets. */
  over(config: CompiledPolicies): CompiledPolicies {
    this.config = config;
    return this.combined();
  }

  /** Replaces a source's policies; returns the combined set. */
  set(source: string, policies: CompiledPolicies): CompiledPolicies {
    this.sources.set(source, policies);
    return this.combined();
  }

  private combined(): CompiledPolicies {
    const config = this.config as CompiledPolicies;
    if (this.sources.size === 0) return config;
    const prefixLists = new Map(config.prefixLists);
    const policies = new Map(config.policies);
    for (const s of this.sources.values()) {
      for (const [name, list] of s.prefixLists)
        if (!config.prefixLists.has(name)) prefixLists.set(name, list);
      for (const [name, policy] of s.policies) if (!config.policies.has(name)) policies.set(name, policy);
    }
    return { ...config, prefixLists, policies };
  }
}
