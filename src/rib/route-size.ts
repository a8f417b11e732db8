// Whether an originated route fits in an UPDATE on every kind of session, checked before it is
// accepted from the config or the API (RFC 8654 §4: "a BGP speaker ... MUST NOT send a BGP UPDATE
// message that exceeds the size that the peer supports"). Checked with the real encoder against the
// largest encodings a session may need, so no peer ever gets a route it cannot be sent.
import {
  codecContext,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MAX_MESSAGE_LENGTH,
  nlriRoom,
  nlriSize,
  prepareAttributes,
  WriterOverflow,
} from '../wire/index.js';
import { exportAttributes, type LocalRoute } from './local-routes.js';

/** The largest encodings: a 4-octet ASN on a 2-octet session (AS4_PATH too), add-path NLRI. */
const WORST_ASN = 4_200_000_000;
const ADD_PATH = new Set([IPV4_UNICAST, IPV6_UNICAST]);
const SESSIONS = [false, true].flatMap((ibgp) =>
  [false, true].map((as4) => ({
    ibgp,
    ctx: codecContext({ as4, ibgp, addPath: ADD_PATH, maxMessageLength: MAX_MESSAGE_LENGTH }),
  })),
);

/**
 * Why `route` (with `extraPrepend` more copies of our ASN, e.g. while degraded) could not be sent
 * in a 4,096-octet UPDATE, or undefined when it always fits.
 */
export function routeSizeProblem(route: LocalRoute, extraPrepend = 0): string | undefined {
  return surelyFits(route, extraPrepend) ? undefined : encodedSizeProblem(route, extraPrepend);
}

/** `routeSizeProblem` by the real encoder alone. */
export function encodedSizeProblem(route: LocalRoute, extraPrepend = 0): string | undefined {
  const worst = { ...route, asPathPrepend: route.asPathPrepend + extraPrepend };
  for (const { ibgp, ctx } of SESSIONS) {
    // An IPv6 next hop in MP_REACH_NLRI is the larger encoding for both families (RFC 8950).
    const attrs = exportAttributes(worst, {
      localAsn: WORST_ASN,
      ibgp,
      localAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      ipv4OverIpv6: true,
    });
    if (!attrs) continue;
    let room: number;
    try {
      room = nlriRoom(prepareAttributes(attrs, ctx), ctx);
    } catch (e) {
      if (!(e instanceof WriterOverflow)) throw e;
      room = -1;
    }
    const need = nlriSize(route.prefix, true);
    if (room < need)
      return `its path attributes need ${need - room} more octets than a ${MAX_MESSAGE_LENGTH}-octet UPDATE holds (fewer communities)`;
  }
  return undefined;
}

/** Octets per attribute header (extended length), and the attributes a local route may carry. */
const HEADER = 4;
const ATTRIBUTES = 10;
/** MP_REACH_NLRI up to its NLRI: AFI, SAFI, next-hop length, two IPv6 addresses, reserved. */
const MP_REACH_HEAD = 2 + 1 + 1 + 32 + 1;
/** UPDATE header and length fields, and the largest NLRI (an add-path IPv6 /128). */
const UPDATE_FIXED = 23 + 21;

/**
 * A cheap upper bound on the encoding: most routes are far below the limit, so the real encoder
 * (four sessions' worth) runs only for those near it (validating 100,000 announcements took seconds).
 */
export function surelyFits(route: LocalRoute, extraPrepend = 0): boolean {
  const asns = 1 + route.asPathPrepend + extraPrepend;
  // AS_PATH and AS4_PATH, four octets an ASN, two per segment of up to 255.
  const asPath = 2 * (4 * asns + 2 * Math.ceil(asns / 255));
  const bound =
    ATTRIBUTES * HEADER +
    1 + // ORIGIN
    asPath +
    4 + // NEXT_HOP
    4 + // MULTI_EXIT_DISC
    4 + // LOCAL_PREF
    4 * route.communities.length +
    12 * route.largeCommunities.length +
    8 * route.extendedCommunities.length +
    MP_REACH_HEAD;
  return bound + UPDATE_FIXED <= MAX_MESSAGE_LENGTH;
}
