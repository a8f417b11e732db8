// Interop harness: network namespaces plus GoBGP / BIRD / FRR peers. See test/interop/README.md.
import { existsSync } from 'node:fs';
import { startBird } from './peers/bird.js';
import { startFrr } from './peers/frr.js';
import { startGobgp } from './peers/gobgp.js';
import type { DaemonKind, PeerOptions, ReceivedRoute, RunningPeer } from './peers/peer.js';

export * from './kernel-routes.js';
export { addLan, kernelNextHops, type Lan, type LanOptions } from './lan.js';
export * from './netns.js';
export { BirdPeer, parseBirdRoutes, startBird } from './peers/bird.js';
export { type BfdPeerConfig, FrrPeer, type FrrPeerOptions, startFrr } from './peers/frr.js';
export { GobgpPeer, gobgpSessionState, parseGobgpRib, startGobgp } from './peers/gobgp.js';
export * from './peers/peer.js';
export { delay, Fatal, pidAlive, type RunOptions, type RunResult, run, waitFor } from './util.js';

/** Starts a daemon of the given kind. */
export function startPeer(kind: DaemonKind, opts: PeerOptions): Promise<RunningPeer> {
  switch (kind) {
    case 'gobgp':
      return startGobgp(opts);
    case 'bird':
      return startBird(opts);
    case 'frr':
      return startFrr(opts);
  }
}

const BINARIES: Record<DaemonKind, string[]> = {
  gobgp: ['/usr/bin/gobgpd', '/usr/bin/gobgp'],
  bird: ['/usr/sbin/bird', '/usr/sbin/birdc'],
  frr: ['/usr/lib/frr/bgpd', '/usr/lib/frr/zebra', '/usr/bin/vtysh'],
};

/**
 * Why interop tests cannot run here (not root, or tools missing), or undefined when they can.
 * Use as `describe.skipIf(interopUnavailable())`.
 */
export function interopUnavailable(kinds: DaemonKind[] = ['gobgp', 'bird', 'frr']): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_NET_ADMIN)';
  const needed = ['/usr/sbin/ip', '/usr/sbin/nft', ...kinds.flatMap((k) => BINARIES[k])];
  const missing = needed.filter((b) => !existsSync(b) && !existsSync(b.replace('/usr/sbin/', '/sbin/')));
  return missing.length ? `missing ${missing.join(', ')}` : undefined;
}

/** The IPv4 unicast route `peer` holds for `prefix` (the first path), if any. */
export async function receivedRoute(peer: RunningPeer, prefix: string): Promise<ReceivedRoute | undefined> {
  return (await peer.receivedRoutes('ipv4-unicast')).find((r) => r.prefix === prefix);
}
