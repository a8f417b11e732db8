// The API listener: listening from the start, Fastify built on the first request (requests that
// arrive while it loads are all answered), closed cleanly whether it was loaded or not.

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenApi } from '../../src/api/lazy-api.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { parseRawAnswer, rawExchange } from '../helpers/raw-http.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-lazy-api-'));
const daemon = new Daemon({
  config: parseConfig('asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { listen: 127.0.0.1:1 }\n'),
  log: createLogger('silent'),
});
afterAll(async () => {
  await daemon.stop('test over');
  rmSync(dir, { recursive: true, force: true });
});

function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end();
  });
}

describe('lazy API listener', () => {
  it('builds the API on the first request and answers every request that came meanwhile', async () => {
    const path = join(dir, 'a.sock');
    const listener = await listenApi(daemon, {}, { path });
    expect(listener.server.listening).toBe(true);
    expect(listener.loaded).toBe(false);
    const answers = await Promise.all([
      get(path, '/api/v1/status'),
      get(path, '/healthz'),
      get(path, '/nope'),
    ]);
    expect(listener.loaded).toBe(true);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404]);
    expect(JSON.parse(answers[0].body)).toMatchObject({ asn: 64512, routerId: '192.0.2.10' });
    expect(JSON.parse(answers[2].body)).toMatchObject({ error: 'notFound' });
    expect((await get(path, '/api/v1/status')).status).toBe(200);
    await listener.close();
    expect(listener.server.listening).toBe(false);
  });

  it('loses no byte sent before HTTP is loaded, keeps the connection alive, and closes it on close', async () => {
    const path = join(dir, 'd.sock');
    const listener = await listenApi(daemon, {}, { path });
    const body = JSON.stringify({ prefix: '10.9.0.0/24' });
    const post = `POST /api/v1/announcements HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const socket = connect(path);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      received += c;
    });
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // The whole request, body included, is written as the connection opens.
    socket.write(`${post}GET /api/v1/announcements HTTP/1.1\r\nhost: x\r\n\r\n`);
    const deadline = Date.now() + 10_000;
    while (received.split('HTTP/1.1 ').length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const statuses = received
      .split('HTTP/1.1 ')
      .slice(1)
      .map((r) => r.slice(0, 3));
    expect(statuses).toEqual(['201', '200']);
    expect(received).toContain('10.9.0.0/24');
    expect(daemon.announcements.views().map((v) => v.prefix)).toContain('10.9.0.0/24');
    expect(socket.destroyed).toBe(false);
    await listener.close();
    await ended;
    expect(listener.server.listening).toBe(false);
  });

  it('answers what is not HTTP with JSON and a stable code, before and after the API is loaded', async () => {
    const path = join(dir, 'e.sock');
    const listener = await listenApi(daemon, {}, { path });
    try {
      // The first bytes on a fresh listener: only node:http is loaded, not the API.
      expect(parseRawAnswer(await rawExchange({ path }, 'HELLO\r\n\r\n'))).toEqual({
        status: 400,
        body: { error: 'badRequest', message: expect.stringContaining('not a valid HTTP/1.1 request') },
      });
      expect(listener.loaded).toBe(false);
      expect((await get(path, '/healthz')).status).toBe(200);
      expect(listener.loaded).toBe(true);
      expect(
        parseRawAnswer(await rawExchange({ path }, 'GET / HTTP/1.1\r\nbad header\r\n\r\n')),
      ).toMatchObject({
        status: 400,
        body: { error: 'badRequest' },
      });
      const huge = `GET /healthz HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`;
      expect(parseRawAnswer(await rawExchange({ path }, huge))).toEqual({
        status: 431,
        body: { error: 'headersTooLarge', message: 'the request headers are too large' },
      });
      expect((await get(path, '/healthz')).status).toBe(200);
    } finally {
      await listener.close();
    }
  });

  it('closes without ever loading the API', async () => {
    const listener = await listenApi(daemon, {}, { path: join(dir, 'b.sock') });
    await listener.close();
    expect(listener.loaded).toBe(false);
    expect(listener.server.listening).toBe(false);
  });

  it('rejects when the address cannot be listened on', async () => {
    await expect(listenApi(daemon, {}, { path: join(dir, 'missing', 'c.sock') })).rejects.toThrow(
      /EACCES|ENOENT/,
    );
  });
});
