// BFD wired to BGP, end to end: the real daemon (bin/herald) in namespace A with a BGP neighbor that
// has `bfd: { enabled: true, minRx: 300, minTx: 300, multiplier: 3 }`, against FRR (bgpd + bfdd)
// and BIRD (bgp + protocol bfd) in namespace B. The BFD session comes Up (GET /api/v1/bfd, `herald
// bfd`, metrics under Herald's and MetalLB's names); an nftables rule in A drops the peer's BFD
// packets: Herald's BFD goes Down within the detection time, the BGP session goes down at once
// (Cease/BFD Down, RFC 9384), Herald's route is withdrawn at the router and the router's route
// leaves Herald's Adj-RIB-In; BGP stays down while BFD is Down. Without the rule: BFD Up, BGP
// Established, both routes back.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BfdSessionView } from '../../src/api/bfd.js';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import {
  delay,
  interopUnavailable,
  nftDrop,
  type RunningPeer,
  startBird,
  startFrr,
  useTopology,
  waitFor,
} from './harness/index.js';

const HERALD = fileURLToPath(new URL('../../bin/herald', import.meta.url));
const HERALD_ASN = 65401;
const PEER_ASN = 65402;
const OURS = '198.51.100.1/32';
const THEIRS = '203.0.113.0/24';

type Kind = 'frr' | 'bird';

async function bfdOf(herald: HeraldInstance): Promise<BfdSessionView | undefined> {
  const r = await herald.api<BfdSessionView[]>('GET', '/api/v1/bfd');
  expect(r.status).toBe(200);
  return r.body[0];
}

/** GET /metrics as text (the harness's api() parses JSON). */
function metricsText(socket: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/metrics', timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('metrics timed out')));
    req.end();
  });
}

