// /proc readings for the ingest bench (resident memory, CPU time) and a small .cpuprofile summary.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** VmRSS of `pid` in bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

let ticks: number | undefined;

/** User + system CPU seconds `pid` has used so far (all its threads). */
export function cpuSeconds(pid: number): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the parenthesised command name; utime and stime are fields 14 and 15
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / ticks;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/**
 * Self time per function of the newest .cpuprofile in `dir`, as a share of the busy time (samples
 * other than "(idle)"). With `window` (CLOCK_MONOTONIC ns, the clock of process.hrtime and of V8's
 * profile timestamps on Linux) only samples inside it count. GC shows up as "(garbage collector)".
 */
export function summarizeProfile(
  dir: string,
  top = 15,
  window?: { from: bigint; to: bigint },
): { file: string; busyMs: number; windowMs?: number; entries: ProfileEntry[] } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  // Worker threads (the config loader) write profiles too: take the main thread's, the longest of
  // the profiles covering the window (the run it belongs to), or of all without one.
  const profiles = files.map((f) => {
    const path = join(dir, f);
    return { file: path, p: JSON.parse(readFileSync(path, 'utf8')) as CpuProfile };
  });
  const covers = (p: CpuProfile) =>
    !window || (p.startTime <= Number(window.from / 1000n) && p.endTime >= Number(window.to / 1000n));
  const candidates = profiles.filter(({ p }) => covers(p));
  const { file, p } = (candidates.length > 0 ? candidates : profiles).reduce((a, b) =>
    b.p.endTime - b.p.startTime > a.p.endTime - a.p.startTime ? b : a,
  );
  const byId = new Map<number, ProfileNode>(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  const fromUs = window ? Number(window.from / 1000n) : -Infinity;
  const toUs = window ? Number(window.to / 1000n) : Infinity;
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    const n = byId.get(p.samples[i]);
    if (!n || at < fromUs || at > toUs) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const cf = n.callFrame;
    const where = cf.url ? `${cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${cf.lineNumber + 1}` : '';
    if (cf.functionName === '(idle)') continue;
    const key = `${cf.functionName}@${where}`;
    const e = self.get(key) ?? { name: cf.functionName || '(anonymous)', where, us: 0 };
    e.us += dt;
    self.set(key, e);
    total += dt;
  }
  const entries = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: e.us / total }));
  return {
    file,
    busyMs: total / 1000,
    windowMs: window ? (toUs - fromUs) / 1000 : undefined,
    entries,
  };
}
