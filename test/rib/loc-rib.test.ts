// The routing engine's Loc-RIB: best path and ECMP set across neighbors, why the others lost,
// Herald's own route winning, and the change feed that the kernel routes and export follow.
import { describe, expect, it } from 'vitest';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import type { LocalRoute } from '../../src/rib/local-routes.js';
import { localRoute } from '../../src/rib/local-routes.js';
import type { SessionFacts } from '../../src/rib/neighbor-ribs.js';
import type { RoutingEngine } from '../../src/rib/routing-engine.js';
import {
  codecContext,
  encodeUpdate,
  formatPrefix,
  IPV4_UNICAST,
  type PathAttributes,
  parsePrefix,
} from '../../src/wire/index.js';
import { sessionFacts, testEngine } from '../helpers/engine.js';

const LOCAL_ASN = 65000;
const ctx = codecContext({ as4: true });
const sink: Sink = { send: () => true, drained: async () => {}, open: true };

function facts(peerAsn: number, peerBgpId: string): SessionFacts {
  return sessionFacts({ peerAsn, peerBgpId, localAsn: LOCAL_ASN, ctx });
}

function engine(opts: { maximumPaths?: number; multipathRelax?: boolean; local?: LocalRoute[] } = {}) {
  return testEngine({
    localAsn: LOCAL_ASN,
    localRoutes: () => opts.local ?? [],
    maximumPaths: opts.maximumPaths,
    multipathRelax: opts.multipathRelax,
  });
}

function neighbor(e: RoutingEngine, address: string, asn: number) {
  const n = e.addNeighbor({ address, configuredAsns: [asn] });
  n.up(facts(asn, address), sink);
  return n;
}

function announce(
  asPath: number[],
  nextHop: string,
  prefix = '10.0.0.0/8',
  extra: Partial<PathAttributes> = {},
) {
  return encodeUpdate(
    {
      withdrawn: [],
      nlri: [parsePrefix(prefix)],
      attributes: { origin: 0, asPath: [{ type: 2, asns: asPath }], nextHop, ...extra },
    },
    ctx,
  ).subarray(19);
}

const P = parsePrefix('10.0.0.0/8');

