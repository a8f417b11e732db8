// HTTP probes against a real server on loopback whose answer each test sets: a status, a
// redirect, a body that never ends, or no answer at all (timeout).
import http from 'node:http';
import type net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probe } from '../../src/health/probe.js';
import type { HealthCheckSpec } from '../../src/health/types.js';
import { waitUntil, within } from './wait.js';

type Answer = { status: number } | 'hang' | 'endless-body';

describe('http probe', () => {
  let server: http.Server;
  let base: string;
  let answer: Answer;
  let requests: http.IncomingMessage[];

  beforeEach(async () => {
    requests = [];
    answer = { status: 200 };
    server = http.createServer((req, res) => {
      requests.push(req);
      if (req.url === '/target') return res.end('target');
      if (answer === 'hang') return;
      if (answer === 'endless-body') {
        res.writeHead(200);
        const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (answer.status >= 300 && answer.status < 400) res.setHeader('location', '/target');
      res.statusCode = answer.status;
      res.end('body');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });

  afterEach(async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const check = (extra: Partial<HealthCheckSpec> = {}): HealthCheckSpec => ({
    http: `${base}/health`,
    timeout: 2,
    interval: 1,
    rise: 1,
    fall: 1,
    ...extra,
  });

  it('is healthy on 200', async () => {
    expect(await within(probe(check()), 3000, 'probe')).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(requests.map((r) => [r.method, r.url])).toEqual([['GET', '/health']]);
  });

  it('accepts any 2xx by default', async () => {
    answer = { status: 204 };
    expect(await within(probe(check()), 3000, 'probe')).toEqual({ ok: true, detail: 'HTTP 204' });
  });

  it('fails on 503', async () => {
    answer = { status: 503 };
    expect(await within(probe(check()), 3000, 'probe')).toEqual({ ok: false, detail: 'HTTP 503' });
  });

  it('uses expectStatus instead of 2xx when given', async () => {
    answer = { status: 503 };
    expect(await within(probe(check({ expectStatus: [503] })), 3000, 'probe')).toEqual({
      ok: true,
      detail: 'HTTP 503',
    });
    answer = { status: 200 };
    expect(await within(probe(check({ expectStatus: [503] })), 3000, 'probe')).toEqual({
      ok: false,
      detail: 'HTTP 200',
    });
  });

  it('does not follow redirects', async () => {
    answer = { status: 302 };
    expect(await within(probe(check()), 3000, 'probe')).toEqual({ ok: false, detail: 'HTTP 302' });
    expect(requests.map((r) => r.url)).toEqual(['/health']);
  });

  it('discards the body instead of reading it', async () => {
    answer = 'endless-body';
    expect(await within(probe(check()), 3000, 'probe')).toEqual({ ok: true, detail: 'HTTP 200' });
  });

  it('times out on a server that does not answer, and aborts the request', async () => {
    answer = 'hang';
    expect(await within(probe(check({ timeout: 0.2 })), 3000, 'probe')).toEqual({
      ok: false,
      detail: 'timeout after 0.2s',
    });
    expect(requests).toHaveLength(1);
    await waitUntil(() => requests[0].socket.destroyed, 2000, 'request connection closed by the probe');
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(await within(probe(check()), 3000, 'probe')).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });
});
