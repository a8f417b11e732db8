// ROUTE-REFRESH (RFC 2918 §3) with the RFC 7313 Message Subtype, and its length errors (RFC 7313 §5).
import { ErrorCode, HeaderSubcode, RouteRefreshErrorSubcode } from '../../../src/wire/index.js';
import { hex, MARKER } from '../../helpers/hex.js';
import type { RouteRefreshVector } from './types.js';

export const routeRefreshVectors: RouteRefreshVector[] = [
  {
    name: 'a route refresh request for IPv4 unicast',
    rfc: 'RFC 2918 §3',
    bytes: hex`0001 00 01 // AFI 1, subtype 0 (normal request), SAFI 1`,
    expected: { routeRefresh: { afi: 1, subtype: 0, safi: 1 } },
  },
  {
    name: 'Beginning of Route Refresh for IPv6 unicast',
    rfc: 'RFC 7313 §3.2',
    bytes: hex`0002 01 01 // AFI 2, subtype 1 (BoRR), SAFI 1`,
    expected: { routeRefresh: { afi: 2, subtype: 1, safi: 1 } },
  },
  {
    name: 'End of Route Refresh for IPv4 unicast',
    rfc: 'RFC 7313 §3.2',
    bytes: hex`0001 02 01 // subtype 2 (EoRR)`,
    expected: { routeRefresh: { afi: 1, subtype: 2, safi: 1 } },
  },
  {
    name: 'an unknown subtype is decoded (the session ignores it)',
    rfc: 'RFC 7313 §5',
    bytes: hex`0001 07 01`,
    expected: { routeRefresh: { afi: 1, subtype: 7, safi: 1 } },
  },
  {
    name: 'BoRR of 5 octets: ROUTE-REFRESH Message Error with the whole message as data',
    rfc: 'RFC 7313 §5',
    bytes: hex`0001 01 01 00`,
    expected: {
      notification: {
        code: ErrorCode.ROUTE_REFRESH,
        subcode: RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH,
        data: hex`${MARKER} 0018 05 0001 01 01 00`,
      },
    },
  },
  {
    name: 'EoRR of 6 octets: ROUTE-REFRESH Message Error with the whole message as data',
    rfc: 'RFC 7313 §5',
    bytes: hex`0001 02 01 0000`,
    expected: {
      notification: {
        code: ErrorCode.ROUTE_REFRESH,
        subcode: RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH,
        data: hex`${MARKER} 0019 05 0001 02 01 0000`,
      },
    },
  },
  {
    name: 'a normal request of 5 octets: Message Header Error/Bad Message Length',
    rfc: 'RFC 4271 §6.1',
    bytes: hex`0001 00 01 00`,
    expected: {
      notification: {
        code: ErrorCode.MESSAGE_HEADER,
        subcode: HeaderSubcode.BAD_MESSAGE_LENGTH,
        data: hex`0018`,
      },
    },
  },
];
