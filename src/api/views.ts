// JSON shapes the API serves for neighbors and status, built from live daemon objects.
import type { Static } from 'typebox';
import type { Daemon } from '../daemon/daemon.js';
import type { NeighborRibs } from '../rib/neighbor-ribs.js';
import { type RouteView, viewAttributes } from '../rib/route-view.js';
import type { Peer } from '../session/peer.js';
import { type Capability, formatPrefix } from '../wire/index.js';
import type { InterfaceNeighborSchema, NeighborViewSchema } from './schemas.js';

export type NeighborView = Static<typeof NeighborViewSchema>;
export type InterfaceNeighborView = Static<typeof InterfaceNeighborSchema>;

/**
 * Codes from the private-use range (RFC 5492 §4: 128-255) that routers still send: Cisco's
 * capabilities from before the standard codes, named as FRR names them ("Route Refresh (Old)").
 */
const PRE_STANDARD: Record<number, string> = { 128: 'route-refresh-old', 130: 'orf-old' };

export function capabilityName(c: Capability): string {
  return c.kind === 'unknown' ? (PRE_STANDARD[c.code] ?? `unknown-${c.code}`) : c.kind;
}

export function neighborView(daemon: Daemon, p: Peer): NeighborView {
  const s = p.session;
  const routes = daemon.engine.neighbor(p.address);
  const established = p.stats.establishedAt;
  return {
    address: p.address,
    description: daemon.neighborConfig(p.address)?.description ?? null,
    peerAsn: s?.peerAsn ?? p.configuredAsns[0] ?? null,
    localAsn: routes?.localAsn ?? daemon.config.asn,
    state: p.state,
    uptimeSeconds: established === undefined ? null : Math.floor((Date.now() - established) / 1000),
    lastError: p.stats.lastError ?? null,
    holdTime: s?.holdTime ?? null,
    capabilities: s ? [...new Set(s.peerOpen.capabilities.map(capabilityName))] : [],
    prefixes: {
      received: routes?.receivedCount ?? 0,
      accepted: routes?.acceptedCount ?? 0,
      advertised: routes?.adjRibOut.size ?? 0,
      stale: routes?.stale?.size ?? 0,
      rejectedAsLoop: routes?.counters.rejectedAsLoop ?? 0,
      rejectedInvalid: routes?.counters.rejectedInvalid ?? 0,
      rejectedAlwaysBlock: routes?.blockedCount ?? 0,
    },
    routeReflectorClient: daemon.neighborConfig(p.address)?.routeReflectorClient === true,
    routesNotSent: [...(routes?.adjRibOut.unsent() ?? [])].map((r) => ({
      prefix: formatPrefix(r.prefix),
      reason: r.reason,
    })),
    messages: { sent: { ...p.stats.messages.sent }, received: { ...p.stats.messages.received } },
    flaps: p.stats.flaps,
    treatAsWithdraw: routes?.counters.treatAsWithdraw ?? 0,
  };
}

export function* adjRibOutRoutes(p: NeighborRibs): Generator<RouteView> {
  for (const r of p.adjRibOut.routes()) {
    yield {
      prefix: formatPrefix(r.prefix),
      ...(r.prefix.pathId ? { pathId: r.prefix.pathId } : {}),
      neighbor: p.address,
      ...viewAttributes(r.attributes),
      best: true,
      stale: false,
    };
  }
}
