// The config as printed by check-config, the API and the debug log: secrets replaced. Apart from
// load-config.ts so that printing it does not load the YAML parser (the daemon parses off-thread).
import { redactBfd } from './bfd-config.js';
import type { HeraldConfig } from './types.js';

const REDACTED = '<redacted>';

export function redactConfig(config: HeraldConfig): HeraldConfig {
  return {
    ...config,
    api: config.api !== false && config.api.token ? { ...config.api, token: REDACTED } : config.api,
    ...redactBfd(
      config.neighbors.map((n) => (n.password ? { ...n, password: REDACTED } : n)),
      config.bfdProfiles,
    ),
  };
}
