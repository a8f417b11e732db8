// The TCP side of a neighbor: the socket options its config asks for, in effect from the first
// SYN (socket-options.ts), for dialling and for connections we accept.
import type net from 'node:net';
import type { DynamicNeighborConfig, HeraldConfig, NeighborConfig } from '../config/types.js';
import {
  connectTcp,
  listenTcp,
  setPeerMd5,
  setSocketMinTtl,
  setSocketTtl,
} from '../session/socket-options.js';

/** GTSM (RFC 5082) sends with TTL 255. */
const GTSM_TTL = 255;

/** The MD5 key of a neighbor (RFC 2385), read by the config loader from wherever it was given. */
export function neighborKey(n: NeighborConfig): string | undefined {
  return n.password || undefined;
}

export interface TtlPolicy {
  /** TTL of the packets we send; undefined leaves the system default. */
  ttl?: number;
  /** Lowest TTL accepted (GTSM). */
  minTtl?: number;
}

/**
 * TTLs for a neighbor: GTSM sends 255 and accepts only 255 - ttlSecurity and up (RFC 5082 §3);
 * eBGP multihop sends `ebgpMultihop`; other eBGP sessions send TTL 1, like BIRD and FRR, so an
 * eBGP peer behind a router needs `ebgpMultihop`; iBGP uses the system default.
 */
export function ttlPolicy(n: NeighborConfig, localAsn: number): TtlPolicy {
  if (n.ttlSecurity !== undefined) return { ttl: GTSM_TTL, minTtl: GTSM_TTL - n.ttlSecurity };
  if (n.ebgpMultihop !== undefined) return { ttl: n.ebgpMultihop };
  if (n.peerAsn !== localAsn) return { ttl: 1 };
  return {};
}

/** The peer is one hop away: single-hop eBGP (TTL 1), or GTSM that accepts only one hop. */
export function isSingleHop(t: TtlPolicy): boolean {
  return t.ttl === 1 || (t.minTtl ?? 0) >= GTSM_TTL - 1;
}

export function dialNeighbor(n: NeighborConfig, localAsn: number, signal?: AbortSignal): Promise<net.Socket> {
  const { ttl, minTtl } = ttlPolicy(n, localAsn);
  const key = neighborKey(n);
  return connectTcp({
    host: n.address,
    port: n.port,
    ttl,
    minTtl,
    md5: key ? { key } : undefined,
    localAddress: n.localAddress,
    // A VRF neighbor's socket lives in the VRF (bindDevice may name one of its interfaces instead).
    bindDevice: n.bindDevice ?? n.vrf,
    timeoutMs: 10_000,
    signal,
  });
}

/**
 * The BGP listener, opened with `needs` (listenerNeeds): the MD5 keys of the neighbors and ranges
 * that may connect and, when any neighbor uses GTSM, TTL 255 on what it sends (a GTSM peer drops
 * our SYN-ACK otherwise).
 */
export function listen(
  config: HeraldConfig,
  needs: ListenerNeeds,
  onConnection: (s: net.Socket) => void,
): Promise<net.Server> {
  if (!config.listen) throw new Error('listener disabled');
  return listenTcp({
    host: config.listen.address,
    port: config.listen.port,
    md5Peers: [...needs.md5].map(([peer, key]) => ({ ...md5Target(peer), key })),
    ttl: needs.gtsm ? GTSM_TTL : undefined,
  }).then((server) => {
    server.on('connection', onConnection);
    return server;
  });
}

/** Applies a neighbor's TTL policy to a connection it opened to us. */
export function applyToAccepted(socket: net.Socket, n: NeighborConfig, localAsn: number): void {
  const { ttl, minTtl } = ttlPolicy(n, localAsn);
  if (ttl !== undefined) setSocketTtl(socket, ttl);
  if (minTtl !== undefined) setSocketMinTtl(socket, minTtl);
}

/**
 * What the listener must be opened with: MD5 keys by neighbor address or dynamic range
 * ("address/length"; the kernel picks the longest match, so a neighbor's own key wins), GTSM TTL.
 */
export interface ListenerNeeds {
  readonly md5: ReadonlyMap<string, string>;
  readonly gtsm: boolean;
}

/**
 * The needs of a listener on `listenAddress` for `neighbors` and `ranges`. An IPv4 listener takes
 * no IPv6 key (no IPv6 peer can reach it; the kernel would refuse the key).
 */
export function listenerNeeds(
  listenAddress: string,
  neighbors: readonly NeighborConfig[],
  ranges: readonly DynamicNeighborConfig[] = [],
): ListenerNeeds {
  const md5 = new Map<string, string>();
  const reachable = (address: string) => listenAddress.includes(':') || !address.includes(':');
  for (const d of ranges) if (d.password && reachable(d.range)) md5.set(d.range, d.password);
  for (const n of neighbors) {
    const key = neighborKey(n);
    if (key && reachable(n.address)) md5.set(n.address, key);
  }
  return { md5, gtsm: neighbors.some((n) => n.ttlSecurity !== undefined) };
}

/** Brings the listener's MD5 keys from `before` to `after` (added, changed and removed peers). */
export function updateListenerKeys(
  server: net.Server,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): void {
  for (const [peer, key] of after) if (before.get(peer) !== key) setKey(server, peer, key);
  for (const peer of before.keys()) if (!after.has(peer)) setKey(server, peer, undefined);
}

function setKey(server: net.Server, peer: string, key: string | undefined): void {
  const { address, prefixLength } = md5Target(peer);
  setPeerMd5(server, address, key, prefixLength);
}

/** A key's target: a neighbor's address or a range's. */
function md5Target(peer: string): { address: string; prefixLength?: number } {
  const [address, length] = peer.split('/');
  return { address, prefixLength: length === undefined ? undefined : Number(length) };
}
