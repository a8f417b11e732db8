// The container image without a Docker engine: the runtime stage's files (what the Dockerfile's
// last stage copies) laid out in a clean directory with production dependencies only (`npm prune
// --omit=dev`, as its build stage does), then run through the image's entry point. Every package
// dist/ imports must be a dependency, not a devDependency, or the image fails where this passes.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'herald-image-'));
const app = join(work, 'app');
// Run as root, the entry point becomes uid 1000 (as in the image): it must read the app and use
// the run directory; the state directory it would hand over is one of the test's own.
const run = join(work, 'run');
const env = { ...process.env, HERALD_STATE_DIR: join(work, 'state') };
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The sources of the COPY lines of the Dockerfile's last stage (`--from` copies by their /app path). */
function runtimeCopies(): string[] {
  const lines = readFileSync(join(root, 'Dockerfile'), 'utf8').split('\n');
  const last = lines.findLastIndex((l) => l.startsWith('FROM '));
  return lines
    .slice(last)
    .filter((l) => l.startsWith('COPY '))
    .flatMap((l) => l.split(/\s+/).slice(1, -1))
    .map((w) => w.replace(/^\/app\//, ''))
    .filter((w) => !w.startsWith('--'));
}

/** The text without its // and /* comments (compiled output keeps them). */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\s\/\/ .*$/gm, '');
}

/** Bare package names imported by the compiled JavaScript under `dir`. */
function importedPackages(dir: string): Set<string> {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js'))
        for (const m of withoutComments(readFileSync(p, 'utf8')).matchAll(
          /(?:from |import\(|require\()\s*['"]([^'"./][^'"]*)['"]/g,
        )) {
          const spec = m[1] as string;
          if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
          found.add(
            spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string),
          );
        }
    }
  };
  walk(dir);
  return found;
}

beforeAll(() => {
  chmodSync(work, 0o755);
  mkdirSync(run, { mode: 0o1777 });
  chmodSync(run, 0o1777);
  const copies = runtimeCopies();
  for (const source of copies) cpSync(join(root, source), join(app, source), { recursive: true });
  // The build stage prunes before its node_modules is copied; the lock file says what to keep.
  cpSync(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
  execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
}, 120_000);

describe('the image layout', () => {
  it('copies dist, node_modules, bin, package.json and the example config', () => {
    expect(runtimeCopies().sort()).toEqual([
      'bin',
      'config.example.yaml',
      'dist',
      'node_modules',
      'package.json',
    ]);
  });

  it('dist imports only dependencies (never a devDependency)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // tsx is loaded only for a worker started from the TypeScript sources (tests), never from dist/.
    const missing = [...importedPackages(join(root, 'dist'))].filter(
      (p) => !(p in pkg.dependencies) && p !== 'tsx',
    );
    expect(missing).toEqual([]);
  });

  it('the entry point checks a config and runs the daemon with production dependencies only', async () => {
    const check = execFileSync(join(app, 'bin/herald-as-user'), ['check-config', 'config.example.yaml'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(JSON.parse(check.toString()).asn).toBeGreaterThan(0);
    const socket = join(run, 'api.sock');
    const config = join(run, 'herald.yaml');
    writeFileSync(config, `asn: 64512\nrouterId: 192.0.2.10\nlisten: false\napi: { listen: ${socket} }\n`);
    const daemon = spawn(join(app, 'bin/herald-as-user'), ['run', '--config', config], {
      cwd: app,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
    try {
      const get = (path: string) =>
        new Promise<number>((resolve) => {
          const req = request({ socketPath: socket, path, timeout: 5000 }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', () => resolve(0));
          req.end();
        });
      let health = 0;
      for (let i = 0; i < 100 && health !== 200; i++) {
        health = await get('/healthz');
        if (health !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health).toBe(200);
      // The first request loads Fastify and the routes (lazily): they must be in the image too.
      expect(await get('/api/v1/status')).toBe(200);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
