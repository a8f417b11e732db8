// One health-check probe of any kind, bounded by the spec's timeout. Never rejects: every failure,
// including an invalid spec, is a ProbeResult with ok false.
// Each kind's module is loaded by its first probe: a daemon without health checks never loads
// child_process (issue 19: idle memory).
import { withDeadline } from './deadline.js';
import { healthCheckSpecProblems, parseTcpTarget } from './spec.js';
import type { HealthCheckSpec, ProbeResult } from './types.js';

export function probe(spec: HealthCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const problems = healthCheckSpecProblems(spec);
  if (problems.length > 0) {
    return Promise.resolve({ ok: false, detail: `invalid health check: ${problems.join('; ')}` });
  }
  return withDeadline(spec.timeout, (s) => probeKind(spec, s), signal);
}

async function probeKind(spec: HealthCheckSpec, signal: AbortSignal): Promise<ProbeResult> {
  if (spec.command !== undefined)
    return (await import('./probe-command.js')).runCommand(spec.command, signal);
  if (spec.tcp !== undefined)
    return (await import('./probe-tcp.js')).connectTcp(parseTcpTarget(spec.tcp)!, signal);
  return (await import('./probe-http.js')).fetchStatus(spec.http!, spec.expectStatus, signal);
}
