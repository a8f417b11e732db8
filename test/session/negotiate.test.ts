// OPEN negotiation: what two OPENs agree on, or the NOTIFICATION to send instead.
import { describe, expect, it } from 'vitest';
import {
  buildOpen,
  type LocalSettings,
  type Negotiated,
  negotiate,
  openFamilies,
} from '../../src/session/negotiate.js';
import {
  AddPathDirection,
  AS_TRANS,
  type Capability,
  ErrorCode,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  Notification,
  type OpenMessage,
  OpenSubcode,
} from '../../src/wire/index.js';

const mp = (afi: number, safi: number): Capability => ({ kind: 'multiprotocol', afi, safi });
const V4 = mp(1, 1);
const V6 = mp(2, 1);
const IPV4_VPN = familyKey(1, 128);

function local(over: Partial<LocalSettings> = {}): LocalSettings {
  return {
    localAsn: 65001,
    bgpId: '10.0.0.1',
    peerAsns: [65002],
    holdTime: 90,
    keepalive: 30,
    capabilities: [V4, V6, { kind: 'route-refresh' }, { kind: 'as4', asn: 65001 }],
    ...over,
  };
}

/** The peer's OPEN: AS 65002 with the AS4 capability unless `capabilities` says otherwise. */
function open(over: Partial<OpenMessage> = {}): OpenMessage {
  return {
    version: 4,
    myAsn: 65002,
    holdTime: 90,
    bgpId: '10.0.0.2',
    capabilities: [V4, V6, { kind: 'as4', asn: 65002 }],
    ...over,
  };
}

function ok(l: LocalSettings, o: OpenMessage): Negotiated {
  const r = negotiate(l, o);
  if (r instanceof Notification) throw new Error(`unexpected ${r.message}`);
  return r;
}

function error(l: LocalSettings, o: OpenMessage): [number, number] {
  const r = negotiate(l, o);
  if (!(r instanceof Notification)) throw new Error('expected a NOTIFICATION');
  return [r.code, r.subcode];
}

const BAD_PEER_AS = [ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS];
const BAD_BGP_ID = [ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_BGP_IDENTIFIER];
const as4Open = (asn: number, myAsn = AS_TRANS) => open({ myAsn, capabilities: [V4, { kind: 'as4', asn }] });

describe('RFC 4271 §6.2 Bad Peer AS (subcode 2)', () => {
  it('accepts the configured peer AS and rejects another', () => {
    expect(ok(local(), open()).peerAsn).toBe(65002);
    expect(error(local(), open({ myAsn: 65003, capabilities: [{ kind: 'as4', asn: 65003 }] }))).toEqual(
      BAD_PEER_AS,
    );
  });

  it('the AS4 capability, not My AS, is the peer AS when present (RFC 6793 §4.1)', () => {
    expect(error(local(), open({ myAsn: 65002, capabilities: [{ kind: 'as4', asn: 65009 }] }))).toEqual(
      BAD_PEER_AS,
    );
    expect(ok(local(), open({ capabilities: [] })).peerAsn).toBe(65002);
  });

  it('dynamic neighbors: any AS of the list is acceptable', () => {
    const l = local({ peerAsns: [65002, 65003, 4200000000] });
    expect(ok(l, open({ myAsn: 65003, capabilities: [{ kind: 'as4', asn: 65003 }] })).peerAsn).toBe(65003);
    expect(ok(l, as4Open(4200000000)).peerAsn).toBe(4200000000);
    expect(error(l, open({ myAsn: 65004, capabilities: [] }))).toEqual(BAD_PEER_AS);
  });

  it("external (FRR's remote-as external): any AS but our own", () => {
    const l = local({ peerAsns: 'external' });
    expect(ok(l, open()).peerAsn).toBe(65002);
    expect(ok(l, as4Open(4200000000)).peerAsn).toBe(4200000000);
    const own = negotiate(l, open({ myAsn: l.localAsn, capabilities: [] }));
    expect(own).toBeInstanceOf(Notification);
    expect([(own as Notification).code, (own as Notification).subcode]).toEqual(BAD_PEER_AS);
    expect((own as Notification).message).toContain(`is not external (not ${l.localAsn})`);
  });

  it('RFC 7607 §2: zero as the peer AS is Bad Peer AS, even for an external neighbor', () => {
    const external = local({ peerAsns: 'external' });
    expect(error(external, open({ myAsn: 0, capabilities: [V4] }))).toEqual(BAD_PEER_AS);
    expect(error(external, open({ myAsn: 65002, capabilities: [V4, { kind: 'as4', asn: 0 }] }))).toEqual(
      BAD_PEER_AS,
    );
    expect(error(local(), open({ myAsn: 0, capabilities: [V4, { kind: 'as4', asn: 65002 }] }))).toEqual(
      BAD_PEER_AS,
    );
  });

  it('RFC 6793 §4.1: with the capability, My AS is the AS itself or AS_TRANS; AS_TRANS is never the AS', () => {
    expect(error(local(), open({ myAsn: 1234, capabilities: [V4, { kind: 'as4', asn: 65002 }] }))).toEqual(
      BAD_PEER_AS,
    );
    expect(error(local({ peerAsns: 'external' }), as4Open(AS_TRANS, 65002))).toEqual(BAD_PEER_AS);
    // AS_TRANS in My AS for a small AS is tolerated, as FRR does.
    expect(ok(local(), as4Open(65002)).peerAsn).toBe(65002);
  });

  it('RFC 6793: a 4-octet AS arrives as AS_TRANS in My AS plus the AS4 capability', () => {
    const l = local({ peerAsns: [4200000000] });
    expect(ok(l, as4Open(4200000000))).toMatchObject({ peerAsn: 4200000000, ibgp: false });
    // AS_TRANS itself is not the peer's AS.
    expect(error(local({ peerAsns: [AS_TRANS] }), as4Open(4200000000))).toEqual(BAD_PEER_AS);
    // Without the capability the peer is just AS_TRANS.
    expect(error(l, open({ myAsn: AS_TRANS, capabilities: [] }))).toEqual(BAD_PEER_AS);
  });

  it('RFC 6793 §4.2.1: My AS other than AS_TRANS with a 4-octet AS4 capability is Bad Peer AS', () => {
    expect(error(local({ peerAsns: [4200000000] }), as4Open(4200000000, 65002))).toEqual(BAD_PEER_AS);
  });

  it('the NOTIFICATION data is the My AS field received', () => {
    const r = negotiate(local(), open({ myAsn: 0x1234, capabilities: [] }));
    expect(r).toBeInstanceOf(Notification);
    expect((r as Notification).data).toEqual(Buffer.from([0x12, 0x34]));
  });
});

