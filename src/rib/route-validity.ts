// Route-level validity: the RFC 4271 §6.3 and RFC 7606 rules the codec cannot decide alone,
// because they depend on the session (our address, the peer's AS, one hop or several) or on which
// NLRI the attributes go with (NEXT_HOP counts only for the NLRI field, RFC 4760 §3). Checked once
// per interned attribute set; a route that fails is handled like RFC 7606 treat-as-withdraw: not
// stored, any earlier path of the prefix removed, the reason logged. Pure.
import {
  AsPathSegmentType,
  type AttributeError,
  AttrType,
  hostProblem,
  ipv4HostProblem,
  isUnspecifiedAddress,
  type MpReach,
  type PathAttributes,
  parseAddress,
  unmapIpv4,
} from '../wire/index.js';

/** What the checks need to know of the session the routes came on. */
export interface SessionRules {
  readonly peerAsn: number;
  readonly ebgp: boolean;
  /** Our address on the connection. */
  readonly localAddress?: string;
  /** The peer is one hop away (single-hop eBGP, GTSM of one hop, or a link-local peer address). */
  readonly singleHop: boolean;
  /** Check that an eBGP peer's AS_PATH starts with its AS (FRR's enforce-first-as; default on). */
  readonly enforceFirstAs: boolean;
}

/** Why routes with a set of attributes are invalid, per kind of NLRI (undefined: valid). */
export interface Validity {
  /** For routes in the NLRI field (NEXT_HOP and the set-wide rules). */
  readonly classic?: AttributeError;
  /** For routes in MP_REACH_NLRI (its next hop and the set-wide rules). */
  readonly mp?: AttributeError;
}

const VALID: Validity = {};

function invalid(type: number, reason: string): AttributeError {
  return { type, outcome: 'treat-as-withdraw', reason };
}

function isLinkLocal6(b: Uint8Array): boolean {
  return b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
}

/**
 * Address text → octets (null: not an address), remembered: a peer's routes carry few distinct
 * next hops, and every new attribute set would otherwise parse them (and our own address) again.
 */
const parsed = new Map<string, Uint8Array | null>();
const PARSED_MAX = 4096;

function octetsOf(text: string): Uint8Array | null {
  let b = parsed.get(text);
  if (b !== undefined) return b;
  try {
    b = parseAddress(text);
  } catch {
    b = null;
  }
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(text, b);
  return b;
}

/** Dotted-quad text: the one IPv4 form the decoder and the socket give, so equal text is equal address. */
function isDottedQuad(text: string): boolean {
  return !text.includes(':');
}

function sameAddress(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const x = unmapIpv4(a);
  const y = unmapIpv4(b);
  if (x === y) return true;
  // Checked for every new attribute set: IPv4 text is compared as text, without parsing.
  if (isDottedQuad(x) && isDottedQuad(y)) return false;
  const xo = octetsOf(x);
  const yo = octetsOf(y);
  if (xo === null || yo === null || xo.length !== yo.length) return false;
  for (let i = 0; i < xo.length; i++) if (xo[i] !== yo[i]) return false;
  return true;
}

/** The first octet of an IPv4 address's dotted-quad text. */
function firstOctet(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length && text.charCodeAt(i) !== 0x2e; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
  return n;
}

/** The problem with a next hop (IPv4 or IPv6 text, with RFC 2545's link-local), or undefined. */
export function nextHopProblem(
  nextHop: string,
  linkLocal: string | undefined,
  session: SessionRules | undefined,
): string | undefined {
  // RFC 4271 §6.3: "It MUST NOT be the IP address of the receiving speaker."
  if (sameAddress(nextHop, session?.localAddress)) return `${nextHop} is our own address`;
  if (isDottedQuad(nextHop)) {
    const p = ipv4HostProblem(firstOctet(nextHop));
    return p && `${nextHop} ${p}`;
  }
  const b = octetsOf(nextHop);
  if (b === null) return `${nextHop} is not an address`;
  const p = hostProblem(b);
  if (p) return `${nextHop} ${p}`;
  // RFC 2545 §3 puts a global address first; a link-local one (alone, or after ::) leads to the
  // peer's own link, usable only when the session runs over that link (BIRD withdraws it otherwise).
  if (isLinkLocal6(b) || isUnspecifiedAddress(b)) {
    if (!isLinkLocal6(b) && linkLocal === undefined) return `${nextHop} is the unspecified address`;
    if (session && !session.singleHop)
      return `link-local next hop ${linkLocal ?? nextHop} from a multihop session`;
  }
  return undefined;
}

/**
 * RFC 4271 §6.3: "If the UPDATE message is received from an external peer, the local system MAY
 * check whether the leftmost ... AS in the AS_PATH attribute is equal to the autonomous system
 * number of the peer"; RFC 7606 §7.2: "A BGP implementation SHOULD also handle routes that violate
 * this check using 'treat-as-withdraw'".
 */
function firstAsProblem(a: PathAttributes, session: SessionRules | undefined): string | undefined {
  if (!session?.ebgp || !session.enforceFirstAs || a.asPath === undefined) return undefined;
  const first = a.asPath[0];
  if (first?.type === AsPathSegmentType.AS_SEQUENCE && first.asns[0] === session.peerAsn) return undefined;
  return `AS_PATH does not start with the peer's AS ${session.peerAsn}`;
}

/** The validity of routes carrying `a` (MP_REACH_NLRI's family and next hop in `mp`). */
export function validity(
  a: PathAttributes,
  mp: Omit<MpReach, 'nlri'> | undefined,
  session: SessionRules | undefined,
): Validity {
  const first = firstAsProblem(a, session);
  if (first) {
    const e = invalid(AttrType.AS_PATH, first);
    return { classic: e, mp: e };
  }
  const classic = a.nextHop === undefined ? undefined : nextHopProblem(a.nextHop, undefined, session);
  // Families kept raw (no next hop parsed) are not judged here.
  const mpProblem = mp?.nextHop === undefined ? undefined : nextHopProblem(mp.nextHop, mp.linkLocal, session);
  if (!classic && !mpProblem) return VALID;
  return {
    classic: classic ? invalid(AttrType.NEXT_HOP, `NEXT_HOP ${classic}`) : undefined,
    mp: mpProblem ? invalid(AttrType.MP_REACH_NLRI, `MP_REACH_NLRI next hop ${mpProblem}`) : undefined,
  };
}
