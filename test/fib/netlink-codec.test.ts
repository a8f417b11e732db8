// The rtnetlink codec against messages captured from the real kernel (test/fixtures/netlink, made
// by scripts/capture-netlink.sh): each decodes to what `ip -j -d` reported at the time, re-encodes
// to a message that decodes the same, and every truncation is a NetlinkDecodeError. One message is
// also written out byte by byte below, as the kernel headers lay it out.

import { describe, expect, it } from 'vitest';
import {
  decodeAck,
  decodeAddress,
  decodeDone,
  decodeLink,
  decodeRoute,
  encodeAddress,
  encodeLink,
  encodeRoute,
  encodeRouteDump,
  Flag,
  LinkAttr,
  LinkInfoAttr,
  linkIsUp,
  MessageType,
  NetlinkDecodeError,
  NetlinkWriter,
  nextHopsOf,
  type Route,
  RouteType,
  splitMessages,
  VrfAttr,
} from '../../src/fib/netlink/index.js';
import { hex } from '../helpers/hex.js';
import { allCaptures, capture, LINKS, messagesOf } from './fixtures.js';

/** The one route message of a capture about `dst`. */
function routeOf(name: string): { route: Route; ip: Record<string, unknown> } {
  const c = capture(name);
  const routes = messagesOf(c)
    .filter((m) => m.type === MessageType.NEWROUTE || m.type === MessageType.DELROUTE)
    .map(decodeRoute);
  expect(routes).toHaveLength(1);
  return { route: routes[0], ip: c.ip?.[0] ?? {} };
}

/** Re-encodes a decoded route and decodes the result. */
function reencode(r: Route, type: number = MessageType.NEWROUTE): Route {
  const w = new NetlinkWriter(Buffer.alloc(1024));
  encodeRoute(w, type, Flag.CREATE, 7, {
    family: r.family,
    dst: r.dst,
    dstLength: r.dstLength,
    table: r.table,
    protocol: r.protocol,
    scope: r.scope,
    type: r.type,
    priority: r.priority,
    prefsrc: r.prefsrc,
    nextHops: nextHopsOf(r).map((nh) => ({
      gateway: nh.gateway ?? nh.via,
      ifindex: nh.ifindex,
      weight: nh.weight,
      flags: nh.flags,
    })),
  });
  const [m] = splitMessages(w.buf, w.pos);
  expect(m).toMatchObject({ type, seq: 7, flags: Flag.REQUEST | Flag.CREATE });
  return decodeRoute(m);
}