describe('RFC 6286 §2.2 Bad BGP Identifier (subcode 3)', () => {
  const ibgp = local({ peerAsns: [65001] });
  const ibgpOpen = (bgpId: string) =>
    open({ myAsn: 65001, bgpId, capabilities: [{ kind: 'as4', asn: 65001 }] });

  it('iBGP peer with our own BGP Identifier', () => {
    expect(error(ibgp, ibgpOpen('10.0.0.1'))).toEqual(BAD_BGP_ID);
  });

  it('iBGP peer with another identifier is fine', () => {
    expect(ok(ibgp, ibgpOpen('10.0.0.9'))).toMatchObject({ ibgp: true, peerBgpId: '10.0.0.9' });
  });

  it('eBGP peer with our identifier is allowed ("from an internal peer" only)', () => {
    expect(ok(local(), open({ bgpId: '10.0.0.1' })).ibgp).toBe(false);
  });
});

describe('RFC 4271 §4.2 hold time and §4.4 keepalive', () => {
  const hold = (ours: number, theirs: number, keepalive = 30) => {
    const n = ok(local({ holdTime: ours, keepalive }), open({ holdTime: theirs }));
    return [n.holdTime, n.keepalive];
  };

  it('"the smaller of its configured Hold Time and the Hold Time received"', () => {
    expect(hold(90, 30)).toEqual([30, 10]);
    expect(hold(90, 180)).toEqual([90, 30]);
    expect(hold(60, 240)).toEqual([60, 20]);
  });

  it('keepalive = min(configured, hold time / 3), at least 1', () => {
    expect(hold(90, 90, 10)).toEqual([90, 10]);
    expect(hold(90, 90, 45)).toEqual([90, 30]);
    expect(hold(90, 3)).toEqual([3, 1]);
    expect(hold(90, 100, 0)).toEqual([90, 30]);
  });

  it('hold time 0 on either side: no hold timer and no keepalives', () => {
    expect(hold(90, 0)).toEqual([0, 0]);
    expect(hold(0, 90)).toEqual([0, 0]);
  });
});

