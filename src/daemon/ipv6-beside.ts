// Our IPv6 next hop for IPv6 routes on an IPv4 session: a global IPv6 address of the interface that
// holds the session's local IPv4 address, as FRR takes the interface's global address. RFC 2545 §3:
// the next hop of an IPv6 route is an IPv6 address, a global one (a link-local one only beside it,
// and only to a peer on the same link), so without one the routes are not sent ("no usable next
// hop"). An interface with none (a session sourced from a loopback holding only ::1) gives none.
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** A global IPv6 address beside `ipv4` on its interface, or undefined. */
export function globalIpv6Beside(
  ipv4: string,
  interfaces: Interfaces = networkInterfaces(),
): string | undefined {
  for (const list of Object.values(interfaces)) {
    if (!list?.some((a) => a.family === 'IPv4' && a.address === ipv4)) continue;
    const global = list.find((a) => a.family === 'IPv6' && isGlobal(a.address));
    if (global) return ipaddr.parse(global.address).toString();
  }
  return undefined;
}

/** Unicast, not link-local, loopback or unspecified (ULAs count: they route within a site). */
function isGlobal(address: string): boolean {
  const range = ipaddr.IPv6.parse(address.split('%')[0]).range();
  return range === 'unicast' || range === 'uniqueLocal' || range === 'reserved';
}
