// What every lab driver (labs/<scenario>/lab.ts) shares: one `PASS <check>` / `FAIL <check>: why`
// line per check on stdout, commentary as `# …` lines, the exit code (1 when any check failed),
// and cleanup of every topology the lab made, also when it is interrupted. The network pieces come
// from the interop harness (test/interop/harness), which names its namespaces hr<pid>x<n>… after
// this process: run-test.sh reads that pid from $LAB_STATE_FILE to sweep leftovers if this
// process is killed outright.
import { execFile } from 'node:child_process';
import { writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HeraldInstance } from '../../test/interop/harness/herald.js';
import { run, type Topology, waitFor } from '../../test/interop/harness/index.js';

export const HERALD_BIN = fileURLToPath(new URL('../../bin/herald', import.meta.url));

/** Raised by a check that makes the rest of the lab meaningless (the lab stops after it). */
export class Critical extends Error {}

const out = (line: string): void => {
  writeSync(1, `${line}\n`);
};

/** Commentary (not a check). */
export function note(text: string): void {
  out(`# ${text}`);
}

export class Lab {
  private passed = 0;
  private failed = 0;
  private readonly topologies: Topology[] = [];
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private readonly heralds: HeraldInstance[] = [];
  private readonly started = Date.now();

  constructor(readonly name: string) {
    const state = process.env.LAB_STATE_FILE;
    if (state) writeFileSync(state, `${process.pid}\n`);
  }

  /** Registers a topology to destroy at the end. */
  track<T extends Topology>(t: T): T {
    this.topologies.push(t);
    return t;
  }

  /** Registers a Herald whose log tail is printed (stderr) when a check fails. */
  herald(h: HeraldInstance): HeraldInstance {
    this.heralds.push(h);
    return h;
  }

  /** Runs before the topologies are destroyed (newest first). */
  onCleanup(fn: () => Promise<unknown>): void {
    this.cleanups.push(fn);
  }

  /**
   * Runs one check: PASS (with the detail string fn returns, if any) or FAIL with the error's message.
   * `critical`: a failure ends the lab (later checks would only time out).
   */
  async check(name: string, fn: () => Promise<unknown>, critical = false): Promise<boolean> {
    const t0 = Date.now();
    try {
      const detail = await fn();
      this.passed++;
      out(`PASS ${name}${typeof detail === 'string' && detail ? ` (${detail})` : ''}`);
      return true;
    } catch (e) {
      this.failed++;
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      out(`FAIL ${name}: ${why} [after ${Date.now() - t0} ms]`);
      this.dumpLogs();
      if (critical || e instanceof Critical) throw new Critical(name);
      return false;
    }
  }

  private dumpLogs(): void {
    for (const [i, h] of this.heralds.entries()) {
      const tail = h.process.output().split('\n').slice(-25).join('\n');
      process.stderr.write(`--- herald #${i + 1} log (last lines) ---\n${tail}\n`);
    }
  }

  /** Runs the lab body, then cleans up and exits with 0 (all passed) or 1. */
  async run(body: (lab: Lab) => Promise<void>): Promise<never> {
    note(`lab ${this.name}`);
    let setupError: unknown;
    try {
      await body(this);
    } catch (e) {
      if (!(e instanceof Critical)) setupError = e;
    }
    if (setupError !== undefined) {
      this.failed++;
      const why = setupError instanceof Error ? setupError.message : String(setupError);
      out(`FAIL lab setup: ${why.split('\n')[0]}`);
      process.stderr.write(`${setupError instanceof Error ? setupError.stack : why}\n`);
      this.dumpLogs();
    }
    for (const fn of this.cleanups.reverse()) await fn().catch(() => {});
    for (const t of this.topologies.reverse()) await t.destroy().catch(() => {});
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    note(`${this.name}: ${this.passed} passed, ${this.failed} failed in ${secs} s`);
    process.exit(this.failed > 0 || this.passed === 0 ? 1 : 0);
  }
}

/** waitFor with the harness's semantics, returning how long it took (ms). */
export async function timed<T>(
  probe: () => Promise<T | undefined | null | false>,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await waitFor(probe, opts);
  return { value, ms: Date.now() - t0 };
}

/** Runs the herald CLI against an instance's API socket. */
export function heraldCli(
  socket: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, HERALD_API: `unix:${socket}` };
  return new Promise((resolve) => {
    execFile(HERALD_BIN, args, { env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Throws unless the two lists hold the same strings (order ignored). */
export function expectSet(actual: string[], expected: string[], what: string): void {
  const a = [...actual].sort();
  const b = [...expected].sort();
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`${what}: expected [${b.join(', ')}], got [${a.join(', ')}]`);
}

/** A point-to-point veth between two namespaces, addresses given as CIDR, both ends up. */
export async function p2p(
  a: { ns: string; ifname: string; address: string },
  b: { ns: string; ifname: string; address: string },
): Promise<void> {
  await run('ip', [
    'link',
    'add',
    a.ifname,
    'netns',
    a.ns,
    'type',
    'veth',
    'peer',
    'name',
    b.ifname,
    'netns',
    b.ns,
  ]);
  for (const e of [a, b]) {
    await run('ip', ['-n', e.ns, 'addr', 'add', e.address, 'dev', e.ifname]);
    await run('ip', ['-n', e.ns, 'link', 'set', e.ifname, 'up']);
  }
}

/** Adds addresses (CIDR) to a namespace's loopback. */
export async function loopback(ns: string, ...cidrs: string[]): Promise<void> {
  for (const c of cidrs) await run('ip', ['-n', ns, 'addr', 'add', c, 'dev', 'lo']);
}

/**
 * Traffic from `ns` to `address`: UDP datagrams to a closed port, answered by the destination's
 * ICMP port unreachable (the harness's probe; no ping binary needed). True when answered.
 */
export async function reachable(t: Topology, ns: string, address: string): Promise<boolean> {
  return (await t.probe(ns, address, { timeoutMs: 2000 })) === 'reachable';
}
