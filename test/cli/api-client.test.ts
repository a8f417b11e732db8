// The CLI's API client against something that is not Herald's API on the address given: its
// answer is not JSON, or it breaks off. Either is a clear ApiUnreachable (exit 1 with one line),
// never an exception thrown from a socket callback (a stack trace, and the process gone).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRequestError, ApiUnreachable, callApi, callApiRows } from '../../src/cli/api-client.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** An HTTP server on loopback answering every request with `answer`; resolves to its base URL. */
async function serve(answer: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(answer);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('callApi', () => {
  it('an answer that is not JSON (another service on the port) is ApiUnreachable, saying so', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>\n  <body>Not Found</body></html>');
    });
    const e = await callApi(base, 'GET', '/api/v1/neighbors').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiUnreachable);
    expect((e as Error).message).toBe(
      `${base} answered HTTP 404 with something other than Herald's API ("<html> <body>Not Found</body></html>"); is --api (or HERALD_API) the daemon's api.listen?`,
    );
  });

  it('an answer that breaks off is ApiUnreachable', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"neighbors":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const e = await callApi(base, 'GET', '/api/v1/neighbors').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiUnreachable);
    expect((e as Error).message).toMatch(/^the answer from http:\/\/127\.0\.0\.1:\d+ broke off \(/);
  });

  it("Herald's own answers are still read: a value, and an error with its code", async () => {
    const base = await serve((req, res) => {
      const ok = req.url === '/ok';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? [{ address: '10.0.0.1' }] : { error: 'invalidPrefix', message: 'bad' }));
    });
    await expect(callApi(base, 'GET', '/ok')).resolves.toEqual([{ address: '10.0.0.1' }]);
    const e = await callApi(base, 'GET', '/bad').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiRequestError);
    expect([(e as ApiRequestError).status, (e as ApiRequestError).code]).toEqual([400, 'invalidPrefix']);
  });

  it('a listing is read as NDJSON row by row, whatever the chunks cut', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ prefix: `10.0.${i}.0/24`, asPath: '65001 65002' }));
    const text = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      // 7-octet writes: lines arrive cut anywhere, several per chunk or one over many
      let at = 0;
      const next = () => {
        if (at >= text.length) return res.end();
        res.write(text.slice(at, at + 7));
        at += 7;
        setImmediate(next);
      };
      next();
    });
    const got: unknown[] = [];
    await callApiRows(base, '/api/v1/routes?format=ndjson', (row) => got.push(row));
    expect(got).toEqual(rows);
  });

  it("a listing's API error, and a line that is not JSON", async () => {
    const base = await serve((req, res) => {
      const bad = req.url === '/bad';
      res.writeHead(bad ? 400 : 200, { 'content-type': 'application/json' });
      res.end(
        bad ? JSON.stringify({ error: 'invalidQuery', message: 'no' }) : '{"prefix":"10.0.0.0/8"}\n<html>\n',
      );
    });
    const refused = await callApiRows(base, '/bad', () => {}).catch((x: unknown) => x);
    expect(refused).toBeInstanceOf(ApiRequestError);
    expect((refused as ApiRequestError).code).toBe('invalidQuery');
    const rows: unknown[] = [];
    const garbled = await callApiRows(base, '/rows', (row) => rows.push(row)).catch((x: unknown) => x);
    expect(rows).toEqual([{ prefix: '10.0.0.0/8' }]);
    expect(garbled).toBeInstanceOf(ApiUnreachable);
    expect((garbled as Error).message).toContain(
      `answered HTTP 200 with something other than Herald's API ("<html>")`,
    );
  });
});
