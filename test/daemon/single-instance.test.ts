// One Herald per API address and BGP port: a unix socket that answers, a TCP address in use, or a
// path that is not a socket stops the start; a socket left by a killed process is removed. And the
// real binary, started twice on one config, refuses the second run while the first keeps serving.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { addressesInUse } from '../../src/daemon/single-instance.js';
import { exited, killTracked, spawnTracked } from '../helpers/spawned.js';

const HERALD = fileURLToPath(new URL('../../bin/herald', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'herald-single-'));
const servers: Server[] = [];
afterAll(async () => {
  await killTracked();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = (api: string, listen = 'false') =>
  parseConfig(`asn: 64512\nrouterId: 192.0.2.10\nlisten: ${listen}\napi: { listen: "${api}" }\n`);

function listening(at: string | { host: string; port: number }): Promise<Server> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(at, () => resolve(server)));
}

/** A unix socket whose process was killed: the file stays, nobody answers. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('addressesInUse', () => {
  it('a unix socket that answers is in use; one left by a killed process is removed', async () => {
    const live = join(dir, 'live.sock');
    await listening(live);
    expect(await addressesInUse(config(live))).toEqual([
      `api.listen ${live} is answered by a running process: is Herald already running?`,
    ]);
    const stale = join(dir, 'stale.sock');
    await staleSocket(stale);
    expect(existsSync(stale)).toBe(true);
    expect(await addressesInUse(config(stale))).toEqual([]);
    expect(existsSync(stale)).toBe(false);
  });

  it('a path that is not a socket is refused and left alone', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me');
    expect(await addressesInUse(config(file))).toEqual([`api.listen ${file} exists and is not a socket`]);
    expect(existsSync(file)).toBe(true);
  });

  it('TCP addresses in use (API, BGP listener) are refused; free ones pass', async () => {
    const api = await listening({ host: '127.0.0.1', port: 0 });
    const apiPort = (api.address() as { port: number }).port;
    const bgp = await listening({ host: '127.0.0.1', port: 0 });
    const bgpPort = (bgp.address() as { port: number }).port;
    expect(
      await addressesInUse(config(`127.0.0.1:${apiPort}`, `{ address: 127.0.0.1, port: ${bgpPort} }`)),
    ).toEqual([
      `api.listen 127.0.0.1:${apiPort} is in use: is Herald already running?`,
      `listen 127.0.0.1:${bgpPort} is in use: is Herald (or another BGP daemon) already running?`,
    ]);
    api.close();
    bgp.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(
      await addressesInUse(config(`127.0.0.1:${apiPort}`, `{ address: 127.0.0.1, port: ${bgpPort} }`)),
    ).toEqual([]);
  });
});

describe('herald run twice on one config', () => {
  it('the second refuses to start and the first keeps its API', async () => {
    const socket = join(dir, 'api.sock');
    const file = join(dir, 'herald.yaml');
    writeFileSync(
      file,
      `asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { listen: ${socket} }\n` +
        'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n',
    );
    const first = spawnTracked(HERALD, ['run', '--config', file]);
    const healthy = () =>
      new Promise<number>((resolve) => {
        const req = request({ socketPath: socket, path: '/healthz', timeout: 2000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(0));
        req.end();
      });
    for (let i = 0; i < 100 && (await healthy()) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await healthy()).toBe(200);
    const second = spawnTracked(HERALD, ['run', '--config', file]);
    let output = '';
    second.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    expect(await exited(second)).toBe(1);
    expect(output).toContain('is answered by a running process: is Herald already running?');
    expect(await healthy()).toBe(200);
    first.kill('SIGTERM');
    expect(await exited(first)).toBe(0);
  }, 30_000);
});
