// The API listener: listening from the start, Fastify built on the first request (requests that
// arrive while it loads are all answered), closed cleanly whether it was loaded or not.

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenApi } from '../../src/api/lazy-api.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

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
