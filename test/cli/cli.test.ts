// The real `bin/herald` binary, built from the sources first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERALD = join(ROOT, 'bin/herald');
const MRT = fileURLToPath(new URL('../../../shared/data/mrt/', import.meta.url));

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}, 120_000);

describe('herald CLI', () => {
  it('check-config prints the normalized config', () => {
    const out = execFileSync(HERALD, ['check-config', join(ROOT, 'config.example.yaml')], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ asn: 64512, listen: { port: 1179 } });
  });

  it('refuses a non-numeric --med before sending anything (no silent MED 0)', () => {
    const r = spawnSync(HERALD, ['announce', '10.0.0.1/32', '--med', 'abc', '--api', 'unix:/nonexistent'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('must be an integer 0..4294967295, not "abc"');
  });

  it('check-config exits 2 and names the path of a bad value', () => {
    const file = join(tmpdir(), `herald-bad-${process.pid}.yaml`);
    writeFileSync(file, 'asn: 64512\nneighbors:\n  - { address: 10.0.0.1, peerAsn: -1 }\n');
    const r = spawnSync(HERALD, ['check-config', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('neighbors[0].peerAsn: must be an integer 1..4294967295');
  });

  it('mrt dump prints one line per route of an add-path RIB dump, with --json too', () => {
    const file = join(MRT, 'bview.ipv6_unicast_add_path.gz');
    const lines = execFileSync(HERALD, ['mrt', 'dump', file], { encoding: 'utf8' }).trim().split('\n');
    expect(lines).toHaveLength(62);
    expect(lines.every((l) => l.startsWith('TABLE_DUMP2|'))).toBe(true);
    const json = execFileSync(HERALD, ['mrt', 'dump', '--json', file], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const routes = json.map((l) => JSON.parse(l));
    expect(new Set(routes.map((r) => `${r.prefix}#${r.pathId}`)).size).toBe(62);
    expect(routes.find((r) => r.prefix === '2001:db8:16::/48' && r.peer === '2001:db8:16::2')).toMatchObject({
      peerAs: 65017,
      attributes: { asPath: '65017', origin: 0, localPref: 100 },
    });
  });

  it('run starts on config.example.yaml, dials nothing and exits 0 on SIGTERM', async () => {
    const child = spawn(HERALD, ['run', '--config', join(ROOT, 'config.example.yaml')]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no startup log: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        if (out.includes('"configLoaded"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event)
      // The example's health-checked announcement reports its first probe whenever it finishes.
      .filter((e) => e !== 'healthCheckChanged');
    expect(events).toEqual(['daemonStarting', 'listening', 'apiListening', 'configLoaded', 'daemonStopping']);
  }, 30_000);
});

describe('herald CLI against a running daemon', () => {
  it('status, neighbors, announce, withdraw, and a clear message when the daemon is down', async () => {
    const dir = tmpdir();
    const socket = join(dir, `herald-cli-${process.pid}.sock`);
    const config = join(dir, `herald-cli-${process.pid}.yaml`);
    writeFileSync(
      config,
      `asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { listen: ${socket} }\n` +
        'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n' +
        'announce:\n  - { prefix: 198.51.100.10/32 }\n',
    );
    const child = spawn(HERALD, ['run', '--config', config]);
    try {
      const api = `unix:${socket}`;
      const cli = (...args: string[]) => spawnSync(HERALD, [...args, '--api', api], { encoding: 'utf8' });
      let status = cli('status', '--json');
      for (let i = 0; i < 100 && status.status !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = cli('status', '--json');
      }
      expect(JSON.parse(status.stdout)).toMatchObject({
        asn: 64512,
        routerId: '192.0.2.10',
        neighbors: 1,
        announcements: 1,
      });
      const neighbors = cli('neighbors').stdout.split('\n');
      expect(neighbors[0]).toMatch(/^Neighbor\s+AS\s+MsgRcvd\s+MsgSent\s+Up\/Down\s+State\/PfxRcd$/);
      expect(neighbors[1]).toMatch(/^127\.0\.0\.2\s+64513\s+0\s+0\s+never\s+Active$/);
      expect(cli('announce', '203.0.113.5/32', '--community', '64512:7', '--med', '3').stdout).toContain(
        'announced',
      );
      const list = JSON.parse(
        spawnSync(HERALD, ['status', '--json', '--api', api], { encoding: 'utf8' }).stdout,
      );
      expect(list.announcements).toBe(2);
      const bad = cli('announce', '203.0.113.5/33');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('invalidRequest');
      expect(bad.stderr).toContain('body.prefix: invalid prefix "203.0.113.5/33"');
      expect(cli('withdraw', '203.0.113.5/32').stdout).toContain('withdrawn');
      expect(cli('withdraw', '203.0.113.5/32').stderr).toContain('announcementNotFound');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    const down = spawnSync(HERALD, ['neighbors', '--api', `unix:${socket}`], { encoding: 'utf8' });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('cannot reach the Herald API');
  }, 60_000);
});
