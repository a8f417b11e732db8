// Herald's session behaviour against real GoBGP, BIRD and FRR in network namespaces: it answers
// ROUTE-REFRESH (RFC 2918, enhanced with BoRR/EoRR, RFC 7313), resolves connection collisions
// (RFC 4271 §6.8) to exactly one session with either BGP identifier order, drops a peer that stops
// reading by its hold timer while its other sessions and its API carry on, accepts dynamic
// neighbors from a range (and refuses an ASN not in the list), carries IPv4 routes with IPv6 next
// hops over an IPv6 session (RFC 8950), and handles 4-octet ASNs with 4-octet peers and with a
// 2-octet-only peer (AS_TRANS plus AS4_PATH, RFC 6793). Needs root and the three daemons.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HeraldInstance, type HeraldNeighborView, startHerald } from './harness/herald.js';
import {
  type DaemonKind,
  delay,
  exec,
  type Family,
  type ReceivedRoute,
  type RunningPeer,
  startPeer,
  tsharkFields,
  useTopology,
  waitFor,
} from './harness/index.js';

const HERALD_ASN = 65201;
const PEER_ASN = 65202;

async function waitRoute(peer: RunningPeer, family: Family, prefix: string): Promise<ReceivedRoute> {
  return waitFor(async () => (await peer.receivedRoutes(family)).find((r) => r.prefix === prefix), {
    timeoutMs: 15_000,
    what: `${peer.kind} receiving ${prefix}`,
  });
}

async function waitHeraldRoute(herald: HeraldInstance, neighbor: string, prefix: string) {
  return waitFor(async () => (await herald.routes({ neighbor })).find((r) => r.prefix === prefix), {
    timeoutMs: 15_000,
    what: `herald receiving ${prefix} from ${neighbor}`,
  });
}

/** Session flaps (Established → down) of a neighbor, from the API's neighbor view. */
async function flapsOf(herald: HeraldInstance, address: string): Promise<number> {
  return ((await herald.neighbor(address)) as HeraldNeighborView & { flaps: number }).flaps;
}

/** TCP connections on port 179 in state ESTABLISHED inside `ns`, as "local remote" pairs. */
async function bgpConnections(ns: string): Promise<string[]> {
  const r = await exec(ns, 'ss', ['-Htn', 'state', 'established', '( sport = :179 or dport = :179 )']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map((f) => `${f[2]} ${f[3]}`);
}

/**
 * Asserts that Herald's session with `address` and the peer's stay Established for `ms` with the
 * same uptime origin (no flap) and exactly one TCP connection between the two.
 */
async function staysUp(
  herald: HeraldInstance,
  address: string,
  peer: RunningPeer,
  peerView: string,
  ns: string,
  ms: number,
): Promise<void> {
  const first = await herald.neighbor(address);
  const flaps = await flapsOf(herald, address);
  const started = Date.now() - (first.uptimeSeconds ?? 0) * 1000;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const n = await herald.neighbor(address);
    expect(n.state).toBe('Established');
    expect(await flapsOf(herald, address)).toBe(flaps);
    // uptime counts from the same moment (1 s resolution, plus the time the API call took)
    expect(Math.abs(Date.now() - (n.uptimeSeconds ?? 0) * 1000 - started)).toBeLessThan(2500);
    expect(await peer.sessionState(peerView)).toBe('established');
    expect(await bgpConnections(ns)).toHaveLength(1);
    await delay(500);
  }
}

