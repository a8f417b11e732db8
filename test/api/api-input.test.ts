// Request input is taken as typed (issue 22): a JSON body with the wrong type is a 400 naming the
// path, never coerced (`"5"` is not 5, null is not 0, a string is not a one-element list); query
// strings and path parameters, which are text, still are. And POST /api/v1/stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const stops: boolean[] = [];
const app = buildApi(daemon, { stop: (withdraw) => stops.push(withdraw) });
const noStop = buildApi(daemon);

beforeAll(() => daemon.start());
afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
  await noStop.close();
});

const announce = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/announcements', payload });

describe('API input without coercion', () => {
  it.each([
    [{ prefix: '10.0.0.1/32', med: '5' }, 'body.med'],
    [{ prefix: '10.0.0.1/32', med: null }, 'body.med'],
    [{ prefix: '10.0.0.1/32', localPref: true }, 'body.localPref'],
    [{ prefix: '10.0.0.1/32', communities: '65000:1' }, 'body.communities'],
    [{ prefix: 10 }, 'body.prefix'],
    [{ prefix: '10.0.0.1/32', nextHop: '224.0.0.1' }, 'body.nextHop'],
    [{ prefix: '232.1.1.0/24' }, 'body.prefix'],
  ])('refuses %j with 400 naming %s', async (body, path) => {
    const r = await announce(body);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe('invalidRequest');
    expect(r.json().problems.some((p: string) => p.startsWith(`${path}: `))).toBe(true);
    expect(daemon.announcements.views()).toEqual([]);
  });

  it('names the bound a too-long list passes', async () => {
    const r = await announce({
      prefix: '10.0.0.1/32',
      communities: Array.from({ length: 1001 }, () => '1:1'),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toEqual(['body.communities: must list at most 1000']);
  });

  it('takes well-typed bodies, and coerces query strings and path parameters', async () => {
    expect((await announce({ prefix: '10.0.0.1/32', med: 5, communities: ['65000:1'] })).statusCode).toBe(
      201,
    );
    expect(daemon.announcements.views()[0]).toMatchObject({ med: 5, communities: ['65000:1'] });
    expect((await app.inject('/api/v1/routes?table=loc&afi=ipv4')).statusCode).toBe(200);
    const r = await app.inject({ method: 'DELETE', url: '/api/v1/announcements/10.0.0.1/32' });
    expect(r.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/announcements/10.0.0.1/abc' })).statusCode,
    ).toBe(400);
  });
});

describe('where an announcement goes', () => {
  it('answers with warnings when it goes nowhere or sets what no neighbor gets; the list shows why', async () => {
    const r = await announce({ prefix: '2001:db8::/64', localPref: 200 });
    expect(r.statusCode).toBe(201);
    expect(r.json().warnings).toEqual([
      '2001:db8::/64 goes to no neighbor now: 127.0.0.2: the session is not Established',
      expect.stringMatching(
        /^localPref 200 of 2001:db8::\/64 reaches no neighbor: .* every neighbor is eBGP$/,
      ),
    ]);
    const list = (await app.inject('/api/v1/announcements')).json();
    expect(list).toEqual([
      expect.objectContaining({
        prefix: '2001:db8::/64',
        peers: [{ neighbor: '127.0.0.2', sent: false, reason: 'the session is not Established' }],
        warnings: [expect.stringMatching(/^localPref 200/)],
      }),
    ]);
    await app.inject({
      method: 'DELETE',
      url: '/api/v1/announcements',
      payload: { prefix: '2001:db8::/64' },
    });
  });
});

describe('POST /api/v1/stop', () => {
  it('answers 202, then stops; withdraw must be a boolean', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/stop', payload: { withdraw: true } });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ stopping: true, withdraw: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stops).toEqual([true]);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/stop', payload: { withdraw: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(stops).toEqual([true]);
  });

  it('is 409 where the daemon was not started by herald run', async () => {
    const r = await noStop.inject({ method: 'POST', url: '/api/v1/stop', payload: {} });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toBe('stopUnavailable');
  });
});
