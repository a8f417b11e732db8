// The scale of each soak scenario, from the environment (defaults: the full issue-16 figures that fit
// in about 15 minutes on 2 cores). `SOAK=flaps,flood npm run soak` selects scenarios.
function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

export const knobs = {
  /** Scenario 1: up/down cycles, routes per cycle. */
  flapCycles: int('SOAK_FLAP_CYCLES', 1000),
  flapRoutes: int('SOAK_FLAP_ROUTES', 10_000),
  /** Scenario 2: routes Herald originates (via the API) for the stalled peer; its hold time. */
  stallRoutes: int('SOAK_STALL_ROUTES', 100_000),
  stallHoldTime: int('SOAK_STALL_HOLD', 9),
  /** 0: no new routes during the stall (each costs Herald work proportional to the table). */
  stallMarkers: int('SOAK_STALL_MARKERS', 1),
  /** Scenario 3: connections from unknown addresses, at most this many open at once. */
  floodConnections: int('SOAK_FLOOD_CONNECTIONS', 5000),
  floodConcurrency: int('SOAK_FLOOD_CONCURRENCY', 100),
  /** Scenario 4: the max-prefix limit and what the peer sends; the flapping UPDATEs. */
  maxPrefixLimit: int('SOAK_MAXPFX_LIMIT', 1000),
  maxPrefixSent: int('SOAK_MAXPFX_SENT', 5000),
  flapUpdates: int('SOAK_FLAP_UPDATES', 100_000),
  /** Scenario 5: routes Herald announces per family before the graceful restart. */
  restartRoutes: int('SOAK_RESTART_ROUTES', 1000),
};

/** Keepalive interval of the "other" sessions whose timing is watched: hold 9 s → keepalive 3 s. */
export const WATCH_HOLD_TIME = 9;
