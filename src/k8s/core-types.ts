// The core Kubernetes objects Herald reads (Services, EndpointSlices, Nodes, Secrets), reduced to
// the fields the decision and the allocator use. Types only.

export type ExternalTrafficPolicy = 'Cluster' | 'Local';

export interface Service {
  namespace: string;
  name: string;
  /** metadata.uid: Events on the Service name it, or `kubectl describe` does not show them. */
  uid?: string;
  labels: Record<string, string>;
  /** "LoadBalancer", "ClusterIP", … (default ClusterIP). */
  type: string;
  loadBalancerClass?: string;
  externalTrafficPolicy: ExternalTrafficPolicy;
  /** status.loadBalancer.ingress[].ip, in order ('' for an entry with only a hostname). */
  ingressIps: string[];
  /** metallb.io/loadBalancerIPs (comma-separated) or else the deprecated spec.loadBalancerIP. */
  requestedIps: string[];
  /** metallb.io/address-pool */
  addressPool?: string;
  /** metallb.io/allow-shared-ip */
  allowSharedIp?: string;
  /** metallb.io/ip-allocated-from-pool */
  allocatedFromPool?: string;
  ipFamilies: string[];
  ipFamilyPolicy?: string;
  ports: { port: number; protocol: string }[];
  /** spec.selector: services sharing an IP with policy Local must select the same pods. */
  selector: Record<string, string>;
  /** metadata.creationTimestamp (ISO text, '' when absent): older services keep a contested IP. */
  createdAt: string;
}

export interface Endpoint {
  addresses: string[];
  /** Absent means unknown, which counts as ready (Kubernetes' rule). */
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  nodeName?: string;
}

export interface EndpointSlice {
  namespace: string;
  name: string;
  /** The kubernetes.io/service-name label. */
  serviceName?: string;
  endpoints: Endpoint[];
}

export interface Node {
  name: string;
  /** metadata.uid: status objects Herald writes for the node name it as their owner. */
  uid?: string;
  labels: Record<string, string>;
  addresses: { type: string; address: string }[];
  /** The NetworkUnavailable condition is True. */
  networkUnavailable: boolean;
}

export interface Secret {
  namespace: string;
  name: string;
  type: string;
  /** Decoded from base64. */
  data: Record<string, string>;
}