describe.sequential.each<DaemonKind>(['bird', 'frr'])('Herald ⇄ %s: route refresh', (kind) => {
  const topo = useTopology();

  it('answers ROUTE-REFRESH by resending its Adj-RIB-Out, framed by BoRR/EoRR (enhanced route refresh)', async () => {
    const t = await topo.link();
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true }],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, holdTime: 30 }],
      announce: [{ prefix: '198.51.100.20/32' }, { prefix: '198.51.100.21/32', med: 7 }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    await waitRoute(peer, 'ipv4-unicast', '198.51.100.20/32');
    await waitRoute(peer, 'ipv4-unicast', '198.51.100.21/32');
    const before = await herald.neighbor(t.b.ipv4);
    expect(before.capabilities).toContain('route-refresh');
    expect(before.capabilities).toContain('enhanced-route-refresh');
    expect(before.messages.sent.update).toBeGreaterThanOrEqual(3); // two routes, End-of-RIB

    await peer.refresh!(t.a.ipv4);
    const after = await waitFor(
      async () => {
        const n = await herald.neighbor(t.b.ipv4);
        const { sent, received } = n.messages;
        return received.routeRefresh > before.messages.received.routeRefresh &&
          sent.update >= before.messages.sent.update + 2 &&
          sent.routeRefresh >= before.messages.sent.routeRefresh + 2
          ? n
          : undefined;
      },
      { timeoutMs: 10_000, what: 'herald answering the ROUTE-REFRESH' },
    );
    // BoRR + EoRR per requested family; the two routes again in between.
    expect(after.messages.received.routeRefresh).toBe(before.messages.received.routeRefresh + 1);
    expect(after.messages.sent.routeRefresh).toBe(before.messages.sent.routeRefresh + 2);
    expect(after.messages.sent.update).toBe(before.messages.sent.update + 2);
    expect(after).toMatchObject({ state: 'Established', flaps: 0, prefixes: { advertised: 2 } });
    // The peer drops routes not re-sent between BoRR and EoRR (RFC 7313 §4): both are still there.
    await delay(1000);
    const kept = (await peer.receivedRoutes('ipv4-unicast')).map((r) => r.prefix).sort();
    expect(kept).toEqual(['198.51.100.20/32', '198.51.100.21/32']);
    expect(herald.logs().some((l) => l.event === 'notificationSent')).toBe(false);
  }, 30_000);
});