describe('RFC 4760 families', () => {
  it('openFamilies: multiprotocol capabilities, or IPv4 unicast when there are none (§8)', () => {
    expect(openFamilies([V6, mp(1, 128)])).toEqual(new Set([IPV6_UNICAST, IPV4_VPN]));
    expect(openFamilies([{ kind: 'route-refresh' }])).toEqual(new Set([IPV4_UNICAST]));
  });

  it('the intersection of both sides', () => {
    expect(ok(local(), open({ capabilities: [V6, mp(1, 128)] })).families).toEqual(new Set([IPV6_UNICAST]));
  });

  it('a peer without multiprotocol capabilities is IPv4 unicast only', () => {
    expect(ok(local(), open({ capabilities: [] })).families).toEqual(new Set([IPV4_UNICAST]));
    expect(ok(local({ capabilities: [V6] }), open({ capabilities: [] })).families).toEqual(new Set());
    expect(ok(local({ capabilities: [] }), open({ capabilities: [] })).families).toEqual(
      new Set([IPV4_UNICAST]),
    );
  });
});

describe('capabilities that change the codec contexts', () => {
  const both = (ours: Capability[], theirs: Capability[]) =>
    ok(local({ capabilities: ours }), open({ capabilities: theirs }));

  it('RFC 6793 AS4: only when both sides sent it', () => {
    const as4 = { kind: 'as4', asn: 65001 } as const;
    const peer = { kind: 'as4', asn: 65002 } as const;
    expect(both([as4], [peer])).toMatchObject({ send: { as4: true }, receive: { as4: true } });
    expect(both([as4], [])).toMatchObject({ send: { as4: false }, receive: { as4: false } });
    expect(both([], [peer])).toMatchObject({ send: { as4: false }, receive: { as4: false } });
  });

  it('RFC 8654 extended message: 65535 only when both sides sent it, else 4096', () => {
    const em = { kind: 'extended-message' } as const;
    const len = (n: Negotiated) => [n.send.maxMessageLength, n.receive.maxMessageLength];
    expect(len(both([em], [em]))).toEqual([MAX_EXTENDED_MESSAGE_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH]);
    expect(len(both([em], []))).toEqual([MAX_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH]);
    expect(len(both([], [em]))).toEqual([4096, 4096]);
    expect(MAX_EXTENDED_MESSAGE_LENGTH).toBe(65535);
  });

  describe('RFC 7911 ADD-PATH per family', () => {
    const { RECEIVE, SEND, BOTH } = AddPathDirection;
    const ap = (...families: [afi: number, safi: number, direction: AddPathDirection][]): Capability => ({
      kind: 'add-path',
      families: families.map(([afi, safi, direction]) => ({ afi, safi, direction })),
    });
    const paths = (ours: Capability, theirs: Capability) => {
      const n = both([V4, V6, ours], [V4, V6, theirs]);
      return { send: [...n.send.addPath], receive: [...n.receive.addPath] };
    };

    it('we send path ids when we can send and they can receive', () => {
      expect(paths(ap([1, 1, SEND]), ap([1, 1, RECEIVE]))).toEqual({ send: [IPV4_UNICAST], receive: [] });
      expect(paths(ap([1, 1, BOTH]), ap([1, 1, RECEIVE]))).toEqual({ send: [IPV4_UNICAST], receive: [] });
    });

    it('we receive path ids when we can receive and they can send', () => {
      expect(paths(ap([2, 1, RECEIVE]), ap([2, 1, SEND]))).toEqual({ send: [], receive: [IPV6_UNICAST] });
      expect(paths(ap([2, 1, RECEIVE]), ap([2, 1, BOTH]))).toEqual({ send: [], receive: [IPV6_UNICAST] });
    });

    it('both directions when both sides say Send/Receive', () => {
      expect(paths(ap([1, 1, BOTH]), ap([1, 1, BOTH]))).toEqual({
        send: [IPV4_UNICAST],
        receive: [IPV4_UNICAST],
      });
    });

    it('nothing when the directions do not match, or the family is on one side only', () => {
      expect(paths(ap([1, 1, SEND]), ap([1, 1, SEND]))).toEqual({ send: [], receive: [] });
      expect(paths(ap([1, 1, RECEIVE]), ap([1, 1, RECEIVE]))).toEqual({ send: [], receive: [] });
      expect(paths(ap([1, 1, BOTH]), ap([2, 1, BOTH]))).toEqual({ send: [], receive: [] });
    });

    it('families are negotiated independently', () => {
      expect(paths(ap([1, 1, SEND], [2, 1, RECEIVE]), ap([1, 1, BOTH], [2, 1, BOTH]))).toEqual({
        send: [IPV4_UNICAST],
        receive: [IPV6_UNICAST],
      });
    });
  });

  it('ibgp is set in both codec contexts (RFC 7606 eBGP-only rules)', () => {
    const i = ok(
      local({ peerAsns: [65001] }),
      open({ myAsn: 65001, capabilities: [{ kind: 'as4', asn: 65001 }] }),
    );
    expect([i.ibgp, i.send.ibgp, i.receive.ibgp]).toEqual([true, true, true]);
    const e = ok(local(), open());
    expect([e.ibgp, e.send.ibgp, e.receive.ibgp]).toEqual([false, false, false]);
  });
});

