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
