// An eBGP neighbor that is not on a connected subnet needs `ebgpMultihop`: without it Herald sends
// with TTL 1 (transport.ts), the first router drops the packets, and the session sits in OpenSent or
// OpenConfirm until the hold timer expires, with nothing saying why. `check-config` warns about it
// and a session that dies that way gets the reason as its lastError and one log line.
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { sessionAsn } from '../config/session-asn.js';
import type { HeraldConfig, NeighborConfig } from '../config/types.js';
import { LogEvent, type Logger } from '../log/logger.js';
import type { Peer } from '../session/peer.js';
import { ttlPolicy } from './transport.js';

/** The host's interfaces as `os.networkInterfaces()` lists them. */
export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Whether `address` is in a subnet of one of `interfaces` (IPv6 link-local always is). */
export function onConnectedSubnet(address: string, interfaces: Interfaces = networkInterfaces()): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address);
  } catch {
    return true; // not an address we can judge: say nothing
  }
  if (addr.kind() === 'ipv6' && addr.range() === 'linkLocal') return true;
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      if (!i.cidr) continue;
      const [net, length] = ipaddr.parseCIDR(i.cidr);
      if (net.kind() === addr.kind() && addr.match(net, length)) return true;
    }
  }
  return false;
}

/** Why the eBGP session to `n` cannot come up as configured, or undefined when it can. */
export function multihopProblem(
  n: NeighborConfig,
  localAsn: number,
  interfaces: Interfaces = networkInterfaces(),
): string | undefined {
  if (ttlPolicy(n, localAsn).ttl !== 1 || onConnectedSubnet(n.address, interfaces)) return undefined;
  return (
    `${n.address} is not on a connected subnet of this host and the session is eBGP without ` +
    'ebgpMultihop: packets leave with TTL 1 and the first router drops them; set ebgpMultihop ' +
    '(the TTL: 2 for a peer one router away) or ttlSecurity'
  );
}

/** `check-config` warnings, one per neighbor that needs `ebgpMultihop`, named by path. */
export function multihopWarnings(
  config: HeraldConfig,
  interfaces: Interfaces = networkInterfaces(),
): string[] {
  return config.neighbors.flatMap((n, i) => {
    const problem = multihopProblem(n, sessionAsn(n, config), interfaces);
    return problem ? [`neighbors[${i}].ebgpMultihop: ${problem}`] : [];
  });
}

/**
 * When `peer`'s session dies on the hold timer before Established and the neighbor needs
 * `ebgpMultihop`, its lastError says so, and the log does at warn once, at debug after that.
 */
export function explainSetupFailures(
  peer: Peer,
  neighbor: () => NeighborConfig | undefined,
  config: () => Pick<HeraldConfig, 'asn'>,
  log: Logger,
  interfaces: () => Interfaces = networkInterfaces,
): void {
  let logged = false;
  peer.on('setupFailed', (reason) => {
    const n = neighbor();
    if (reason.kind !== 'holdTimerExpired' || !n) return;
    const problem = multihopProblem(n, sessionAsn(n, config()), interfaces());
    if (!problem) return;
    peer.stats.lastError = `hold timer expired before Established: ${problem}`;
    log[logged ? 'debug' : 'warn'](
      { event: LogEvent.sessionSetupFailed, hint: problem },
      'hold timer expired before the session was established',
    );
    logged = true;
  });
}
