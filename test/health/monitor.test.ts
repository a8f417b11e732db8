// The monitor over scripted probes (deterministic result sequences), then once over a real TCP
// listener. Waits are on observable events (probe calls, onChange), never on elapsed time.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthMonitor } from '../../src/health/monitor.js';
import type { probe } from '../../src/health/probe.js';
import type { HealthCheckSpec, HealthState, ProbeResult } from '../../src/health/types.js';
import { waitUntil, within } from './wait.js';

type Step = boolean | Error | 'sync-throw';

/**
 * A probe that answers from a queue (true = ok, false = failure, an Error = rejection) and, when
 * the queue is empty, waits until aborted. Results are numbered "#1", "#2", ... by call.
 */
class Script {
  readonly calls: AbortSignal[] = [];
  waiting = false;
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly queue: Step[]) {}

  readonly probe: typeof probe = (_spec, signal) => {
    this.calls.push(signal!);
    const n = this.calls.length;
    const step = this.queue.shift();
    if (step === 'sync-throw') throw new Error(`sync #${n}`);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    if (step === undefined) {
      this.waiting = true;
      return new Promise((resolve) =>
        signal!.addEventListener('abort', () => {
          this.waiting = false;
          this.inFlight--;
          resolve({ ok: false, detail: 'aborted' });
        }),
      );
    }
    // Settle on a later tick, like a real probe.
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        this.inFlight--;
        if (step instanceof Error) reject(step);
        else resolve({ ok: step, detail: `#${n}` });
      }),
    );
  };

  /** Until every queued step has been answered and the next call is waiting. */
  drained(): Promise<void> {
    return waitUntil(() => this.waiting, 3000, `script drained (${this.calls.length} calls)`);
  }
}

const spec = (rise: number, fall: number): HealthCheckSpec => ({
  command: 'unused',
  interval: 0.001,
  timeout: 1,
  rise,
  fall,
});

