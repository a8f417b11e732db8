// deploy/kubernetes/servicemonitor.yaml against herald.yaml: the Service selects the DaemonSet's
// pods and targets the port Herald's metrics listener is configured on, and the ServiceMonitor
// selects that Service and scrapes its `metrics` port.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: manifests are walked as plain JSON
type Manifest = any;
const manifests = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(new URL(`../../deploy/kubernetes/${file}`, import.meta.url), 'utf8'))
    .map((d) => d.toJS() as Manifest)
    .filter((d) => d !== null);
const one = (docs: Manifest[], kind: string): Manifest => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

const monitoring = manifests('servicemonitor.yaml');
const service = one(monitoring, 'Service');
const monitor = one(monitoring, 'ServiceMonitor');
const herald = manifests('herald.yaml');
const daemonSet = one(herald, 'DaemonSet');
const config = parse(one(herald, 'ConfigMap').data['config.yaml']);

describe('servicemonitor.yaml', () => {
  it('is a headless Service selecting the DaemonSet pods, on the metrics listener port', () => {
    expect(service.spec.clusterIP).toBe('None');
    expect(service.metadata.namespace).toBe(daemonSet.metadata.namespace);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'herald' });
    expect(matches(service.spec.selector, daemonSet.spec.template.metadata.labels)).toBe(true);
    const port = service.spec.ports.find((p: Manifest) => p.name === 'metrics');
    expect(port).toMatchObject({ port: 7472, targetPort: 7472 });
    expect(config.metrics.listen).toBe(`0.0.0.0:${port.targetPort}`);
    const container = daemonSet.spec.template.spec.containers[0];
    expect(container.ports).toContainEqual(expect.objectContaining({ containerPort: port.targetPort }));
  });

  it('has a ServiceMonitor selecting that Service and scraping its metrics port', () => {
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec.namespaceSelector.matchNames).toContain(service.metadata.namespace);
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints.map((e: Manifest) => [e.port, e.path])).toEqual([['metrics', '/metrics']]);
    // MetalLB's alert rules select job=~"metallb.*".
    expect(service.metadata.labels[monitor.spec.jobLabel]).toMatch(/^metallb/);
  });
});
