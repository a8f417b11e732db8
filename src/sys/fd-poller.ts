// Readiness for descriptors Node cannot watch (a netlink socket is neither a TCP/UDP socket nor a
// pipe, so libuv will not adopt it). One poll(2) at a time runs on a worker thread (koffi async,
// the libuv thread pool) over every watched descriptor plus an eventfd; when it returns, the
// handlers of the readable descriptors run on the event loop (they read with MSG_DONTWAIT and stop
// after a time budget), and the poll is armed again. Changing the set writes the eventfd, so the
// running poll returns and is re-armed with the new set. With nothing watched no poll is pending,
// and the process may exit.
//
// Cost: one thread-pool thread is held while anything is watched (UV_THREADPOOL_SIZE defaults to 4).

import { EFD_CLOEXEC, EFD_NONBLOCK, type IoLibc, POLLERR, POLLHUP, POLLIN, POLLNVAL } from './io-libc.js';
import { check } from './libc.js';

const POLLFD_SIZE = 8;

export class FdPoller {
  private readonly handlers = new Map<number, () => void>();
  private wakeFd = -1;
  private running = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly scratch = Buffer.alloc(8);

  constructor(private readonly libc: IoLibc) {}

  /** Calls `onReadable` (on the event loop) whenever `fd` has data or an error pending. */
  watch(fd: number, onReadable: () => void): void {
    this.handlers.set(fd, onReadable);
    this.rearm();
  }

  /** Stops watching; resolves once no poll(2) holds `fd` any more (then it is safe to close). */
  unwatch(fd: number): Promise<void> {
    if (!this.handlers.delete(fd)) return Promise.resolve();
    if (!this.running) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.wake();
    return p;
  }

  get watching(): number {
    return this.handlers.size;
  }

  private rearm(): void {
    if (this.running) this.wake();
    else this.arm();
  }

  private wake(): void {
    this.scratch.writeBigUInt64LE(1n);
    this.libc.write(this.wakeFd, this.scratch, 8);
  }

  private arm(): void {
    if (this.handlers.size === 0) return;
    if (this.wakeFd < 0) {
      this.wakeFd = check(this.libc, this.libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), 'eventfd');
    }
    const fds = [this.wakeFd, ...this.handlers.keys()];
    const set = Buffer.alloc(fds.length * POLLFD_SIZE);
    fds.forEach((fd, i) => {
      set.writeInt32LE(fd, i * POLLFD_SIZE);
      set.writeInt16LE(POLLIN, i * POLLFD_SIZE + 4);
    });
    this.running = true;
    this.libc.pollAsync(set, fds.length, -1, (err, rc) => this.returned(set, fds, err, rc));
  }

  private returned(set: Buffer, fds: number[], err: unknown, rc: number): void {
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    try {
      if (!err && rc > 0) {
        if (set.readInt16LE(6) !== 0) this.libc.read(this.wakeFd, this.scratch, 8);
        for (let i = 1; i < fds.length; i++) {
          const revents = set.readInt16LE(i * POLLFD_SIZE + 6);
          if ((revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) === 0) continue;
          this.handlers.get(fds[i])?.();
        }
      }
    } finally {
      // EINTR (rc -1) or a wake-up: just poll again with the current set.
      this.arm();
    }
  }
}

let shared: FdPoller | undefined;

/** The process-wide poller (one worker thread for all netlink sockets). */
export function sharedPoller(libc: IoLibc): FdPoller {
  shared ??= new FdPoller(libc);
  return shared;
}
