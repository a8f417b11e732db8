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
