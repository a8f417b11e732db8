// Where the API server is and how to authenticate: an explicit kubeconfig file (--kubeconfig),
// else the files named by KUBECONFIG (colon-separated, merged: the first definition of a name
// wins), else the in-cluster service account. Never ~/.kube/config implicitly: a DaemonSet pod
// must not pick up a stray file. Supports what a speaker needs — bearer token (inline or file),
// client certificate and key, CA (file or data), insecure-skip-tls-verify; exec and auth-provider
// plugins are refused with a clear error. The service-account token is re-read on every request
// (bound tokens rotate).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeTarget {
  /** The API server, e.g. https://10.96.0.1:443 */
  readonly server: URL;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  /** The bearer token for the next request, if any. */
  token(): string | undefined;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Named<T> = { name: string } & T;
interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
}

interface Loaded {
  doc: KubeconfigFile;
  dir: string;
}

function fileOrData(o: Record<string, unknown>, key: string, dir: string): Buffer | undefined {
  const data = o[`${key}-data`];
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  const file = o[key];
  return typeof file === 'string' ? readFileSync(resolve(dir, file)) : undefined;
}

function findNamed<T>(files: Loaded[], list: 'clusters' | 'users' | 'contexts', name: string) {
  for (const f of files) {
    const hit = (f.doc[list] as Named<T>[] | undefined)?.find((x) => x.name === name);
    if (hit) return { value: hit, dir: f.dir };
  }
  throw new Error(`kubeconfig: no ${list.slice(0, -1)} named "${name}"`);
}

function fromFiles(paths: string[]): KubeTarget {
  const files: Loaded[] = paths.map((p) => ({
    doc: (parse(readFileSync(p, 'utf8')) ?? {}) as KubeconfigFile,
    dir: dirname(resolve(p)),
  }));
  const current = files.find((f) => f.doc['current-context'])?.doc['current-context'];
  if (!current) throw new Error('kubeconfig has no current context');
  const ctx = findNamed<{ context?: { cluster?: string; user?: string } }>(files, 'contexts', current).value
    .context;
  if (!ctx?.cluster) throw new Error(`kubeconfig: context "${current}" names no cluster`);
  const c = findNamed<{ cluster?: Record<string, unknown> }>(files, 'clusters', ctx.cluster);
  const cluster = c.value.cluster ?? {};
  if (typeof cluster.server !== 'string')
    throw new Error(`kubeconfig: cluster "${ctx.cluster}" has no server`);
  const u = ctx.user
    ? findNamed<{ user?: Record<string, unknown> }>(files, 'users', ctx.user)
    : { value: { user: {} }, dir: c.dir };
  const user: Record<string, unknown> = u.value.user ?? {};
  for (const unsupported of ['exec', 'auth-provider', 'username'])
    if (user[unsupported] !== undefined)
      throw new Error(`kubeconfig: user "${ctx.user}" uses ${unsupported}, which Herald does not support`);
  const tokenFile = typeof user.tokenFile === 'string' ? resolve(u.dir, user.tokenFile) : undefined;
  const inline = typeof user.token === 'string' ? user.token : undefined;
  return {
    server: new URL(cluster.server),
    ca: fileOrData(cluster, 'certificate-authority', c.dir),
    cert: fileOrData(user, 'client-certificate', u.dir),
    key: fileOrData(user, 'client-key', u.dir),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    token: () => inline ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined),
  };
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeTarget {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host)
    throw new Error(
      'no kubeconfig (--kubeconfig, kubernetes.kubeconfig or KUBECONFIG) and not in a cluster (KUBERNETES_SERVICE_HOST is not set)',
    );
  const token = () => readFileSync(`${dir}/token`, 'utf8').trim();
  token(); // fails now, with the path, when the service account is not mounted
  return {
    server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    ca: readFileSync(`${dir}/ca.crt`),
    insecureSkipTlsVerify: false,
    token,
  };
}

export function loadKubeConfig(
  kubeconfig?: string,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountDir = SA_DIR,
): KubeTarget {
  if (kubeconfig) return fromFiles([kubeconfig]);
  const list = (env.KUBECONFIG ?? '').split(':').filter(Boolean);
  if (list.length > 0) return fromFiles(list);
  return inCluster(env, serviceAccountDir);
}
