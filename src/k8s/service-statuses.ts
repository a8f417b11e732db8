// ServiceBGPStatus resources (herald.io/v1alpha1, CRD in deploy/kubernetes/crds.yaml): per node
// and LoadBalancer service, whether this node announces it and why not, and which neighbors get
// which prefix — `kubectl get servicebgpstatuses -l herald.io/service-name=web` answers "which
// nodes announce my service, to whom". Labels: herald.io/node, herald.io/service-namespace,
// herald.io/service-name. Only differences are written (status-objects.ts).
import type { KubeTarget } from './kube-config.js';
import { StatusObjects } from './status-objects.js';

export interface ServiceReport {
  /** "namespace/name" */
  service: string;
  ips: string[];
  announced: boolean;
  reason: string | null;
  detail: string | null;
  prefixes: { prefix: string; neighbors: string[] }[];
}

export class ServiceStatuses {
  private readonly objects: StatusObjects;

  constructor(
    target: KubeTarget,
    namespace: string,
    private readonly nodeName: string,
    onError?: (e: Error) => void,
  ) {
    this.objects = new StatusObjects(
      target,
      {
        apiVersion: 'herald.io/v1alpha1',
        kind: 'ServiceBGPStatus',
        collection: `/apis/herald.io/v1alpha1/namespaces/${namespace}/servicebgpstatuses`,
        nodeLabel: 'herald.io/node',
        keyLabels: ['herald.io/service-namespace', 'herald.io/service-name'],
      },
      nodeName,
      onError,
    );
  }

  setOwner(uid: string | undefined): void {
    this.objects.setOwner(uid);
  }

  /** Whether the last report is what the API server holds (then the same report writes nothing). */
  upToDate(): boolean {
    return this.objects.upToDate();
  }

  report(services: ServiceReport[]): Promise<void> {
    return this.objects.update(
      services.map((s) => {
        const [namespace, name] = s.service.split('/');
        return {
          key: [namespace, name],
          status: {
            node: this.nodeName,
            service: s.service,
            ips: s.ips,
            announced: s.announced,
            reason: s.reason ?? '',
            detail: s.detail ?? '',
            prefixes: s.prefixes,
          },
        };
      }),
    );
  }
}
