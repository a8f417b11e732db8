// The REST API's administration side through inject(): bearer-token auth, config reload (applied
// and rejected), the OpenAPI document, the log level, readiness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const base =
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { token: s3cret }\n' +
  'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n' +
  '  - { address: 127.0.0.3, peerAsn: 64513, passive: true }\n' +
  'announce:\n  - { prefix: 198.51.100.10/32 }\n';
let next = base;
const daemon = new Daemon({ config: parseConfig(base), log: createLogger('silent') });
const app = buildApi(daemon, { reload: () => daemon.reload(parseConfig(next)) });
const auth = { authorization: 'Bearer s3cret' };

beforeAll(() => daemon.start());
afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
});

describe('REST API administration', () => {
  it('is ready once started; a daemon not started is not', async () => {
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    const idle = buildApi(new Daemon({ config: parseConfig(base), log: createLogger('silent') }));
    expect((await idle.inject('/readyz')).statusCode).toBe(503);
    await idle.close();
  });

  it('needs the bearer token for mutating calls; reads and probes stay open', async () => {
    const post = {
      method: 'POST' as const,
      url: '/api/v1/announcements',
      payload: { prefix: '10.1.0.0/16' },
    };
    const none = await app.inject(post);
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: 'unauthorized' });
    const wrong = await app.inject({ ...post, headers: { authorization: 'Bearer s3cre' } });
    expect(wrong.statusCode).toBe(401);
    expect((await app.inject({ ...post, headers: auth })).statusCode).toBe(201);
    expect((await app.inject('/api/v1/status')).statusCode).toBe(200);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('never shows secrets in the running config', async () => {
    const shown = await app.inject('/api/v1/config');
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain('s3cret');
    expect(shown.json().api.token).toBe('<redacted>');
  });

  it('reload: adds, removes and resets only the neighbors that changed; announcements in place', async () => {
    const kept = daemon.peers.get('127.0.0.2');
    next =
      'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { token: s3cret, authenticateReads: true }\n' +
      'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true, description: edge }\n' +
      '  - { address: 127.0.0.4, peerAsn: 64514, passive: true }\n' +
      'announce:\n  - { prefix: 198.51.100.10/32, med: 5 }\n  - { prefix: 198.51.100.11/32 }\n';
    const r = await app.inject({ method: 'POST', url: '/api/v1/config/reload', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      neighborsAdded: ['127.0.0.4'],
      neighborsRemoved: ['127.0.0.3'],
      neighborsReset: [],
      neighborsUpdated: [{ address: '127.0.0.2', keys: ['description'] }],
      announcements: {
        added: ['198.51.100.11/32'],
        removed: [],
        changed: ['198.51.100.10/32'],
        reannounced: [],
        shadowed: [],
      },
      listenerRestarted: false,
      needsRestart: [],
      settingsChanged: ['api.authenticateReads'],
    });
    expect(daemon.peers.get('127.0.0.2')).toBe(kept);
    expect([...daemon.peers.keys()].sort()).toEqual(['127.0.0.2', '127.0.0.4']);
    // authenticateReads now applies: the reload took effect for the API too.
    expect((await app.inject('/api/v1/neighbors')).statusCode).toBe(401);
    const neighbor = await app.inject({ url: '/api/v1/neighbors/127.0.0.2', headers: auth });
    expect(neighbor.json()).toMatchObject({ description: 'edge' });

    next = next.replace('peerAsn: 64513, passive: true, description: edge', 'peerAsn: 64515, passive: true');
    const reset = await app.inject({ method: 'POST', url: '/api/v1/config/reload', headers: auth });
    expect(reset.json().neighborsReset).toEqual([{ address: '127.0.0.2', keys: ['peerAsn', 'description'] }]);
    expect(daemon.peers.get('127.0.0.2')).not.toBe(kept);
  });

  it('rejects a bad config with the reasons and keeps the running one', async () => {
    const before = daemon.config;
    next = 'asn: 64512\nneighbors:\n  - { address: 127.0.0.9, peerAsn: 0 }\n';
    const r = await app.inject({ method: 'POST', url: '/api/v1/config/reload', headers: auth });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({
      error: 'configInvalid',
      problems: ['neighbors[0].peerAsn: must be an integer 1..4294967295'],
    });
    expect(daemon.config).toBe(before);
    expect(daemon.peers.has('127.0.0.9')).toBe(false);
  });

  it('publishes an OpenAPI document built from the route schemas', async () => {
    const doc = (await app.inject({ url: '/api/v1/openapi.json', headers: auth })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/status',
        '/api/v1/neighbors/{address}',
        '/api/v1/neighbors/{address}/reset',
        '/api/v1/routes',
        '/api/v1/announcements',
        '/api/v1/config/reload',
      ]),
    );
    const routes = doc.paths['/api/v1/routes'].get;
    expect(routes.parameters.map((p: { name: string }) => p.name)).toContain('table');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // An action's body ({message?} or null) may be left out, as the CLI does; an announcement's may not.
    expect(doc.paths['/api/v1/neighbors/{address}/reset'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/stop'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/announcements'].post.requestBody.required).toBe(true);
    const reset = await app.inject({
      method: 'POST',
      url: '/api/v1/neighbors/127.0.0.2/reset',
      headers: auth,
    });
    expect(reset.statusCode).toBe(200);
  });

  it('changes the log level at run time; an unknown level is a 400', async () => {
    const put = (level: string) =>
      app.inject({ method: 'PUT', url: '/api/v1/log-level', headers: auth, payload: { level } });
    expect((await put('debug')).json()).toEqual({ level: 'debug' });
    expect(daemon.log.level).toBe('debug');
    const bad = await put('loud');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toEqual([
      'body.level: must be one of trace, debug, info, warn, error, fatal, silent',
    ]);
    await put('silent');
  });
});
