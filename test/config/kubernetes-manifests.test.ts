// The shipped Kubernetes manifests: the config they carry is valid, the DaemonSet gives the pod
// what Kubernetes mode needs (NODE_NAME, host network, probes on the metrics listener) and nothing more (two
// capabilities, read-only root), and RBAC reads, writing only what the allocator writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';

const docs = parseAllDocuments(
  readFileSync(new URL('../../deploy/kubernetes/herald.yaml', import.meta.url), 'utf8'),
).map((d) => d.toJS()) as Manifest[];
// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML; the test reads what it checks
type Manifest = Record<string, any>;
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);

describe('deploy/kubernetes/herald.yaml', () => {
  it('carries a valid Herald config with Kubernetes mode on', () => {
    const config = parseConfig(byKind('ConfigMap')[0].data['config.yaml']);
    expect(config.kubernetes?.enabled).toBe(true);
    expect(config.kubernetes?.allocate).toBe(true);
    expect(config.api ? config.api.listen : undefined).toBe('127.0.0.1:9179');
    // The probes and Prometheus reach the read-only metrics listener; the API stays on loopback.
    expect(config.metrics?.listen).toBe('0.0.0.0:7472');
  });

  it('the DaemonSet: host network, NODE_NAME from the downward API, probes, least privilege', () => {
    const pod = byKind('DaemonSet')[0].spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    const c = pod.containers[0];
    expect(c.env).toContainEqual({
      name: 'NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 7472 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 7472 });
    expect(c.ports).toContainEqual({ name: 'metrics', containerPort: 7472, protocol: 'TCP' });
    // Started as root only to become uid 1000 (bin/herald-as-user, tested in test/interop/herald-unprivileged).
    expect(c.securityContext.capabilities).toEqual({
      drop: ['ALL'],
      add: ['NET_BIND_SERVICE', 'NET_ADMIN', 'SETUID', 'SETGID', 'CHOWN'],
    });
    expect(pod.securityContext).toEqual({ fsGroup: 1000 });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
  });

  it('RBAC reads, and writes only service status, the pool annotation, Events, the Lease and its status objects', () => {
    const rules = [...byKind('ClusterRole'), ...byKind('Role')].flatMap((r) => r.rules);
    const writes = rules
      .filter((r) => r.verbs.some((v: string) => !['get', 'list', 'watch'].includes(v)))
      .map((r) => `${r.resources.join(',')}: ${r.verbs.sort().join(',')}`);
    expect(writes.sort()).toEqual([
      'bgpsessionstates,servicebgpstatuses: create,delete,get,list',
      'bgpsessionstates/status,servicebgpstatuses/status: update',
      'events: create',
      'ipaddresspools/status: update',
      'leases: create,get,update',
      'services/status: update',
      'services: patch',
    ]);
  });
});

describe('deploy/kubernetes/crds.yaml', () => {
  const crds = parseAllDocuments(
    readFileSync(new URL('../../deploy/kubernetes/crds.yaml', import.meta.url), 'utf8'),
  ).map((d) => d.toJS()) as Manifest[];

  it('defines the status kinds Herald writes, with a status subresource and every status field', () => {
    expect(crds.map((c) => c.metadata.name)).toEqual([
      'bgpsessionstates.herald.io',
      'servicebgpstatuses.herald.io',
      'frrnodestates.frrk8s.metallb.io',
    ]);
    const fields = (c: Manifest) =>
      Object.keys(c.spec.versions[0].schema.openAPIV3Schema.properties.status.properties).sort();
    expect(fields(crds[0])).toEqual(['bfdStatus', 'bgpStatus', 'lastError', 'node', 'peer', 'vrf']);
    expect(fields(crds[1])).toEqual(['announced', 'detail', 'ips', 'node', 'prefixes', 'reason', 'service']);
    // FRR-K8s's own shape: cluster-scoped, the three fields FRR-K8s writes.
    expect(fields(crds[2])).toEqual(['lastConversionResult', 'lastReloadResult', 'runningConfig']);
    expect(crds[2].spec.scope).toBe('Cluster');
    for (const c of crds) expect(c.spec.versions[0].subresources).toEqual({ status: {} });
  });
});
