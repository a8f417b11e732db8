// The API's answers people and tools read (issue 22): unknown routes get the documented error shape,
// the probes and /metrics are in the OpenAPI document, and `?prefix=ADDRESS` is a longest-match
// lookup like `show ip bgp ADDRESS`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n' +
    'announce:\n  - { prefix: 198.51.100.0/24 }\n  - { prefix: 198.51.100.8/29 }\n  - { prefix: 198.51.100.10/32 }\n' +
    '  - { prefix: "2001:db8:7::/48" }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const app = buildApi(daemon);

beforeAll(() => daemon.start());
afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
});

const prefixes = async (query: string) => {
  const r = await app.inject(`/api/v1/routes?table=loc&prefix=${encodeURIComponent(query)}`);
  expect(r.statusCode).toBe(200);
  return (r.json() as { prefix: string }[]).map((x) => x.prefix);
};

describe('API output', () => {
  it('answers an unknown route with 404 {error: notFound, message}', async () => {
    for (const url of ['/api/v1/nothing', '/nothing/at/all']) {
      const r = await app.inject(url);
      expect(r.statusCode).toBe(404);
      expect(r.json()).toEqual({ error: 'notFound', message: `no such API route: GET ${url}` });
    }
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/api/v1/status' });
    expect(wrongMethod.statusCode).toBe(404);
    expect(wrongMethod.json().error).toBe('notFound');
  });

  it('lists /healthz, /readyz and /metrics in the OpenAPI document', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    expect(doc.paths['/readyz'].get.responses).toHaveProperty('503');
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain']);
    // Still Prometheus text, not a JSON string.
    const metrics = await app.inject('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body.startsWith('#')).toBe(true);
  });

  it('finds the longest prefix holding an address given without a length', async () => {
    expect(await prefixes('198.51.100.10')).toEqual(['198.51.100.10/32']);
    expect(await prefixes('198.51.100.11')).toEqual(['198.51.100.8/29']);
    expect(await prefixes('198.51.100.200')).toEqual(['198.51.100.0/24']);
    expect(await prefixes('2001:db8:7::1')).toEqual(['2001:db8:7::/48']);
    expect(await prefixes('203.0.113.1')).toEqual([]);
  });

  it('keeps a prefix with a length an exact match', async () => {
    expect(await prefixes('198.51.100.0/24')).toEqual(['198.51.100.0/24']);
    expect(await prefixes('198.51.100.0/25')).toEqual([]);
  });

  it('refuses a value that is neither a prefix nor an address, naming the query key', async () => {
    const r = await app.inject('/api/v1/routes?prefix=10.0.0');
    expect(r.statusCode).toBe(400);
    expect(r.json().problems[0]).toMatch(/^querystring\.prefix: /);
  });
});

// API routes are their own source: withdrawing one that overrode a configured route brings the
// configured one back, and the answer says so instead of a bare "withdrawn" while the prefix is
// still announced. (Last in the file: it withdraws a configured route.)
describe('DELETE /api/v1/announcements', () => {
  const prefix = '2001:db8:7::/48';
  const withdraw = () => app.inject({ method: 'DELETE', url: `/api/v1/announcements?prefix=${prefix}` });
  const view = () => daemon.announcements.views().filter((v) => v.prefix === prefix);

  it('says when the configured route is in force again, and not when nothing is left', async () => {
    const announced = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix, med: 7 },
    });
    expect(announced.statusCode).toBe(201);
    expect((await withdraw()).json()).toEqual({ withdrawn: prefix, configuredInForce: true });
    expect(view()).toMatchObject([{ source: 'config', announced: true, med: null }]);
    // Now the configured route itself is withdrawn: nothing of the prefix is left.
    expect((await withdraw()).json()).toEqual({ withdrawn: prefix });
    expect(view()).toMatchObject([{ source: 'config', announced: false, withdrawn: true }]);
  });
});
