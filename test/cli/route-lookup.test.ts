// `herald route ADDR` answers like `show ip bgp 10.10.5.1`: the longest prefix holding the address,
// instead of the API's "no such API route" for a path without a length (issue 22).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { ApiRequestError } from '../../src/cli/api-client.js';
import { routeDetail } from '../../src/cli/route-lookup.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const socket = join(tmpdir(), `herald-route-lookup-${process.pid}.sock`);
const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors: []\n' +
    'announce:\n  - { prefix: 198.51.100.0/24 }\n  - { prefix: 198.51.100.10/32 }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const app = buildApi(daemon);
const base = `unix:${socket}`;

beforeAll(async () => {
  rmSync(socket, { force: true });
  await daemon.start();
  await app.listen({ path: socket });
});

afterAll(async () => {
  await app.close();
  await daemon.stop('test over');
  rmSync(socket, { force: true });
});

describe('herald route with an address', () => {
  it('shows the longest prefix that holds the address', async () => {
    expect((await routeDetail(base, '198.51.100.10')).prefix).toBe('198.51.100.10/32');
    expect((await routeDetail(base, '198.51.100.77')).prefix).toBe('198.51.100.0/24');
  });

  it('takes a prefix with a length as it is', async () => {
    expect((await routeDetail(base, '198.51.100.0/24')).prefix).toBe('198.51.100.0/24');
  });

  it('says that no route holds an address outside every prefix', async () => {
    const error = await routeDetail(base, '203.0.113.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 404, code: 'routeNotFound' });
    expect((error as Error).message).toBe('no route in the Loc-RIB holds 203.0.113.1');
  });
});
