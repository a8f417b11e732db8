// One request to the Kubernetes API server over node:http(s), with the target's credentials: the
// list/watch client streams the response; the allocator's writes (status, patches, leases,
// events) send a JSON body and read a JSON answer. A status outside 2xx is a KubeApiError with
// the server's Status message and its code (404, 409 Conflict, 410 Gone, …).
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeTarget } from './kube-config.js';

/** An HTTP status or Kubernetes Status from the API server. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequestOptions {
  query?: Record<string, string>;
  body?: unknown;
  /** Default application/json; merge patches use application/merge-patch+json. */
  contentType?: string;
  onRequest?: (r: ClientRequest) => void;
}

/** Starts a request; resolves with the response once its headers arrived with a 2xx status. */
export function openKubeRequest(
  target: KubeTarget,
  method: KubeMethod,
  path: string,
  options: KubeRequestOptions = {},
): Promise<IncomingMessage> {
  const url = new URL(path, target.server);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const token = target.token();
  const https = url.protocol === 'https:';
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(body !== undefined
      ? {
          'content-type': options.contentType ?? 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        }
      : {}),
  };
  const tls = https
    ? { ca: target.ca, cert: target.cert, key: target.key, rejectUnauthorized: !target.insecureSkipTlsVerify }
    : {};
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { method, headers, ...tls }, (res) => {
      if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) return resolve(res);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        let message = text.slice(0, 500);
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {}
        reject(new KubeApiError(res.statusCode ?? 0, `HTTP ${res.statusCode}: ${message}`));
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname}: no answer within 30 s`)));
    req.on('error', reject);
    options.onRequest?.(req);
    req.end(body);
  });
}

/** A request whose answer is one JSON document. */
export async function kubeJson(
  target: KubeTarget,
  method: KubeMethod,
  path: string,
  options: Omit<KubeRequestOptions, 'onRequest'> = {},
): Promise<unknown> {
  const res = await openKubeRequest(target, method, path, options);
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * PUT `status(object)` to `path`/status with the object's resourceVersion; on 409 Conflict the
 * object is read again and the PUT retried once on it (optimistic concurrency). Returns the answer.
 */
export async function putStatus(
  target: KubeTarget,
  path: string,
  object: object,
  status: (base: object) => unknown,
): Promise<unknown> {
  const put = (base: object) =>
    kubeJson(target, 'PUT', `${path}/status`, { body: { ...base, status: status(base) } });
  try {
    return await put(object);
  } catch (e) {
    if (!(e instanceof KubeApiError) || e.statusCode !== 409) throw e;
    return put((await kubeJson(target, 'GET', path)) as object);
  }
}
