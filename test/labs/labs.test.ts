// Runs every lab (labs/*/run-test.sh) as CI does: each must exit 0 and print no FAIL line, within
// a bounded time. The labs need root, FRR and BIRD (like the interop tests) and skip without them.
// A lab that overruns is stopped with SIGTERM (its trap removes its namespaces), then SIGKILL.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interopUnavailable } from '../interop/harness/index.js';

const LABS = fileURLToPath(new URL('../../labs/', import.meta.url));
const TIMEOUT_MS = 75_000;

const labs = readdirSync(LABS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(LABS, d.name, 'run-test.sh')))
  .map((d) => d.name)
  .sort();

function runLab(name: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    // Its own process group, so an overrun can be stopped as a whole (by this pid only).
    const child = spawn('bash', [join(LABS, name, 'run-test.sh')], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      if (err.length > 1 << 20) err = err.slice(-(1 << 19));
    });
    const signal = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {}
    };
    const term = setTimeout(() => {
      out += `FAIL ${name}: still running after ${TIMEOUT_MS} ms\n`;
      signal('SIGTERM');
    }, TIMEOUT_MS);
    const kill = setTimeout(() => signal('SIGKILL'), TIMEOUT_MS + 15_000);
    child.on('close', (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, out, err });
    });
  });
}

describe.skipIf(interopUnavailable(['frr', 'bird']) !== undefined)('labs', () => {
  it('has the seven scenarios', () => {
    expect(labs).toEqual(
      expect.arrayContaining([
        'ebgp-multihop-distribution-switch',
        'ecmp-across-nodes',
        'fabric-routes-into-host',
        'graceful-restart-rollout',
        'home-lab-router',
        'openwrt-home-lab',
        'route-reflectors-multihop',
      ]),
    );
  });

  it.each(labs)(
    '%s: run-test.sh passes every check',
    async (name) => {
      const r = await runLab(name);
      const lines = r.out.split('\n');
      const failed = lines.filter((l) => l.startsWith('FAIL'));
      const passed = lines.filter((l) => l.startsWith('PASS'));
      if (r.code !== 0 || failed.length > 0) process.stderr.write(`${r.out}\n${r.err.slice(-8000)}\n`);
      expect(failed).toEqual([]);
      expect(passed.length).toBeGreaterThan(0);
      expect(r.code).toBe(0);
    },
    TIMEOUT_MS + 20_000,
  );
});
