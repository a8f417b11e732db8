// The rules of docs/conformance.md, each proved by its hex vector going through a neighbor's real
// import path (NeighborRibs.received: the codec, the import rules, the Adj-RIB-In) on an
// Established eBGP session unless the vector says otherwise. Before each vector the neighbor holds
// 10.0.0.0/8 and 2001:db8::/32, so a rejected announcement must also remove the earlier path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodedAttributes } from '../../src/rib/attribute-store.js';
import type { NeighborRibs } from '../../src/rib/neighbor-ribs.js';
import { negotiate } from '../../src/session/negotiate.js';
import {
  AS_TRANS,
  codecContext,
  decodeUpdate,
  ErrorCode,
  Notification,
  OpenSubcode,
  type PathAttributes,
} from '../../src/wire/index.js';
import { nullSink, sessionFacts, testEngine } from '../helpers/engine.js';
import { ribEntries, ribRoutes } from '../helpers/rib.js';
import {
  type ConformanceVector,
  conformanceVectors,
  type SessionKind,
  updateBody,
} from './conformance-vectors.js';

const LOCAL_ASN = 65000;
const PEER = '192.0.2.1';

/** A neighbor with an Established session of `kind`, holding 10.0.0.0/8 and 2001:db8::/32. */
function neighbor(kind: SessionKind = {}): NeighborRibs {
  const peerAsn = kind.ibgp ? LOCAL_ASN : 65001;
  const engine = testEngine({ localAsn: LOCAL_ASN });
  const n = engine.addNeighbor({
    address: PEER,
    configuredAsns: [peerAsn],
    importRules: {
      localAsn: LOCAL_ASN,
      allowAsIn: 0,
      routerId: '192.0.2.99',
      enforceFirstAs: kind.enforceFirstAs,
      singleHop: kind.singleHop,
    },
  });
  const ctx = codecContext({ as4: !kind.as2, ibgp: kind.ibgp === true });
  n.up(sessionFacts({ peerAsn, localAsn: LOCAL_ASN, localAddress: '192.0.2.2', ctx }), nullSink);
  const path = kind.as2 ? '40 02 04 02 01 fde9' : '40 02 06 02 01 0000fde9';
  const first = kind.ibgp ? '40 02 00' : path; // iBGP: an empty AS_PATH (originated in our AS)
  const v6 = '90 0e 001a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8';
  n.received(updateBody(`40 01 01 00 ${first} 40 03 04 c0000201`, '08 0a'));
  n.received(updateBody(`${v6} 40 01 01 00 ${first}`));
  expect(ribRoutes(n.adjRibIn)).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  return n;
}

function attributesOf(n: NeighborRibs, route: string): PathAttributes {
  const entry = ribEntries(n.adjRibIn).find(([text]) => text === route);
  return decodedAttributes(n.adjRibIn.attributes.get(entry![1])!);
}

function check(v: ConformanceVector): void {
  const n = neighbor(v.session);
  const e = v.expected;
  if ('notification' in e) {
    let thrown: unknown;
    try {
      n.received(v.bytes);
    } catch (x) {
      thrown = x;
    }
    expect(thrown).toBeInstanceOf(Notification);
    const { code, subcode } = thrown as Notification;
    expect([code, subcode]).toEqual(e.notification);
    return;
  }
  const r = n.received(v.bytes);
  expect(ribRoutes(n.adjRibIn)).toEqual(e.routes);
  expect(r.rejectedInvalid).toBe(e.rejected);
  expect(n.counters.rejectedInvalid).toBe(e.rejected);
  expect(n.acceptedCount).toBe(e.routes.length);
  if (e.reason) expect(r.errors.map((x) => x.reason).join('; ')).toMatch(e.reason);
  else expect(r.errors).toEqual([]);
  if (v.discarded) {
    const route = v.bytes.includes(Buffer.from([0x90, 0x0e])) ? '2001:db8::/32' : '10.0.0.0/8';
    expect(attributesOf(n, route)).not.toHaveProperty(v.discarded);
  }
}

