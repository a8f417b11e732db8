// The cluster of the seed deployment (../shared/seeds/002_…, OpenWrt + Quagga home lab), as the
// lab loads it into the fake API server: the MetalLB resources are whatever `herald import-metallb`
// makes of the seed's legacy ConfigMap (the file as published, unchanged), and the Nodes, Services
// and EndpointSlices come from the seed's cluster objects — the Services without their status,
// so that the addresses are the allocator's work, not the fixture's.
// No interop harness here: the containerlab variant's API server (clab/cluster.ts) loads it too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/k8s/${name}`, import.meta.url));

export const SEED_CONFIGMAP = fixture('seed-002-configmap.yaml');
const SEED_OBJECTS = fixture('seed-002-metallb.yaml');

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  status?: unknown;
}

/** The objects of a YAML stream (empty documents left out). */
export function documents(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** The seed's Nodes, EndpointSlices and LoadBalancer Services, the Services with no status. */
export function seedClusterObjects(): KubeObject[] {
  const keep = new Set(['Node', 'EndpointSlice', 'Service']);
  return documents(readFileSync(SEED_OBJECTS, 'utf8'))
    .filter((o) => keep.has(o.kind))
    .map((o) => {
      if (o.kind !== 'Service') return o;
      const { status: _assignedBySeed, ...unassigned } = o;
      return unassigned;
    });
}

/** The IPs a Service's status holds (status.loadBalancer.ingress[].ip). */
export function ingressIps(service: unknown): string[] {
  const s = service as { status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } } } | undefined;
  return (s?.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
}
