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

/** Reads an answer's body as it arrives; `end` gives the value, or throws the error to report. */
interface AnswerReader<T> {
  chunk(text: string): void;
  end(): T;
}

/** What to say when something other than Herald's API answered on `base` (`text`: what it sent). */
function notTheApi(base: string, status: number, text: string): ApiUnreachable {
  const start = text.slice(0, 60).replace(/\s+/g, ' ').trim();
  return new ApiUnreachable(
    `${base} answered HTTP ${status} with something other than Herald's API ("${start}"); is --api (or HERALD_API) the daemon's api.listen?`,
  );
}

/** The answer as one JSON document: the value, or the API error it carries (status 400 and up). */
function wholeAnswer<T>(base: string, status: number): AnswerReader<T> {
  let text = '';
  return {
    chunk: (c) => {
      text += c;
    },
    end: () => {
      let parsed: ApiAnswer | undefined;
      try {
        parsed = text ? (JSON.parse(text) as ApiAnswer) : undefined;
      } catch {
        throw notTheApi(base, status, text);
      }
      if (status >= 400)
        throw new ApiRequestError(
          status,
          parsed?.error ?? 'error',
          parsed?.message ?? text,
          parsed?.problems,
        );
      return parsed as unknown as T;
    },
  };
}

/**
 * A listing asked for as NDJSON, each row parsed and handed on as its line arrives: a full table is
 * ~140 MB of JSON, and a few of them as one string would pass V8's longest (512 MiB).
 */
function rowsAnswer<T>(base: string, status: number, onRow: (row: T) => void): AnswerReader<void> {
  if (status >= 400) return wholeAnswer<void>(base, status);
  let partial = '';
  const take = (line: string) => {
    if (line === '') return;
    let row: T;
    try {
      row = JSON.parse(line) as T;
    } catch {
      throw notTheApi(base, status, line);
    }
    onRow(row);
  };
  return {
    chunk: (c) => {
      const lines = (partial + c).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) take(line);
    },
    end: () => {
      take(partial);
    },
  };
}

/** One request to the API, its answer read by the reader made for its status. */
async function ask<T>(
  base: string,
  method: string,
  path: string,
  body: unknown,
  reader: (status: number) => AnswerReader<T>,
): Promise<T> {
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
      const read = reader(res.statusCode ?? 500);
      res.setEncoding('utf8');
      // Whatever else listens on the address (a proxy, another service) gets a clear error, not a
      // stack trace: its answer is not JSON, or it breaks off.
      res.on('data', (c: string) => {
        try {
          read.chunk(c);
        } catch (e) {
          reject(e);
          res.destroy();
        }
      });
      res.on('error', (e) => reject(new ApiUnreachable(`the answer from ${base} broke off (${e.message})`)));
      res.on('end', () => {
        try {
          resolve(read.end());
        } catch (e) {
          reject(e);
        }
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

export function callApi<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  return ask(base, method, path, body, (status) => wholeAnswer<T>(base, status));
}

/** A listing (`path` asks for `format=ndjson`), each row given to `onRow` as it arrives. */
export function callApiRows<T>(base: string, path: string, onRow: (row: T) => void): Promise<void> {
  return ask(base, 'GET', path, undefined, (status) => rowsAnswer<T>(base, status, onRow));
}
