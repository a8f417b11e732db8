// A BfdManager on the calling thread as a session runner, over a given network: what tests (an
// in-memory fabric) and tools use where the daemon runs its UDP sessions in the BFD worker.
import type { Clock } from '../session/clock.js';
import { BfdManager } from './manager.js';
import type { BfdNetwork } from './network.js';
import type { BfdSessionRunner } from './worker-manager.js';

export function managerRunner(network: BfdNetwork, clock?: Clock): BfdSessionRunner {
  const manager = new BfdManager({ network, ...(clock && { clock }) });
  return {
    acquire: (spec, listener) => manager.acquire(spec, listener),
    close: async () => {
      manager.closeAll();
      await network.close();
    },
  };
}