describe('route messages captured from the kernel', () => {
  it('single next hop (ip route add 192.0.2.0/24 via 10.0.0.2)', () => {
    const { route, ip } = routeOf('route-v4-single');
    expect(route).toMatchObject({
      family: 4,
      dst: '192.0.2.0',
      dstLength: 24,
      gateway: '10.0.0.2',
      table: 254,
      protocol: 3, // boot: iproute2's default
      scope: 0,
      type: RouteType.UNICAST,
    });
    expect(`${route.dst}/${route.dstLength}`).toBe(ip.dst);
    expect(LINKS[route.oif!]).toBe(ip.dev);
  });

  it('a metric and a protocol number (metric 300 proto 72)', () => {
    const { route, ip } = routeOf('route-v4-metric');
    expect(route).toMatchObject({ priority: 300, protocol: 72, gateway: '10.0.0.2' });
    expect(ip).toMatchObject({ metric: route.priority, protocol: String(route.protocol) });
  });

  it('ECMP: RTA_MULTIPATH with rtnexthop entries and weights', () => {
    const { route, ip } = routeOf('route-v4-ecmp');
    expect(route.gateway).toBeUndefined();
    const hops = (ip.nexthops as Array<{ gateway: string; dev: string; weight: number }>).map((n) => ({
      gateway: n.gateway,
      ifindex: Number(Object.keys(LINKS).find((k) => LINKS[k] === n.dev)),
      weight: n.weight,
      flags: 0,
    }));
    expect(route.multipath).toEqual(hops);
    expect(route.multipath!.map((h) => h.weight)).toEqual([1, 3]);
  });

  it('a table above 255: RTA_TABLE, rtm_table RT_TABLE_COMPAT', () => {
    const c = capture('route-v4-table');
    const m = messagesOf(c).find((x) => x.type === MessageType.NEWROUTE)!;
    expect(m.buf[16 + 4]).toBe(252); // rtm_table = RT_TABLE_COMPAT
    expect(decodeRoute(m)).toMatchObject({
      table: 1000,
      dst: '192.0.2.128',
      dstLength: 25,
      gateway: '10.1.0.2',
    });
  });

  it('RTA_PREFSRC', () => {
    const { route, ip } = routeOf('route-v4-prefsrc');
    expect(route.prefsrc).toBe(ip.prefsrc);
  });

  it('an IPv4 route over an IPv6 next hop: RTA_VIA', () => {
    const { route, ip } = routeOf('route-v4-via-v6');
    expect(route.via).toBe('fe80::1');
    expect(ip.via).toEqual({ family: 'inet6', host: route.via });
  });

  it('IPv6, single and ECMP (the kernel reports metric 1024 for "no metric")', () => {
    const single = routeOf('route-v6-single');
    expect(single.route).toMatchObject({
      family: 6,
      dst: '2001:db8::',
      dstLength: 32,
      gateway: 'fd00::2',
      priority: 1024,
    });
    const ecmp = routeOf('route-v6-ecmp');
    expect(ecmp.route.multipath!.map((h) => h.gateway)).toEqual(
      (ecmp.ip.nexthops as Array<{ gateway: string }>).map((n) => n.gateway),
    );
    expect(ecmp.route.priority).toBe(ecmp.ip.metric);
  });

  it('RTM_DELROUTE', () => {
    const c = capture('route-v4-delete');
    const [m] = messagesOf(c);
    expect(m.type).toBe(MessageType.DELROUTE);
    expect(decodeRoute(m)).toMatchObject({ dst: '192.0.2.0', dstLength: 24, gateway: '10.0.0.2' });
    expect(c.ip).toEqual([]);
  });

  it('decode → encode → decode gives the same route, for every captured route', () => {
    for (const c of allCaptures()) {
      for (const m of messagesOf(c)) {
        if (m.type !== MessageType.NEWROUTE && m.type !== MessageType.DELROUTE) continue;
        const r = decodeRoute(m);
        const again = reencode(r, m.type);
        const essential = (x: Route) => ({
          ...x,
          flags: 0,
          srcLength: 0,
          tos: 0,
          // A single next hop is written as RTA_GATEWAY/RTA_VIA + RTA_OIF either way.
          nextHops: nextHopsOf(x),
          gateway: undefined,
          via: undefined,
          oif: undefined,
          multipath: undefined,
        });
        expect(essential(again), `${c.name}`).toEqual(essential(r));
      }
    }
  });
});

