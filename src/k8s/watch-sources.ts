// The collections Herald lists and watches, each with its API path: Services, EndpointSlices and
// Nodes cluster-wide; the MetalLB resources and Secrets in MetalLB's namespace (and, in FRR-K8s
// mode, the FRRConfigurations there too).
import type { RawResources } from './cluster-view.js';

export interface WatchSource {
  key: keyof RawResources;
  /** The collection path listed and watched. */
  path: string;
}

const METALLB: { key: keyof RawResources; version: string; plural: string }[] = [
  { key: 'ipAddressPools', version: 'v1beta1', plural: 'ipaddresspools' },
  { key: 'bgpAdvertisements', version: 'v1beta1', plural: 'bgpadvertisements' },
  { key: 'bgpPeers', version: 'v1beta2', plural: 'bgppeers' },
  { key: 'communities', version: 'v1beta1', plural: 'communities' },
  { key: 'bfdProfiles', version: 'v1beta1', plural: 'bfdprofiles' },
];

/** FRR-K8s mode adds the FRRConfigurations of the same namespace; the allocator, Namespaces. */
export function watchSources(namespace: string, frrk8s = false, allocate = false): WatchSource[] {
  const frr: WatchSource[] = frrk8s
    ? [
        {
          key: 'frrConfigurations',
          path: `/apis/frrk8s.metallb.io/v1beta1/namespaces/${namespace}/frrconfigurations`,
        },
      ]
    : [];
  const namespaces: WatchSource[] = allocate ? [{ key: 'namespaces', path: '/api/v1/namespaces' }] : [];
  return [
    ...frr,
    ...namespaces,
    { key: 'services', path: '/api/v1/services' },
    { key: 'endpointSlices', path: '/apis/discovery.k8s.io/v1/endpointslices' },
    { key: 'nodes', path: '/api/v1/nodes' },
    { key: 'secrets', path: `/api/v1/namespaces/${namespace}/secrets` },
    ...METALLB.map(({ key, version, plural }) => ({
      key,
      path: `/apis/metallb.io/${version}/namespaces/${namespace}/${plural}`,
    })),
  ];
}