describe('other capabilities', () => {
  const both = (ours: Capability[], theirs: Capability[]) =>
    ok(local({ capabilities: ours }), open({ capabilities: theirs }));

  it('RFC 8950 extended next hop: entries (AFI, SAFI, next-hop AFI) both sides sent', () => {
    const enh = (...entries: [number, number, number][]): Capability => ({
      kind: 'extended-next-hop',
      entries: entries.map(([afi, safi, nextHopAfi]) => ({ afi, safi, nextHopAfi })),
    });
    const n = both([enh([1, 1, 2], [1, 128, 2])], [enh([1, 1, 2], [1, 128, 1])]);
    expect(n.extendedNextHop).toEqual(new Set([IPV4_UNICAST]));
    expect(both([enh([1, 1, 2])], []).extendedNextHop).toEqual(new Set());
  });

  it('RFC 2918 route refresh: the peer must support it; RFC 7313 enhanced needs both', () => {
    const rr = { kind: 'route-refresh' } as const;
    const err = { kind: 'enhanced-route-refresh' } as const;
    expect(both([], [rr])).toMatchObject({ routeRefresh: true, enhancedRouteRefresh: false });
    expect(both([rr], [])).toMatchObject({ routeRefresh: false });
    expect(both([err], [err])).toMatchObject({ routeRefresh: true, enhancedRouteRefresh: true });
  });

  describe('RFC 4724 graceful restart', () => {
    const gr = (notification: boolean, restartTime = 120): Capability => ({
      kind: 'graceful-restart',
      restarting: true,
      notification,
      restartTime,
      families: [
        { afi: 1, safi: 1, forwarding: true },
        { afi: 2, safi: 1, forwarding: false },
      ],
    });

    it("the peer's restart time, restart flag, families and forwarding-preserved families", () => {
      expect(both([gr(false, 30)], [gr(false, 120)]).gracefulRestart).toEqual({
        restartTime: 120,
        restarting: true,
        notification: false,
        forwarding: new Set([IPV4_UNICAST]),
        families: new Set([IPV4_UNICAST, IPV6_UNICAST]),
      });
    });

    it('RFC 8538 N bit only when both sides set it', () => {
      expect(both([gr(true)], [gr(true)]).gracefulRestart?.notification).toBe(true);
      expect(both([gr(false)], [gr(true)]).gracefulRestart?.notification).toBe(false);
      expect(both([gr(true)], [gr(false)]).gracefulRestart?.notification).toBe(false);
    });

    it('none unless both sides sent the capability', () => {
      expect(both([gr(true)], []).gracefulRestart).toBeUndefined();
      expect(both([], [gr(true)]).gracefulRestart).toBeUndefined();
    });
  });

  it("keeps the peer's OPEN and identifier", () => {
    const o = open();
    expect(ok(local(), o)).toMatchObject({ peerOpen: o, peerBgpId: '10.0.0.2' });
  });
});

describe('buildOpen', () => {
  it('version 4, our hold time, identifier and capabilities', () => {
    const l = local();
    expect(buildOpen(l)).toEqual({
      version: 4,
      myAsn: 65001,
      holdTime: 90,
      bgpId: '10.0.0.1',
      capabilities: l.capabilities,
    });
  });

  it('RFC 6793 §4.2.1: AS_TRANS in My AS for a 4-octet ASN', () => {
    const l = local({ localAsn: 4200000000, capabilities: [V4, { kind: 'as4', asn: 4200000000 }] });
    expect(buildOpen(l).myAsn).toBe(AS_TRANS);
    expect(buildOpen(local({ localAsn: 65535 })).myAsn).toBe(65535);
    // And the peer, configured with our 4-octet ASN, accepts it.
    const peer = local({ localAsn: 65002, bgpId: '10.0.0.2', peerAsns: [4200000000] });
    expect(ok(peer, buildOpen(l))).toMatchObject({ peerAsn: 4200000000, send: { as4: true } });
  });
});
