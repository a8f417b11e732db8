// After Herald restarts gracefully, the kernel routes of the previous run are kept while the peers
// send their routes again; they are swept once every graceful-restart neighbor has sent End-of-RIB
// for each family of its session (RFC 4724 §4.1: the restarting speaker "MUST defer route selection
// ... until it receives the End-of-RIB marker from all its peers"), or when the deadline passes.
import type { Peer } from '../session/peer.js';

export interface RestartSweepOptions {
  readonly peers: readonly Peer[];
  /** Seconds to wait at most (the neighbors' restart time). */
  readonly deadline: number;
  readonly sweep: (why: 'endOfRib' | 'deadline') => void;
}

/** Calls `sweep` once: when every peer has ended every family, or at the deadline. Returns a cancel. */
export function sweepAfterEndOfRib(o: RestartSweepOptions): () => void {
  const pending = new Set(o.peers);
  const families = new Map<Peer, Set<number>>();
  let done = false;
  const finish = (why: 'endOfRib' | 'deadline') => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    for (const p of o.peers) {
      p.off('sessionUp', onUp.get(p)!);
      p.off('endOfRib', onEnd.get(p)!);
    }
    o.sweep(why);
  };
  const onUp = new Map<Peer, (s: { families: ReadonlySet<number> }) => void>();
  const onEnd = new Map<Peer, (family: number) => void>();
  for (const p of o.peers) {
    onUp.set(p, (s) => families.set(p, new Set(s.families)));
    onEnd.set(p, (family) => {
      const left = families.get(p);
      left?.delete(family);
      if (!left || left.size > 0) return;
      pending.delete(p);
      if (pending.size === 0) finish('endOfRib');
    });
    p.on('sessionUp', onUp.get(p)!);
    p.on('endOfRib', onEnd.get(p)!);
  }
  const timer = setTimeout(() => finish('deadline'), o.deadline * 1000);
  timer.unref?.();
  if (pending.size === 0) finish('endOfRib');
  return () => {
    done = true;
    clearTimeout(timer);
  };
}
