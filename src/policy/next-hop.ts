// Where a route's next hop lives: NEXT_HOP for IPv4 routes (RFC 4271), the MP_REACH_NLRI next hop
// for IPv6 routes and for IPv4 routes with an IPv6 next hop (RFC 4760, RFC 8950). Pure.
import { Afi, type PathAttributes, type Prefix, Safi } from '../wire/index.js';

/** The next hop of a route with `attrs` for `prefix`, or undefined. */
export function nextHopOf(prefix: Prefix, attrs: PathAttributes): string | undefined {
  const mp = attrs.mpReach;
  if (mp !== undefined && mp.afi === prefix.afi && mp.nextHop !== undefined) return mp.nextHop;
  return prefix.afi === Afi.IPV4 ? attrs.nextHop : undefined;
}

/**
 * Sets the next hop of `out` (a copy the caller owns) to `address`. Returns false when nothing
 * changed, or when the address cannot be the next hop of this prefix (an IPv4 address for IPv6).
 */
export function setNextHop(out: PathAttributes, prefix: Prefix, address: string): boolean {
  if (nextHopOf(prefix, out) === address) return false;
  const ipv6Address = address.includes(':');
  if (!ipv6Address && prefix.afi === Afi.IPV6) return false;
  if (!ipv6Address) {
    // RFC 4271 §5.1.3: "The NEXT_HOP is a well-known mandatory attribute that defines the IP address
    // of the router that SHOULD be used as the next hop to the destinations listed in the UPDATE".
    out.nextHop = address;
    if (out.mpReach?.afi === Afi.IPV4) out.mpReach = undefined;
    return true;
  }
  // A new global next hop: a link-local one received with the old one no longer goes with it.
  out.mpReach = { afi: prefix.afi, safi: out.mpReach?.safi ?? Safi.UNICAST, nlri: [], nextHop: address };
  return true;
}
