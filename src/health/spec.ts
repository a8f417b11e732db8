// Validation of a HealthCheckSpec, for the config loader and as the probe's own guard. Problems
// are named by field ("tcp: ..."), so a caller can prefix its path.
import type { HealthCheckSpec } from './types.js';

export interface TcpTarget {
  host: string;
  port: number;
}

const BRACKETED = /^\[([^\]]+)\]:(\d+)$/;
const PLAIN = /^([^:[\]]+):(\d+)$/;

/** "HOST:PORT" or "[IPv6]:PORT"; undefined when it is neither or the port is out of range. */
export function parseTcpTarget(target: string): TcpTarget | undefined {
  const m = BRACKETED.exec(target) ?? PLAIN.exec(target);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const isPositive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
const isCount = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
const isStatus = (n: unknown) => Number.isInteger(n) && (n as number) >= 100 && (n as number) <= 599;

export function healthCheckSpecProblems(spec: HealthCheckSpec): string[] {
  const problems: string[] = [];
  const kinds = (['command', 'tcp', 'http'] as const).filter((k) => spec[k] !== undefined);
  if (kinds.length !== 1)
    problems.push(`exactly one of command, tcp, http must be set (got ${kinds.length})`);
  if (spec.command !== undefined && (typeof spec.command !== 'string' || spec.command.trim() === '')) {
    problems.push('command: must be a non-empty string');
  }
  if (spec.tcp !== undefined && (typeof spec.tcp !== 'string' || !parseTcpTarget(spec.tcp))) {
    problems.push(`tcp: "${spec.tcp}" is not HOST:PORT or [IPv6]:PORT`);
  }
  if (spec.http !== undefined && (typeof spec.http !== 'string' || !isHttpUrl(spec.http))) {
    problems.push(`http: "${spec.http}" is not an http:// or https:// URL`);
  }
  if (spec.expectStatus !== undefined) {
    if (spec.http === undefined) problems.push('expectStatus: only applies to http checks');
    if (
      !Array.isArray(spec.expectStatus) ||
      spec.expectStatus.length === 0 ||
      !spec.expectStatus.every(isStatus)
    ) {
      problems.push('expectStatus: must be a non-empty list of HTTP status codes (100-599)');
    }
  }
  if (!isPositive(spec.interval)) problems.push('interval: must be a number of seconds > 0');
  if (!isPositive(spec.timeout)) problems.push('timeout: must be a number of seconds > 0');
  if (!isCount(spec.rise)) problems.push('rise: must be an integer >= 1');
  if (!isCount(spec.fall)) problems.push('fall: must be an integer >= 1');
  return problems;
}
