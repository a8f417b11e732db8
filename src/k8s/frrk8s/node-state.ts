// FRRNodeState (frrk8s.metallb.io/v1beta1, cluster-scoped): one per node, named after it, as
// FRR-K8s keeps it — status.runningConfig, lastConversionResult ("success" or "failed: " and the
// reasons: FRRConfigurations that could not be read or merged) and lastReloadResult ("success" or
// why the merged configuration could not be applied). `kubectl get frrnodestate <node> -o yaml`
// answers "what does this node run, and what was left out". Written through StatusObjects (only
// differences; an FRR-K8s-made object of the node is taken over); the Node is the owner.
import type { KubeTarget } from '../kube-config.js';
import { StatusObjects } from '../status-objects.js';

export interface NodeStateReport {
  runningConfig: string;
  lastConversionResult: string;
  lastReloadResult: string;
}

export const FRR_NODE_STATES = '/apis/frrk8s.metallb.io/v1beta1/frrnodestates';

export class FrrNodeState {
  private readonly objects: StatusObjects;

  constructor(target: KubeTarget, nodeName: string, onError?: (e: Error) => void) {
    this.objects = new StatusObjects(
      target,
      {
        apiVersion: 'frrk8s.metallb.io/v1beta1',
        kind: 'FRRNodeState',
        collection: FRR_NODE_STATES,
        nodeLabel: 'frrk8s.metallb.io/node',
        keyLabels: [],
        namedAfterNode: true,
      },
      nodeName,
      onError,
    );
  }

  setOwner(uid: string | undefined): void {
    this.objects.setOwner(uid);
  }

  report(state: NodeStateReport): Promise<void> {
    return this.objects.update([{ key: [], status: { ...state } }]);
  }
}
