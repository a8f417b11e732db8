// Scenario 3: thousands of TCP connections to port 179 from addresses that are no neighbor, each
// sending random octets (flood.agent.ts in the peer namespace). Criteria: each is closed quickly,
// no descriptor, heap or RSS growth once settled, and the configured sessions (a raw speaker with
// hold time 9 s, BIRD) neither flap nor miss a KEEPALIVE.
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../../test/interop/harness/util.js';
import { knobs, WATCH_HOLD_TIME } from '../knobs.js';
import { withLab } from '../lab.js';
import { mib, Sampler, settle } from '../probe.js';
import { Report } from '../report.js';
import { establish, KeepaliveWatch, speakerAsn } from '../speaker.js';

const AGENT = fileURLToPath(new URL('../flood.agent.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCES = ['10.0.0.250', '10.0.0.251', '10.0.0.252', '10.0.0.253'];
const CLOSE_P99_MS = 100;
const CLOSE_MAX_MS = 1000;
const HEAP_SLACK = 4 * 1048576;
const RSS_SLACK = 16 * 1048576;
const KEEPALIVE_LATE = 0.5;

interface FloodResult {
  connections: number;
  refused: number;
  timedOut: number;
  seconds: number;
  closeMs: { p50: number; p99: number; max: number };
}

export async function flood(): Promise<Report> {
  const r = new Report('flood');
  const count = knobs.floodConnections;
  r.note(`${count} connections with random octets from ${SOURCES.length} unknown addresses, ${knobs.floodConcurrency} at once`);
  await withLab([{ asn: speakerAsn(0) }], async (lab) => {
    await lab.t.exec(lab.t.b.ns, 'ip', ['-batch', '-'], {
      input: SOURCES.map((a) => `addr add ${a}/24 dev ${lab.t.b.ifname}\n`).join(''),
    });
    const watcher = await establish(lab, 0, WATCH_HOLD_TIME);
    const keepalives = new KeepaliveWatch(watcher);
    const birdFlaps = (await lab.goodSession()).flaps;
    const run = async (n: number): Promise<FloodResult> => {
      const agent = lab.t.spawn(
        lab.t.b.ns,
        process.execPath,
        ['--import', 'tsx', AGENT, JSON.stringify({ host: lab.t.a.ipv4, sources: SOURCES, count: n, concurrency: knobs.floodConcurrency })],
        { cwd: ROOT },
      );
      const code = await Promise.race([agent.exited, new Promise((res) => setTimeout(res, 300_000, 'timeout'))]);
      if (code !== 0) throw new Error(`flood agent: ${code}: ${agent.output()}`);
      return JSON.parse(agent.output().split('\n').find((l) => l.includes('"done"')) ?? '{}');
    };

    await run(Math.min(200, count)); // warm-up: code paths compiled, log buffers allocated
    const before = await settle(lab.herald);
    keepalives.reset();
    const sampler = new Sampler(lab.herald.process.pid);
    const res = await run(count);
    const load = sampler.stop();
    await waitFor(() => keepalives.stamps.length >= 3, { timeoutMs: 15_000, what: 'three KEEPALIVEs' });
    const after = await settle(lab.herald);
    const gap = keepalives.maxGap();
    const nb = await lab.herald.neighbor(lab.address(0));
    const bird = await lab.goodSession();

    r.figure('connections', `${res.connections} in ${res.seconds.toFixed(1)} s (${(res.connections / res.seconds).toFixed(0)}/s), refused ${res.refused}, not closed by Herald within 5 s ${res.timedOut}`);
    r.figure('time to close', `p50 ${res.closeMs.p50.toFixed(1)} ms, p99 ${res.closeMs.p99.toFixed(1)} ms, max ${res.closeMs.max.toFixed(1)} ms`);
    r.figure('Herald during the flood', `CPU ${(load.cpuShare * 100).toFixed(0)} % of a core, RSS peak ${mib(load.peakRss)}`);
    r.figure('settled before / after', `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}, RSS ${mib(before.rss)} → ${mib(after.rss)}, fds ${before.fds} → ${after.fds}`);
    r.figure('configured sessions', `raw peer ${nb.state} (largest KEEPALIVE gap ${gap.toFixed(2)} s), BIRD ${bird.state} (flaps ${bird.flaps})`);

    r.check(
      'rejected quickly',
      res.connections === count && res.timedOut === 0 && res.closeMs.p99 <= CLOSE_P99_MS && res.closeMs.max <= CLOSE_MAX_MS,
      `${res.connections}/${count} closed, p99 ${res.closeMs.p99.toFixed(1)} ≤ ${CLOSE_P99_MS} ms, max ${res.closeMs.max.toFixed(0)} ≤ ${CLOSE_MAX_MS} ms`,
    );
    r.check('no descriptor growth', after.fds <= before.fds, `${before.fds} → ${after.fds}`);
    r.check(
      'no memory growth',
      after.heapUsed <= before.heapUsed + HEAP_SLACK && after.rss <= before.rss + RSS_SLACK,
      `heap +${mib(after.heapUsed - before.heapUsed)} ≤ ${mib(HEAP_SLACK)}, RSS +${mib(after.rss - before.rss)} ≤ ${mib(RSS_SLACK)}`,
    );
    r.check(
      'configured sessions unaffected',
      nb.state === 'Established' && bird.state === 'Established' && bird.flaps === birdFlaps && gap <= WATCH_HOLD_TIME / 3 + KEEPALIVE_LATE,
      `raw peer ${nb.state}, BIRD ${bird.state} flaps ${birdFlaps} → ${bird.flaps}, KEEPALIVE gap ${gap.toFixed(2)} ≤ ${WATCH_HOLD_TIME / 3 + KEEPALIVE_LATE} s`,
    );
    watcher.close();
  });
  return r;
}
