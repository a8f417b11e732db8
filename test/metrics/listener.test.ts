// The read-only metrics listener (config `metrics.listen`): Prometheus text and the probes on their
// own port, nothing else — no API route, no write method — so it can face the network.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/validate.js';
import { diffConfig } from '../../src/daemon/config-diff.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { startMetricsListener } from '../../src/metrics/listener.js';
import { metricsRegistry } from '../../src/metrics/metrics.js';
import { parseRawAnswer, rawExchange } from '../helpers/raw-http.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: false\nmetrics: { listen: "127.0.0.1:7472" }\n' +
    'neighbors:\n  - { address: 192.0.2.1, peerAsn: 64513, passive: true }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
let server: Awaited<ReturnType<typeof startMetricsListener>>;
let base = '';

beforeAll(async () => {
  server = await startMetricsListener(daemon, { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await daemon.stop('test over');
});

describe('metrics listener', () => {
  it('answers the probes: liveness always, readiness once the daemon has started', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const before = await fetch(`${base}/readyz`);
    expect(before.status).toBe(503);
    await daemon.start();
    const after = await fetch(`${base}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ ready: true });
  });

  it('serves the daemon registry in the Prometheus text format, its peers included', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('bgp_session_up{peer="192.0.2.1"} 0');
    expect(text).toContain('herald_build_info');
  });

  it('shares one registry with the API', () => {
    expect(metricsRegistry(daemon)).toBe(metricsRegistry(daemon));
  });

  it('serves nothing of the API and refuses writes', async () => {
    const status = await fetch(`${base}/api/v1/status`);
    expect(status.status).toBe(404);
    expect(((await status.json()) as { error: string }).error).toBe('notFound');
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('metrics.listen in the config', () => {
  it('answers what is not HTTP with JSON and a stable code', async () => {
    const port = (server.address() as AddressInfo).port;
    expect(
      parseRawAnswer(await rawExchange({ host: '127.0.0.1', port }, '\u0000\u0001garbage\r\n\r\n')),
    ).toMatchObject({
      status: 400,
      body: { error: 'badRequest' },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('must be HOST:PORT', () => {
    expect(() => parseConfig('asn: 64512\nmetrics: { listen: "/run/herald.sock" }\n')).toThrow(ConfigError);
    expect(() => parseConfig('asn: 64512\nmetrics: { listen: "0.0.0.0:7472", extra: 1 }\n')).toThrow(
      /metrics/,
    );
  });

  it('takes effect only after a restart', () => {
    const next = parseConfig(
      'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: false\nmetrics: { listen: "0.0.0.0:7472" }\n',
    );
    expect(diffConfig(config, next).needsRestart).toContain('metrics.listen');
  });
});
