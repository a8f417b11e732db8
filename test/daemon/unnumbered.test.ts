// The interface-neighbor source on its own: the kernel's routers and the connections that arrive
// decide which link-local address each interface neighbor runs on; RAs go out on its links.
// Interface `lo` stands for a link (it exists everywhere; its index is what if_nametoindex says).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { InterfaceNeighborConfig, NeighborConfig } from '../../src/config/types.js';
import { type AdvertiserLike, UnnumberedNeighbors } from '../../src/daemon/unnumbered.js';
import { decodeNeighbor, MessageType, NeighFlag } from '../../src/fib/netlink/index.js';
import { createLogger } from '../../src/log/logger.js';
import { FakeLinkRouters } from '../helpers/fake-link-routers.js';

const LO_INDEX = 1;

function setup(opts: { advertiser?: () => AdvertiserLike | Error; connected?: (a: string) => boolean } = {}) {
  const routers = new FakeLinkRouters();
  const sent: { index: number; ra: Buffer }[] = [];
  const applied: NeighborConfig[][] = [];
  const u = new UnnumberedNeighbors({
    log: createLogger('silent'),
    apply: (w) => applied.push(w),
    connected: opts.connected ?? (() => false),
    routers: () => routers.asRouters,
    advertiser:
      opts.advertiser ??
      (() => ({ send: (index: number, ra: Buffer) => void sent.push({ index, ra }), close: () => {} })),
  });
  return { u, routers, sent, applied };
}

const template = (): InterfaceNeighborConfig =>
  parseConfig('asn: 65001\nneighbors:\n  - { interface: lo, peerAsn: external, holdTime: 9 }\n')
    .interfaceNeighbors[0];

describe('interface neighbors (BGP unnumbered)', () => {
  it('run on the router the kernel names on their link, and send an RA there at once', async () => {
    const { u, routers, sent, applied } = setup();
    u.configure([template()]);
    expect(routers.started).toBe(true);
    expect(sent.map((s) => s.index)).toEqual([LO_INDEX]);
    expect(sent[0].ra[0]).toBe(134); // RFC 4861 Router Advertisement, lifetime 0
    expect(sent[0].ra.readUInt16BE(6)).toBe(0);
    expect(applied.at(-1)).toEqual([]);
    u.configure([template()]); // the same links again (a snapshot, a reload): no extra RA burst
    expect(sent).toHaveLength(1);
    routers.emit('router', LO_INDEX, 'fe80::2');
    expect(applied.at(-1)).toEqual([
      expect.objectContaining({ address: 'fe80::2%lo', holdTime: 9, peerAsn: 'external' }),
    ]);
    expect(u.status()).toEqual([{ interface: 'lo', address: 'fe80::2%lo' }]);
    routers.emit('router', 999_999, 'fe80::3'); // another link: not ours
    expect(applied.at(-1)?.[0].address).toBe('fe80::2%lo');
    await u.stop();
    expect(routers.started).toBe(false);
  });

  it('a connection from a link-local address on the link takes the neighbor; another router does not at once', async () => {
    const { u, routers, applied } = setup();
    u.configure([template()]);
    routers.emit('router', LO_INDEX, 'fe80::2');
    routers.emit('router', LO_INDEX, 'fe80::4'); // a second router, while the first may still connect
    expect(applied.at(-1)?.[0].address).toBe('fe80::2%lo');
    expect(u.connectionFrom('fe80::5%lo')).toBe(true);
    expect(applied.at(-1)?.map((n) => n.address)).toEqual(['fe80::5%lo']);
    expect(u.connectionFrom('fe80::5%eth9')).toBe(false); // no interface neighbor there
    expect(u.connectionFrom('10.0.0.1')).toBe(false);
    expect(u.connectionFrom('2001:db8::1%lo')).toBe(false); // not link-local
    await u.stop();
  });

  it('a reload without them stops the discovery and gives no neighbors', async () => {
    const { u, routers, applied } = setup();
    u.configure([template()]);
    routers.emit('router', LO_INDEX, 'fe80::2');
    u.configure([]);
    expect(applied.at(-1)).toEqual([]);
    await Promise.resolve();
    expect(routers.started).toBe(false);
  });

  it('says why when RAs cannot be sent (no CAP_NET_RAW), and still runs on what the kernel finds', async () => {
    const { u, routers, applied } = setup({ advertiser: () => new Error('socket EPERM') });
    u.configure([template()]);
    expect(u.status()[0].problem).toMatch(/router advertisements not sent .*EPERM/);
    routers.emit('router', LO_INDEX, 'fe80::2');
    expect(applied.at(-1)?.[0].address).toBe('fe80::2%lo');
    await u.stop();
  });
});

describe('RTM_NEWNEIGH', () => {
  it('decodes the interface, the flags and the address', () => {
    const b = Buffer.alloc(16 + 12 + 20);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(MessageType.NEWNEIGH, 4);
    b[16] = 10; // AF_INET6
    b.writeInt32LE(7, 20);
    b.writeUInt16LE(0x04, 24); // NUD_STALE
    b[26] = NeighFlag.ROUTER;
    b.writeUInt16LE(20, 28); // NDA_DST, 16 bytes
    b.writeUInt16LE(1, 30);
    Buffer.from('fe800000000000000000000000000002', 'hex').copy(b, 32);
    const n = decodeNeighbor({ type: MessageType.NEWNEIGH, flags: 0, seq: 0, pid: 0, buf: b });
    expect(n).toEqual({ family: 6, index: 7, state: 4, flags: NeighFlag.ROUTER, address: 'fe80::2' });
  });
});
