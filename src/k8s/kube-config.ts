// Where the API server is: an explicit kubeconfig file (--kubeconfig), else the files named by
// KUBECONFIG, else the in-cluster service account. Never ~/.kube/config implicitly: a DaemonSet
// pod must not pick up a stray file.
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(kubeconfig?: string, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else if (env.KUBECONFIG) kc.loadFromDefault();
  else kc.loadFromCluster();
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  return kc;
}