describe('Loc-RIB', () => {
  it('selects the shorter AS path and says why the other lost', () => {
    const e = engine();
    neighbor(e, '192.0.2.1', 65001).received(announce([65001, 65100], '192.0.2.1'));
    neighbor(e, '192.0.2.2', 65002).received(announce([65002], '192.0.2.2'));
    const s = e.select(P)!;
    expect(s.paths.map((p) => [p.neighbor, p.best, p.multipath, p.lostAt])).toEqual([
      ['192.0.2.2', true, true, undefined],
      ['192.0.2.1', false, false, 'asPathLength'],
    ]);
  });

  it('maximumPaths: equal paths from one neighbor AS form an ECMP set, one per next hop', () => {
    const e = engine({ maximumPaths: 4 });
    neighbor(e, '192.0.2.1', 65001).received(announce([65001], '192.0.2.1'));
    neighbor(e, '192.0.2.2', 65001).received(announce([65001], '192.0.2.2'));
    const s = e.select(P)!;
    expect(s.paths.filter((p) => p.multipath).map((p) => p.neighbor)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(s.paths[0]).toMatchObject({ best: true, neighbor: '192.0.2.1' });
    expect(s.paths[1]).toMatchObject({ best: false, multipath: true, lostAt: 'routerId' });
  });

  it('paths from different neighbor ASes join only with multipathRelax', () => {
    for (const relax of [false, true]) {
      const e = engine({ maximumPaths: 2, multipathRelax: relax });
      neighbor(e, '192.0.2.1', 65001).received(announce([65001], '192.0.2.1'));
      neighbor(e, '192.0.2.2', 65002).received(announce([65002], '192.0.2.2'));
      expect(e.select(P)!.paths.filter((p) => p.multipath)).toHaveLength(relax ? 2 : 1);
    }
  });

  it('maximumPaths 1 keeps the best path only', () => {
    const e = engine({ maximumPaths: 1 });
    neighbor(e, '192.0.2.1', 65001).received(announce([65001], '192.0.2.1'));
    neighbor(e, '192.0.2.2', 65001).received(announce([65001], '192.0.2.2'));
    expect(e.select(P)!.paths.filter((p) => p.multipath)).toHaveLength(1);
  });

  it('a route Herald originates wins; learned paths say so', () => {
    const e = engine({ local: [localRoute({ prefix: '10.0.0.0/8' })] });
    neighbor(e, '192.0.2.1', 65001).received(announce([65001], '192.0.2.1'));
    const s = e.select(P)!;
    expect(s.paths.map((p) => [p.neighbor, p.best, p.lostAt])).toEqual([
      ['local', true, undefined],
      ['192.0.2.1', false, 'originatedLocally'],
    ]);
  });

  it('stale paths of a restarting neighbor stay candidates until swept', () => {
    const e = engine();
    const n = neighbor(e, '192.0.2.1', 65001);
    n.received(announce([65001], '192.0.2.1'));
    n.down(120);
    expect(e.select(P)!.paths).toEqual([
      expect.objectContaining({ neighbor: '192.0.2.1', stale: true, best: true }),
    ]);
    n.sweepStale();
    expect(e.select(P)).toBeUndefined();
  });

  it("RFC 4724 §4.2: only the families of the peer's capability are kept; a helper-only peer's none", () => {
    const e = engine();
    const n = neighbor(e, '192.0.2.1', 65001);
    n.received(announce([65001], '192.0.2.1'));
    n.down(120, new Set([IPV4_UNICAST]));
    expect(e.select(P)!.paths).toEqual([expect.objectContaining({ stale: true })]);
    n.up(facts(65001, '192.0.2.1'), sink);
    n.received(announce([65001], '192.0.2.1'));
    n.down(120, new Set());
    expect(e.select(P)).toBeUndefined();
  });

  it('down again before End-of-RIB: the routes still stale from the last restart go, and followers hear it', async () => {
    const e = engine();
    const heard: string[] = [];
    e.followLocRib((p, s) => heard.push(`${formatPrefix(p)} ${s ? 'held' : 'gone'}`));
    const n = neighbor(e, '192.0.2.1', 65001);
    const Q = parsePrefix('10.51.0.0/16');
    n.received(announce([65001], '192.0.2.1'));
    n.received(announce([65001], '192.0.2.1', '10.51.0.0/16'));
    n.down(120);
    // Back, with forwarding state kept for IPv4 (RFC 4724): the stale routes wait for End-of-RIB.
    n.up({ ...facts(65001, '192.0.2.1'), gracefulRestart: { forwarding: new Set([IPV4_UNICAST]) } }, sink);
    n.received(announce([65001], '192.0.2.1')); // 10.0.0.0/8 again, no End-of-RIB yet
    expect(e.select(Q)!.paths).toEqual([expect.objectContaining({ stale: true })]);
    heard.length = 0;
    n.down(120);
    expect(e.select(Q)).toBeUndefined();
    // Retired routes are reported a batch per turn.
    await new Promise((r) => setTimeout(r, 20));
    expect(heard).toContain('10.51.0.0/16 gone');
    expect(e.select(P)!.paths).toEqual([expect.objectContaining({ stale: true, best: true })]);
  });

  it('followers hear of every changed prefix: announcement, better path, withdrawal, session loss', () => {
    const e = engine();
    const heard: string[] = [];
    const stop = e.followLocRib((p, s) =>
      heard.push(`${formatPrefix(p)} ${s?.paths[0]?.neighbor ?? 'gone'}`),
    );
    const a = neighbor(e, '192.0.2.1', 65001);
    const b = neighbor(e, '192.0.2.2', 65002);
    a.received(announce([65001, 65100], '192.0.2.1'));
    b.received(announce([65002], '192.0.2.2'));
    b.down();
    a.received(encodeUpdate({ withdrawn: [P], nlri: [], attributes: {} }, ctx).subarray(19));
    expect(heard).toEqual([
      '10.0.0.0/8 192.0.2.1',
      '10.0.0.0/8 192.0.2.2',
      '10.0.0.0/8 192.0.2.1',
      '10.0.0.0/8 gone',
    ]);
    stop();
    a.received(announce([65001], '192.0.2.1'));
    expect(heard).toHaveLength(4);
  });
});