describe('HealthMonitor', () => {
  const monitors: HealthMonitor[] = [];
  const servers: net.Server[] = [];

  afterEach(async () => {
    for (const m of monitors.splice(0)) m.stop();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  function monitor(s: HealthCheckSpec, script?: Script) {
    const changes: [HealthState, string][] = [];
    const m = new HealthMonitor(s, (state, last) => changes.push([state, last.detail]), {
      probe: script?.probe,
    });
    monitors.push(m);
    return { m, changes };
  }

  /** A started rise 1 / fall 1 monitor over the script. */
  function start(script: Script) {
    const handle = monitor(spec(1, 1), script);
    handle.m.start();
    return handle;
  }

  it('starts unknown and lets the first success decide at once', async () => {
    const script = new Script([true]);
    const { m, changes } = monitor(spec(3, 3), script);
    expect([m.state, m.lastResult, m.lastChange]).toEqual(['unknown', undefined, undefined]);
    const before = Date.now();
    m.start();
    await script.drained();
    expect(changes).toEqual([['up', '#1']]);
    expect(m.state).toBe('up');
    expect(m.lastChange).toBeGreaterThanOrEqual(before);
    expect(m.lastChange).toBeLessThanOrEqual(Date.now());
  });

  it('lets the first failure decide at once', async () => {
    const script = new Script([false]);
    const { m, changes } = monitor(spec(3, 3), script);
    m.start();
    await script.drained();
    expect(changes).toEqual([['down', '#1']]);
    expect(m.lastResult).toEqual({ ok: false, detail: '#1' });
  });

  it('needs rise successes in a row to come up', async () => {
    const script = new Script([false, true, true, false, true, true, true, true]);
    const { m, changes } = monitor(spec(3, 2), script);
    m.start();
    await script.drained();
    expect(changes).toEqual([
      ['down', '#1'],
      ['up', '#7'],
    ]);
    expect([m.successes, m.failures, m.consecutive]).toEqual([6, 2, 4]);
  });

  it('needs fall failures in a row to go down', async () => {
    const script = new Script([true, false, true, false, false, false]);
    const { m, changes } = monitor(spec(3, 2), script);
    m.start();
    await script.drained();
    expect(changes).toEqual([
      ['up', '#1'],
      ['down', '#5'],
    ]);
    expect([m.state, m.successes, m.failures, m.consecutive]).toEqual(['down', 2, 4, 3]);
  });

  it('follows every result with rise 1 and fall 1', async () => {
    const script = new Script([true, false, true, true]);
    const { changes } = start(script);
    await script.drained();
    expect(changes).toEqual([
      ['up', '#1'],
      ['down', '#2'],
      ['up', '#3'],
    ]);
  });

  it('counts a probe that throws or rejects as a failure', async () => {
    const script = new Script([true, new Error('boom'), true, 'sync-throw']);
    const { m, changes } = start(script);
    await script.drained();
    expect(changes).toEqual([
      ['up', '#1'],
      ['down', 'boom'],
      ['up', '#3'],
      ['down', 'sync #4'],
    ]);
    expect([m.successes, m.failures]).toEqual([2, 2]);
  });

  it('never runs probes concurrently, even when started twice', async () => {
    const script = new Script(Array.from({ length: 20 }, (_, i) => i % 3 !== 0));
    const { m } = monitor(spec(2, 2), script);
    m.start();
    m.start();
    await script.drained();
    expect(script.calls).toHaveLength(21);
    expect(script.maxInFlight).toBe(1);
  });

  it('stop() aborts the probe in flight and nothing is reported after it', async () => {
    let release!: (r: ProbeResult) => void;
    const calls: AbortSignal[] = [];
    const changes: HealthState[] = [];
    // The second probe ignores its abort signal and fails later, after stop().
    const stubborn: typeof probe = (_spec, signal) => {
      calls.push(signal!);
      if (calls.length === 1) return Promise.resolve({ ok: true, detail: 'first' });
      return new Promise((r) => {
        release = r;
      });
    };
    const m = new HealthMonitor(spec(1, 1), (state) => changes.push(state), { probe: stubborn });
    monitors.push(m);
    m.start();
    await waitUntil(() => calls.length === 2, 3000, 'second probe started');
    m.stop();
    expect(calls[1].aborted).toBe(true);
    expect(m.running).toBe(false);
    release({ ok: false, detail: 'late failure' });
    await new Promise((r) => setTimeout(r, 50)); // many intervals
    expect(changes).toEqual(['up']);
    expect(calls).toHaveLength(2);
    expect([m.state, m.failures]).toEqual(['up', 0]);
  });

  it('can be stopped from onChange', async () => {
    const calls: number[] = [];
    const counting: typeof probe = async () => {
      calls.push(calls.length);
      return { ok: true, detail: 'ok' };
    };
    const m: HealthMonitor = new HealthMonitor(spec(1, 1), () => m.stop(), { probe: counting });
    monitors.push(m);
    m.start();
    await waitUntil(() => m.state === 'up', 3000, 'up');
    await new Promise((r) => setTimeout(r, 50)); // many intervals
    expect(calls).toHaveLength(1);
  });

  it('resumes after stop() with its state kept', async () => {
    const script = new Script([true]);
    const { m, changes } = start(script);
    await script.drained();
    m.stop();
    script.queue.push(false);
    m.start();
    await waitUntil(() => changes.length === 2, 3000, 'second change');
    expect(changes).toEqual([
      ['up', '#1'],
      ['down', '#3'],
    ]);
  });

  it('goes up and down with a real TCP listener', async () => {
    const server = net.createServer((s) => s.destroy());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const { m, changes } = monitor({
      tcp: `127.0.0.1:${port}`,
      interval: 0.02,
      timeout: 1,
      rise: 2,
      fall: 2,
    });
    m.start();
    await waitUntil(() => changes.length === 1, 3000, 'first change');
    expect(changes[0]).toEqual(['up', 'connected']);
    await within(new Promise((r) => server.close(r)), 3000, 'server close');
    servers.pop();
    await waitUntil(() => changes.length === 2, 3000, 'second change');
    expect(changes[1]).toEqual(['down', 'ECONNREFUSED']);
    expect(m.consecutive).toBeGreaterThanOrEqual(2);
    expect(m.successes).toBeGreaterThanOrEqual(1);
  });
});
