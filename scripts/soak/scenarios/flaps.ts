// Scenario 1: a peer comes up, sends its routes and goes away, SOAK_FLAP_CYCLES times (half the
// downs with a Cease NOTIFICATION, half by dropping TCP). After the first cycle and at the end — the
// same state: the session up with the routes of the last cycle — the daemon is settled (two full
// GCs) and its heap, RSS, descriptors and live handles compared. Cycles alternate between two route
// sets, so the final table is checked against exactly what was sent last.
import type { RawSpeaker } from '../../../test/adversarial/raw-speaker.js';
import { CeaseSubcode, encodeNotification, ErrorCode, Notification } from '../../../src/wire/index.js';
import { knobs } from '../knobs.js';
import { withLab } from '../lab.js';
import { mib, type Settled, settle } from '../probe.js';
import { Report } from '../report.js';
import { announceAll, establish, hostRoutes, speakerAsn, waitNeighbor } from '../speaker.js';

const HEAP_SLACK = 4 * 1048576; // bytes
const RSS_SLACK = 0.25; // of the baseline
const FD_SLACK = 0;

export async function flaps(): Promise<Report> {
  const r = new Report('flaps');
  const cycles = Math.max(2, knobs.flapCycles);
  const n = knobs.flapRoutes;
  r.note(`${cycles} up/down cycles, ${n} routes each`);
  await withLab([{ asn: speakerAsn(0) }], async (lab) => {
    const address = lab.address(0);
    const sets = [hostRoutes('100.64.0.0', n), hostRoutes('100.96.0.0', n)];
    const updates = sets.map((s) => announceAll(s, speakerAsn(0)));
    const cease = encodeNotification(
      new Notification(ErrorCode.CEASE, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN),
    );
    const birdFlaps = (await lab.goodSession()).flaps;

    const up = async (k: number): Promise<RawSpeaker> => {
      const s = await establish(lab, 0);
      await s.send(updates[k % 2]);
      await waitNeighbor(lab, address, { state: 'Established', received: n });
      return s;
    };
    const down = async (s: RawSpeaker, k: number): Promise<void> => {
      if (k % 2 === 0) await s.send(cease);
      s.close();
      await waitNeighbor(lab, address, { notState: 'Established', received: 0 });
    };

    let s = await up(0);
    const baseline = await settle(lab.herald);
    const samples: Array<[number, Settled]> = [[1, baseline]];
    const t0 = performance.now();
    const every = Math.max(1, Math.floor(cycles / 4));
    for (let k = 1; k < cycles; k++) {
      await down(s, k);
      s = await up(k);
      if ((k + 1) % every === 0 && k + 1 < cycles) samples.push([k + 1, await settle(lab.herald)]);
    }
    const loop = (performance.now() - t0) / 1000;
    const last = await settle(lab.herald);
    samples.push([cycles, last]);

    r.figure('cycles', cycles);
    r.figure('time per cycle (up, routes in, down)', `${((loop / (cycles - 1)) * 1000).toFixed(0)} ms`);
    for (const [k, x] of samples)
      r.figure(
        `after cycle ${k}`,
        `heap ${mib(x.heapUsed)}, RSS ${mib(x.rss)}, fds ${x.fds}, handles ${JSON.stringify(x.resources)}`,
      );

    const held = new Set(await lab.routesOf(address));
    const sentLast = sets[(cycles - 1) % 2];
    const exact = held.size === sentLast.length && sentLast.every((p) => held.has(p));
    const nb = await lab.herald.neighbor(address);
    const bird = await lab.goodSession();
    r.figure('final', `${nb.state}, ${held.size} routes held, BIRD ${bird.state} (flaps ${bird.flaps})`);

    r.check(
      'heap back to baseline',
      last.heapUsed <= baseline.heapUsed + HEAP_SLACK,
      `${mib(baseline.heapUsed)} → ${mib(last.heapUsed)}, allowed +${mib(HEAP_SLACK)}`,
    );
    r.check(
      'RSS back to baseline',
      last.rss <= baseline.rss * (1 + RSS_SLACK),
      `${mib(baseline.rss)} → ${mib(last.rss)}, allowed +${RSS_SLACK * 100} %`,
    );
    r.check('descriptors back to baseline', last.fds <= baseline.fds + FD_SLACK, `${baseline.fds} → ${last.fds}`);
    r.check(
      'live handles back to baseline',
      JSON.stringify(sorted(last.resources)) === JSON.stringify(sorted(baseline.resources)),
      `${JSON.stringify(sorted(baseline.resources))} → ${JSON.stringify(sorted(last.resources))}`,
    );
    r.check(
      'final state exact',
      exact && nb.state === 'Established' && nb.prefixes.received === n,
      `${nb.state}, ${held.size}/${n} routes, the last set ${exact ? 'exactly' : 'NOT exactly'}`,
    );
    r.check(
      'BIRD session untouched',
      bird.state === 'Established' && bird.flaps === birdFlaps,
      `${bird.state}, flaps ${birdFlaps} → ${bird.flaps}`,
    );
    s.close();
  });
  return r;
}

function sorted(o: Record<string, number>): Array<[string, number]> {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}
