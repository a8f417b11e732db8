// JSON shapes the API serves for neighbors and status, built from live daemon objects.
import type { Static } from 'typebox';
import type { Daemon } from '../daemon/daemon.js';
import { type RouteView, viewAttributes } from '../rib/route-view.js';
import type { Peer } from '../session/peer.js';
import { type Capability, formatPrefix } from '../wire/index.js';
import type { NeighborViewSchema } from './schemas.js';

export type NeighborView = Static<typeof NeighborViewSchema>;

function capabilityName(c: Capability): string {
  return c.kind === 'unknown' ? `unknown-${c.code}` : c.kind;
}

export function neighborView(daemon: Daemon, p: Peer): NeighborView {
  const s = p.session;
  const established = p.stats.establishedAt;
  return {
    address: p.address,
    description: daemon.neighborConfig(p.address)?.description ?? null,
    peerAsn: s?.peerAsn ?? p.configuredAsns[0] ?? null,
    localAsn: daemon.config.asn,
    state: p.state,
    uptimeSeconds: established === undefined ? null : Math.floor((Date.now() - established) / 1000),
    lastError: p.stats.lastError ?? null,
    holdTime: s?.holdTime ?? null,
    capabilities: s ? [...new Set(s.peerOpen.capabilities.map(capabilityName))] : [],
    prefixes: {
      received: p.adjRibIn.size,
      accepted: p.adjRibIn.size,
      advertised: p.adjRibOut.size,
      stale: p.stale?.size ?? 0,
    },
    messages: { sent: { ...p.stats.messages.sent }, received: { ...p.stats.messages.received } },
    flaps: p.stats.flaps,
    treatAsWithdraw: p.stats.treatAsWithdraw,
  };
}

export function* adjRibOutRoutes(p: Peer): Generator<RouteView> {
  for (const r of p.adjRibOut.routes()) {
    yield {
      prefix: formatPrefix(r.prefix),
      neighbor: p.address,
      ...viewAttributes(r.attributes),
      best: true,
      stale: false,
    };
  }
}
