// `herald run` starts without V8's optimizing compiler (bin/herald) and turns it on once started
// (src/daemon/run.ts): nothing is optimized while a small config starts, and hot code is afterwards
// (were it left off, every full table would be taken in unoptimized code). Seen with --trace-opt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killTracked, spawnTracked } from '../helpers/spawned.js';
import { waitFor } from '../interop/harness/util.js';

const HERALD = fileURLToPath(new URL('../../bin/herald', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'herald-opt-'));
afterEach(killTracked);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function get(socketPath: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path }, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end();
  });
}

describe('herald run and the optimizing compiler', () => {
  it('is off while a small config starts, on once the daemon runs', async () => {
    const socket = join(dir, 'api.sock');
    const config = join(dir, 'herald.yaml');
    writeFileSync(config, `asn: 64512\nrouterId: 192.0.2.1\nlisten: false\napi: { listen: ${socket} }\n`);
    const child = spawnTracked(process.execPath, ['--trace-opt', HERALD, 'run', '--config', config], {
      env: { ...process.env, HERALD_LOG_FORMAT: 'json' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    await waitFor(() => out.includes('"configLoaded"'), {
      timeoutMs: 20_000,
      intervalMs: 50,
      what: 'started',
    });
    const started = out.indexOf('"configLoaded"');
    expect(out.slice(0, started)).not.toMatch(/completed optimizing/);
    // Requests make the API's code hot: optimized now.
    await waitFor(
      async () => {
        for (let i = 0; i < 200; i++) await get(socket, '/api/v1/status');
        return /completed optimizing/.test(out.slice(started));
      },
      { timeoutMs: 30_000, intervalMs: 10, what: 'an optimized function after start' },
    );
  }, 60_000);
});
