// The REST API through Fastify's inject(): shapes, stable error codes, neighbor actions.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n' +
    'announce:\n  - { prefix: 198.51.100.10/32, communities: ["64512:1"] }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const app = buildApi(daemon);

beforeAll(() => daemon.start());
afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
});

describe('REST API', () => {
  it('reports the version in package.json (status, OpenAPI, herald_build_info)', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect((await app.inject('/api/v1/status')).json().version).toBe(pkg.version);
    expect((await app.inject('/api/v1/openapi.json')).json().info.version).toBe(pkg.version);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain(`herald_build_info{version="${pkg.version}"`);
  });

  it('one prefix: its Loc-RIB entry with why each path is (not) best; 404 routeNotFound when none', async () => {
    const r = await app.inject('/api/v1/routes/198.51.100.10/32');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      prefix: '198.51.100.10/32',
      paths: [
        { neighbor: 'local', best: true, multipath: true, notBestBecause: null, communities: ['64512:1'] },
      ],
    });
    const none = await app.inject('/api/v1/routes/203.0.113.0/24');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: 'routeNotFound' });
    expect((await app.inject('/api/v1/routes/203.0.113.0/33')).statusCode).toBe(400);
  });

  it('refuses a route whose attributes cannot fit an UPDATE: 400 past the list bound, 422 routeTooLarge for the sum', async () => {
    const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
    const tooMany = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '198.51.100.99/32', communities: many(1200, (i) => `64512:${i}`) },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: 'invalidRequest' });
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: {
        prefix: '198.51.100.99/32',
        communities: many(900, (i) => `64512:${i}`),
        largeCommunities: many(300, (i) => `64512:1:${i}`),
      },
    });
    expect(tooLarge.statusCode).toBe(422);
    expect(tooLarge.json()).toMatchObject({ error: 'routeTooLarge' });
    const listed = (await app.inject('/api/v1/announcements')).json() as { prefix: string }[];
    expect(listed.map((a) => a.prefix)).not.toContain('198.51.100.99/32');
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('status and health', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ ok: true });
    expect((await app.inject('/api/v1/status')).json()).toMatchObject({
      asn: 64512,
      routerId: '192.0.2.10',
      neighbors: 1,
      established: 0,
    });
  });

  it('neighbors list and one neighbor; 404 with a stable code for an unknown one', async () => {
    const list = (await app.inject('/api/v1/neighbors')).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      address: '127.0.0.2',
      peerAsn: 64513,
      localAsn: 64512,
      state: 'Active',
      uptimeSeconds: null,
    });
    const missing = await app.inject('/api/v1/neighbors/10.9.9.9');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'neighborNotFound' });
  });

  it('routes: streamed JSON array and NDJSON; bad parameters are 400 with codes', async () => {
    const r = await app.inject('/api/v1/routes?table=in');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual([]);
    expect((await app.inject('/api/v1/routes?format=ndjson')).body).toBe('');
    expect((await app.inject('/api/v1/routes?table=loc')).json()).toEqual([
      {
        prefix: '198.51.100.10/32',
        neighbor: 'local',
        nextHop: null,
        asPath: '',
        origin: 'IGP',
        med: null,
        localPref: null,
        communities: ['64512:1'],
        largeCommunities: [],
        extCommunities: [],
        best: true,
        stale: false,
      },
    ]);
    expect((await app.inject('/api/v1/routes?table=loc&afi=ipv6')).json()).toEqual([]);
    expect((await app.inject('/api/v1/routes?table=loc&neighbor=127.0.0.2')).json()).toEqual([]);
    expect((await app.inject('/api/v1/routes?table=out')).json()).toEqual([]);
    const bad = await app.inject('/api/v1/routes?afi=ipv5&table=x&prefix=10.0.0.0/40&neighbor=nope&x=1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalidRequest' });
    expect(bad.json().problems).toEqual([
      'querystring.x: unknown key (expected one of: table, neighbor, afi, prefix, format)',
      'querystring.table: must be one of in, loc, out',
      'querystring.neighbor: must be an IP address',
      'querystring.afi: must be one of ipv4, ipv6',
      'querystring.prefix: invalid prefix "10.0.0.0/40": length must be 0..32',
    ]);
  });

  it('announcements: add, list, withdraw; bad input is rejected', async () => {
    const add = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '203.0.113.0/24', med: 4 },
    });
    expect(add.statusCode).toBe(201);
    expect((await app.inject('/api/v1/announcements')).json()).toMatchObject([
      {
        prefix: '198.51.100.10/32',
        source: 'config',
        announced: true,
        communities: ['64512:1'],
        health: null,
      },
      { prefix: '203.0.113.0/24', source: 'api', announced: true, med: 4 },
    ]);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '203.0.113.0/24', communities: ['x'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'invalidRequest',
      problems: ['body.communities[0]: invalid community "x": expected ASN:value or a well-known name'],
    });
    expect(
      (
        await app.inject({ method: 'POST', url: '/api/v1/announcements', payload: { nextHop: '1.2.3.4' } })
      ).json(),
    ).toMatchObject({ problems: ['body.prefix: is required'] });
    const badPrefix = await app.inject({ method: 'DELETE', url: '/api/v1/announcements/10.0.0.0/33' });
    expect(badPrefix.statusCode).toBe(400);
    expect(badPrefix.json()).toMatchObject({ error: 'invalidRequest' });
    // A configured route can be withdrawn at run time too (it comes back at the next reload).
    const configured = await app.inject({ method: 'DELETE', url: '/api/v1/announcements/198.51.100.10/32' });
    expect(configured.statusCode).toBe(200);
    expect((await app.inject('/api/v1/announcements')).json()[0]).toMatchObject({
      prefix: '198.51.100.10/32',
      announced: false,
      withdrawn: true,
    });
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/announcements/198.51.100.10/32' })).statusCode,
    ).toBe(404);
    // The same by body or query, for scripts that prefer one URL.
    await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '203.0.113.64/26' },
    });
    const byBody = await app.inject({
      method: 'DELETE',
      url: '/api/v1/announcements',
      payload: { prefix: '203.0.113.64/26' },
    });
    expect(byBody.json()).toEqual({ withdrawn: '203.0.113.64/26' });
    const byQuery = await app.inject({
      method: 'DELETE',
      url: '/api/v1/announcements?prefix=203.0.113.64/26',
    });
    expect(byQuery.statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/announcements' })).statusCode).toBe(400);
    await daemon.reload(daemon.config);
    expect((await app.inject('/api/v1/announcements')).json()[0]).toMatchObject({
      announced: true,
      withdrawn: false,
    });
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/announcements/203.0.113.0/24' })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/announcements/203.0.113.0/24' })).json(),
    ).toMatchObject({
      error: 'announcementNotFound',
    });
  });

  it('serves Prometheus metrics per peer and process metrics', async () => {
    const r = await app.inject('/metrics');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('bgp_session_up{peer="127.0.0.2"} 0');
    expect(r.body).toContain('bgp_session_state{peer="127.0.0.2",state="Active"} 1');
    expect(r.body).toContain('bgp_prefixes{peer="127.0.0.2",kind="received"} 0');
    expect(r.body).toContain('herald_rib_routes{table="local"} 1');
    expect(r.body).toContain('herald_announcement_active{prefix="198.51.100.10/32",source="config"} 1');
    expect(r.body).toMatch(/herald_process_resident_memory_bytes \d+/);
    expect(r.body).toMatch(/herald_nodejs_eventloop_lag_seconds \d/);
  });

  it('neighbor actions: shutdown stops the session, enable starts it, refresh needs a session', async () => {
    const refresh = await app.inject({ method: 'POST', url: '/api/v1/neighbors/127.0.0.2/refresh' });
    expect(refresh.statusCode).toBe(409);
    expect(refresh.json()).toMatchObject({ error: 'notEstablished' });
    await app.inject({
      method: 'POST',
      url: '/api/v1/neighbors/127.0.0.2/shutdown',
      payload: { message: 'maintenance' },
    });
    expect(daemon.peers.get('127.0.0.2')!.state).toBe('Idle');
    await app.inject({ method: 'POST', url: '/api/v1/neighbors/127.0.0.2/enable' });
    expect(daemon.peers.get('127.0.0.2')!.state).toBe('Active');
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/neighbors/127.0.0.2/reset' })).json(),
    ).toMatchObject({ action: 'reset' });
    expect(daemon.peers.get('127.0.0.2')!.state).toBe('Active');
  });
});
