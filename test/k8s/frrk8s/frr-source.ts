// An FRRConfiguration in frr-k8s-system, its spec given as YAML, read and turned into a merge
// source as the daemon does: shared by the merge, node-state and plan tests.
import { parse } from 'yaml';
import type { MergeSource } from '../../../src/k8s/frrk8s/merge.js';
import { readFrrConfiguration } from '../../../src/k8s/frrk8s/read-frr-configuration.js';

export function source(name: string, specYaml: string): MergeSource {
  const c = readFrrConfiguration({
    apiVersion: 'frrk8s.metallb.io/v1beta1',
    kind: 'FRRConfiguration',
    metadata: { name, namespace: 'frr-k8s-system' },
    spec: parse(specYaml),
  });
  return { name: `FRRConfiguration frr-k8s-system/${name}`, routers: c.routers, bfdProfiles: c.bfdProfiles };
}
