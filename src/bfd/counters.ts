// A BFD session's packet and transition counters (the API's and metrics' view of a session). Its own
// module so the daemon's thread, whose sessions run in the BFD worker, shows them without loading
// the session code.
import type { BfdDiscardReason } from './fsm-types.js';

export interface BfdCounters {
  packetsIn: number;
  packetsOut: number;
  /** Packets the codec rejected (§6.8.6 checks) or the state machine discarded. */
  discarded: number;
  discardedBy: Partial<Record<BfdDiscardReason | 'malformed', number>>;
  upTransitions: number;
  downTransitions: number;
}

/** A session's counters before its first packet. */
export const zeroCounters = (): BfdCounters => ({
  packetsIn: 0,
  packetsOut: 0,
  discarded: 0,
  discardedBy: {},
  upTransitions: 0,
  downTransitions: 0,
});
