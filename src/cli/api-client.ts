// The CLI's HTTP client for the daemon's REST API: `--api URL` or $HERALD_API, default
// http://127.0.0.1:9179; `unix:/path/to/api.sock` talks over a unix socket.

export const DEFAULT_API = 'http://127.0.0.1:9179';

export class ApiUnreachable extends Error {}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/** What the API answers: the value asked for, or an error with its code (docs/api.md). */
type ApiAnswer = { error?: string; message?: string; problems?: string[] };

export function apiBase(flag?: string): string {
  return flag ?? process.env.HERALD_API ?? DEFAULT_API;
}

export async function callApi<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  // Loaded by the first call: `herald run` shares this module graph and never calls.
  const { request } = await import('node:http');
  const data = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = data ? { 'content-type': 'application/json' } : {};
  if (process.env.HERALD_API_TOKEN) headers.authorization = `Bearer ${process.env.HERALD_API_TOKEN}`;
  const target = base.startsWith('unix:')
    ? { socketPath: base.slice(5), path }
    : (() => {
        // The API speaks plain HTTP (or a unix socket): anything else would be sent the wrong way.
        const u = URL.canParse(base) ? new URL(path, base.endsWith('/') ? base : `${base}/`) : undefined;
        if (u?.protocol !== 'http:')
          throw new ApiUnreachable(`--api ${base}: give http://HOST:PORT or unix:/path/to/api.sock`);
        return { host: u.hostname, port: Number(u.port || 80), path: u.pathname + u.search };
      })();
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      // Whatever else listens on the address (a proxy, another service) gets a clear error, not a
      // stack trace: its answer is not JSON, or it breaks off.
      res.on('error', (e) => reject(new ApiUnreachable(`the answer from ${base} broke off (${e.message})`)));
      res.on('end', () => {
        let parsed: ApiAnswer | undefined;
        try {
          parsed = text ? (JSON.parse(text) as ApiAnswer) : undefined;
        } catch {
          const start = text.slice(0, 60).replace(/\s+/g, ' ').trim();
          reject(
            new ApiUnreachable(
              `${base} answered HTTP ${res.statusCode} with something other than Herald's API ("${start}"); is --api (or HERALD_API) the daemon's api.listen?`,
            ),
          );
          return;
        }
        if ((res.statusCode ?? 500) >= 400) {
          reject(
            new ApiRequestError(
              res.statusCode ?? 500,
              parsed?.error ?? 'error',
              parsed?.message ?? text,
              parsed?.problems,
            ),
          );
        } else resolve(parsed as unknown as T);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ApiUnreachable(
          `cannot reach the Herald API at ${base} (${e.code ?? e.message}); is the daemon running? (--api URL or HERALD_API)`,
        ),
      ),
    );
    req.end(data);
  });
}
