// The health-check contract shared by the probes, the monitor and the daemon's config.

/** Exactly one of command / tcp / http is set. */
export interface HealthCheckSpec {
  /** Run with /bin/sh -c; healthy when it exits 0 within the timeout. */
  command?: string;
  /** "HOST:PORT" or "[v6]:PORT"; healthy when a TCP connect completes within the timeout. */
  tcp?: string;
  /** http:// or https:// URL; healthy when the status is in expectStatus (default: any 2xx). */
  http?: string;
  /** http only. Redirects are not followed, so a 3xx can be expected too. */
  expectStatus?: number[];
  /** Seconds from the end of one probe to the start of the next (may be fractional). */
  interval: number;
  /** Seconds per probe; a timed-out probe fails and its process/socket/request is killed/aborted. */
  timeout: number;
  /** Consecutive successes to go from down to up. */
  rise: number;
  /** Consecutive failures to go from up to down. */
  fall: number;
}

export type HealthState = 'up' | 'down' | 'unknown';

/** `detail` e.g. "exit 0", "exit 1: <last output line>", "ECONNREFUSED", "HTTP 503", "timeout after 2s". */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}