describe('links, addresses, acknowledgements and dumps captured from the kernel', () => {
  it('link down and up: ifi_flags and IFLA_OPERSTATE', () => {
    const down = messagesOf(capture('link-down'))
      .filter((m) => m.type === MessageType.NEWLINK)
      .map(decodeLink);
    const d1Down = down.find((l) => l.name === 'd1')!;
    expect(linkIsUp(d1Down)).toBe(false);
    expect(d1Down).toMatchObject({ index: 5, mtu: 1500, operState: 2 });
    const up = messagesOf(capture('link-up'))
      .filter((m) => m.type === MessageType.NEWLINK)
      .map(decodeLink);
    // Administratively up first (no carrier yet: LOWERLAYERDOWN), then operationally up.
    expect(up.filter((l) => l.name === 'd1').map(linkIsUp)).toEqual([false, true]);
    const [ip] = capture('link-up').ip as Array<{ ifindex: number; operstate: string; mtu: number }>;
    expect(up.at(-2)).toMatchObject({ index: ip.ifindex, mtu: ip.mtu });
  });

  it('IPv4 and IPv6 addresses added and deleted', () => {
    const add = messagesOf(capture('addr-v4-add')).find((m) => m.type === MessageType.NEWADDR)!;
    expect(decodeAddress(add)).toMatchObject({
      family: 4,
      prefixLength: 24,
      index: 3,
      address: '10.2.0.1',
      local: '10.2.0.1',
      label: 'd0',
    });
    const del = messagesOf(capture('addr-v4-delete')).find((m) => m.type === MessageType.DELADDR)!;
    expect(decodeAddress(del)).toMatchObject({ address: '10.2.0.1', prefixLength: 24 });
    const v6 = messagesOf(capture('addr-v6-add')).find((m) => m.type === MessageType.NEWADDR)!;
    expect(decodeAddress(v6)).toMatchObject({ family: 6, prefixLength: 64, address: 'fd02::1', index: 3 });
    // The connected prefix the address brings comes as a route (proto kernel, scope link).
    const routes = messagesOf(capture('addr-v4-add'))
      .filter((m) => m.type === MessageType.NEWROUTE)
      .map(decodeRoute);
    expect(routes).toContainEqual(
      expect.objectContaining({ dst: '10.2.0.0', dstLength: 24, scope: 253, protocol: 2 }),
    );
  });

  it('NLMSG_ERROR with an errno and an extended ack (capped: no copy of the request)', () => {
    const c = capture('ack-error');
    const [m] = messagesOf(c);
    expect(m.flags & (Flag.CAPPED | Flag.ACK_TLVS)).toBe(Flag.CAPPED | Flag.ACK_TLVS);
    const ack = decodeAck(m);
    const request = splitMessages(Buffer.from(c.request!, 'hex'))[0];
    expect(ack).toEqual({
      errno: 101, // ENETUNREACH
      seq: request.seq,
      type: MessageType.NEWROUTE,
      message: 'Nexthop has invalid gateway',
    });
  });

  it('NLMSG_ERROR 0: the acknowledgement', () => {
    const c = capture('ack-ok');
    const ack = decodeAck(messagesOf(c)[0]);
    expect(ack).toEqual({
      errno: 0,
      seq: splitMessages(Buffer.from(c.request!, 'hex'))[0].seq,
      type: MessageType.NEWROUTE,
    });
  });

  it('a filtered dump: NLM_F_MULTI parts (IPv4 and IPv6), NLMSG_DONE', () => {
    const c = capture('dump-table-1000');
    const msgs = messagesOf(c);
    const done = msgs.at(-1)!;
    expect(done.type).toBe(MessageType.DONE);
    expect(decodeDone(done)).toBe(0);
    const routes = msgs.slice(0, -1).map((m) => {
      expect(m.flags & Flag.MULTI).toBe(Flag.MULTI);
      return decodeRoute(m);
    });
    expect(routes.map((r) => `${r.dst}/${r.dstLength}`)).toEqual(c.ip!.map((r) => r.dst));
    expect(routes.every((r) => r.table === 1000)).toBe(true);
  });

  it('every truncation of every captured datagram decodes or is a NetlinkDecodeError', () => {
    for (const c of allCaptures()) {
      for (const h of c.datagrams) {
        const full = Buffer.from(h, 'hex');
        const boundaries = new Set<number>();
        for (const m of splitMessages(full))
          boundaries.add(m.buf.byteOffset - full.byteOffset + m.buf.length);
        for (let n = 1; n < full.length; n++) {
          const cut = Buffer.from(full.subarray(0, n));
          // The message lengths stay as captured, so a cut inside a message shows as truncation...
          if (!boundaries.has(n))
            expect(() => splitMessages(cut), `${c.name} cut at ${n}`).toThrow(NetlinkDecodeError);
          // ... and a message whose own length is patched to the cut fails inside its body.
          if (n < 16) continue;
          cut.writeUInt32LE(n, 0);
          try {
            const [m] = splitMessages(cut);
            if (m.type === MessageType.NEWROUTE || m.type === MessageType.DELROUTE) decodeRoute(m);
            else if (m.type === MessageType.NEWLINK) decodeLink(m);
            else if (m.type === MessageType.NEWADDR || m.type === MessageType.DELADDR) decodeAddress(m);
            else if (m.type === MessageType.ERROR) decodeAck(m);
          } catch (e) {
            expect(e, `${c.name} cut at ${n}`).toBeInstanceOf(NetlinkDecodeError);
          }
        }
      }
    }
  });
});

