// Scenario 5: Herald restarts with graceful restart (RFC 4724) under a real BIRD acting as helper,
// over two sessions (IPv4 carrying ipv4-unicast, IPv6 carrying ipv6-unicast). The first run
// announces SOAK_RESTART_ROUTES routes per family plus a few it will not announce again; Herald is
// stopped with SIGTERM (graceful: TCP closed, no NOTIFICATION) and started with the second config.
// Criteria: BIRD never loses a kept route while Herald is away, tshark in BIRD's namespace sees no
// withdrawal from Herald at all, and after each family's End-of-RIB BIRD has swept that family's
// stale routes (the dropped ones gone, the kept ones fresh).
import { startHerald } from '../../../test/interop/harness/herald.js';
import { startBird, tsharkFields } from '../../../test/interop/harness/index.js';
import type { Family } from '../../../test/interop/harness/peers/peer.js';
import { delay, waitFor } from '../../../test/interop/harness/util.js';
import { knobs } from '../knobs.js';
import { topologies } from '../lab.js';
import { Report } from '../report.js';
import { hostRoutes } from '../speaker.js';

const HERALD_ASN = 65201;
const BIRD_ASN = 65002;
const GR = { enabled: true, restartTime: 60 };
const DROPPED = 10;

const v6Routes = (base: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${base}${(i + 1).toString(16)}/128`);

export async function restart(): Promise<Report> {
  const r = new Report('restart');
  const n = knobs.restartRoutes;
  r.note(`${n} routes per family kept, ${DROPPED} per family dropped across the restart`);
  const topo = topologies();
  try {
    const t = await topo.link();
    const kept: Record<Family, string[]> = {
      'ipv4-unicast': hostRoutes('100.64.0.1', n),
      'ipv6-unicast': v6Routes('2001:db8:1::', n),
    };
    const dropped: Record<Family, string[]> = {
      'ipv4-unicast': hostRoutes('100.100.0.1', DROPPED),
      'ipv6-unicast': v6Routes('2001:db8:2::', DROPPED),
    };
    const families = Object.keys(kept) as Family[];
    const bird = await startBird({
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: BIRD_ASN,
      localAddress: t.b.ipv4,
      localAddress6: t.b.ipv6,
      neighbors: [
        { address: t.a.ipv4, asn: HERALD_ASN, passive: true, gracefulRestart: { restartTime: 60 } },
        { address: t.a.ipv6, asn: HERALD_ASN, passive: true, gracefulRestart: { restartTime: 60 }, families: ['ipv6-unicast'] },
      ],
    });
    const config = (withDropped: boolean) => ({
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [
        { address: t.b.ipv4, peerAsn: BIRD_ASN, gracefulRestart: GR, families: ['ipv4-unicast'], connectRetry: 1 },
        { address: t.b.ipv6, peerAsn: BIRD_ASN, gracefulRestart: GR, families: ['ipv6-unicast'], connectRetry: 1 },
      ],
      announce: families
        .flatMap((f) => [...kept[f], ...(withDropped ? dropped[f] : [])])
        .map((prefix) => ({ prefix })),
    });
    const table = async (f: Family) => {
      const m = new Map<string, boolean>();
      for (const x of await bird.receivedRoutes(f)) m.set(x.prefix, x.stale === true);
      return m;
    };
    const holds = (m: Map<string, boolean>, list: string[], fresh: boolean) =>
      list.every((p) => m.has(p) && (!fresh || m.get(p) === false));

    const first = await startHerald(t, t.a.ns, config(true));
    for (const f of families) {
      await waitFor(async () => holds(await table(f), [...kept[f], ...dropped[f]], true), {
        timeoutMs: 60_000,
        what: `BIRD holding the first run's ${f} routes`,
      });
    }
    const cap = await t.capture(t.b.ns, t.b.ifname);

    // Watch BIRD's tables while Herald is away and back, until each family is swept.
    let watching = true;
    const missing: Record<string, number> = {};
    const sweptAt: Record<string, number> = {};
    let polls = 0;
    let restartedAt = 0;
    const watcher = (async () => {
      while (watching) {
        for (const f of families) {
          const m = await table(f);
          missing[f] = Math.max(missing[f] ?? 0, kept[f].filter((p) => !m.has(p)).length);
          if (restartedAt && sweptAt[f] === undefined && holds(m, kept[f], true) && dropped[f].every((p) => !m.has(p)))
            sweptAt[f] = (performance.now() - restartedAt) / 1000;
        }
        polls++;
        await delay(200);
      }
    })();

    const stopAt = performance.now();
    await first.stop();
    const stopSeconds = (performance.now() - stopAt) / 1000;
    const logs = first.logs();
    const graceful = logs.some((l) => l.event === 'gracefulRestartShutdown');
    const notified = logs.some((l) => l.event === 'notificationSent');
    await delay(2000); // away for a while: BIRD holds the routes stale
    restartedAt = performance.now();
    const second = await startHerald(t, t.a.ns, config(false));
    await waitFor(() => families.every((f) => sweptAt[f] !== undefined), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'BIRD sweeping both families',
    });
    watching = false;
    await watcher;
    await cap.stop();

    // Every UPDATE Herald sent during the capture: withdrawn routes (IPv4 field, MP_UNREACH NLRI).
    const rows = await tsharkFields(cap.file, `bgp.type == 2 && (ip.src == ${t.a.ipv4} || ipv6.src == ${t.a.ipv6})`, [
      'bgp.length',
      'bgp.withdrawn_prefix',
      'bgp.mp_unreach_nlri_ipv4_prefix',
      'bgp.mp_unreach_nlri_ipv6_prefix',
    ]);
    let withdrawals = 0;
    let updates = 0;
    for (const row of rows) {
      for (let i = 1; i < row.length; i++) if (row[i]) withdrawals += row[i].split(',').length;
      updates += row[0].split(',').length;
    }
    const eors = {
      ipv4: (await tsharkFields(cap.file, `bgp.type == 2 && bgp.length == 23 && ip.src == ${t.a.ipv4}`, ['bgp.length'])).length,
      ipv6: (await tsharkFields(cap.file, `bgp.type == 2 && ipv6.src == ${t.a.ipv6} && bgp.update.path_attribute.type_code == 15 && bgp.length == 30`, ['bgp.length'])).length,
    };
    const finals = await Promise.all(families.map(table));

    r.figure('graceful stop', `${stopSeconds.toFixed(2)} s, gracefulRestartShutdown logged ${graceful}, NOTIFICATION sent ${notified}`);
    r.figure('UPDATE messages from Herald captured', `${updates} (End-of-RIB: IPv4 ${eors.ipv4}, IPv6 ${eors.ipv6})`);
    r.figure('withdrawn routes in them', withdrawals);
    r.figure('kept routes missing at BIRD at any poll', `${JSON.stringify(missing)} over ${polls} polls of both tables`);
    r.figure('stale routes swept after restart', families.map((f) => `${f} ${sweptAt[f].toFixed(1)} s`).join(', '));
    r.figure('BIRD tables at the end', families.map((f, i) => `${f} ${finals[i].size} routes`).join(', '));

    r.check('graceful stop (no NOTIFICATION)', graceful && !notified, `gracefulRestartShutdown ${graceful}, notificationSent ${notified}`);
    r.check('zero withdrawals observed at the peer', withdrawals === 0 && updates > 0, `${withdrawals} withdrawn routes in ${updates} UPDATEs`);
    r.check('no kept route lost while Herald was away', families.every((f) => missing[f] === 0), JSON.stringify(missing));
    r.check(
      'stale routes swept per family after End-of-RIB',
      families.every((f, i) => holds(finals[i], kept[f], true) && dropped[f].every((p) => !finals[i].has(p))) &&
        eors.ipv4 >= 1 && eors.ipv6 >= 1,
      families.map((f, i) => `${f}: ${finals[i].size} = ${kept[f].length} kept, fresh, ${DROPPED} dropped gone`).join('; '),
    );
    await second.stop();
  } finally {
    await topo.destroyAll();
  }
  return r;
}
