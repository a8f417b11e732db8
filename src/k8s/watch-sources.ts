// The collections Herald lists and watches, each with its API path and the real client's typed
// list call: Services, EndpointSlices and Nodes cluster-wide; the MetalLB resources and Secrets
// in MetalLB's namespace. The Watch adds allowWatchBookmarks (ListWatch does not ask for them)
// and a server-side timeout, so a quiet watch is renewed from its resourceVersion.
import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  Watch,
} from '@kubernetes/client-node';
import type { RawResources } from './cluster-view.js';

export interface WatchSource {
  key: keyof RawResources;
  /** The collection path watched (and listed). */
  path: string;
  list: () => Promise<KubernetesListObject<KubernetesObject>>;
}

/** A Watch that asks for bookmarks and a server-side timeout (renewed by ListWatch from its resourceVersion). */
export class BookmarkWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly timeoutSeconds: () => number,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const params = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds() };
    return super.watch(path, params, callback, done);
  }
}

const METALLB: { key: keyof RawResources; version: string; plural: string }[] = [
  { key: 'ipAddressPools', version: 'v1beta1', plural: 'ipaddresspools' },
  { key: 'bgpAdvertisements', version: 'v1beta1', plural: 'bgpadvertisements' },
  { key: 'bgpPeers', version: 'v1beta2', plural: 'bgppeers' },
  { key: 'communities', version: 'v1beta1', plural: 'communities' },
  { key: 'bfdProfiles', version: 'v1beta1', plural: 'bfdprofiles' },
];

type AnyList = Promise<KubernetesListObject<KubernetesObject>>;

export function watchSources(kc: KubeConfig, namespace: string): WatchSource[] {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  return [
    { key: 'services', path: '/api/v1/services', list: () => core.listServiceForAllNamespaces() as AnyList },
    {
      key: 'endpointSlices',
      path: '/apis/discovery.k8s.io/v1/endpointslices',
      list: () => discovery.listEndpointSliceForAllNamespaces() as AnyList,
    },
    { key: 'nodes', path: '/api/v1/nodes', list: () => core.listNode() as AnyList },
    {
      key: 'secrets',
      path: `/api/v1/namespaces/${namespace}/secrets`,
      list: () => core.listNamespacedSecret({ namespace }) as AnyList,
    },
    ...METALLB.map(({ key, version, plural }) => ({
      key,
      path: `/apis/metallb.io/${version}/namespaces/${namespace}/${plural}`,
      list: () =>
        custom.listNamespacedCustomObject({ group: 'metallb.io', version, namespace, plural }) as AnyList,
    })),
  ];
}
