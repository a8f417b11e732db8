// A stand-in for the kernel's neighbor table (src/sys/link-routers.ts): a test emits 'router'.
import { EventEmitter } from 'node:events';
import type { LinkRoutersLike } from '../../src/daemon/unnumbered.js';

export class FakeLinkRouters extends EventEmitter {
  started = false;
  start(): void {
    this.started = true;
  }
  async stop(): Promise<void> {
    this.started = false;
  }
  /** As the daemon's options take it. */
  get asRouters(): LinkRoutersLike {
    return this as unknown as LinkRoutersLike;
  }
}
