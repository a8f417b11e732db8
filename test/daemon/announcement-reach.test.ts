// Where Herald's own routes go (issue 22): per neighbor sent or why not — the family is not
// negotiated, the session is not up, the export policy refuses — and LOCAL_PREF that no neighbor gets.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import {
  announcementReports,
  localPrefConfigWarnings,
  lostAttributes,
} from '../../src/daemon/announcement-reach.js';
import type { AnnouncementView } from '../../src/daemon/announcements.js';
import { compilePolicies } from '../../src/policy/index.js';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import { type LocalRoute, localRoute } from '../../src/rib/local-routes.js';
import type { SessionFacts } from '../../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { ManualClock } from '../../src/session/clock.js';
import { codecContext, IPV4_UNICAST } from '../../src/wire/index.js';

const LOCAL = 65000;
const sink: Sink = { send: () => true, drained: async () => {}, open: true };
const facts = (peerAsn: number): SessionFacts => {
  const ibgp = peerAsn === LOCAL;
  const ctx = codecContext({ as4: true, ibgp });
  return {
    peerAsn,
    peerBgpId: '192.0.2.99',
    ibgp,
    families: new Set([IPV4_UNICAST]),
    send: ctx,
    receive: ctx,
    localAddress: '192.0.2.1',
    ipv4OverIpv6: false,
    enhancedRouteRefresh: false,
  };
};

const view = (prefix: string, extra: Partial<AnnouncementView> = {}): AnnouncementView => ({
  prefix,
  source: 'config',
  announced: true,
  degraded: false,
  withdrawn: false,
  shadowedBy: null,
  nextHop: null,
  communities: [],
  largeCommunities: [],
  extendedCommunities: [],
  med: null,
  localPref: null,
  asPathPrepend: 0,
  health: null,
  ...extra,
});

function engineWith(routes: LocalRoute[]) {
  const engine = new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: () => routes,
    localAsn: () => LOCAL,
    report: {
      routesNotSent: () => {},
      internalError: (_a, e) => {
        throw e;
      },
    },
  });
  engine.setPolicies(
    compilePolicies({
      prefixLists: { only10: [{ action: 'permit', prefix: '10.0.0.0/8', le: 32 }] },
      policies: {
        out: { terms: [{ match: { prefixList: 'only10' }, action: 'accept' }], default: 'reject' },
      },
    }),
  );
  engine.addNeighbor({ address: '192.0.2.2', configuredAsns: [65001] }).up(facts(65001), sink);
  engine
    .addNeighbor({ address: '192.0.2.3', configuredAsns: [65002], exportPolicy: 'out' })
    .up(facts(65002), sink);
  engine.addNeighbor({ address: '192.0.2.4', configuredAsns: [65003] });
  return engine;
}

describe('announcementReach', () => {
  it('says per neighbor whether it gets the route, and why not', () => {
    const routes = ['10.0.0.1/32', '2001:db8::/64', '198.51.100.1/32'].map((prefix) =>
      localRoute({ prefix }),
    );
    const engine = engineWith(routes);
    const [v4, v6, other] = announcementReports(engine, LOCAL, [
      view('10.0.0.1/32'),
      view('2001:db8::/64'),
      view('198.51.100.1/32'),
    ]);
    expect(v4.peers).toEqual([
      { neighbor: '192.0.2.2', sent: true, reason: null },
      { neighbor: '192.0.2.3', sent: true, reason: null },
      { neighbor: '192.0.2.4', sent: false, reason: 'the session is not Established' },
    ]);
    // An IPv6 prefix on IPv4-only sessions goes nowhere, and says so.
    expect(v6.peers.map((p) => p.reason)).toEqual([
      'the family is not negotiated on this session',
      'the family is not negotiated on this session',
      'the session is not Established',
    ]);
    expect(other.peers[1]).toEqual({
      neighbor: '192.0.2.3',
      sent: false,
      reason: expect.stringMatching(/^rejected by the export policy/),
    });
  });

  it('a route not announced goes nowhere, with the reason', () => {
    const engine = engineWith([]);
    const [r] = announcementReports(engine, LOCAL, [
      view('10.0.0.9/32', { announced: false, health: { state: 'unknown' } as AnnouncementView['health'] }),
    ]);
    expect(r.peers.every((p) => !p.sent && p.reason === 'its health check has no result yet')).toBe(true);
  });
});

describe('LOCAL_PREF no neighbor gets', () => {
  it('is a warning when every neighbor is eBGP, not when one is iBGP', () => {
    expect(lostAttributes({ prefix: '10.0.0.1/32', localPref: 200 }, [false, false])).toEqual([
      'localPref 200 of 10.0.0.1/32 reaches no neighbor: LOCAL_PREF is sent to iBGP neighbors only (RFC 4271 §5.1.5) and every neighbor is eBGP',
    ]);
    expect(lostAttributes({ prefix: '10.0.0.1/32', localPref: 200 }, [false, true])).toEqual([]);
    expect(lostAttributes({ prefix: '10.0.0.1/32', localPref: null }, [false])).toEqual([]);
    const engine = engineWith([localRoute({ prefix: '10.0.0.1/32', localPref: 200 })]);
    const [r] = announcementReports(engine, LOCAL, [view('10.0.0.1/32', { localPref: 200 })]);
    expect(r.warnings).toHaveLength(1);
  });

  it('check-config names the announcement', () => {
    const ebgpOnly = parseConfig(
      'asn: 65000\nneighbors:\n  - { address: 192.0.2.2, peerAsn: 65001 }\nannounce:\n  - { prefix: 10.0.0.1/32, localPref: 200 }\n  - { prefix: 10.0.0.2/32 }\n',
    );
    expect(localPrefConfigWarnings(ebgpOnly)).toEqual([
      expect.stringMatching(/^announce\[0\]: localPref 200 of 10\.0\.0\.1\/32 reaches no neighbor/),
    ]);
    const withIbgp = parseConfig(
      'asn: 65000\nneighbors:\n  - { address: 192.0.2.2, peerAsn: 65001 }\n  - { address: 192.0.2.3, peerAsn: 65000 }\nannounce:\n  - { prefix: 10.0.0.1/32, localPref: 200 }\n',
    );
    expect(localPrefConfigWarnings(withIbgp)).toEqual([]);
  });
});
