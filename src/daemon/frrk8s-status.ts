// FRR-K8s mode: what the node's FRRNodeState says and which sources get a ConfigurationRejected
// Event. A conversion problem is an FRRConfiguration selecting the node that cannot be used (an
// invalid field, spec.raw, a missing password Secret: left out when read) or a source left out of
// the merge (a conflict); FRR-K8s reports those in lastConversionResult. What the daemon could not
// do with the merged result (a neighbor it cannot run, import policies that do not compile) is
// the reload's result. Pure.

import type { NodeStateReport } from '../k8s/frrk8s/node-state.js';
import type { Rejection } from '../k8s/frrk8s/rejection-events.js';
import { resultText, runningConfig } from '../k8s/frrk8s/running-config.js';
import type { ResourceProblem } from '../k8s/index.js';
import type { FrrK8sPlan } from './frrk8s-plan.js';

const FRR_CONFIGURATION = /^FRRConfiguration \S+\/\S+$/;

/** Every source left out: FRRConfigurations not read (invalid, raw, secret) then merge conflicts. */
export function rejectedSources(
  plan: Pick<FrrK8sPlan, 'merged'>,
  snapshotProblems: readonly ResourceProblem[],
): Rejection[] {
  return [
    ...snapshotProblems
      .filter((p) => FRR_CONFIGURATION.test(p.resource))
      .map((p) => ({ source: p.resource, reason: p.message })),
    ...plan.merged.rejected,
  ];
}

export function nodeStateOf(
  plan: FrrK8sPlan,
  snapshotProblems: readonly ResourceProblem[],
  alwaysBlock: readonly string[],
): NodeStateReport {
  const conflicts = new Set(plan.merged.rejected.map((r) => r.reason));
  return {
    runningConfig: runningConfig(plan.merged, alwaysBlock),
    lastConversionResult: resultText(rejectedSources(plan, snapshotProblems).map((r) => r.reason)),
    lastReloadResult: resultText(
      plan.problems.filter((p) => !conflicts.has(p.message)).map((p) => p.message),
    ),
  };
}