describe('encoders', () => {
  it('RTM_NEWROUTE for an ECMP route, byte by byte', () => {
    const w = new NetlinkWriter(Buffer.alloc(256));
    encodeRoute(w, MessageType.NEWROUTE, Flag.CREATE | Flag.REPLACE, 0x01020304, {
      family: 4,
      dst: '203.0.113.0',
      dstLength: 24,
      table: 1000,
      protocol: 72,
      priority: 20,
      nextHops: [
        { gateway: '10.0.0.2', ifindex: 3 },
        { gateway: '10.1.0.2', ifindex: 5, weight: 3 },
      ],
    });
    expect(w.buf.subarray(0, w.pos)).toEqual(hex`
      58000000 1800 0105 04030201 00000000  // nlmsghdr: len 88, RTM_NEWROUTE, REQUEST|REPLACE|CREATE, seq, pid 0
      02 18 00 00 fc 48 00 01 00000000      // rtmsg: AF_INET /24, table COMPAT (1000 > 255), proto 72, universe, unicast
      0800 0100 cb007100                    // RTA_DST 203.0.113.0
      0800 0f00 e8030000                    // RTA_TABLE 1000
      0800 0600 14000000                    // RTA_PRIORITY 20
      2400 0900                             // RTA_MULTIPATH, 36 bytes
        1000 00 00 03000000                 //   rtnexthop len 16, flags 0, hops 0 (weight 1), ifindex 3
        0800 0500 0a000002                  //   RTA_GATEWAY 10.0.0.2
        1000 00 02 05000000                 //   rtnexthop len 16, hops 2 (weight 3), ifindex 5
        0800 0500 0a010002                  //   RTA_GATEWAY 10.1.0.2
    `);
  });

  it('a filtered route dump, a link dump and an address request', () => {
    const w = new NetlinkWriter(Buffer.alloc(256));
    encodeRouteDump(w, 9, { family: 6, table: 254, protocol: 72 });
    const [dump] = splitMessages(w.buf, w.pos);
    expect(dump).toMatchObject({ type: MessageType.GETROUTE, flags: Flag.REQUEST | Flag.DUMP, seq: 9 });
    expect([...dump.buf.subarray(16, 28)]).toEqual([10, 0, 0, 0, 254, 72, 0, 0, 0, 0, 0, 0]);
    w.rollback(0);
    encodeLink(w, MessageType.NEWLINK, 0, 1, { index: 5, flags: 1, change: 1, name: 'e0', mtu: 9000 });
    expect(decodeLink(splitMessages(w.buf, w.pos)[0])).toMatchObject({
      index: 5,
      flags: 1,
      name: 'e0',
      mtu: 9000,
    });
    w.rollback(0);
    encodeAddress(w, MessageType.NEWADDR, Flag.CREATE, 2, {
      family: 6,
      prefixLength: 64,
      index: 3,
      address: 'fd00::1',
      local: 'fd00::1',
    });
    expect(decodeAddress(splitMessages(w.buf, w.pos)[0])).toMatchObject({
      family: 6,
      prefixLength: 64,
      index: 3,
      address: 'fd00::1',
    });
  });

  it('refuses what it cannot encode, and a full buffer, with a NetlinkDecodeError', () => {
    const small = new NetlinkWriter(Buffer.alloc(20));
    const route = { family: 4 as const, dst: '10.0.0.0', dstLength: 8, table: 254, protocol: 72 };
    expect(() => encodeRoute(small, MessageType.NEWROUTE, 0, 0, route)).toThrow(
      expect.objectContaining({ code: 'bufferFull' }),
    );
    const w = new NetlinkWriter(Buffer.alloc(256));
    expect(() => encodeRoute(w, MessageType.NEWROUTE, 0, 0, { ...route, dstLength: 33 })).toThrow(
      NetlinkDecodeError,
    );
    expect(() => encodeRoute(w, MessageType.NEWROUTE, 0, 0, { ...route, dst: '2001:db8::' })).toThrow(
      NetlinkDecodeError,
    );
    expect(() =>
      encodeRoute(w, MessageType.NEWROUTE, 0, 0, {
        ...route,
        nextHops: [{ gateway: '10.0.0.1' }, { gateway: '10.0.0.2', weight: 0 }],
      }),
    ).toThrow(NetlinkDecodeError);
  });
});

describe('VRF devices', () => {
  /** An RTM_NEWLINK as `ip link add red type vrf table 100` writes it (the kernel's dump has the same nesting). */
  function vrfLink(kind: string, table: number): Buffer {
    const w = new NetlinkWriter(Buffer.alloc(256));
    const start = w.beginMessage(MessageType.NEWLINK, 0);
    w.u8(0);
    w.u8(0);
    w.u16(1);
    w.i32(7);
    w.u32(0x10041);
    w.u32(0);
    w.attrString(LinkAttr.IFNAME, 'red');
    const info = w.beginAttr(LinkAttr.LINKINFO);
    w.attrString(LinkInfoAttr.KIND, kind);
    const data = w.beginAttr(LinkInfoAttr.DATA);
    w.attrU32(VrfAttr.TABLE, table);
    w.endAttr(data);
    w.endAttr(info);
    w.endMessage(start);
    return Buffer.from(w.buf.subarray(0, w.pos));
  }

  it('IFLA_LINKINFO: the kind, and IFLA_VRF_TABLE of a "vrf" link', () => {
    const [m] = splitMessages(vrfLink('vrf', 100));
    expect(decodeLink(m)).toMatchObject({ index: 7, name: 'red', kind: 'vrf', vrfTable: 100 });
  });

  it('the data of another kind is not read as a VRF table', () => {
    const [m] = splitMessages(vrfLink('bridge', 100));
    const l = decodeLink(m);
    expect(l.kind).toBe('bridge');
    expect(l.vrfTable).toBeUndefined();
  });

  it('a truncated IFLA_VRF_TABLE is a decode error, not a wrong table', () => {
    const buf = vrfLink('vrf', 100);
    // IFLA_VRF_TABLE is the last attribute: shrink its rta_len (and every enclosing length) by 1.
    buf.writeUInt16LE(7, buf.length - 8);
    expect(() => decodeLink(splitMessages(buf)[0])).toThrow(NetlinkDecodeError);
  });
});
