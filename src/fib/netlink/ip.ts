// Address text ↔ octets for the netlink codec, on top of the BGP codec's prefix helpers (one
// parser and one printer for the whole project: dotted quad, RFC 5952 IPv6).

import { formatAddress, parseAddress } from '../../wire/prefix.js';
import { AF_INET, AF_INET6 } from './constants.js';
import { fail } from './errors.js';

export { formatAddress };

export type Family = 4 | 6;

export function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

export function afOf(family: Family): number {
  return family === 4 ? AF_INET : AF_INET6;
}

/** AF_INET / AF_INET6 → 4 / 6, or undefined for any other family. */
export function familyOfAf(af: number): Family | undefined {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined;
}

export function addressBytes(address: string, family: Family = familyOf(address)): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = parseAddress(address);
  } catch {
    fail('badValue', `not an IP address: ${JSON.stringify(address)}`);
  }
  if (bytes.length !== (family === 4 ? 4 : 16)) fail('badValue', `not an IPv${family} address: ${address}`);
  return bytes;
}
