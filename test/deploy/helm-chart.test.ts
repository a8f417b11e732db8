// deploy/helm/herald rendered as `helm template` renders it (scripts/helm-render: Go text/template
// with sprig and Helm's own functions, built here from Debian's Go packages since this machine has no
// helm binary): with default values it installs what deploy/kubernetes/ installs (same RBAC, same
// pod, a config Herald accepts), and each common value does what values.yaml says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML; the test reads what it checks
type Manifest = Record<string, any>;
const root = new URL('../../', import.meta.url).pathname;
const chart = join(root, 'deploy/helm/herald');
const work = mkdtempSync(join(tmpdir(), 'herald-helm-'));
const renderer = join(work, 'helm-render');

beforeAll(() => {
  // GOPATH mode over Debian's packaged sources (golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev).
  execFileSync('go', ['build', '-o', renderer, '.'], {
    cwd: join(root, 'scripts/helm-render'),
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(work, 'cache') },
    stdio: 'pipe',
    timeout: 120_000,
  });
}, 150_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function render(values: Manifest = {}, namespace = 'metallb-system'): Manifest[] {
  const file = join(work, 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  const out = execFileSync(renderer, [chart, '-f', file, '--namespace', namespace, '--release', 'herald'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest)
    .filter((d) => d);
}
const of = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind);
const heraldConfig = (docs: Manifest[]) => parseConfig(of(docs, 'ConfigMap')[0].data['config.yaml']);
const plain = parseAllDocuments(readFileSync(join(root, 'deploy/kubernetes/herald.yaml'), 'utf8')).map(
  (d) => d.toJS() as Manifest,
);

describe('deploy/helm/herald with default values', () => {
  it('carries the app version of this build and a config Herald accepts, in Kubernetes mode', () => {
    const meta = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(meta.appVersion).toBe(pkg.version);
    const docs = render();
    const config = heraldConfig(docs);
    expect(config.kubernetes).toMatchObject({ enabled: true, namespace: 'metallb-system', allocate: true });
    expect(config.api ? config.api.listen : undefined).toBe('127.0.0.1:9179');
    expect(config.metrics?.listen).toBe('0.0.0.0:7472');
    expect(config.stateDir).toBe('/var/lib/herald');
    const image = of(docs, 'DaemonSet')[0].spec.template.spec.containers[0].image;
    expect(image).toBe(`ghcr.io/herald-bgp/herald:${pkg.version}`);
  });

  it('grants exactly the RBAC rules of deploy/kubernetes/herald.yaml', () => {
    const docs = render();
    for (const kind of ['ClusterRole', 'Role'])
      expect(of(docs, kind)[0].rules).toEqual(of(plain, kind)[0].rules);
    expect(of(docs, 'Role')[0].metadata.namespace).toBe('metallb-system');
  });

  it('runs the pod of deploy/kubernetes/herald.yaml: host network, capabilities, probes, volumes', () => {
    const pod = of(render(), 'DaemonSet')[0].spec.template.spec;
    const want = of(plain, 'DaemonSet')[0].spec.template.spec;
    for (const key of ['hostNetwork', 'dnsPolicy', 'terminationGracePeriodSeconds', 'tolerations'])
      expect(pod[key]).toEqual(want[key]);
    const [c, w] = [pod.containers[0], want.containers[0]];
    for (const key of [
      'args',
      'env',
      'ports',
      'livenessProbe',
      'readinessProbe',
      'securityContext',
      'volumeMounts',
    ])
      expect(c[key]).toEqual(w[key]);
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(want.volumes.map((v: Manifest) => v.name));
  });

  it('ships the status CRDs of deploy/kubernetes/crds.yaml unchanged, and no ServiceMonitor', () => {
    expect(readFileSync(join(chart, 'crds/herald-status.yaml'), 'utf8')).toBe(
      readFileSync(join(root, 'deploy/kubernetes/crds.yaml'), 'utf8'),
    );
    expect(of(render(), 'ServiceMonitor')).toEqual([]);
  });

  it("installs none of MetalLB's CRDs (metallbCrds.install is false; crds/ is not rendered)", () => {
    expect(of(render(), 'CustomResourceDefinition')).toEqual([]);
  });
});

describe('deploy/helm/herald values', () => {
  it("metallbCrds.install=true installs deploy/kubernetes/metallb-crds.yaml's CRDs, each kept on uninstall", () => {
    const crds = of(render({ metallbCrds: { install: true } }), 'CustomResourceDefinition');
    const want = parseAllDocuments(
      readFileSync(join(root, 'deploy/kubernetes/metallb-crds.yaml'), 'utf8'),
    ).map((d) => d.toJS() as Manifest);
    expect(crds.map((c) => c.metadata.name)).toEqual(want.map((c) => c.metadata.name));
    for (const crd of crds) expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    // Nothing else differs: same labels, same schemas, versions and printer columns.
    const unannotated = crds.map((crd) => {
      const { annotations: _, ...metadata } = crd.metadata;
      return { ...crd, metadata };
    });
    expect(unannotated).toEqual(want);
  });

  it('netRaw=true grants NET_RAW and keeps it for the daemon (Router Advertisements for BGP unnumbered)', () => {
    const container = (docs: Manifest[]) => of(docs, 'DaemonSet')[0].spec.template.spec.containers[0];
    const plainContainer = container(render());
    expect(plainContainer.securityContext.capabilities.add).not.toContain('NET_RAW');
    expect(plainContainer.env.map((e: Manifest) => e.name)).not.toContain('HERALD_CAPABILITIES');
    const raw = container(render({ netRaw: true }));
    expect(raw.securityContext.capabilities.add).toEqual([
      'NET_BIND_SERVICE',
      'NET_ADMIN',
      'SETUID',
      'SETGID',
      'CHOWN',
      'NET_RAW',
    ]);
    expect(raw.env).toContainEqual({
      name: 'HERALD_CAPABILITIES',
      value: 'net_bind_service,net_admin,net_raw',
    });
  });

  it('kubernetes.allocate=false leaves the addresses to another controller', () => {
    expect(heraldConfig(render({ kubernetes: { allocate: false } })).kubernetes.allocate).toBe(false);
  });

  it('metallbNamespace puts the Role there and keeps the service account in the release namespace', () => {
    const docs = render({ metallbNamespace: 'metallb' }, 'herald');
    expect(heraldConfig(docs).kubernetes.namespace).toBe('metallb');
    expect(of(docs, 'Role')[0].metadata.namespace).toBe('metallb');
    expect(of(docs, 'RoleBinding')[0].subjects).toEqual([
      { kind: 'ServiceAccount', name: 'herald', namespace: 'herald' },
    ]);
    expect(of(docs, 'DaemonSet')[0].metadata.namespace).toBe('herald');
  });

  it("config is the user's Herald config, over the derived sections", () => {
    const docs = render({
      config: {
        asn: 65010,
        neighbors: [{ address: '192.0.2.1', peerAsn: 65000, gracefulRestart: { enabled: true } }],
        log: { level: 'debug' },
      },
    });
    const config = heraldConfig(docs);
    expect(config.asn).toBe(65010);
    expect(config.neighbors.map((n) => [n.address, n.peerAsn, n.gracefulRestart.enabled])).toEqual([
      ['192.0.2.1', 65000, true],
    ]);
    expect(config.log.level).toBe('debug');
    expect(config.kubernetes.enabled).toBe(true);
  });

  it('a changed config changes the pod template, so the pods roll', () => {
    const checksum = (docs: Manifest[]) =>
      of(docs, 'DaemonSet')[0].spec.template.metadata.annotations['checksum/config'];
    expect(checksum(render())).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(render({ config: { asn: 65010 } }))).not.toBe(checksum(render()));
  });

  it('metrics.serviceMonitor.enabled adds a headless Service and a ServiceMonitor on the metrics port', () => {
    const docs = render({
      metrics: { serviceMonitor: { enabled: true, additionalLabels: { release: 'prom' } } },
    });
    const svc = of(docs, 'Service')[0];
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'metrics', port: 7472, targetPort: 'metrics', protocol: 'TCP' }]);
    const sm = of(docs, 'ServiceMonitor')[0];
    expect(sm.metadata.labels.release).toBe('prom');
    expect(sm.spec.selector.matchLabels).toEqual(svc.spec.selector);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
  });

  it('metrics.enabled=false: no metrics listener, the probes ask the API on loopback', () => {
    const docs = render({ metrics: { enabled: false } });
    expect(heraldConfig(docs).metrics).toBeUndefined();
    const c = of(docs, 'DaemonSet')[0].spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ host: '127.0.0.1', path: '/readyz', port: 9179 });
    expect(c.ports.map((p: Manifest) => p.name)).toEqual(['bgp']);
  });

  it('stateDir.enabled=false: no state kept, no hostPath', () => {
    const docs = render({ stateDir: { enabled: false } });
    expect(heraldConfig(docs).stateDir).toBeUndefined();
    expect(of(docs, 'DaemonSet')[0].spec.template.spec.volumes.map((v: Manifest) => v.name)).toEqual([
      'config',
    ]);
  });

  it('kubernetes.frrk8s=true reads FRRConfigurations, and may; alwaysBlock reaches the config', () => {
    const docs = render({ kubernetes: { frrk8s: true, alwaysBlock: ['10.244.0.0/16', '10.96.0.0/12'] } });
    expect(heraldConfig(docs).kubernetes.frrk8s).toBe(true);
    expect(heraldConfig(docs).alwaysBlock).toEqual(['10.244.0.0/16', '10.96.0.0/12']);
    expect(heraldConfig(render()).alwaysBlock).toEqual([]);
    expect(of(docs, 'Role')[0].rules).toContainEqual({
      apiGroups: ['frrk8s.metallb.io'],
      resources: ['frrconfigurations'],
      verbs: ['get', 'list', 'watch'],
    });
    // Each node's FRRNodeState, cluster-scoped.
    expect(of(docs, 'ClusterRole')[0].rules).toEqual(
      expect.arrayContaining([
        { apiGroups: ['frrk8s.metallb.io'], resources: ['frrnodestates'], verbs: ['get', 'create'] },
        { apiGroups: ['frrk8s.metallb.io'], resources: ['frrnodestates/status'], verbs: ['update'] },
      ]),
    );
  });

  it('names, image, scheduling and extra environment', () => {
    const docs = render({
      fullnameOverride: 'speaker',
      image: { tag: 'v9' },
      nodeSelector: { 'bgp/enabled': 'true' },
      priorityClassName: 'system-node-critical',
      extraEnv: [{ name: 'HERALD_LOG_LEVEL', value: 'debug' }],
      rbac: { create: false },
      serviceAccount: { create: false, name: 'existing' },
    });
    const ds = of(docs, 'DaemonSet')[0];
    const pod = ds.spec.template.spec;
    expect(ds.metadata.name).toBe('speaker');
    expect(pod.containers[0].image).toBe('ghcr.io/herald-bgp/herald:v9');
    expect(pod.nodeSelector).toEqual({ 'bgp/enabled': 'true' });
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.containers[0].env).toContainEqual({ name: 'HERALD_LOG_LEVEL', value: 'debug' });
    expect(pod.serviceAccountName).toBe('existing');
    expect(of(docs, 'ClusterRole')).toEqual([]);
    expect(of(docs, 'ServiceAccount')).toEqual([]);
    expect(pod.volumes[0].configMap.name).toBe('speaker');
  });
});
