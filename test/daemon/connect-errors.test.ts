// A neighbor that cannot be reached says why: the connect error becomes its lastError (API and
// `herald neighbors`) and a log line once, instead of nothing at all (issue 22).
import { afterAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

// Port 9 (discard) on loopback: nothing listens there, so the kernel refuses the connection.
const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: 127.0.0.1, peerAsn: 64513, port: 9, connectRetry: 1 }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const app = buildApi(daemon);

afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
});

describe('connect errors', () => {
  it('a refused connection shows as lastError "connect: ECONNREFUSED"', async () => {
    await daemon.start();
    let lastError: string | null = null;
    for (let i = 0; i < 100 && lastError === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      lastError = (await app.inject('/api/v1/neighbors/127.0.0.1')).json().lastError;
    }
    expect(lastError).toBe('connect: ECONNREFUSED');
    // …and each failure is counted by error for alerting.
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /^herald_connect_failures_total\{peer="127\.0\.0\.1",error="ECONNREFUSED"\} [1-9]/m,
    );
  });
});

describe('a connect that times out with an MD5 password set', () => {
  // RFC 2385 §2.0: a peer drops SYNs whose signature fails with no answer: the connect times out.
  const timedOut = () =>
    Promise.reject(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT', errno: -110 }));
  const md5 = parseConfig(
    'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n' +
      // iBGP, so that no ebgpMultihop hint joins in whatever this host's subnets are.
      '  - { address: 10.0.0.1, peerAsn: 64512, password: s3cret, connectRetry: 1 }\n' +
      '  - { address: 10.0.0.2, peerAsn: 64512, connectRetry: 1 }\n',
  );
  const d = new Daemon({ config: md5, log: createLogger('silent'), dial: timedOut });
  const api = buildApi(d);

  afterAll(async () => {
    await d.stop('test over');
    await api.close();
  });

  it('says "no MD5 answer" in lastError; without a password it is a plain timeout', async () => {
    await d.start();
    const lastError = async (a: string): Promise<string | null> =>
      (await api.inject(`/api/v1/neighbors/${a}`)).json().lastError;
    for (
      let i = 0;
      i < 100 && ((await lastError('10.0.0.1')) === null || (await lastError('10.0.0.2')) === null);
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    expect(await lastError('10.0.0.1')).toMatch(/^connect: ETIMEDOUT \(no MD5 answer: .*password/);
    expect(await lastError('10.0.0.2')).toBe('connect: ETIMEDOUT');
    // The metric keeps the error code as its label.
    expect((await api.inject('/metrics')).body).toMatch(
      /^herald_connect_failures_total\{peer="10\.0\.0\.1",error="ETIMEDOUT"\} [1-9]/m,
    );
  });
});

describe('a connect still pending when the ConnectRetryTimer expires', () => {
  // SYNs nobody answers (a wrong MD5 key, an absent host): the attempt ends only when abandoned.
  const hanging = (_n: unknown, signal?: AbortSignal) =>
    new Promise<never>((_, reject) =>
      signal?.addEventListener('abort', () => reject(new Error('The operation was aborted'))),
    );
  const md5 = parseConfig(
    'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n' +
      '  - { address: 10.0.0.1, peerAsn: 64512, password: s3cret, connectRetry: 1 }\n',
  );
  const d = new Daemon({ config: md5, log: createLogger('silent'), dial: hanging });
  const api = buildApi(d);

  afterAll(async () => {
    await d.stop('test over');
    await api.close();
  });

  it('is abandoned (RFC 4271 §8.2.2) and reported as the timeout it is, with the MD5 hint', async () => {
    await d.start();
    let lastError: string | null = null;
    for (let i = 0; i < 100 && lastError === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      lastError = (await api.inject('/api/v1/neighbors/10.0.0.1')).json().lastError;
    }
    expect(lastError).toMatch(/^connect: ETIMEDOUT \(no MD5 answer: /);
  });
});
