// Scenario 4: (a) a neighbor with maxPrefixes.limit SOAK_MAXPFX_LIMIT sends SOAK_MAXPFX_SENT routes:
// torn down with Cease / Maximum Number of Prefixes Reached (RFC 4486 §4: data AFI, SAFI, limit),
// checked on the octets it received; (b) another neighbor sends SOAK_FLAP_UPDATES UPDATEs of one
// route, announce / withdraw alternately, in one stream: Herald's CPU and RSS stay bounded and the
// final state is exact. Throughout, a third session (hold time 9 s) gets its KEEPALIVEs on time and
// BIRD does not flap.
import { MessageType } from '../../../src/wire/index.js';
import { waitFor } from '../../../test/interop/harness/util.js';
import { announcement } from '../../../test/adversarial/lab.js';
import { knobs, WATCH_HOLD_TIME } from '../knobs.js';
import { reconfigure, withLab } from '../lab.js';
import { mib, Sampler, settle } from '../probe.js';
import { Report } from '../report.js';
import { announceAll, establish, hostRoutes, KeepaliveWatch, speakerAsn, waitNeighbor, withdrawal } from '../speaker.js';

const FLAPPING = '203.0.113.77/32';
const MARKER = '203.0.113.200/32';
const CPU_PER_UPDATE_US = 100;
const RSS_BOUND = 64 * 1048576;
const KEEPALIVE_LATE = 0.5;

