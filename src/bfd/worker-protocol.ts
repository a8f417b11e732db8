// Messages between the daemon's thread and the BFD worker (worker.ts, worker-manager.ts). Each
// user's acquire() is one handle id on both sides; the worker's BfdManager shares sessions by key
// exactly as it does on one thread.

import type { BfdTimingConfig } from './driver.js';
import type { BfdPeerSpec, BfdSessionInfo } from './manager.js';
import type { BfdDiag, BfdState } from './registry.js';
import type { BfdUdpOptions } from './udp-transport.js';

/** workerData: the UDP options without the random source (a function does not cross threads). */
export type BfdWorkerData = Omit<BfdUdpOptions, 'random'>;

export type ToWorker =
  | { op: 'acquire'; id: number; spec: BfdPeerSpec }
  | { op: 'update'; id: number; timing: BfdTimingConfig }
  | { op: 'release'; id: number }
  /** Every session AdminDown, sockets closed; answered with `closed`. */
  | { op: 'close' };

export type FromWorker =
  /** `at`: the worker's Date.now() when the session changed state (the daemon may see it later). */
  | { ev: 'stateChange'; id: number; from: BfdState; to: BfdState; diag: BfdDiag; at: number }
  | { ev: 'up'; id: number; at: number }
  | { ev: 'down'; id: number; diag: BfdDiag; at: number }
  /** acquire() failed (port taken, conflicting spec): the handle has no session. */
  | { ev: 'error'; id: number; message: string }
  /** Each live handle's session as seen now: after acquire and state changes, and every second. */
  | { ev: 'views'; views: Array<[id: number, view: BfdSessionInfo]> }
  | { ev: 'closed' };