describe('conformance vectors (docs/conformance.md) through the import path', () => {
  for (const v of conformanceVectors) it(`${v.rfc}: ${v.name}`, () => check(v));
});

describe('conformance: RFC 4271 §4.3, §9', () => {
  it('a prefix both withdrawn and announced in one UPDATE is announced (withdrawn routes first)', () => {
    const n = neighbor();
    // Withdrawn Routes: 11.0.0.0/8; attributes; NLRI: 11.0.0.0/8.
    const body = Buffer.from('0002080b00144001010040020602010000fde9400304c0000201080b', 'hex');
    const r = n.received(body);
    expect([r.announced, r.rejectedInvalid]).toEqual([1, 0]);
    expect(ribRoutes(n.adjRibIn)).toContain('11.0.0.0/8');
  });
});

describe('conformance: loops before validity', () => {
  it('our own route coming back with our address as NEXT_HOP counts as a loop (RFC 4271 §9.1.2), not as invalid', () => {
    const n = neighbor();
    const r = n.received(
      updateBody('40 01 01 00 40 02 0a 02 02 0000fde9 0000fde8 40 03 04 c0000202', '08 0a'),
    );
    expect([r.rejectedAsLoop, r.rejectedInvalid]).toEqual([1, 0]);
    expect(ribRoutes(n.adjRibIn)).toEqual(['2001:db8::/32']);
  });
});

describe('conformance: the codec alone leaves recorded (MRT) data as it is', () => {
  it('AS 0 and eBGP-only rules apply to sessions, not to data without a session (ctx.ibgp undefined)', () => {
    const asZero = conformanceVectors.find((v) => v.name.startsWith('AS 0 in AS_PATH:'))!;
    const u = decodeUpdate(asZero.bytes, codecContext({ as4: true }));
    expect(u.outcome).toBe('none');
    const noNlri = conformanceVectors.find((v) => v.name.startsWith('AS 0 in AS_PATH and no NLRI'))!;
    expect(() => decodeUpdate(noNlri.bytes, codecContext({ as4: true }))).not.toThrow();
    expect(() => decodeUpdate(noNlri.bytes, codecContext({ as4: true, ibgp: false }))).toThrow(Notification);
  });
});

describe('conformance: OPEN', () => {
  it('RFC 7607 §2: zero as the peer AS in an OPEN is Bad Peer AS', () => {
    const r = negotiate(
      {
        localAsn: 65000,
        bgpId: '10.0.0.1',
        peerAsns: [65001],
        holdTime: 90,
        keepalive: 30,
        capabilities: [{ kind: 'as4', asn: 65000 }],
      },
      { version: 4, myAsn: 0, holdTime: 90, bgpId: '10.0.0.2', capabilities: [{ kind: 'as4', asn: 0 }] },
    );
    expect(r).toBeInstanceOf(Notification);
    expect([(r as Notification).code, (r as Notification).subcode]).toEqual([
      ErrorCode.OPEN_MESSAGE,
      OpenSubcode.BAD_PEER_AS,
    ]);
  });

  it('RFC 6793: AS_TRANS in a received AS_PATH is kept (an OLD speaker upstream; no RFC rule rejects it)', () => {
    const n = neighbor();
    const path = `40 02 0a 02 02 0000fde9 ${AS_TRANS.toString(16).padStart(8, '0')}`;
    const r = n.received(updateBody(`40 01 01 00 ${path} 40 03 04 c0000201`, '08 0b'));
    expect(r.rejectedInvalid).toBe(0);
    expect(ribRoutes(n.adjRibIn)).toContain('11.0.0.0/8');
  });
});

describe('docs/conformance.md', () => {
  it('quotes every vector in hex', () => {
    const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8').replace(
      /\s/g,
      '',
    );
    for (const v of conformanceVectors) expect(doc, v.name).toContain(v.bytes.toString('hex'));
  });
});
