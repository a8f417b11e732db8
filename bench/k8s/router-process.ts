// Runs bench/k8s/router.ts in a namespace and keeps what it reports: the prefixes the current
// session holds and, per prefix, when each announcement and withdrawal arrived.
import { join } from 'node:path';
import { spawnIn, type TrackedChild } from '../../test/interop/harness/index.js';
import { repoRoot } from '../lib/output.js';
import type { RouterArgs } from './router.js';

export interface PrefixEvent {
  kind: 'a' | 'w';
  /** process.hrtime.bigint() at the router, ns. */
  t: bigint;
}

export class RouterProcess {
  readonly child: TrackedChild;
  readonly held = new Set<string>();
  readonly events = new Map<string, PrefixEvent[]>();
  sessions = 0;
  /** When the last announcement arrived (ns). */
  lastAnnounce = 0n;
  private listening = false;

  constructor(ns: string, args: RouterArgs) {
    const script = join(import.meta.dirname, 'router.ts');
    this.child = spawnIn(ns, process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
      cwd: repoRoot(),
    });
    let partial = '';
    this.child.stdout?.on('data', (d: Buffer) => {
      partial += d.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('{')) this.take(JSON.parse(l));
    });
  }

  private take(e: { event: string; t: string; a?: string[]; w?: string[] }): void {
    const t = BigInt(e.t);
    if (e.event === 'listening') this.listening = true;
    // UPDATEs that came in the same read as the handshake's last KEEPALIVE are reported before
    // `established`: the held set is cleared when a session closes, not when one comes up.
    if (e.event === 'established') this.sessions++;
    if (e.event === 'closed') this.held.clear();
    if (e.event !== 'update') return;
    for (const p of e.w ?? []) {
      this.held.delete(p);
      this.push(p, { kind: 'w', t });
    }
    for (const p of e.a ?? []) {
      this.held.add(p);
      this.push(p, { kind: 'a', t });
      this.lastAnnounce = t;
    }
  }

  private push(p: string, e: PrefixEvent): void {
    const list = this.events.get(p);
    if (list) list.push(e);
    else this.events.set(p, [e]);
  }

  /** The first `kind` event for `prefix` at or after `after` (ns), if any. */
  first(prefix: string, kind: 'a' | 'w', after: bigint): PrefixEvent | undefined {
    return this.events.get(prefix)?.find((e) => e.kind === kind && e.t >= after);
  }

  get isListening(): boolean {
    return this.listening;
  }

  stop(): Promise<void> {
    return this.child.stop(2000);
  }
}