export async function maxPrefix(): Promise<Report> {
  const r = new Report('maxprefix');
  const limit = knobs.maxPrefixLimit;
  const sent = knobs.maxPrefixSent;
  const updates = knobs.flapUpdates;
  await withLab([{ asn: speakerAsn(0) }, { asn: speakerAsn(1) }, { asn: speakerAsn(2) }], async (lab) => {
    const [capped, flapper, watched] = [0, 1, 2].map((i) => lab.address(i));
    await reconfigure(
      lab,
      (c) => {
        const n = c.neighbors.find((x) => x.address === capped);
        if (!n) throw new Error(`no neighbor ${capped}`);
        n.maxPrefixes = { limit };
      },
      async () => {
        const c = (await lab.herald.api<{ neighbors: Array<{ address: string; maxPrefixes?: { limit: number } }> }>('GET', '/api/v1/config')).body;
        return c.neighbors.find((x) => x.address === capped)?.maxPrefixes?.limit === limit;
      },
    );
    const watcher = await establish(lab, 2, WATCH_HOLD_TIME);
    const keepalives = new KeepaliveWatch(watcher);
    const birdFlaps = (await lab.goodSession()).flaps;

    // (a) past the limit
    r.note(`(a) limit ${limit}, ${sent} routes sent`);
    const s0 = await establish(lab, 0);
    const t0 = performance.now();
    await s0.send(announceAll(hostRoutes('100.64.0.0', sent), speakerAsn(0)));
    const n = await s0.notification();
    const tornDown = performance.now() - t0;
    const raw = s0.received.find((m) => m.type === MessageType.NOTIFICATION)?.body.toString('hex') ?? '';
    const expected = `0601 0001 01 ${limit.toString(16).padStart(8, '0')}`.replace(/ /g, '');
    await waitNeighbor(lab, capped, { notState: 'Established', received: 0 });
    const cappedView = await lab.herald.neighbor(capped);
    r.figure('NOTIFICATION received', `${n.code}/${n.subcode}, octets ${raw} (after ${tornDown.toFixed(0)} ms)`);
    r.figure('capped neighbor', `${cappedView.state}, ${cappedView.prefixes.received} routes held, lastError ${JSON.stringify(cappedView.lastError)}`);
    r.check(
      'torn down with Cease/Maximum Number of Prefixes Reached',
      raw === expected && cappedView.state !== 'Established',
      `body ${raw}, expected ${expected} (Cease 6, subcode 1, AFI 1, SAFI 1, limit ${limit})`,
    );

    // (b) one route flapping
    r.note(`(b) ${updates} UPDATEs of ${FLAPPING}, announce/withdraw alternately`);
    const s1 = await establish(lab, 1);
    const up = announcement([FLAPPING], { as4: true }, speakerAsn(1));
    const down = withdrawal(FLAPPING);
    const stream = Buffer.concat(Array.from({ length: updates }, (_, i) => (i % 2 === 0 ? up : down)));
    const lastIsAnnounce = (updates - 1) % 2 === 0;
    const before = await settle(lab.herald);
    const received0 = (await lab.herald.neighbor(flapper)).messages.received.update;
    keepalives.reset();
    const sampler = new Sampler(lab.herald.process.pid);
    await s1.send(stream);
    await s1.send(announcement([MARKER], { as4: true }, speakerAsn(1)));
    await waitFor(
      async () => (await lab.herald.neighbor(flapper)).messages.received.update >= received0 + updates + 1,
      { timeoutMs: 300_000, intervalMs: 100, what: `${updates} UPDATEs processed` },
    );
    const load = sampler.stop();
    await waitFor(() => keepalives.stamps.length >= 3, { timeoutMs: 15_000, what: 'three KEEPALIVEs' });
    const gap = keepalives.maxGap();
    const held = new Set(await lab.routesOf(flapper));
    const exact = held.has(MARKER) && held.has(FLAPPING) === lastIsAnnounce && held.size === (lastIsAnnounce ? 2 : 1);
    const after = await settle(lab.herald);
    const flapView = await lab.herald.neighbor(flapper);
    const watchedView = await lab.herald.neighbor(watched);
    const bird = await lab.goodSession();
    const cpuPerUpdate = (load.cpu / updates) * 1e6;

    r.figure('processed', `${updates} UPDATEs (${mib(stream.length)}) in ${load.wall.toFixed(1)} s, ${(updates / load.wall).toFixed(0)}/s`);
    r.figure('Herald CPU', `${load.cpu.toFixed(1)} s (${cpuPerUpdate.toFixed(1)} µs per UPDATE, ${(load.cpuShare * 100).toFixed(0)} % of a core)`);
    r.figure('Herald RSS', `settled ${mib(before.rss)} before, peak ${mib(load.peakRss)}, settled ${mib(after.rss)} after; heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}`);
    r.figure('final routes of the flapping peer', [...held].sort().join(', '));
    r.figure('other sessions', `raw peer ${watchedView.state} (largest KEEPALIVE gap ${gap.toFixed(2)} s), BIRD ${bird.state} (flaps ${bird.flaps})`);

    r.check('CPU bounded', cpuPerUpdate <= CPU_PER_UPDATE_US, `${cpuPerUpdate.toFixed(1)} ≤ ${CPU_PER_UPDATE_US} µs per UPDATE`);
    r.check('RSS bounded', load.peakRss <= before.rss + RSS_BOUND, `peak ${mib(load.peakRss)} ≤ ${mib(before.rss)} + ${mib(RSS_BOUND)}`);
    r.check(
      'final state exact',
      exact && flapView.state === 'Established',
      `${flapView.state}; ${FLAPPING} ${held.has(FLAPPING) ? 'held' : 'absent'} (last UPDATE ${lastIsAnnounce ? 'announced' : 'withdrew'} it), marker held`,
    );
    r.check(
      'other sessions on time',
      watchedView.state === 'Established' && gap <= WATCH_HOLD_TIME / 3 + KEEPALIVE_LATE && bird.state === 'Established' && bird.flaps === birdFlaps,
      `KEEPALIVE gap ${gap.toFixed(2)} ≤ ${WATCH_HOLD_TIME / 3 + KEEPALIVE_LATE} s, BIRD flaps ${birdFlaps} → ${bird.flaps}`,
    );
    s0.close();
    s1.close();
    watcher.close();
  });
  return r;
}
