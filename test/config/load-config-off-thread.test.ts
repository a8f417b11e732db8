// A reload parses the config in a worker thread: the result equals what the main thread would
// have loaded, problems come back as a ConfigError, and the event loop keeps turning meanwhile.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { loadConfigOffThread } from '../../src/config/load-config-off-thread.js';
import { ConfigError } from '../../src/config/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-config-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigOffThread', () => {
  it('returns what loadConfig returns (config.example.yaml)', async () => {
    const path = fileURLToPath(new URL('../../config.example.yaml', import.meta.url));
    expect(await loadConfigOffThread(path)).toEqual(loadConfig(path));
  }, 30_000);

  it('rejects with the same problems as loadConfig', async () => {
    const path = file('bad.yaml', 'asn: 65000\nrouterId: not-an-address\nneighbors: []\n');
    const problems = (() => {
      try {
        loadConfig(path);
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(problems?.length).toBeGreaterThan(0);
    const e = await loadConfigOffThread(path).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems).toEqual(problems);
  }, 30_000);

  it('leaves the event loop free while a large file is parsed', async () => {
    const announce = Array.from({ length: 20_000 }, (_, i) => ({ prefix: `10.${i >> 8}.${i & 255}.0/24` }));
    const path = file(
      'large.yaml',
      stringify({ asn: 65000, routerId: '192.0.2.1', neighbors: [], announce }),
    );
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      const config = await loadConfigOffThread(path);
      expect(config.announce).toHaveLength(announce.length);
    } finally {
      clearInterval(ticker);
    }
    // Parsed on this thread, no timer could have run before the result.
    expect(turns).toBeGreaterThan(0);
  }, 60_000);
});
