// Scenario 2: Herald holds a full table (SOAK_STALL_ROUTES /32s it originates, loaded by a config
// reload) when a peer connects, completes the OPEN exchange and hangs: it stops reading (its TCP
// receive window fills, Herald's writes stall) and sends nothing. Criteria: Herald drops it by its
// hold timer; its RSS stays bounded while the table is stuck; another session (a raw speaker with
// hold time 9 s) gets its KEEPALIVEs and a new route on time; BIRD's session does not flap.
import { fileURLToPath } from 'node:url';
import { HERALD_ROUTE } from '../../../test/adversarial/lab.js';
import { knobs, WATCH_HOLD_TIME } from '../knobs.js';
import { reconfigure, withLab } from '../lab.js';
import { mib, Sampler, settle } from '../probe.js';
import { Report } from '../report.js';
import { tcpQueues } from '../sockets.js';
import {
  establish,
  hostRoutes,
  KeepaliveWatch,
  speakerAsn,
  updateLatency,
  waitNeighbor,
} from '../speaker.js';
import { delay, Fatal, waitFor } from '../../../test/interop/harness/util.js';

const AGENT = fileURLToPath(new URL('../stall.agent.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RSS_BOUND = 64 * 1048576; // growth allowed while the table is stuck
const HEAP_SLACK = 4 * 1048576;
const KEEPALIVE_LATE = 0.5; // seconds past the keepalive interval
const UPDATE_LATE_MS = 1000;
const STALL_EXTRA_MS = 500;

export async function stall(): Promise<Report> {
  const r = new Report('stall');
  const n = knobs.stallRoutes;
  const hold = knobs.stallHoldTime;
  r.note(`${n} routes to send; the stalled peer offers hold time ${hold} s`);
  await withLab([{ asn: speakerAsn(0) }, { asn: speakerAsn(1) }], async (lab) => {
    const stalled = lab.address(0);
    const other = lab.address(1);
    // The table first: a reload of that many announcements is long, synchronous work (see the
    // figure), so the watched session is opened only afterwards.
    const t0 = performance.now();
    const table = hostRoutes('100.64.0.0', n).map((prefix) => ({ prefix }));
    await reconfigure(
      lab,
      (c) => {
        c.announce = [{ prefix: HERALD_ROUTE }, ...table];
      },
      async () => (await lab.herald.api<{ announcements: number }>('GET', '/api/v1/status')).body.announcements > n,
    );
    r.figure('table loaded by a reload', `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const birdFlaps = (await lab.goodSession()).flaps;
    r.figure('BIRD (hold time 9 s) flaps during the reload', birdFlaps);
    const watcher = await establish(lab, 1, WATCH_HOLD_TIME);
    const keepalives = new KeepaliveWatch(watcher);
    await waitNeighbor(lab, other, { state: 'Established' }, 30_000);
    await waitFor(async () => {
      const v = await lab.herald.neighbor(other);
      if (v.state !== 'Established') throw new Fatal(`${other} went ${v.state}: ${v.lastError}`);
      return v.prefixes.advertised === n + 1;
    }, {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: `${other} advertised ${n + 1} routes`,
    });
    r.figure('table loaded and sent to the other peers', `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // A new route every 2 s must reach the other peer (latency measured there); meanwhile the
    // kernel queues towards the stalled peer are read. Each run-time announcement costs Herald work
    // proportional to the table, so a control phase without the stalled peer measures that first.
    const latencies: number[] = [];
    let queued = { herald: 0, peer: 0 };
    let k = 0;
    const marker = async () => {
      const prefix = `198.18.0.${++k}/32`;
      const from = watcher.received.length;
      await lab.herald.api('POST', '/api/v1/announcements', { prefix });
      latencies.push(await updateLatency(watcher, prefix, from));
      const [a] = await tcpQueues(lab.t, lab.t.a.ns, stalled);
      const [b] = await tcpQueues(lab.t, lab.t.b.ns, lab.t.a.ipv4).then((l) => l.filter((x) => x.recvQ > 0));
      if (a && a.sendQ > queued.herald) queued = { ...queued, herald: a.sendQ };
      if (b && b.recvQ > queued.peer) queued = { ...queued, peer: b.recvQ };
      await delay(2000);
    };
    keepalives.reset();
    const control = new Sampler(lab.herald.process.pid);
    if (knobs.stallMarkers) for (let i = 0; i < 3; i++) await marker();
    else await delay(6000);
    const controlLoad = control.stop();
    const controlGap = keepalives.maxGap();
    const controlLatency = Math.max(0, ...latencies.splice(0));
    const before = await settle(lab.herald);
    r.figure(
      knobs.stallMarkers ? 'control (3 new routes, no stalled peer)' : 'control (6 s idle, no stalled peer)',
      `RSS peak ${mib(controlLoad.peakRss)}, new route delivered in max ${controlLatency.toFixed(0)} ms, largest KEEPALIVE gap ${controlGap.toFixed(2)} s`,
    );
    r.figure('before the stall', `heap ${mib(before.heapUsed)}, RSS ${mib(before.rss)}, fds ${before.fds}`);

    const sampler = new Sampler(lab.herald.process.pid);
    const agent = lab.t.spawn(
      lab.t.b.ns,
      process.execPath,
      ['--import', 'tsx', AGENT, JSON.stringify({ local: stalled, host: lab.t.a.ipv4, asn: speakerAsn(0), holdTime: hold })],
      { cwd: ROOT },
    );
    const event = (name: string) =>
      agent
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string; at: number; received?: number })
        .find((e) => e.event === name);
    const up = await waitFor(() => event('established'), { timeoutMs: 20_000, intervalMs: 20, what: 'the stalled peer up' });
    await waitNeighbor(lab, stalled, { state: 'Established' }, 10_000);
    keepalives.reset();
    const deadline = Date.now() + (hold + 30) * 1000;
    while ((await lab.herald.neighbor(stalled)).state === 'Established') {
      if (Date.now() > deadline) throw new Error(`stalled peer still Established after ${hold + 30} s`);
      if (knobs.stallMarkers) await marker();
      else {
        const [a] = await tcpQueues(lab.t, lab.t.a.ns, stalled);
        const [b] = await tcpQueues(lab.t, lab.t.b.ns, lab.t.a.ipv4).then((l) => l.filter((x) => x.recvQ > 0));
        if (a && a.sendQ > queued.herald) queued = { ...queued, herald: a.sendQ };
        if (b && b.recvQ > queued.peer) queued = { ...queued, peer: b.recvQ };
        await delay(200);
      }
    }
    // When Herald dropped it, from its own log (the loop above only looks between new routes).
    const down = lab.herald.logs().find((l) => l.peer === stalled && l.event === 'sessionDown');
    const droppedAfter = (Date.parse(String(down?.time)) - up.at) / 1000;
    const gap = keepalives.maxGap();
    const kaCount = keepalives.stamps.length;
    const load = sampler.stop();
    const nb = await lab.herald.neighbor(stalled);
    await waitFor(async () => (await tcpQueues(lab.t, lab.t.a.ns, stalled)).every((q) => q.state !== 'ESTAB'), {
      timeoutMs: 10_000,
      what: 'Herald’s socket to the stalled peer closed',
    });
    const after = await settle(lab.herald);
    const bird = await lab.goodSession();
    const otherNb = await lab.herald.neighbor(other);

    r.figure('octets the stalled peer read before hanging', up.received ?? 0);
    r.figure('largest Send-Q at Herald / Recv-Q at the peer', `${queued.herald} / ${queued.peer} octets`);
    r.figure('dropped after', `${droppedAfter.toFixed(1)} s (${nb.state}, lastError ${JSON.stringify(nb.lastError)})`);
    r.figure('RSS during the stall', `peak ${mib(load.peakRss)} (before ${mib(before.rss)}), CPU ${(load.cpuShare * 100).toFixed(0)} % of a core`);
    r.figure('after the drop', `heap ${mib(after.heapUsed)}, RSS ${mib(after.rss)}, fds ${after.fds}`);
    r.figure('other peer', `${kaCount} KEEPALIVEs, largest gap ${gap.toFixed(2)} s; new route delivered in max ${latencies.length ? Math.max(...latencies).toFixed(0) : '-'} ms over ${latencies.length} during the stall`);

    r.check(
      'Herald’s writes were stalled (zero window)',
      queued.herald > 0 && queued.peer > 0,
      `Send-Q ${queued.herald}, Recv-Q ${queued.peer}`,
    );
    r.check(
      'dropped by the hold timer',
      nb.state !== 'Established' && droppedAfter <= hold + 3 && /hold/i.test(String(nb.lastError)),
      `after ${droppedAfter.toFixed(1)} s, hold time ${hold} s, lastError ${JSON.stringify(nb.lastError)}`,
    );
    r.check(
      'RSS bounded while stuck',
      load.peakRss <= Math.max(before.rss, controlLoad.peakRss) + RSS_BOUND,
      `peak ${mib(load.peakRss)} ≤ control peak ${mib(Math.max(before.rss, controlLoad.peakRss))} + ${mib(RSS_BOUND)}`,
    );
    r.check(
      'memory released after the drop',
      after.heapUsed <= before.heapUsed + HEAP_SLACK && after.fds <= before.fds,
      `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}, fds ${before.fds} → ${after.fds}`,
    );
    r.check(
      'the stalled peer does not delay the other peer’s KEEPALIVEs',
      gap <= Math.max(controlGap, WATCH_HOLD_TIME / 3) + KEEPALIVE_LATE,
      `largest gap ${gap.toFixed(2)} s ≤ max(control ${controlGap.toFixed(2)}, ${WATCH_HOLD_TIME / 3}) + ${KEEPALIVE_LATE} s`,
    );
    r.check(
      'other peer’s KEEPALIVEs on time',
      Math.max(gap, controlGap) <= WATCH_HOLD_TIME / 3 + KEEPALIVE_LATE,
      `largest gap ${Math.max(gap, controlGap).toFixed(2)} s ≤ ${WATCH_HOLD_TIME / 3 + KEEPALIVE_LATE} s (control phase included)`,
    );
    if (knobs.stallMarkers) {
      const stallLatency = Math.max(...latencies);
      r.check(
        'the stalled peer does not delay the other peer’s UPDATEs',
        latencies.length > 0 && stallLatency <= controlLatency + STALL_EXTRA_MS,
        `max ${stallLatency.toFixed(0)} ms ≤ control ${controlLatency.toFixed(0)} + ${STALL_EXTRA_MS} ms`,
      );
      r.check(
        'a new route reaches the other peer within 1 s',
        Math.max(stallLatency, controlLatency) <= UPDATE_LATE_MS,
        `max ${Math.max(stallLatency, controlLatency).toFixed(0)} ms ≤ ${UPDATE_LATE_MS} ms with ${n} routes originated`,
      );
    }
    r.check(
      'other sessions did not flap',
      otherNb.state === 'Established' && bird.state === 'Established' && bird.flaps === birdFlaps,
      `raw peer ${otherNb.state}, BIRD ${bird.state} flaps ${birdFlaps} → ${bird.flaps}`,
    );
    await agent.stop(1000);
    watcher.close();
  });
  return r;
}

