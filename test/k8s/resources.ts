// Builders for Kubernetes resource JSON in tests (what the API server would return), and the
// seed fixtures of test/fixtures/k8s as raw resources.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { groupByKind, type RawResources } from '../../src/k8s/cluster-view.js';

const NS = 'metallb-system';

export function pool(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name, namespace: NS, labels },
    spec,
  };
}

export function advertisement(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'BGPAdvertisement',
    metadata: { name, namespace: NS },
    spec,
  };
}

export function peer(name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name, namespace: NS }, spec };
}

export function community(name: string, communities: { name: string; value: string }[]) {
  return {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'Community',
    metadata: { name, namespace: NS },
    spec: { communities },
  };
}

export function bfdProfile(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name, namespace: NS }, spec };
}

export function secret(name: string, type: string, data: Record<string, string>) {
  const encoded = Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, type, data: encoded };
}

export interface ServiceOptions {
  ips?: string[];
  type?: string;
  policy?: 'Cluster' | 'Local';
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  loadBalancerClass?: string;
  namespace?: string;
}

export function service(name: string, o: ServiceOptions = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', labels: o.labels, annotations: o.annotations },
    spec: {
      type: o.type ?? 'LoadBalancer',
      externalTrafficPolicy: o.policy ?? 'Cluster',
      loadBalancerClass: o.loadBalancerClass,
      ports: [{ port: 80, protocol: 'TCP' }],
    },
    status: { loadBalancer: { ingress: (o.ips ?? []).map((ip) => ({ ip })) } },
  };
}

export interface EndpointOptions {
  node: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  addresses?: string[];
}

export function slice(
  serviceName: string,
  endpoints: EndpointOptions[],
  name = `${serviceName}-x1`,
  namespace = 'default',
) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: e.addresses ?? ['10.244.0.10'],
      conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
      nodeName: e.node,
    })),
  };
}

export function node(
  name: string,
  o: { labels?: Record<string, string>; address?: string; networkUnavailable?: boolean } = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    status: {
      addresses: [{ type: 'InternalIP', address: o.address ?? '192.0.2.10' }],
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'NetworkUnavailable', status: o.networkUnavailable ? 'True' : 'False' },
      ],
    },
  };
}

/** The documents of a fixture under test/fixtures/k8s, grouped by kind. */
export function fixture(file: string): RawResources {
  const text = readFileSync(new URL(`../fixtures/k8s/${file}`, import.meta.url), 'utf8');
  return groupByKind(parseAllDocuments(text).map((d) => d.toJSON()));
}

export { groupByKind };

/** An FRR-K8s FRRConfiguration in the watched namespace; older ones (createdAt) merge first. */
export function frrConfiguration(
  name: string,
  spec: Record<string, unknown>,
  createdAt = '2026-01-01T00:00:00Z',
) {
  return {
    apiVersion: 'frrk8s.metallb.io/v1beta1',
    kind: 'FRRConfiguration',
    metadata: { name, namespace: NS, creationTimestamp: createdAt },
    spec,
  };
}
