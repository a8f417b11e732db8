// Runs bench/ingest/speaker.js in a namespace and turns its JSON-line stdout into awaitable events.
import { join } from 'node:path';
import { spawnIn, type TrackedChild } from '../../test/interop/harness/index.js';
import type { SpeakerArgs } from './speaker.js';

export interface SpeakerEvent {
  event: string;
  /** process.hrtime.bigint() at the speaker, ns. */
  t: bigint;
  [field: string]: unknown;
}

/** Events after which the speaker will never report progress again. */
const FATAL = new Set(['failed', 'notification', 'timeout', 'closed', 'socket-error']);

export class SpeakerProcess {
  readonly child: TrackedChild;
  private readonly events: SpeakerEvent[] = [];
  private wake?: () => void;
  private readonly listeners: ((e: SpeakerEvent) => void)[] = [];
  private exited = false;

  /**
   * `script`: another child that speaks the same JSON-line events (default: the speaker);
   * `nodeArgs`: flags for its node (`['--import', 'tsx']` to run a .ts script from a tsx bench).
   */
  constructor(
    ns: string,
    args: SpeakerArgs | object,
    script = join(import.meta.dirname, 'speaker.js'),
    nodeArgs: readonly string[] = [],
  ) {
    this.child = spawnIn(ns, process.execPath, [...nodeArgs, script, JSON.stringify(args)]);
    let partial = '';
    this.child.stdout?.on('data', (d: Buffer) => {
      partial += d.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.startsWith('{')) continue;
        const raw = JSON.parse(l) as SpeakerEvent & { t: string };
        const e = { ...raw, t: BigInt(raw.t) };
        this.events.push(e);
        for (const listener of this.listeners) listener(e);
      }
      this.wake?.();
    });
    void this.child.exited.then(() => {
      this.exited = true;
      this.wake?.();
    });
  }

  /** A fatal event (NOTIFICATION, closed, …) so far, if any. */
  trouble(): SpeakerEvent | undefined {
    return this.events.find((e) => FATAL.has(e.event));
  }

  /** The newest `event` so far, if any. */
  latest(event: string): SpeakerEvent | undefined {
    return this.events.findLast((e) => e.event === event);
  }

  /** Every `event` so far, oldest first. */
  all(event: string): SpeakerEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Waits for the first `event` (bounded); fails at once on a fatal event or exit. */
  async next(event: string, timeoutMs: number): Promise<SpeakerEvent> {
    const find = () => this.events.find((e) => e.event === event);
    await this.until(() => find() !== undefined, timeoutMs, `'${event}'`);
    return find() as SpeakerEvent;
  }

  /**
   * Calls `listener` with every event from now on, as it is read (a bench that follows many
   * events keeps its own tally instead of scanning the whole list again).
   */
  onEvent(listener: (e: SpeakerEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Waits (bounded) until `done()` holds, asking again only when new events have arrived (no
   * polling: the bench's own CPU stays off the machine the daemons are measured on); fails at once
   * on a fatal event or exit.
   */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done()) return;
      const bad = this.trouble();
      if (bad)
        throw new Error(`speaker: ${JSON.stringify(bad, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
      if (this.exited) throw new Error(`speaker exited before ${what}: ${this.child.output().slice(-1000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for speaker ${what}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, Math.min(left, 1000));
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
  }

  /** Starts the UPDATE stream (the speaker waits for SIGUSR2 once Established); again: the next file. */
  go(): void {
    process.kill(this.child.pid, 'SIGUSR2');
  }

  stop(): Promise<void> {
    return this.child.stop(2000);
  }
}
