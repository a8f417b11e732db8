// The real `bin/herald` binary, built from the sources first.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { multihopProblem, onConnectedSubnet } from '../../src/daemon/multihop-hint.js';
// Every daemon a test starts is killed after the test, even when vitest gave up on it (timeout).
import { exited, spawnTracked } from '../helpers/spawned.js';

/** The environment without HERALD_LOG_LEVEL (the daemon's default level, info). */
function withoutLogLevel(): NodeJS.ProcessEnv {
  const { HERALD_LOG_LEVEL: _, ...env } = process.env;
  return env;
}

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

  it.each(['https://127.0.0.1:9179', 'ftp://127.0.0.1', '127.0.0.1:9179'])(
    '--api %s is refused before anything is sent (the API speaks http:// or a unix socket)',
    (api) => {
      const r = spawnSync(HERALD, ['status', '--api', api], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`herald: --api ${api}: give http://HOST:PORT or unix:/path/to/api.sock\n`);
    },
  );

  it('refuses a non-numeric --med before sending anything (no silent MED 0)', () => {
    const r = spawnSync(HERALD, ['announce', '10.0.0.1/32', '--med', 'abc', '--api', 'unix:/nonexistent'], {
      encoding: 'utf8',
    });
    // 2, as a request the API rejects: 1 is "daemon unreachable".
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('must be an integer 0..4294967295, not "abc"');
  });

  it.each([
    [['10.1.1.5/24'], 'host bits set (did you mean 10.1.1.0/24?)'],
    [['10.0.0.1/32', '--next-hop', 'router1'], 'must be an IP address'],
    [['10.0.0.1/32', '--community', '65001:1', 'no-advertize'], 'invalid community "no-advertize"'],
    [['10.0.0.1/32', '--large-community', '1:2'], '1:2'],
  ])('announce %j is refused before anything is sent', (args, message) => {
    const r = spawnSync(HERALD, ['announce', ...args, '--api', 'unix:/nonexistent'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('cannot reach');
  });

  it.each([
    [['withdraw', 'foo'], 'invalid prefix "foo"'],
    [['withdraw', '198.51.100.20'], 'did you mean 198.51.100.20/32?'],
    [['withdraw', '10.1.1.5/24'], 'host bits set (did you mean 10.1.1.0/24?)'],
    [['route', 'foo'], 'must be a prefix (192.0.2.0/24) or an address'],
  ])('%j is refused before anything is sent (not "no such API route")', (args, message) => {
    const r = spawnSync(HERALD, [...args, '--api', 'unix:/nonexistent'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('cannot reach');
  });

  it('check-config exits 2 and names the path of a bad value', () => {
    const file = join(tmpdir(), `herald-bad-${process.pid}.yaml`);
    writeFileSync(file, 'asn: 64512\nneighbors:\n  - { address: 10.0.0.1, peerAsn: -1 }\n');
    const r = spawnSync(HERALD, ['check-config', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('neighbors[0].peerAsn: must be an integer 1..4294967295');
  });

  it('check-config warns about an eBGP neighbor off every connected subnet without ebgpMultihop', () => {
    const file = join(tmpdir(), `herald-multihop-${process.pid}.yaml`);
    // 127.0.0.2 is on lo; the other is a documentation address on no interface of this machine.
    const off = ['203.0.113.77', '198.51.100.77', '192.0.2.77'].find((a) => !onConnectedSubnet(a));
    writeFileSync(
      file,
      `asn: 64512\nneighbors:\n  - { address: 127.0.0.2, peerAsn: 65001 }\n  - { address: ${off}, peerAsn: 65002 }\n`,
    );
    const r = spawnSync(HERALD, ['check-config', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).neighbors).toHaveLength(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `warning: neighbors[1].ebgpMultihop: ${multihopProblem(parseConfig(readFileSync(file, 'utf8')).neighbors[1], 64512)}`,
    ]);
  }, 20_000);

  it('mrt dump of a damaged or missing file: the routes before the damage, then one line saying why, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-mrt-cli-'));
    try {
      const whole = gunzipSync(readFileSync(join(MRT, 'bview.ipv6_unicast_add_path.gz')));
      const cut = join(dir, 'cut.mrt');
      writeFileSync(cut, whole.subarray(0, whole.length - 10));
      const r = spawnSync(HERALD, ['mrt', 'dump', cut], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout.trim().split('\n').length).toBeGreaterThan(50);
      expect(r.stderr).toMatch(/^herald: .*cut\.mrt: truncated MRT record: .* \(at byte \d+\)\n$/);
      const gz = join(dir, 'cut.gz');
      writeFileSync(gz, readFileSync(join(MRT, 'bview.ipv6_unicast_add_path.gz')).subarray(0, 200));
      expect(spawnSync(HERALD, ['mrt', 'dump', gz], { encoding: 'utf8' })).toMatchObject({
        status: 2,
        stderr: expect.stringMatching(/: not a valid gzip stream \(unexpected end of file\)\n$/),
      });
      expect(spawnSync(HERALD, ['mrt', 'dump', join(dir, 'none.mrt')], { encoding: 'utf8' })).toMatchObject({
        status: 2,
        stderr: `herald: ${join(dir, 'none.mrt')}: cannot read (ENOENT)\n`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('mrt dump prints one line per route of an add-path RIB dump, with --json too', () => {
    const file = join(MRT, 'bview.ipv6_unicast_add_path.gz');
    const lines = execFileSync(HERALD, ['mrt', 'dump', file], { encoding: 'utf8' }).trim().split('\n');
    expect(lines).toHaveLength(62);
    expect(lines.every((l) => l.startsWith('TABLE_DUMP2_AP|'))).toBe(true);
    expect(new Set(lines).size).toBe(62);
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
    const child = spawnTracked(HERALD, ['run', '--config', join(ROOT, 'config.example.yaml')]);
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
    const code = await exited(child);
    expect(code).toBe(0);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event)
      // The example's health-checked announcement reports its first probe whenever it finishes.
      .filter((e) => e !== 'healthCheckChanged');
    expect(events).toEqual(['daemonStarting', 'listening', 'apiListening', 'configLoaded', 'daemonStopping']);
  }, 30_000);

  it('run loads only what its config needs: no Kubernetes, BFD, HTTP server or API framework for a bare config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-loading-'));
    // Every module any thread of the daemon resolves, written down by a module resolution hook.
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      "import { appendFileSync } from 'node:fs';\n" +
        'export async function resolve(specifier, context, next) {\n' +
        '  const r = await next(specifier, context);\n' +
        "  appendFileSync(process.env.HERALD_TEST_RESOLVED, r.url + '\\n');\n" +
        '  return r;\n}\n',
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const run = async (name: string, config: string, args: string[] = []) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, config);
      const resolved = join(dir, `${name}.resolved`);
      writeFileSync(resolved, '');
      const child = spawnTracked(HERALD, ['run', '--config', file, ...args], {
        env: { ...process.env, NODE_OPTIONS: `--import ${register}`, HERALD_TEST_RESOLVED: resolved },
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('"configLoaded"')) child.kill('SIGTERM');
      });
      await exited(child);
      return { out, urls: readFileSync(resolved, 'utf8').split('\n') };
    };
    try {
      const bare = await run(
        'bare',
        `asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { listen: ${join(dir, 'api.sock')} }\n` +
          'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n' +
          'announce:\n  - prefix: 10.0.0.0/24\n',
      );
      expect(bare.out).toContain('"configLoaded"');
      expect(bare.urls.some((u) => u.endsWith('/dist/daemon/daemon.js'))).toBe(true);
      // The BFD session code (FSM, driver, signing) lives in the BFD worker, started by a BFD neighbor.
      const unwanted =
        /\/dist\/k8s\/|\/dist\/daemon\/kubernetes-|\/dist\/bfd\/(fsm|driver|manager|auth)\.js|\/dist\/api\/server\.js|\/fastify\/|^node:(http|https|dgram|crypto)$/;
      expect(bare.urls.filter((u) => unwanted.test(u))).toEqual([]);
      // The hook does see Kubernetes mode when the config asks for it (the kubeconfig is missing).
      const k8s = await run(
        'k8s',
        'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: false\nkubernetes: { enabled: true }\n',
        ['--kubeconfig', join(dir, 'missing-kubeconfig')],
      );
      expect(k8s.urls.some((u) => u.endsWith('/dist/daemon/kubernetes-mode.js'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts with a few lines on a terminal (pretty), no config dump and no <redacted> for unset secrets', async () => {
    const file = join(tmpdir(), `herald-pretty-${process.pid}.yaml`);
    writeFileSync(
      file,
      'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: false\n' +
        'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n',
    );
    const child = spawnTracked(HERALD, ['run', '--config', file], {
      env: { ...withoutLogLevel(), HERALD_LOG_FORMAT: 'pretty' },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no startup log: ${out}`)), 15_000);
        child.stdout.on('data', () => {
          if (out.includes('configuration loaded')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    const startup = out.slice(0, out.indexOf('configuration loaded')).trim().split('\n');
    expect(startup[0]).toContain('herald starting');
    expect(startup.length).toBeLessThanOrEqual(6);
    expect(out).not.toContain('<redacted>');
    expect(out).not.toContain('peerAsn');
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
    const child = spawnTracked(HERALD, ['run', '--config', config]);
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
      // An API error is printed once, not as the message and again as a problem line.
      const refused = cli('routes', '--prefix', '10.0.0');
      expect(refused.status).toBe(2);
      expect(refused.stderr.split('querystring.prefix:')).toHaveLength(2);
      // A listing is read as NDJSON, row by row; --json prints it as one document all the same.
      const loc = cli('routes', '--table', 'loc');
      expect(loc.stdout.split('\n')[1]).toMatch(/^\*>\s+198\.51\.100\.10\/32\s+0\.0\.0\.0\s+32768\s+i$/);
      expect(JSON.parse(cli('routes', '--table', 'loc', '--json').stdout)).toMatchObject([
        { prefix: '198.51.100.10/32', neighbor: 'local', best: true },
      ]);
      const neighbors = cli('neighbors').stdout.split('\n');
      expect(neighbors[0]).toMatch(
        /^Neighbor\s+AS\s+MsgRcvd\s+MsgSent\s+Up\/Down\s+State\/PfxRcd\s+PfxSnt\s+Desc$/,
      );
      expect(neighbors[1]).toMatch(/^127\.0\.0\.2\s+64513\s+0\s+0\s+never\s+Active\s+0$/);
      // One neighbor: text like `show bgp neighbors`, JSON with --json as every command.
      const one = cli('neighbor', '127.0.0.2');
      expect(one.stdout).toMatch(/^BGP neighbor is 127\.0\.0\.2, remote AS 64513, local AS 64512/);
      expect(JSON.parse(cli('neighbor', '127.0.0.2', '--json').stdout)).toMatchObject({ state: 'Active' });
      expect(cli('announce', '203.0.113.5/32', '--community', '64512:7', '--med', '3').stdout).toContain(
        'announced',
      );
      const list = JSON.parse(
        spawnSync(HERALD, ['status', '--json', '--api', api], { encoding: 'utf8' }).stdout,
      );
      expect(list.announcements).toBe(2);
      // Checked by the CLI with the API's own format, before anything is sent.
      const bad = cli('announce', '203.0.113.5/33');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('invalid prefix "203.0.113.5/33"');
      expect(cli('withdraw', '203.0.113.5/32').stdout).toContain('withdrawn');
      expect(cli('withdraw', '203.0.113.5/32').stderr).toContain('announcementNotFound');
      // A session shut down stays down until enabled; an unknown neighbor is an error.
      expect(cli('shutdown', '127.0.0.2', '--message', 'maintenance').stdout).toBe(
        'shut down 127.0.0.2; `herald enable 127.0.0.2` starts it again\n',
      );
      expect(JSON.parse(cli('neighbor', '127.0.0.2', '--json').stdout)).toMatchObject({ state: 'Idle' });
      expect(cli('enable', '127.0.0.2').stdout).toBe('enabled 127.0.0.2\n');
      expect(JSON.parse(cli('neighbor', '127.0.0.2', '--json').stdout).state).not.toBe('Idle');
      const unknown = cli('shutdown', '192.0.2.99');
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('neighborNotFound');
      expect(cli('fib').stdout).toBe(
        'kernel routes are off (fib.enabled: false): received routes stay in BGP\n',
      );
      expect(JSON.parse(cli('fib', '--json').stdout)).toMatchObject({ enabled: false, routes: null });
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    const down = spawnSync(HERALD, ['neighbors', '--api', `unix:${socket}`], { encoding: 'utf8' });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('cannot reach the Herald API');
  }, 60_000);
});

describe('herald CLI exit codes and pipes', () => {
  it('a bad command, argument or option exits 2 (1 is "daemon unreachable"); --version 0', () => {
    for (const args of [['nosuchcmd'], ['routes', 'extra-arg'], ['route', 'foo'], ['routes', '--nosuch']]) {
      const r = spawnSync(HERALD, [...args, '--api', 'unix:/nonexistent'], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).not.toContain('cannot reach');
    }
    expect(spawnSync(HERALD, ['--version'], { encoding: 'utf8' }).status).toBe(0);
  });

  it('an invalid HERALD_LOG_LEVEL is one line and exit 2, not a stack trace', () => {
    const r = spawnSync(HERALD, ['run', '--config', join(ROOT, 'config.example.yaml')], {
      encoding: 'utf8',
      env: { ...withoutLogLevel(), HERALD_LOG_LEVEL: 'loud' },
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^herald: invalid HERALD_LOG_LEVEL "loud".*\n$/);
  });

  it('a reader that goes away (`herald routes | head`) ends the command quietly, exit 0', async () => {
    const { createServer } = await import('node:http');
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({
        prefix: `10.${i >> 8}.${i & 255}.0/24`,
        neighbor: '10.0.0.1',
        nextHop: '10.0.0.1',
        asPath: '65001 65002',
        origin: 'IGP',
        med: null,
        localPref: 100,
        communities: [],
        largeCommunities: [],
        extCommunities: [],
        best: true,
        stale: false,
      }),
    ).join('\n');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(`${rows}\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      for (const json of ['', ' --json']) {
        const child = spawnTracked('bash', [
          '-c',
          `"${HERALD}" routes${json} --api http://127.0.0.1:${port} | head -c 100 > /dev/null; echo "exit \${PIPESTATUS[0]}" >&2`,
        ]);
        let stderr = '';
        child.stderr?.on('data', (c: Buffer) => {
          stderr += c.toString();
        });
        await new Promise((r) => child.on('close', r));
        expect(stderr, json).toBe('exit 0\n');
      }
    } finally {
      server.close();
    }
  }, 60_000);
});
