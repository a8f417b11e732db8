// JSON shapes the API serves for neighbors and status, built from live daemon objects.
import type { Daemon } from '../daemon/daemon.js';
import { type RouteView, viewAttributes } from '../rib/route-view.js';
import type { Peer } from '../session/peer.js';
import { type Capability, formatPrefix } from '../wire/index.js';

export interface NeighborView {
  address: string;
  peerAsn: number | null;
  localAsn: number;
  state: string;
  uptimeSeconds: number | null;
  lastError: string | null;
  holdTime: number | null;
  capabilities: string[];
  prefixes: { received: number; accepted: number; advertised: number; stale: number };
  messages: { sent: Record<string, number>; received: Record<string, number> };
  flaps: number;
  treatAsWithdraw: number;
}

function capabilityName(c: Capability): string {
  return c.kind === 'unknown' ? `unknown-${c.code}` : c.kind;
}

export function neighborView(daemon: Daemon, p: Peer): NeighborView {
  const s = p.session;
  const established = p.stats.establishedAt;
  return {
    address: p.address,
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
    messages: { sent: { ...p.driver.sent }, received: { ...p.driver.received } },
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
