// BfdManager's interface, served by the BFD worker thread (worker.ts): acquire() hands out a handle
// at once; the session is created in the worker, whose state changes come back as messages and
// reach the listener when this thread gets to them. view() is the worker's latest snapshot (sent
// on each state change and every second). A failure in the worker (port taken, conflicting spec)
// reaches the listener's error().
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-script.js';
import { zeroCounters } from './counters.js';
import type { BfdTimingConfig } from './driver.js';
import type { BfdHandle, BfdListener, BfdPeerSpec, BfdSessionInfo } from './manager.js';
import type { BfdState } from './registry.js';
import { sessionKey } from './session-key.js';
import type { BfdWorkerData, FromWorker, ToWorker } from './worker-protocol.js';

/** What the daemon needs from a session runner: this worker, or a BfdManager on its own thread. */
export interface BfdSessionRunner {
  acquire(spec: BfdPeerSpec, listener?: BfdListener): BfdHandle;
  /** AdminDown to every peer, sockets closed. */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 2000;

interface Live {
  readonly listener: BfdListener;
  state: BfdState;
  view: BfdSessionInfo;
}

/** Before the worker's first snapshot: Down, nothing heard, the asked-for multiplier. */
function initialView(spec: BfdPeerSpec): BfdSessionInfo {
  return {
    key: sessionKey(spec),
    peer: spec.peer,
    local: spec.local ?? null,
    interface: spec.interface ?? null,
    multihop: spec.multihop ?? false,
    users: 1,
    state: 'Down',
    remoteState: 'Down',
    localDiscr: 0,
    remoteDiscr: 0,
    localDiag: 0,
    remoteDiag: 0,
    txInterval: null,
    rxInterval: null,
    multiplier: spec.multiplier,
    remoteMultiplier: null,
    detectionTime: null,
    polling: false,
    lastDownDiag: null,
    lastDownAt: null,
    uptimeMs: null,
    counters: zeroCounters(),
  };
}

export class BfdWorkerManager implements BfdSessionRunner {
  private readonly worker: Worker;
  private readonly live = new Map<number, Live>();
  private nextId = 1;
  private closed?: () => void;

  constructor(udp: BfdWorkerData = {}) {
    this.worker = startWorker(new URL('./worker.js', import.meta.url), import.meta.url, udp);
    // The daemon's own handles decide when it exits, not this thread.
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.receive(m));
    this.worker.on('error', (e) => this.fail(`BFD worker failed: ${e.message}`));
  }

  acquire(spec: BfdPeerSpec, listener: BfdListener = {}): BfdHandle {
    const id = this.nextId++;
    const entry: Live = { listener, state: 'Down', view: initialView(spec) };
    this.live.set(id, entry);
    this.post({ op: 'acquire', id, spec });
    let released = false;
    return {
      key: entry.view.key,
      get state() {
        return entry.state;
      },
      view: () => entry.view,
      update: (timing: BfdTimingConfig) => {
        if (!released) this.post({ op: 'update', id, timing });
      },
      release: () => {
        if (released) return;
        released = true;
        this.live.delete(id);
        this.post({ op: 'release', id });
      },
    };
  }

  async close(): Promise<void> {
    this.live.clear();
    const done = new Promise<void>((resolve) => {
      this.closed = resolve;
      setTimeout(resolve, CLOSE_TIMEOUT_MS).unref();
    });
    this.post({ op: 'close' });
    await done;
    await this.worker.terminate();
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private receive(m: FromWorker): void {
    if (m.ev === 'closed') {
      this.closed?.();
      return;
    }
    if (m.ev === 'views') {
      for (const [id, view] of m.views) {
        const e = this.live.get(id);
        if (e) e.view = view;
      }
      return;
    }
    const e = this.live.get(m.id);
    if (!e) return;
    switch (m.ev) {
      case 'stateChange':
        e.state = m.to;
        e.listener.stateChange?.(m.from, m.to, m.diag);
        return;
      case 'up':
        e.listener.up?.();
        return;
      case 'down':
        e.listener.down?.(m.diag, m.at);
        return;
      case 'error':
        this.live.delete(m.id);
        e.listener.error?.(m.message);
        return;
    }
  }

  private fail(message: string): void {
    const all = [...this.live.values()];
    this.live.clear();
    for (const e of all) e.listener.error?.(message);
  }
}
