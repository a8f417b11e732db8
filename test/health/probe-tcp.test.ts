// TCP probes against a real listener on loopback: connected, then refused once it is closed.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../../src/health/probe.js';
import type { HealthCheckSpec } from '../../src/health/types.js';
import { waitUntil, within } from './wait.js';

const tcp = (target: string): HealthCheckSpec => ({ tcp: target, timeout: 2, interval: 1, rise: 1, fall: 1 });

describe('tcp probe', () => {
  const servers: net.Server[] = [];
  const accepted: net.Socket[] = [];

  afterEach(async () => {
    for (const s of accepted.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  function listen(host: string): Promise<number> {
    const server = net.createServer((s) => {
      accepted.push(s);
      s.resume();
    });
    servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  it('is healthy when the connect completes, and closes its socket', async () => {
    const port = await listen('127.0.0.1');
    expect(await within(probe(tcp(`127.0.0.1:${port}`)), 3000, 'probe')).toEqual({
      ok: true,
      detail: 'connected',
    });
    await waitUntil(() => accepted.length === 1, 2000, 'server accepted');
    await waitUntil(() => accepted[0].closed || accepted[0].readableEnded, 2000, 'probe closed its socket');
  });

  it('fails with ECONNREFUSED once the listener is gone', async () => {
    const port = await listen('127.0.0.1');
    const server = servers.pop()!;
    await new Promise((r) => server.close(r));
    expect(await within(probe(tcp(`127.0.0.1:${port}`)), 3000, 'probe')).toEqual({
      ok: false,
      detail: 'ECONNREFUSED',
    });
  });

  it('connects to a bracketed IPv6 address', async (ctx) => {
    const port = await listen('::1').catch(() => undefined);
    if (port === undefined) return ctx.skip();
    expect(await within(probe(tcp(`[::1]:${port}`)), 3000, 'probe')).toEqual({
      ok: true,
      detail: 'connected',
    });
  });

  it('resolves host names', async () => {
    const port = await listen('127.0.0.1');
    expect(await within(probe(tcp(`localhost:${port}`)), 3000, 'probe')).toEqual({
      ok: true,
      detail: 'connected',
    });
  });

  it('fails on a target that is not HOST:PORT, without connecting', async () => {
    const result = await within(probe(tcp('::1:80')), 3000, 'probe');
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('invalid health check: tcp: "::1:80" is not HOST:PORT or [IPv6]:PORT');
  });
});
