// Request limits: a client past `api.rateLimit` requests a minute gets 429 rateLimited (health
// probes are never throttled); a body past `api.bodyLimit` gets 413 before it is read.
import { afterAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { rateLimit: 5, bodyLimit: 2048 }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const app = buildApi(daemon);

afterAll(async () => {
  await app.close();
});

describe('API limits', () => {
  it('429 rateLimited past the per-minute limit; probes stay open', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await app.inject('/api/v1/status')).statusCode);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await app.inject('/api/v1/status');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'rateLimited' });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    // A query string does not make a probe count (it did: the allow list compared the whole URL).
    expect((await app.inject('/healthz?probe=1')).statusCode).toBe(200);
    expect((await app.inject('/readyz?x')).statusCode).not.toBe(429);
  });

  it('413 for a body past bodyLimit', async () => {
    const fresh = buildApi(new Daemon({ config, log: createLogger('silent') }));
    const r = await fresh.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '198.51.100.1/32', communities: Array.from({ length: 600 }, () => '1:1') },
    });
    expect(r.statusCode).toBe(413);
    await fresh.close();
  });
});
