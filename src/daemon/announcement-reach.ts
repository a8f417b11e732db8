// Where each of Herald's own routes actually goes: per neighbor, sent or why not (the session is not
// up, the family is not negotiated, the announcement names other neighbors, the export policy), as
// the routing engine decides it for the Adj-RIB-Out. And what an announcement asks for that no
// neighbor will see: LOCAL_PREF goes to iBGP neighbors only (RFC 4271 §5.1.5: "A BGP speaker MUST
// NOT include this attribute in UPDATE messages it sends to external peers").
import { sessionAsn } from '../config/session-asn.js';
import type { HeraldConfig } from '../config/types.js';
import type { RoutingEngine } from '../rib/routing-engine.js';
import { parsePrefix } from '../wire/index.js';
import type { AnnouncementView } from './announcements.js';

export interface PeerReach {
  readonly neighbor: string;
  readonly sent: boolean;
  /** Why the neighbor does not get the route (null when it does). */
  readonly reason: string | null;
}

/** An announcement as the API shows it: its view, where it goes, and what of it is lost. */
export interface AnnouncementReport extends AnnouncementView {
  peers: PeerReach[];
  warnings: string[];
}

type Engine = Pick<RoutingEngine, 'neighbors' | 'policyTest'>;

/** Per neighbor: does it get this announcement now, and if not, why. */
export function announcementReach(engine: Engine, view: AnnouncementView): PeerReach[] {
  const prefix = parsePrefix(view.prefix);
  return [...engine.neighbors()].map((n) => {
    if (!view.announced) return { neighbor: n.address, sent: false, reason: notAnnouncedReason(view) };
    const r = engine.policyTest(n.address, prefix, 'export');
    const reason = r === undefined ? 'unknown neighbor' : (r.refused ?? null);
    return { neighbor: n.address, sent: reason === null, reason };
  });
}

function notAnnouncedReason(view: AnnouncementView): string {
  if (view.withdrawn) return 'withdrawn through the API';
  if (view.health?.state === 'unknown') return 'its health check has no result yet';
  if (view.health) return 'its health check is down';
  return 'not announced';
}

/**
 * What the announcement sets that no neighbor gets: LOCAL_PREF when none of the neighbors it can
 * go to is iBGP. `ibgp` tells, per neighbor, whether it is (undefined: not known).
 */
export function lostAttributes(
  view: Pick<AnnouncementView, 'localPref' | 'prefix'>,
  ibgp: readonly boolean[],
): string[] {
  if (view.localPref === null || view.localPref === undefined || ibgp.some((i) => i)) return [];
  return [
    `localPref ${view.localPref} of ${view.prefix} reaches no neighbor: LOCAL_PREF is sent to iBGP neighbors only (RFC 4271 §5.1.5) and ${ibgp.length === 0 ? 'there is no neighbor' : 'every neighbor is eBGP'}`,
  ];
}

/** Whether each neighbor is iBGP: from the session when up, else from the configured ASNs. */
export function neighborsIbgp(engine: Pick<RoutingEngine, 'neighbors'>, localAsn: number): boolean[] {
  return [...engine.neighbors()].map((n) =>
    n.session ? n.session.ibgp : n.configuredAsns.length > 0 && n.configuredAsns.every((a) => a === localAsn),
  );
}

/**
 * What to tell whoever just announced `view`: what no neighbor gets of it, and that it goes to no
 * neighbor at all now (with each neighbor's reason) when that is so.
 */
export function announceWarnings(engine: Engine, localAsn: number, view: AnnouncementView): string[] {
  const [report] = announcementReports(engine, localAsn, [view]);
  const peers = report.peers;
  const nowhere =
    peers.length === 0
      ? [`${view.prefix} goes to no neighbor: none is configured`]
      : peers.every((p) => !p.sent)
        ? [
            `${view.prefix} goes to no neighbor now: ${peers.map((p) => `${p.neighbor}: ${p.reason}`).join('; ')}`,
          ]
        : [];
  return [...nowhere, ...report.warnings];
}

/** The announcement views with where each goes and what of it is lost. */
export function announcementReports(
  engine: Engine,
  localAsn: number,
  views: readonly AnnouncementView[],
): AnnouncementReport[] {
  const ibgp = neighborsIbgp(engine, localAsn);
  return views.map((v) => ({
    ...v,
    peers: announcementReach(engine, v),
    warnings: lostAttributes(v, ibgp),
  }));
}

/**
 * `check-config`: configured announcements with a LOCAL_PREF that no configured neighbor gets (every
 * neighbor and dynamic range is eBGP). Kubernetes mode adds BGPPeers later: nothing is said then.
 */
export function localPrefConfigWarnings(config: HeraldConfig): string[] {
  if (config.kubernetes.enabled) return [];
  const ibgp = [
    ...config.neighbors.map((n) => n.peerAsn === sessionAsn(n, config)),
    ...config.dynamicNeighbors.map((d) => d.peerAsn.includes(config.asn)),
  ];
  return config.announce.flatMap((a, i) =>
    lostAttributes({ prefix: a.prefix, localPref: a.localPref ?? null }, ibgp).map(
      (w) => `announce[${i}]: ${w}`,
    ),
  );
}
