// Herald in Kubernetes mode on a lab's nodes, as a DaemonSet's pods run it: a kubeconfig for the
// fake API server written once in the topology's directory, then one Herald per node namespace
// with NODE_NAME set to the node's name.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HeraldInstance, startHerald } from '../../test/interop/harness/herald.js';
import type { Topology } from '../../test/interop/harness/index.js';
import { kubeconfigFor } from '../../test/k8s/fake-api-server.js';
import type { FakeApi } from './fake-api-process.js';
import type { Lab } from './lab.js';

/** Starts Herald with `config` on each node (in order); their logs are shown when a check fails. */
export async function startKubeNodes(
  lab: Lab,
  t: Topology,
  api: FakeApi,
  nodes: ReadonlyArray<{ ns: string; name: string }>,
  config: Record<string, unknown>,
): Promise<HeraldInstance[]> {
  const kubeconfig = join(t.dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(api.url));
  const heralds: HeraldInstance[] = [];
  for (const n of nodes) {
    const env = { NODE_NAME: n.name };
    heralds.push(lab.herald(await startHerald(t, n.ns, config, { env, args: ['--kubeconfig', kubeconfig] })));
  }
  return heralds;
}