/** SYNs to port 179 arriving in `ns` (connection attempts towards the daemon there). */
const SYN_TO_179 = 'tcp dport 179 tcp flags & (syn|ack) == syn';

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])(
  'Herald ⇄ %s: connection collision',
  (kind) => {
    const topo = useTopology();

    // RFC 4271 §6.8: the connection initiated by the speaker with the higher BGP identifier survives.
    // The peer is frozen (SIGSTOP) once its connect-retry loop runs, Herald dials it (the peer's
    // kernel completes the handshake) and sends its OPEN; the peer is thawed after its connect-retry
    // timer has expired, so it dials Herald while Herald's connection waits in its backlog.
    it.each([
      ['higher', '10.0.0.201'],
      ['lower', '10.0.0.1'],
    ])(
      "both sides dial (Herald BGP identifier %s than the peer's): one session, stable",
      async (order, heraldId) => {
        const t = await topo.link();
        const synToHerald = await t.nftRule(t.a.ns, SYN_TO_179, { verdict: 'count' });
        const synToPeer = await t.nftRule(t.b.ns, SYN_TO_179, { verdict: 'count' });
        const peer = await startPeer(kind, {
          ns: t.b.ns,
          routerId: '10.0.0.100',
          asn: PEER_ASN,
          localAddress: t.b.ipv4,
          neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, holdTime: 9 }],
        });
        t.onDestroy(() => {
          try {
            process.kill(peer.pid, 'SIGCONT');
          } catch {}
        });
        // Its connect loop runs (nobody listens yet: refused). GoBGP's first attempt comes after
        // 5-10 s: it raises connect-retry to at least 5 s.
        await waitFor(async () => (await synToHerald.packets()) > 0, {
          timeoutMs: 15_000,
          what: `${kind} dialling`,
        });
        process.kill(peer.pid, 'SIGSTOP');
        const dialsBefore = await synToHerald.packets();
        // Herald's OPEN on its own connection is held back (its TCP retransmits it), so the peer thaws
        // with a silent connection from Herald and dials its own: both OPEN exchanges overlap.
        const holdOpen = await t.nftDrop(t.a.ns, `ip daddr ${t.b.ipv4} tcp dport 179 ip length > 80`, {
          chain: 'output',
        });
        const herald = await startHerald(t, t.a.ns, {
          asn: HERALD_ASN,
          routerId: heraldId,
          listen: { address: t.a.ipv4, port: 179 },
          neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, holdTime: 9 }],
        });
        await herald.waitState(t.b.ipv4, 'OpenSent', 10_000);
        await delay(1500); // past the peer's connect-retry time
        process.kill(peer.pid, 'SIGCONT');
        await delay(1000);
        await holdOpen.remove();
        await herald.waitState(t.b.ipv4, 'Established', 20_000);
        await peer.waitEstablished(t.a.ipv4, 10_000);
        const peerDialled = (await synToHerald.packets()) > dialsBefore;
        expect(await synToPeer.packets()).toBeGreaterThan(0);
        const [conn] = await bgpConnections(t.a.ns);
        const heraldInitiated = !conn.startsWith(`${t.a.ipv4}:179 `);
        const collision = herald
          .logs()
          .some((l) => /^notification/.test(String(l.event)) && l.code === 6 && l.subcode === 7);
        if (kind === 'gobgp') {
          // GoBGP 3.10 does not dial while it holds an accepted connection: no collision arises.
          expect(peerDialled).toBe(false);
        } else {
          expect(peerDialled).toBe(true);
          expect(collision).toBe(true);
        }
        if (collision) expect(heraldInitiated).toBe(order === 'higher');
        await staysUp(herald, t.b.ipv4, peer, t.a.ipv4, t.a.ns, 5000);

        // Whichever connection won, Herald still dials this neighbor once the session is gone: the
        // peer's own attempts are dropped and the connection is torn down under both.
        await t.nftDrop(t.a.ns, SYN_TO_179);
        const flaps = await flapsOf(herald, t.b.ipv4);
        await exec(t.a.ns, 'ss', ['-K', 'dst', t.b.ipv4]);
        await waitFor(async () => (await flapsOf(herald, t.b.ipv4)) > flaps, {
          timeoutMs: 5000,
          what: 'herald noticing the dropped connection',
        });
        await herald.waitState(t.b.ipv4, 'Established', 20_000);
        expect(await bgpConnections(t.a.ns)).toEqual([
          expect.stringMatching(new RegExp(` ${t.b.ipv4}:179$`)),
        ]);
      },
      45_000,
    );
  },
);

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])(
  'Herald ⇄ %s: a peer that stops reading',
  (kind) => {
    const topo = useTopology();

    it('is dropped by the hold timer; the other session and the API carry on', async () => {
      // A — R — B: Herald in R, one peer in A and one in B (same daemon kind).
      const t = await topo.chain();
      const start = (ns: string, self: string, herald: string) =>
        startPeer(kind, {
          ns,
          routerId: self,
          asn: PEER_ASN,
          localAddress: self,
          neighbors: [{ address: herald, asn: HERALD_ASN, passive: true, holdTime: 9 }],
        });
      const frozen = await start(t.a.ns, t.a.ipv4, t.r.toA.ipv4);
      const live = await start(t.b.ns, t.b.ipv4, t.r.toB.ipv4);
      t.onDestroy(() => {
        try {
          process.kill(frozen.pid, 'SIGCONT');
        } catch {}
      });
      const herald = await startHerald(t, t.r.ns, {
        asn: HERALD_ASN,
        routerId: t.r.toA.ipv4,
        listen: false,
        neighbors: [
          { address: t.a.ipv4, peerAsn: PEER_ASN, holdTime: 9 },
          { address: t.b.ipv4, peerAsn: PEER_ASN, holdTime: 9 },
        ],
        announce: [{ prefix: '198.51.100.50/32' }],
      });
      await herald.waitState(t.a.ipv4, 'Established', 20_000);
      await herald.waitState(t.b.ipv4, 'Established', 20_000);
      await waitRoute(live, 'ipv4-unicast', '198.51.100.50/32');
      const liveBefore = await herald.neighbor(t.b.ipv4);
      const liveSince = Date.now() - (liveBefore.uptimeSeconds ?? 0) * 1000;

      process.kill(frozen.pid, 'SIGSTOP');
      const frozenAt = Date.now();
      // A route announced now reaches the live peer at once (the frozen one is not waited for).
      expect((await herald.api('POST', '/api/v1/announcements', { prefix: '198.51.100.51/32' })).status).toBe(
        201,
      );
      let slowest = 0;
      let droppedAt = 0;
      let gotLiveRoute = false;
      while (Date.now() - frozenAt < 15_000) {
        const asked = Date.now();
        const [a, b] = await Promise.all([herald.neighbor(t.a.ipv4), herald.neighbor(t.b.ipv4)]);
        slowest = Math.max(slowest, Date.now() - asked);
        expect(b.state).toBe('Established');
        if (!gotLiveRoute)
          gotLiveRoute = (await live.receivedRoutes('ipv4-unicast')).some(
            (r) => r.prefix === '198.51.100.51/32',
          );
        if (a.state !== 'Established') {
          droppedAt = Date.now();
          expect(a.lastError).toMatch(/Hold Timer Expired/i);
          break;
        }
        await delay(250);
      }
      expect(droppedAt, 'the frozen peer was never dropped').toBeGreaterThan(0);
      // Hold time 9 s, counted from the last KEEPALIVE (sent every 3 s) before the freeze.
      expect(droppedAt - frozenAt).toBeGreaterThan(5000);
      expect(droppedAt - frozenAt).toBeLessThan(11_000);
      expect(slowest).toBeLessThan(1000);
      expect(gotLiveRoute).toBe(true);
      expect(herald.logs()).toContainEqual(
        expect.objectContaining({ event: 'notificationSent', peer: t.a.ipv4, code: 4, subcode: 0 }),
      );
      const liveAfter = await herald.neighbor(t.b.ipv4);
      expect(liveAfter).toMatchObject({ state: 'Established', flaps: 0 });
      expect(Math.abs(Date.now() - (liveAfter.uptimeSeconds ?? 0) * 1000 - liveSince)).toBeLessThan(2500);
      expect(await live.sessionState(t.r.toB.ipv4)).toBe('established');
      expect(await flapsOf(herald, t.a.ipv4)).toBe(1);
    }, 30_000);
  },
);

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('Herald ⇄ %s: dynamic neighbors', (kind) => {
  const topo = useTopology();

  it('accepts a peer from the range with a listed ASN and refuses one with another ASN (Bad Peer AS)', async () => {
    const t = await topo.link();
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      dynamicNeighbors: [{ range: '10.0.0.0/24', peerAsn: [65299, PEER_ASN] }],
      announce: [{ prefix: '198.51.100.60/32' }],
    });
    expect((await herald.api<unknown[]>('GET', '/api/v1/neighbors')).body).toEqual([]);
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN }],
      routes: [{ prefix: '10.60.0.0/16' }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    const list = (
      await herald.api<Array<{ address: string; state: string; peerAsn: number }>>('GET', '/api/v1/neighbors')
    ).body;
    expect(list).toEqual([
      expect.objectContaining({ address: t.b.ipv4, state: 'Established', peerAsn: PEER_ASN }),
    ]);
    expect(await waitHeraldRoute(herald, t.b.ipv4, '10.60.0.0/16')).toMatchObject({
      nextHop: t.b.ipv4,
      asPath: String(PEER_ASN),
    });
    expect(await waitRoute(peer, 'ipv4-unicast', '198.51.100.60/32')).toMatchObject({
      nextHop: t.a.ipv4,
      asPath: String(HERALD_ASN),
    });

    // Another address of the range, with an ASN not in the list (its own port, in the same namespace).
    await t.addAddress(t.b.ns, t.b.ifname, '10.0.0.3/24');
    const stranger = await startPeer(kind, {
      ns: t.b.ns,
      routerId: '10.0.0.3',
      asn: 65300,
      localAddress: '10.0.0.3',
      listenPort: 1179,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, port: 179 }],
    });
    await waitFor(
      () =>
        herald
          .logs()
          .some(
            (l) => l.event === 'notificationSent' && l.peer === '10.0.0.3' && l.code === 2 && l.subcode === 2,
          ),
      { timeoutMs: 15_000, what: 'herald refusing AS 65300 with Bad Peer AS' },
    );
    const refused = await herald.neighbor('10.0.0.3');
    expect(refused.state).not.toBe('Established');
    expect(refused.lastError).toMatch(/Bad Peer AS/i);
    expect(await stranger.sessionState(t.a.ipv4)).not.toBe('established');
    // The accepted neighbor is untouched.
    expect(await herald.neighbor(t.b.ipv4)).toMatchObject({ state: 'Established', flaps: 0 });

    // A reload with a new router id resets the dynamic peer too; it comes back on the new identity.
    herald.writeConfig({
      asn: HERALD_ASN,
      routerId: '192.0.2.77',
      listen: { address: t.a.ipv4, port: 179 },
      dynamicNeighbors: [{ range: '10.0.0.0/24', peerAsn: [65299, PEER_ASN] }],
      announce: [{ prefix: '198.51.100.60/32' }],
    });
    expect((await herald.api('POST', '/api/v1/config/reload')).status).toBe(200);
    await waitFor(() => herald.logs().some((l) => l.event === 'neighborRemoved' && l.peer === t.b.ipv4), {
      timeoutMs: 5_000,
      what: 'the dynamic peer reset by the reload',
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    expect((await herald.api<{ routerId: string }>('GET', '/api/v1/status')).body.routerId).toBe(
      '192.0.2.77',
    );
  }, 45_000);
});

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('Herald ⇄ %s: extended next hop', (kind) => {
  const topo = useTopology();

  it('IPv4 routes with IPv6 next hops over an IPv6 session (RFC 8950), both ways', async () => {
    const t = await topo.link();
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      localAddress6: t.b.ipv6,
      neighbors: [
        {
          address: t.a.ipv6,
          asn: HERALD_ASN,
          passive: true,
          families: ['ipv4-unicast', 'ipv6-unicast'],
          extendedNextHop: true,
        },
      ],
      routes: [{ prefix: '10.70.0.0/16' }, { prefix: '2001:db8:70::/48' }],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv6, peerAsn: PEER_ASN, families: ['ipv4-unicast', 'ipv6-unicast'] }],
      announce: [{ prefix: '198.51.100.70/32' }, { prefix: '2001:db8:71::/48' }],
    });
    await herald.waitState(t.b.ipv6, 'Established', 20_000);
    expect((await herald.neighbor(t.b.ipv6)).capabilities).toContain('extended-next-hop');

    const v4 = await waitRoute(peer, 'ipv4-unicast', '198.51.100.70/32');
    expect(v4).toMatchObject({ nextHop: t.a.ipv6, asPath: String(HERALD_ASN) });
    const v6 = await waitRoute(peer, 'ipv6-unicast', '2001:db8:71::/48');
    expect(v6).toMatchObject({ nextHop: t.a.ipv6, asPath: String(HERALD_ASN) });

    expect(await waitHeraldRoute(herald, t.b.ipv6, '10.70.0.0/16')).toMatchObject({
      nextHop: t.b.ipv6,
      asPath: String(PEER_ASN),
    });
    expect(await waitHeraldRoute(herald, t.b.ipv6, '2001:db8:70::/48')).toMatchObject({
      nextHop: t.b.ipv6,
      asPath: String(PEER_ASN),
    });
  }, 30_000);
});

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('Herald ⇄ %s: 4-octet ASNs', (kind) => {
  const topo = useTopology();

  it('a peer with a 4-octet ASN: its path arrives whole, ours reaches it', async () => {
    const t = await topo.link();
    const peerAsn = 4200000002;
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: peerAsn,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true }],
      routes: [{ prefix: '10.80.0.0/16', asPath: [4200000003, 64700] }],
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn }],
      announce: [{ prefix: '198.51.100.80/32', asPathPrepend: 1 }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    const n = await herald.neighbor(t.b.ipv4);
    expect(n.peerAsn).toBe(peerAsn);
    expect(n.capabilities).toContain('as4');
    expect(await waitHeraldRoute(herald, t.b.ipv4, '10.80.0.0/16')).toMatchObject({
      asPath: `${peerAsn} 4200000003 64700`,
    });
    expect(await waitRoute(peer, 'ipv4-unicast', '198.51.100.80/32')).toMatchObject({
      asPath: `${HERALD_ASN} ${HERALD_ASN}`,
    });
  }, 30_000);
});

