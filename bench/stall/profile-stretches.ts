// The longest busy stretches of a V8 CPU profile (node --cpu-prof): runs of consecutive samples in
// one task, that is with the same outermost JavaScript frame and no idle sample between them. Each
// stretch is reported with the frames present in most of its samples (its common stack) and the
// functions it spent its own time in. A stretch is an upper bound on one synchronous stretch of the
// event loop: back-to-back tasks entered through the same frame are counted together.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Stretch {
  /** ms from the profile's start. */
  startMs: number;
  durationMs: number;
  /** Frames in at least half of the stretch's samples, outermost first, with their share. */
  common: { frame: string; share: number }[];
  /** Functions by self time, most first. */
  self: { frame: string; share: number }[];
}

/** Frames that are not JavaScript work of Herald's (the sample is idle or between tasks). */
const IDLE = new Set(['(idle)', '(root)']);

const frameName = (f: CallFrame): string =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;

/** The stack of every node, outermost frame first (the root left out). */
function stacks(p: CpuProfile): Map<number, CallFrame[]> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<number, CallFrame[]>();
  for (const n of p.nodes) {
    const s: CallFrame[] = [];
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)?.callFrame;
      if (f && f.functionName !== '(root)') s.unshift(f);
    }
    out.set(n.id, s);
  }
  return out;
}

function shares(counts: Map<string, number>, total: number, min: number): { frame: string; share: number }[] {
  return [...counts]
    .map(([frame, n]) => ({ frame, share: n / total }))
    .filter((x) => x.share >= min)
    .sort((a, b) => b.share - a.share);
}

/** The `top` longest stretches of at least `minMs`, longest first. */
export function longestStretches(p: CpuProfile, minMs = 50, top = 10): Stretch[] {
  const stackOf = stacks(p);
  const runs: { start: number; end: number; ms: number; at: number }[] = [];
  let t = 0;
  let open: (typeof runs)[number] | undefined;
  let openKey = '';
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] / 1000;
    t += dt;
    const s = stackOf.get(p.samples[i]) ?? [];
    const outer = s[0];
    const busy = outer !== undefined && !IDLE.has(outer.functionName);
    // GC and "(program)" samples continue the task they interrupt
    const key = busy ? frameName(outer) : '';
    const continues = busy && (key === openKey || key.startsWith('(garbage') || key.startsWith('(program'));
    if (open && continues) {
      open.end = i;
      open.ms += dt;
    } else {
      if (open) runs.push(open);
      open = busy ? { start: i, end: i, ms: dt, at: t } : undefined;
      openKey = key;
    }
  }
  if (open) runs.push(open);
  return runs
    .filter((r) => r.ms >= minMs)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((r) => {
      const inclusive = new Map<string, number>();
      const self = new Map<string, number>();
      const n = r.end - r.start + 1;
      const depth = new Map<string, number>();
      for (let i = r.start; i <= r.end; i++) {
        const s = stackOf.get(p.samples[i]) ?? [];
        const seen = new Set<string>();
        s.forEach((f, d) => {
          const name = frameName(f);
          if (seen.has(name)) return;
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
          if (!depth.has(name)) depth.set(name, d);
        });
        const leaf = s[s.length - 1];
        if (leaf) self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + 1);
      }
      return {
        startMs: Math.round(r.at),
        durationMs: Math.round(r.ms),
        common: shares(inclusive, n, 0.5).sort(
          (a, b) => (depth.get(a.frame) ?? 0) - (depth.get(b.frame) ?? 0),
        ),
        self: shares(self, n, 0.03).slice(0, 6),
      };
    });
}
