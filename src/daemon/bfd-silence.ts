// After a BFD Down, BGP stays down until BFD is Up again — while the peer still runs its BFD
// session. A peer that has gone silent on BFD has no session left to bring Up: FRR, for one,
// deletes the BFD session of a dynamic (listen range) neighbor together with that BGP session, and
// creates it again only when a new BGP connection arrives. Holding BGP down for such a peer would
// wait forever. So a hold ends once no BFD packet has come from the peer for `silentMs`: BGP then
// runs as it does with a BFD session that never came up (which blocks nothing unless strict), and
// the next Up → Down holds it again.
import type { Clock } from '../session/clock.js';

/**
 * How long a held peer may send no BFD packet before its hold ends. A peer with a session sends at
 * least at its slow rate while not Up (RFC 5880 §6.8.3: not less than one second, a few seconds at
 * most in practice — BIRD's idle tx interval is configurable): 10 s is several such intervals.
 */
export const BFD_SILENT_RELEASE_MS = 10_000;

export class BfdSilenceWatch {
  private timer: unknown;
  private lastCount = -1;
  private quietSince = 0;

  /**
   * Checks every second whether `packetsIn()` moved; calls `silent()` once it stood still for
   * `silentMs`. Stops itself after calling `silent()`.
   */
  constructor(
    private readonly clock: Clock,
    private readonly packetsIn: () => number,
    private readonly silent: () => void,
    private readonly silentMs = BFD_SILENT_RELEASE_MS,
  ) {
    this.check();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check = (): void => {
    this.timer = undefined;
    const count = this.packetsIn();
    const now = this.clock.now();
    if (count !== this.lastCount) {
      this.lastCount = count;
      this.quietSince = now;
    } else if (now - this.quietSince >= this.silentMs) {
      this.silent();
      return;
    }
    this.timer = this.clock.setTimeout(this.check, Math.min(1_000, this.silentMs));
  };
}
