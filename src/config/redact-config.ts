// The config as printed by check-config, the API and the debug log: secrets replaced. Apart from
// load-config.ts so that printing it does not load the YAML parser (the daemon parses off-thread).
import { redactBfd } from './bfd-config.js';
import type { HeraldConfig } from './types.js';

const REDACTED = '<redacted>';

const redactPassword = <N extends { password?: string }>(n: N): N =>
  n.password ? { ...n, password: REDACTED } : n;

export function redactConfig(config: HeraldConfig): HeraldConfig {
  return {
    ...config,
    api: config.api !== false && config.api.token ? { ...config.api, token: REDACTED } : config.api,
    dynamicNeighbors: config.dynamicNeighbors.map(redactPassword),
    interfaceNeighbors: redactBfd(config.interfaceNeighbors.map(redactPassword), []).neighbors,
    ...redactBfd(config.neighbors.map(redactPassword), config.bfdProfiles),
  };
}
