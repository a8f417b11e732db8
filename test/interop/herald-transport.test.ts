// Herald's transport options against real peers, with the TTL and TCP options in effect from the
// first SYN: eBGP multihop across a router namespace (works with ebgpMultihop 2, not with 1), GTSM
// (RFC 5082) and TCP MD5 signatures (RFC 2385, right and wrong password).
import { describe, expect, it } from 'vitest';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import { type DaemonKind, delay, nftRule, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65101;
const PEER_ASN = 65102;

/** Asserts the session stays down for `ms` (polling Herald's view). */
async function staysDown(herald: HeraldInstance, address: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    expect((await herald.neighbor(address)).state).not.toBe('Established');
    await delay(250);
  }
}

describe.sequential.each<DaemonKind>(['gobgp', 'bird', 'frr'])('Herald ⇄ %s transport', (kind) => {
  const topo = useTopology();

  it('eBGP multihop across a router: ebgpMultihop 1 stays down, 2 comes up', async () => {
    const t = await topo.chain();
    await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true, multihop: 2 }],
      routes: [{ prefix: '10.77.0.0/16' }],
    });
    const config = (hops: number) => ({
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, ebgpMultihop: hops, holdTime: 9 }],
    });
    const one = await startHerald(t, t.a.ns, config(1));
    await staysDown(one, t.b.ipv4, 5000);
    await one.stop();
    const two = await startHerald(t, t.a.ns, config(2));
    await two.waitState(t.b.ipv4, 'Established', 30_000);
    await waitFor(
      async () => (await two.routes({ neighbor: t.b.ipv4 })).some((r) => r.prefix === '10.77.0.0/16'),
      {
        timeoutMs: 20_000,
        what: 'the peer route over the multihop session',
      },
    );
  }, 90_000);

  it('GTSM: Herald sends TTL 255 and the peer accepts it one hop away; without GTSM at the peer, Herald refuses it', async () => {
    const t = await topo.chain();
    const ttl254 = await nftRule(t.b.ns, `ip saddr ${t.a.ipv4} ip ttl 254 meta l4proto tcp`, {
      verdict: 'count',
    });
    const peer = await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true, ttlSecurity: 2 }],
    });
    const gtsm = {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, ttlSecurity: 1, holdTime: 9 }],
    };
    const herald = await startHerald(t, t.a.ns, gtsm);
    await herald.waitState(t.b.ipv4, 'Established', 30_000);
    expect(await ttl254.packets()).toBeGreaterThan(0);
    await herald.stop();
    await peer.stop();
    // A peer that sends with TTL 2 (plain multihop) arrives with TTL 1 < 254: Herald drops it.
    await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true, multihop: 2 }],
    });
    const strict = await startHerald(t, t.a.ns, gtsm);
    await staysDown(strict, t.b.ipv4, 5000);
  }, 90_000);

  it('TCP MD5: the right password comes up, a wrong one does not', async () => {
    const t = await topo.link();
    await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true, password: 's3cret-md5' }],
    });
    const config = (password: string) => ({
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, password, holdTime: 9 }],
    });
    const wrong = await startHerald(t, t.a.ns, config('not-the-key'));
    await staysDown(wrong, t.b.ipv4, 5000);
    await wrong.stop();
    const right = await startHerald(t, t.a.ns, config('s3cret-md5'));
    await right.waitState(t.b.ipv4, 'Established', 30_000);
  }, 90_000);

  it('TCP MD5 on the listener: the peer dials Herald with the key and gets a session', async () => {
    const t = await topo.link();
    const herald = await startHerald(t, t.a.ns, {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, passive: true, password: 'listen-key', holdTime: 9 },
      ],
    });
    await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, password: 'listen-key' }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 30_000);
  }, 60_000);

  it("TCP MD5 on a dynamic range: a peer signing with another key is never seen; after a reload gives the range the peer's key, it gets a session", async () => {
    const t = await topo.link();
    const config = (password: string) => ({
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      dynamicNeighbors: [{ range: '10.0.0.0/24', peerAsn: PEER_ASN, password }],
    });
    const herald = await startHerald(t, t.a.ns, config('not-the-range-key'));
    await startPeer(kind, {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, password: 'range-key', holdTime: 9 }],
    });
    // The kernel drops the SYNs whose signature does not verify: no connection, no neighbor.
    const end = Date.now() + 6000;
    while (Date.now() < end) {
      expect((await herald.api<unknown[]>('GET', '/api/v1/neighbors')).body).toEqual([]);
      await delay(250);
    }
    herald.writeConfig(config('range-key'));
    expect((await herald.api('POST', '/api/v1/config/reload')).status).toBe(200);
    await waitFor(async () => (await herald.api<unknown[]>('GET', '/api/v1/neighbors')).body.length > 0, {
      timeoutMs: 40_000,
      what: 'the dynamic neighbor',
    });
    await herald.waitState(t.b.ipv4, 'Established', 30_000);
  }, 90_000);
});