/** [AS_PATH 2-octet ASNs, AS4_PATH ASNs] of the captured UPDATEs from `src` that carry an AS4_PATH. */
async function as4PathUpdates(file: string, src: string): Promise<string[][]> {
  return tsharkFields(file, `ip.src == ${src} && bgp.update.path_attribute.type_code == 17`, [
    'bgp.update.path_attribute.as_path_segment.as2',
    'bgp.update.path_attribute.as_path_segment.as4',
  ]);
}

describe.sequential('Herald ⇄ a peer without 4-octet AS support (RFC 6793 AS_TRANS and AS4_PATH)', () => {
  const topo = useTopology();

  // BIRD 2.0.12 with `enable as4 off` refuses a neighbor ASN above 65535 in its config and, given
  // AS_TRANS instead, still reads the real ASN from our AS4 capability and answers Bad Peer AS: it
  // cannot peer with a 4-octet-AS speaker. So Herald has a 2-octet ASN here, and only the receive
  // side is exercised: BIRD's path with a 4-octet ASN comes as AS_TRANS plus AS4_PATH.
  it('BIRD with `enable as4 off`: Herald rebuilds the path from AS_PATH and AS4_PATH', async () => {
    const t = await topo.link();
    const capture = await t.capture(t.b.ns, t.b.ifname);
    const peer = await startPeer('bird', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true }],
      routes: [{ prefix: '10.81.0.0/16', asPath: [4200000003, 64700] }],
    });
    const conf = join(peer.dir, 'bird.conf');
    writeFileSync(
      conf,
      readFileSync(conf, 'utf8').replace(/( {2}neighbor .* as \d+;)/, '$1\n  enable as4 off;'),
    );
    expect(await peer.cli(['configure'])).toMatch(/Reconfigur/);
    await waitFor(async () => !(await peer.cli(['show', 'status'])).includes('Reconfiguration in progress'), {
      timeoutMs: 10_000,
      what: 'bird reconfiguration',
    });
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN }],
      announce: [{ prefix: '198.51.100.81/32', asPathPrepend: 1 }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    expect((await herald.neighbor(t.b.ipv4)).capabilities).not.toContain('as4');
    expect(await waitHeraldRoute(herald, t.b.ipv4, '10.81.0.0/16')).toMatchObject({
      asPath: `${PEER_ASN} 4200000003 64700`,
    });
    expect(await waitRoute(peer, 'ipv4-unicast', '198.51.100.81/32')).toMatchObject({
      asPath: `${HERALD_ASN} ${HERALD_ASN}`,
    });
    await capture.stop();
    // What BIRD sent: AS_TRANS in AS_PATH, the real ASN in AS4_PATH.
    expect(await as4PathUpdates(capture.file, t.b.ipv4)).toContainEqual([
      `${PEER_ASN},23456,64700`,
      `${PEER_ASN},4200000003,64700`,
    ]);
  }, 30_000);

  // FRR with `dont-capability-negotiate` sends no capabilities at all, so the session is 2-octet,
  // but it still takes our ASN from our AS4 capability (the configured remote-as is 4-octet).
  it('FRR with `dont-capability-negotiate`: Herald (AS 4200000001) sends AS_TRANS plus AS4_PATH', async () => {
    const t = await topo.link();
    const heraldAsn = 4200000001;
    const capture = await t.capture(t.b.ns, t.b.ifname);
    const peer = await startPeer('frr', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: heraldAsn, passive: true }],
      routes: [{ prefix: '10.82.0.0/16', asPath: [4200000003, 64700] }],
    });
    await peer.cli([
      'configure terminal',
      `router bgp ${PEER_ASN}`,
      `neighbor ${t.a.ipv4} dont-capability-negotiate`,
    ]);
    const herald = await startHerald(t, t.a.ns, {
      asn: heraldAsn,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN }],
      announce: [{ prefix: '198.51.100.82/32', asPathPrepend: 1 }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    expect((await herald.neighbor(t.b.ipv4)).capabilities).toEqual([]);
    expect(await waitHeraldRoute(herald, t.b.ipv4, '10.82.0.0/16')).toMatchObject({
      asPath: `${PEER_ASN} 4200000003 64700`,
    });
    // FRR 8.4 saw our AS4 capability, so it treats us as a 4-octet speaker and ignores the AS4_PATH
    // we send (bgp_attr_munge_as4_attrs): it shows AS_TRANS. The wire carries the full path.
    expect(await waitRoute(peer, 'ipv4-unicast', '198.51.100.82/32')).toMatchObject({
      asPath: '23456 23456',
    });
    await capture.stop();
    expect(await as4PathUpdates(capture.file, t.a.ipv4)).toContainEqual([
      '23456,23456',
      `${heraldAsn},${heraldAsn}`,
    ]);
    // FRR's own UPDATE for 10.82.0.0/16 (a TCP segment may hold more than one UPDATE).
    const fromFrr = await as4PathUpdates(capture.file, t.b.ipv4);
    expect(fromFrr.some(([, as4]) => as4.startsWith(`${PEER_ASN},4200000003,64700`))).toBe(true);
  }, 30_000);
});
