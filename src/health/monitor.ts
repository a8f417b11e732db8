// Runs one health check until stopped: probes one at a time, `interval` seconds after the previous
// one finished, and reports up/down changes (rise/fall hysteresis, see rise-fall.ts).
import { errorDetail } from './error-detail.js';
import { probe } from './probe.js';
import { nextState } from './rise-fall.js';
import type { HealthCheckSpec, HealthState, ProbeResult } from './types.js';

/** Called on every state change, never after stop(). It must not throw. */
export type HealthChangeListener = (state: HealthState, last: ProbeResult) => void;

export interface HealthMonitorOptions {
  /** The probe function; tests inject scripted ones. */
  probe?: typeof probe;
}

export class HealthMonitor {
  private current: HealthState = 'unknown';
  private last: ProbeResult | undefined;
  private changedAt: number | undefined;
  private okCount = 0;
  private failCount = 0;
  private streak = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private active = false;
  private readonly probeFn: typeof probe;

  constructor(
    readonly spec: HealthCheckSpec,
    private readonly onChange: HealthChangeListener,
    options: HealthMonitorOptions = {},
  ) {
    this.probeFn = options.probe ?? probe;
  }

  get state(): HealthState {
    return this.current;
  }
  /** The latest probe result; undefined before the first one. */
  get lastResult(): ProbeResult | undefined {
    return this.last;
  }
  /** When the state last changed (epoch ms); undefined while still 'unknown'. */
  get lastChange(): number | undefined {
    return this.changedAt;
  }
  /** Successful probes in total. */
  get successes(): number {
    return this.okCount;
  }
  /** Failed probes in total. */
  get failures(): number {
    return this.failCount;
  }
  /** How many results in a row have had the latest result's outcome (lastResult.ok). */
  get consecutive(): number {
    return this.streak;
  }
  get running(): boolean {
    return this.active;
  }

  /** Probes at once, then every interval. Idempotent; after stop() it resumes with the state kept. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  /** Cancels the next probe and aborts the one in flight; no onChange call happens after this. */
  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.probeOnce(), ms);
  }

  private async probeOnce(): Promise<void> {
    this.timer = undefined;
    const controller = new AbortController();
    this.inFlight = controller;
    const result = await this.safeProbe(controller.signal);
    if (controller.signal.aborted) return; // stopped meanwhile
    this.inFlight = undefined;
    const changed = this.record(result);
    this.schedule(this.spec.interval * 1000);
    if (changed) this.onChange(this.current, result);
  }

  private async safeProbe(signal: AbortSignal): Promise<ProbeResult> {
    try {
      return await this.probeFn(this.spec, signal);
    } catch (err) {
      return { ok: false, detail: errorDetail(err) };
    }
  }

  /** Counts a result; true when it changed the state. */
  private record(result: ProbeResult): boolean {
    this.streak = this.last?.ok === result.ok ? this.streak + 1 : 1;
    this.last = result;
    if (result.ok) this.okCount++;
    else this.failCount++;
    const next = nextState(this.current, result.ok, this.streak, this.spec);
    if (next === this.current) return false;
    this.current = next;
    this.changedAt = Date.now();
    return true;
  }
}
