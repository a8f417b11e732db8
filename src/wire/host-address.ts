// Which addresses can be a route's next hop (RFC 4271 §6.3 wants "a valid IP host address") and
// which prefixes are unicast routes at all. The receive path (rib/route-validity.ts,
// rib/adj-rib-in.ts) and what we originate (config, API, policy) use the same rules.
import { parseAddress } from './prefix.js';

/**
 * RFC 4271 §6.3: NEXT_HOP is syntactically correct when it "represents a valid IP host address":
 * not 0.0.0.0/8, not loopback 127/8, not multicast 224/4, not class E 240/4 (broadcast included).
 * Judged by the first octet; returns why not, or undefined.
 */
export function ipv4HostProblem(first: number): string | undefined {
  if (first === 0) return 'is in 0.0.0.0/8';
  if (first === 127) return 'is a loopback address';
  if (first >= 224 && first < 240) return 'is a multicast address';
  if (first >= 240) return 'is a class E address';
  return undefined;
}

/** 0.0.0.0 or ::. */
export function isUnspecifiedAddress(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

/** Why an address (4 or 16 octets) is no host address a next hop can be, or undefined. */
export function hostProblem(b: Uint8Array): string | undefined {
  if (b.length === 4) return ipv4HostProblem(b[0]);
  // An IPv4-mapped address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is judged as the IPv4 one it holds.
  if (b.length === 16 && b[10] === 0xff && b[11] === 0xff && b.subarray(0, 10).every((x) => x === 0))
    return ipv4HostProblem(b[12]);
  if (b[0] === 0xff) return 'is a multicast address';
  if (b.every((x, i) => x === (i === 15 ? 1 : 0))) return 'is the loopback address';
  return undefined;
}

/**
 * Why `text` cannot be the next hop of a route we originate (RFC 4271 §6.3: "a valid IP host
 * address"; a peer would ignore the route, and the reason says so), or undefined. The
 * unspecified IPv6 address too.
 */
export function originatedNextHopProblem(text: string): string | undefined {
  let b: Uint8Array;
  try {
    b = parseAddress(text);
  } catch {
    return `${text} is not an address`;
  }
  const p = isUnspecifiedAddress(b) ? 'is the unspecified address' : hostProblem(b);
  return p && `${text} ${p}: peers would ignore the route (RFC 4271 §6.3)`;
}

/**
 * A prefix inside 224.0.0.0/4 or ff00::/8 (by its length and first octet): RFC 4271 §6.3 calls it
 * "semantically incorrect" in unicast NLRI, and receivers ignore it.
 */
export function isMulticastPrefix(ipv6: boolean, length: number, firstOctet: number): boolean {
  return ipv6 ? length >= 8 && firstOctet === 0xff : length >= 4 && firstOctet >= 224 && firstOctet < 240;
}
