// What the operator's actions leave behind: a neighbor shut down stays down through a reset and a
// reload that resets it, until `enable`; a neighbor found by any spelling of its address; a
// withdrawal by path refuses host bits as the other forms do and answers the canonical prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const config = (holdTime: number) =>
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\n' +
  'neighbors:\n' +
  `  - { address: 127.0.0.2, peerAsn: 64513, passive: true, holdTime: ${holdTime} }\n` +
  '  - { address: "FD18:1:0::2", peerAsn: 64513, passive: true }\n' +
  'announce:\n  - { prefix: 198.51.100.0/24 }\n';
let next = config(90);
const daemon = new Daemon({ config: parseConfig(next), log: createLogger('silent') });
const app = buildApi(daemon, { reload: () => daemon.reload(parseConfig(next)) });
const state = async (address: string) => (await app.inject(`/api/v1/neighbors/${address}`)).json().state;
const post = (url: string) => app.inject({ method: 'POST', url });

beforeAll(() => daemon.start());
afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
});

describe('operator state', () => {
  it('a neighbor shut down stays down through reset and a reload that resets it, until enable', async () => {
    expect(await state('127.0.0.2')).not.toBe('Idle');
    expect((await post('/api/v1/neighbors/127.0.0.2/shutdown')).statusCode).toBe(200);
    expect(await state('127.0.0.2')).toBe('Idle');
    expect((await post('/api/v1/neighbors/127.0.0.2/reset')).statusCode).toBe(200);
    expect(await state('127.0.0.2')).toBe('Idle');
    next = config(60);
    const reloaded = await post('/api/v1/config/reload');
    expect(reloaded.statusCode).toBe(200);
    expect(JSON.stringify(reloaded.json())).toContain('127.0.0.2');
    expect(await state('127.0.0.2')).toBe('Idle');
    expect((await post('/api/v1/neighbors/127.0.0.2/enable')).statusCode).toBe(200);
    expect(await state('127.0.0.2')).not.toBe('Idle');
  });

  it('finds a neighbor by any spelling of its address', async () => {
    for (const spelling of ['fd18:1::2', 'FD18:1::2', 'fd18:1:0:0::2', 'FD18:0001:0000::0002']) {
      const one = await app.inject(`/api/v1/neighbors/${encodeURIComponent(spelling)}`);
      expect(one.statusCode, spelling).toBe(200);
      expect(one.json().address).toBe('fd18:1::2');
      const routes = await app.inject(`/api/v1/routes?neighbor=${encodeURIComponent(spelling)}`);
      expect(routes.statusCode, spelling).toBe(200);
    }
    expect((await post(`/api/v1/neighbors/${encodeURIComponent('FD18:1::2')}/reset`)).statusCode).toBe(200);
    expect((await app.inject('/api/v1/neighbors/fd18:1::3')).json()).toMatchObject({
      error: 'neighborNotFound',
    });
  });

  it('DELETE by path: host bits are a 400 as in the other forms; the answer names the canonical prefix', async () => {
    const bits = await app.inject({ method: 'DELETE', url: '/api/v1/announcements/198.51.100.5/24' });
    expect(bits.statusCode).toBe(400);
    expect(bits.json()).toMatchObject({ error: 'invalidRequest' });
    expect(bits.json().message).toContain('host bits set (did you mean 198.51.100.0/24?)');
    expect((await app.inject('/api/v1/announcements')).json()).toHaveLength(1);
    const added = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '2001:db8:a::/48' },
    });
    expect(added.statusCode).toBe(201);
    const gone = await app.inject({ method: 'DELETE', url: '/api/v1/announcements/2001:DB8:A:0::/48' });
    expect(gone.statusCode).toBe(200);
    expect(gone.json().withdrawn).toBe('2001:db8:a::/48');
    const again = await app.inject({ method: 'DELETE', url: '/api/v1/announcements/2001:DB8:A:0::/48' });
    expect(again.json()).toMatchObject({
      error: 'announcementNotFound',
      message: '2001:db8:a::/48 is not announced',
    });
  });

  it('a prefix without a length is told so with the host route it may mean, not a library message', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: { prefix: '10.1.1.0' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toEqual([
      'body.prefix: invalid prefix "10.1.1.0": no length (did you mean 10.1.1.0/32?)',
    ]);
  });

  it('an address lookup keeps to the family asked for', async () => {
    const held = await app.inject('/api/v1/routes?table=loc&prefix=198.51.100.7');
    expect(held.json().map((r: { prefix: string }) => r.prefix)).toEqual(['198.51.100.0/24']);
    expect((await app.inject('/api/v1/routes?table=loc&prefix=198.51.100.7&afi=ipv4')).json()).toHaveLength(
      1,
    );
    expect((await app.inject('/api/v1/routes?table=loc&prefix=198.51.100.7&afi=ipv6')).json()).toEqual([]);
  });

  it('a body that is neither a mapping nor null is told so', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/neighbors/127.0.0.2/reset',
      headers: { 'content-type': 'application/json' },
      payload: '"x"',
    });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toContain('must be a mapping or null');
  });
});
