// Command probes run real shells: exit codes, the last output line, and that a timed-out or
// aborted probe leaves no process behind (its own, its children's).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probe } from '../../src/health/probe.js';
import type { HealthCheckSpec } from '../../src/health/types.js';
import { processGone, waitUntil, within } from './wait.js';

const cmd = (command: string, timeout = 2): HealthCheckSpec => ({
  command,
  timeout,
  interval: 1,
  rise: 1,
  fall: 1,
});

describe('command probe', () => {
  let dir: string;
  let pidFile: string;
  const strays: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-health-'));
    pidFile = join(dir, 'pid');
  });

  afterEach(() => {
    for (const pid of strays.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The pid the command wrote, once it has written it. */
  async function writtenPid(): Promise<number> {
    await waitUntil(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
      2000,
      'pid file',
    );
    const pid = Number(readFileSync(pidFile, 'utf8'));
    strays.push(pid);
    return pid;
  }

  it('is healthy on exit 0', async () => {
    expect(await within(probe(cmd('true')), 3000, 'probe')).toEqual({ ok: true, detail: 'exit 0' });
  });

  it('fails with the exit code', async () => {
    expect(await within(probe(cmd('exit 3')), 3000, 'probe')).toEqual({ ok: false, detail: 'exit 3' });
  });

  it('keeps the last output line in the detail', async () => {
    const result = await within(
      probe(cmd("echo first >&2; echo 'disk full' >&2; echo; exit 1")),
      3000,
      'probe',
    );
    expect(result).toEqual({ ok: false, detail: 'exit 1: disk full' });
  });

  it('bounds the output kept', async () => {
    const result = await within(
      probe(cmd("head -c 100000 /dev/zero | tr '\\0' x; echo; exit 2")),
      3000,
      'probe',
    );
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^exit 2: x+$/);
    expect(result.detail.length).toBeLessThanOrEqual('exit 2: '.length + 200);
  });

  it('reports a death by signal', async () => {
    const result = await within(probe(cmd('kill -TERM $$')), 3000, 'probe');
    expect(result).toEqual({ ok: false, detail: 'killed by SIGTERM' });
  });

  it('times out and kills the process', async () => {
    const pending = probe(cmd(`echo $$ > ${pidFile}; exec sleep 5`, 0.2));
    const pid = await writtenPid();
    expect(processGone(pid)).toBe(false);
    expect(await within(pending, 3000, 'probe')).toEqual({ ok: false, detail: 'timeout after 0.2s' });
    await waitUntil(() => processGone(pid), 2000, `sleep ${pid} gone`);
  });

  it('kills the whole process group, children included', async () => {
    const pending = probe(cmd(`sleep 5 & echo $! > ${pidFile}; wait`, 0.2));
    const pid = await writtenPid();
    expect(processGone(pid)).toBe(false);
    expect(await within(pending, 3000, 'probe')).toEqual({ ok: false, detail: 'timeout after 0.2s' });
    await waitUntil(() => processGone(pid), 2000, `background sleep ${pid} gone`);
  });

  it('does not wait for a background child that keeps the output open', async () => {
    const result = await within(
      probe(cmd(`sleep 5 & echo $! > ${pidFile}; echo ready; exit 0`, 3)),
      4000,
      'probe',
    );
    await writtenPid();
    expect(result).toEqual({ ok: true, detail: 'exit 0: ready' });
  });

  it('is aborted by the caller, killing the process', async () => {
    const controller = new AbortController();
    const pending = probe(cmd(`echo $$ > ${pidFile}; exec sleep 5`, 10), controller.signal);
    const pid = await writtenPid();
    controller.abort();
    expect(await within(pending, 3000, 'probe')).toEqual({ ok: false, detail: 'aborted' });
    await waitUntil(() => processGone(pid), 2000, `sleep ${pid} gone`);
  });

  it('does not start when already aborted', async () => {
    const result = await within(probe(cmd('exit 0'), AbortSignal.abort()), 3000, 'probe');
    expect(result).toEqual({ ok: false, detail: 'aborted' });
  });
});
