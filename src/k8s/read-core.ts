// Readers for the core objects: Service (v1), EndpointSlice (discovery.k8s.io/v1), Node (v1) and
// Secret (v1). MetalLB's service annotations are read under metallb.io/ with the older
// metallb.universe.tf/ names as a fallback. Throws ResourceError. Pure.
import type { Endpoint, EndpointSlice, Node, Secret, Service } from './core-types.js';
import { Fields } from './fields.js';

const ANNOTATION_PREFIXES = ['metallb.io/', 'metallb.universe.tf/'];

function annotation(annotations: Record<string, string>, key: string): string | undefined {
  for (const prefix of ANNOTATION_PREFIXES) {
    const v = annotations[prefix + key];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

export function readService(raw: unknown): Service {
  const { root, meta } = Fields.of('Service', raw);
  const spec = root.object('spec');
  const policy = spec.string('externalTrafficPolicy') ?? 'Cluster';
  if (policy !== 'Cluster' && policy !== 'Local') {
    return spec.fail('externalTrafficPolicy', `must be Cluster or Local, got "${policy}"`);
  }
  const requested = annotation(meta.annotations, 'loadBalancerIPs');
  const legacyIp = spec.string('loadBalancerIP');
  const uid = root.object('metadata').string('uid');
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    ...(uid && { uid }),
    labels: meta.labels,
    type: spec.string('type') ?? 'ClusterIP',
    loadBalancerClass: spec.string('loadBalancerClass') || undefined,
    externalTrafficPolicy: policy,
    ingressIps: root
      .object('status')
      .object('loadBalancer')
      .objectArray('ingress')
      .map((i) => i.string('ip') ?? ''),
    requestedIps: requested
      ? requested
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : legacyIp
        ? [legacyIp]
        : [],
    addressPool: annotation(meta.annotations, 'address-pool'),
    allowSharedIp: annotation(meta.annotations, 'allow-shared-ip'),
    allocatedFromPool: annotation(meta.annotations, 'ip-allocated-from-pool'),
    ipFamilies: spec.stringArray('ipFamilies'),
    ipFamilyPolicy: spec.string('ipFamilyPolicy'),
    ports: spec.objectArray('ports').map((p) => ({
      port: p.int('port', 0, 65535) ?? 0,
      protocol: p.string('protocol') ?? 'TCP',
    })),
    selector: spec.stringMap('selector'),
    createdAt: root.object('metadata').string('creationTimestamp') ?? '',
  };
}

export function readEndpointSlice(raw: unknown): EndpointSlice {
  const { root, meta } = Fields.of('EndpointSlice', raw);
  const endpoints = root.objectArray('endpoints').map((e): Endpoint => {
    const c = e.object('conditions');
    return {
      addresses: e.stringArray('addresses'),
      ready: c.bool('ready'),
      serving: c.bool('serving'),
      terminating: c.bool('terminating'),
      nodeName: e.string('nodeName'),
    };
  });
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    serviceName: meta.labels['kubernetes.io/service-name'],
    endpoints,
  };
}

export function readNode(raw: unknown): Node {
  const { root, meta } = Fields.of('Node', raw);
  const status = root.object('status');
  const addresses = status.objectArray('addresses').map((a) => ({
    type: a.string('type') ?? '',
    address: a.string('address') ?? '',
  }));
  const networkUnavailable = status
    .objectArray('conditions')
    .some((c) => c.string('type') === 'NetworkUnavailable' && c.string('status') === 'True');
  const uid = root.object('metadata').string('uid');
  return { name: meta.name, labels: meta.labels, addresses, networkUnavailable, ...(uid && { uid }) };
}

export function readSecret(raw: unknown): Secret {
  const { root, meta } = Fields.of('Secret', raw);
  const encoded = root.stringMap('data');
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(encoded)) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) root.fail(`data.${k}`, 'must be base64');
    data[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  for (const [k, v] of Object.entries(root.stringMap('stringData'))) data[k] = v;
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    type: root.string('type') ?? 'Opaque',
    data,
  };
}
