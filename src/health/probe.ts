// One health-check probe of any kind, bounded by the spec's timeout. Never rejects: every failure,
// including an invalid spec, is a ProbeResult with ok false.
import { withDeadline } from './deadline.js';
import { runCommand } from './probe-command.js';
import { fetchStatus } from './probe-http.js';
import { connectTcp } from './probe-tcp.js';
import { healthCheckSpecProblems, parseTcpTarget } from './spec.js';
import type { HealthCheckSpec, ProbeResult } from './types.js';

export function probe(spec: HealthCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const problems = healthCheckSpecProblems(spec);
  if (problems.length > 0) {
    return Promise.resolve({ ok: false, detail: `invalid health check: ${problems.join('; ')}` });
  }
  return withDeadline(spec.timeout, (s) => probeKind(spec, s), signal);
}

function probeKind(spec: HealthCheckSpec, signal: AbortSignal): Promise<ProbeResult> {
  if (spec.command !== undefined) return runCommand(spec.command, signal);
  if (spec.tcp !== undefined) return connectTcp(parseTcpTarget(spec.tcp)!, signal);
  return fetchStatus(spec.http!, spec.expectStatus, signal);
}
