// stateDir: routes announced and configured routes withdrawn through the API survive a restart;
// the file is replaced atomically and a file that cannot be used in full is kept aside.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { parseState, RouteStateFile, STATE_FILE } from '../../src/daemon/route-state.js';
import { createLogger } from '../../src/log/logger.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parseState', () => {
  it('keeps every usable entry and names each unusable one by its path', () => {
    const r = parseState(
      JSON.stringify({
        version: 1,
        announced: [{ prefix: '10.0.0.1/32', med: 5 }, { prefix: '10.0.0.2/32', med: '5' }, { prefix: 'x' }],
        withdrawn: ['10.1.0.0/24', 7, '10.1.0.0/33'],
      }),
    );
    expect(r.state).toEqual({ announced: [{ prefix: '10.0.0.1/32', med: 5 }], withdrawn: ['10.1.0.0/24'] });
    expect(r.problems).toHaveLength(4);
    expect(r.problems[0]).toMatch(/^announced\[1\]\.med: /);
    expect(r.problems[1]).toMatch(/^announced\[2\]\.prefix: /);
    expect(r.problems[2]).toBe('withdrawn[1]: must be a prefix');
    expect(r.problems[3]).toMatch(/^withdrawn\[2\]: /);
  });

  it('refuses text that is not JSON or of another version', () => {
    expect(parseState('{').problems[0]).toMatch(/^not JSON: /);
    expect(parseState('{"version":2,"announced":[],"withdrawn":[]}').problems).toEqual([
      'version: expected 1',
    ]);
  });
});

describe('RouteStateFile', () => {
  it('an absent file is an empty state; save then load round-trips, leaving no temporary file', () => {
    const f = new RouteStateFile(join(dir, 'sub'));
    expect(f.load()).toEqual({ state: { announced: [], withdrawn: [] }, problems: [] });
    const state = {
      announced: [{ prefix: '10.0.0.1/32', communities: ['65000:1'] }],
      withdrawn: ['10.1.0.0/24'],
    };
    f.save(state);
    f.save(state);
    expect(readdirSync(join(dir, 'sub'))).toEqual([STATE_FILE]);
    expect(f.load()).toEqual({ state, problems: [] });
  });

  it('keeps a file it cannot use in full aside before anything overwrites it', () => {
    const f = new RouteStateFile(dir);
    writeFileSync(f.path, '{"version":1,"announced":[{"prefix":"10.0.0.1/32","med":-1}],"withdrawn":[]}');
    const r = f.load();
    expect(r.problems[0]).toContain(`${f.path}: announced[0].med`);
    expect(r.keptAs).toBe(`${f.path}.rejected`);
    expect(readFileSync(`${f.path}.rejected`, 'utf8')).toContain('"med":-1');
  });
});

describe('a daemon with stateDir', () => {
  const yaml = (stateDir?: string) =>
    `asn: 64512\nrouterId: 192.0.2.10\nlisten: false\n${stateDir ? `stateDir: ${stateDir}\n` : ''}announce:\n  - { prefix: 10.9.0.0/24, communities: ["64512:9"] }\n  - { prefix: 10.9.1.0/24 }\n`;
  const announced = (d: Daemon) =>
    d.announcements
      .views()
      .filter((v) => v.announced)
      .map((v) => `${v.prefix} ${v.source}`);

  it('brings back API announcements and withdrawals of configured routes after a restart', async () => {
    const first = new Daemon({ config: parseConfig(yaml(dir)), log: createLogger('silent') });
    await first.start();
    first.announce({ prefix: '10.0.0.1/32', med: 7 });
    first.withdraw('10.9.1.0/24');
    await first.stop('test');
    const second = new Daemon({ config: parseConfig(yaml(dir)), log: createLogger('silent') });
    await second.start();
    expect(announced(second)).toEqual(['10.9.0.0/24 config', '10.0.0.1/32 api']);
    expect(second.announcements.routes().find((r) => r.med === 7)).toBeDefined();
    // A run-time route withdrawn is gone after the next restart too.
    second.withdraw('10.0.0.1/32');
    await second.stop('test');
    const third = new Daemon({ config: parseConfig(yaml(dir)), log: createLogger('silent') });
    await third.start();
    expect(announced(third)).toEqual(['10.9.0.0/24 config']);
    // A reload brings the configured route back, and that is kept too.
    await third.reload(parseConfig(yaml(dir)));
    await third.stop('test');
    expect(JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'))).toEqual({
      version: 1,
      announced: [],
      withdrawn: [],
    });
  });

  it('a stateDir that cannot be written: the change stands and the API answer says it is not kept', async () => {
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, 'a file where the directory should be');
    const d = new Daemon({ config: parseConfig(yaml(blocked)), log: createLogger('silent') });
    const api = buildApi(d);
    await d.start();
    try {
      const post = await api.inject({
        method: 'POST',
        url: '/api/v1/announcements',
        payload: { prefix: '10.0.0.1/32' },
      });
      expect(post.statusCode).toBe(201);
      expect(post.json().warnings).toContainEqual(
        expect.stringMatching(/^not kept across a restart: cannot write stateDir .*not-a-dir \(/),
      );
      expect(announced(d)).toContain('10.0.0.1/32 api');
      const del = await api.inject({ method: 'DELETE', url: '/api/v1/announcements/10.0.0.1/32' });
      expect(del.statusCode).toBe(200);
      expect(del.json().warnings).toEqual([expect.stringMatching(/^not kept across a restart: /)]);
      // Once it can be written again, the answers are clean.
      rmSync(blocked);
      const again = await api.inject({
        method: 'POST',
        url: '/api/v1/announcements',
        payload: { prefix: '10.0.0.2/32' },
      });
      expect(again.json().warnings.filter((w: string) => w.startsWith('not kept'))).toEqual([]);
      expect(existsSync(join(blocked, STATE_FILE))).toBe(true);
    } finally {
      await api.close();
      await d.stop('test');
    }
  });

  it('without stateDir nothing is written', async () => {
    const d = new Daemon({ config: parseConfig(yaml()), log: createLogger('silent') });
    await d.start();
    d.announce({ prefix: '10.0.0.1/32' });
    await d.stop('test');
    expect(existsSync(join(dir, STATE_FILE))).toBe(false);
  });
});