function cli(socket: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      HERALD,
      args,
      { env: { ...process.env, HERALD_API: `unix:${socket}` }, timeout: 20_000 },
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

const prefixesAt = async (peer: RunningPeer) =>
  (await peer.receivedRoutes('ipv4-unicast')).map((r) => r.prefix);

describe.skipIf(interopUnavailable(['frr', 'bird']) !== undefined)('Herald BFD takes BGP down', () => {
  const topo = useTopology();

  it.each<Kind>(['frr', 'bird'])(
    '⇄ %s: BFD Down → BGP down and routes withdrawn at once; BGP back only with BFD',
    async (kind) => {
      const t = await topo.link();
      const opts = {
        ns: t.b.ns,
        routerId: t.b.ipv4,
        asn: PEER_ASN,
        localAddress: t.b.ipv4,
        // Passive: only Herald connects, so BGP comes back exactly when Herald lets it.
        neighbors: [
          { address: t.a.ipv4, asn: HERALD_ASN, passive: true, gracefulRestart: false, holdTime: 90 },
        ],
        routes: [{ prefix: THEIRS }],
        bfd: [{ peer: t.a.ipv4, local: t.b.ipv4, minRx: 300, minTx: 300, multiplier: 3 }],
      };
      const peer: RunningPeer = kind === 'frr' ? await startFrr(opts) : await startBird(opts);
      const herald = await startHerald(t, t.a.ns, {
        asn: HERALD_ASN,
        routerId: t.a.ipv4,
        listen: false,
        neighbors: [
          {
            address: t.b.ipv4,
            peerAsn: PEER_ASN,
            localAddress: t.a.ipv4,
            holdTime: 90,
            connectRetry: 1,
            bfd: { enabled: true, minRx: 300, minTx: 300, multiplier: 3 },
          },
        ],
        announce: [{ prefix: OURS }],
      });

      // Up: BFD negotiated at 300 ms × 3, BGP Established, routes both ways.
      await waitFor(async () => (await bfdOf(herald))?.state === 'Up', { timeoutMs: 20_000, what: 'BFD Up' });
      await herald.waitState(t.b.ipv4, 'Established', 20_000);
      await waitFor(async () => (await prefixesAt(peer)).includes(OURS), {
        timeoutMs: 15_000,
        what: `${kind} has Herald's route`,
      });
      await waitFor(async () => (await herald.routes()).some((r) => r.prefix === THEIRS), {
        timeoutMs: 15_000,
        what: `Herald has ${kind}'s route`,
      });
      await waitFor(async () => (await bfdOf(herald))?.polling === false, {
        timeoutMs: 5000,
        what: 'timers settled',
      });
      expect(await bfdOf(herald)).toMatchObject({
        neighbor: t.b.ipv4,
        peer: t.b.ipv4,
        multihop: false,
        state: 'Up',
        remoteState: 'Up',
        txInterval: 300,
        rxInterval: 300,
        detectionTime: 900,
        multiplier: 3,
        bgpHeld: false,
        error: null,
      });
      const table = await cli(herald.socket, ['bfd']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(
        new RegExp(`^${t.b.ipv4.replace(/\./g, '\\.')}\\s+Up\\s+\\d+/\\d+\\s+300/300\\s+3/3\\s+900\\s`, 'm'),
      );
      const up = await metricsText(herald.socket);
      expect(up).toContain(`herald_bfd_session_up{peer="${t.b.ipv4}"} 1`);
      expect(up).toContain(`metallb_bfd_session_up{peer="${t.b.ipv4}"} 1`);
      expect(up).toMatch(new RegExp(`metallb_bfd_control_packet_input\\{peer="${t.b.ipv4}"\\} [1-9]`));

      // Cut: the peer's BFD packets are dropped in A.
      const drop = await nftDrop(t.a.ns, `ip saddr ${t.b.ipv4} udp dport 3784`);
      const cutAt = Date.now();
      let bfdDown: Record<string, unknown> | undefined;
      await waitFor(
        () => {
          bfdDown = herald.logs().find((l) => l.event === 'bfdDown' && Date.parse(String(l.time)) >= cutAt);
          return bfdDown !== undefined;
        },
        { timeoutMs: 5000, intervalMs: 20, what: 'Herald BFD Down' },
      );
      const detectMs = Date.parse(String(bfdDown?.time)) - cutAt;
      console.info(`[bfd+bgp ${kind}] BFD Down ${detectMs} ms after the cut (detection time 900 ms)`);
      expect(detectMs).toBeLessThan(3000);
      expect(bfdDown?.diag).toBe('controlDetectionTimeExpired');
      // BGP down at once with Cease/BFD Down.
      const notification = herald
        .logs()
        .find((l) => l.event === 'notificationSent' && Date.parse(String(l.time)) >= cutAt);
      expect(notification).toMatchObject({ code: 6, subcode: 10 });
      expect(Date.parse(String(notification?.time)) - Date.parse(String(bfdDown?.time))).toBeLessThan(100);
      expect((await herald.neighbor(t.b.ipv4)).state).not.toBe('Established');
      await waitFor(async () => !(await prefixesAt(peer)).includes(OURS), {
        timeoutMs: 5000,
        intervalMs: 100,
        what: `${kind} withdraws Herald's route`,
      });
      const withdrawnMs = Date.now() - cutAt;
      console.info(`[bfd+bgp ${kind}] route gone at ${kind} ${withdrawnMs} ms after the cut`);
      expect(await herald.routes()).toEqual([]);
      // Held down while BFD is Down (the BGP hold time is 90 s: only BFD can explain this).
      await delay(1500);
      expect((await herald.neighbor(t.b.ipv4)).state).toBe('Idle');
      expect(await bfdOf(herald)).toMatchObject({
        bgpHeld: true,
        lastDownDiag: 'controlDetectionTimeExpired',
      });
      expect(await drop.packets()).toBeGreaterThan(0);

      // Restored: BFD Up, then BGP Established and both routes back.
      await drop.remove();
      const restoredAt = Date.now();
      await waitFor(async () => (await bfdOf(herald))?.state === 'Up', {
        timeoutMs: 15_000,
        what: 'BFD Up again',
      });
      await herald.waitState(t.b.ipv4, 'Established', 20_000);
      await waitFor(async () => (await prefixesAt(peer)).includes(OURS), {
        timeoutMs: 15_000,
        what: `${kind} has Herald's route again`,
      });
      await waitFor(async () => (await herald.routes()).some((r) => r.prefix === THEIRS), {
        timeoutMs: 15_000,
        what: `Herald has ${kind}'s route again`,
      });
      console.info(
        `[bfd+bgp ${kind}] BFD, BGP and routes back ${Date.now() - restoredAt} ms after the rule went`,
      );
      expect(await bfdOf(herald)).toMatchObject({
        bgpHeld: false,
        counters: { upTransitions: 2, downTransitions: 1 },
      });
      const after = await metricsText(herald.socket);
      expect(after).toContain(`herald_bfd_transitions_total{peer="${t.b.ipv4}",to="down"} 1`);
      expect(after).toContain(`metallb_bfd_session_down_events{peer="${t.b.ipv4}"} 1`);
      expect(after).toContain(
        `bgp_notifications_total{peer="${t.b.ipv4}",direction="sent",code="cease",subcode="bfd-down"} 1`,
      );
      await herald.stop();
    },
    60_000,
  );

  it('⇄ frr with graceful restart and the N bit: BFD Down is a Hard Reset, FRR keeps nothing stale', async () => {
    const t = await topo.link();
    const peer = await startFrr({
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [
        {
          address: t.a.ipv4,
          asn: HERALD_ASN,
          passive: true,
          gracefulRestart: { restartTime: 120 },
          holdTime: 90,
        },
      ],
      routes: [{ prefix: THEIRS }],
      bfd: [{ peer: t.a.ipv4, local: t.b.ipv4, minRx: 300, minTx: 300, multiplier: 3 }],
      // RFC 8538's N bit (FRR's default since 8.3, said explicitly).
      extraConfig: { bgp: ['bgp graceful-restart notification'] },
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [
        {
          address: t.b.ipv4,
          peerAsn: PEER_ASN,
          localAddress: t.a.ipv4,
          holdTime: 90,
          connectRetry: 1,
          gracefulRestart: { enabled: true, restartTime: 120 },
          bfd: { enabled: true, minRx: 300, minTx: 300, multiplier: 3 },
        },
      ],
      announce: [{ prefix: OURS }],
    });
    await waitFor(async () => (await bfdOf(herald))?.state === 'Up', { timeoutMs: 20_000, what: 'BFD Up' });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    await waitFor(async () => (await prefixesAt(peer)).includes(OURS), {
      timeoutMs: 15_000,
      what: "frr has Herald's route",
    });
    await waitFor(async () => (await herald.routes()).some((r) => r.prefix === THEIRS), {
      timeoutMs: 15_000,
      what: "Herald has frr's route",
    });

    const drop = await nftDrop(t.a.ns, `ip saddr ${t.b.ipv4} udp dport 3784`);
    const cutAt = Date.now();
    const notification = await waitFor(
      () => herald.logs().find((l) => l.event === 'notificationSent' && Date.parse(String(l.time)) >= cutAt),
      { timeoutMs: 5000, intervalMs: 20, what: 'Herald sending a NOTIFICATION' },
    );
    // RFC 8538 §3: Cease/Hard Reset carrying Cease/BFD Down.
    expect(notification).toMatchObject({ code: 6, subcode: 9, error: 'Cease/Hard Reset: Cease/BFD Down' });
    // FRR ends the session without keeping Herald's route as stale (120 s restart time otherwise).
    await waitFor(async () => !(await prefixesAt(peer)).includes(OURS), {
      timeoutMs: 5000,
      intervalMs: 100,
      what: "frr dropping Herald's route (not kept stale)",
    });
    // And Herald, helper to FRR, drops FRR's route too (a Hard Reset is never graceful).
    expect(await herald.routes()).toEqual([]);
    expect((await herald.neighbor(t.b.ipv4)).prefixes.stale).toBe(0);
    await drop.remove();
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    await waitFor(async () => (await prefixesAt(peer)).includes(OURS), {
      timeoutMs: 15_000,
      what: "frr has Herald's route again",
    });
    await herald.stop();
  }, 60_000);
});
