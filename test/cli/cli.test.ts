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
      .map((l) => JSON.parse(l).event);
    expect(events).toEqual(['daemonStarting', 'listening', 'apiListening', 'configLoaded', 'daemonStopping']);
  }, 30_000);
});
