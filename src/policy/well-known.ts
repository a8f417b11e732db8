// The well-known communities that limit where a route may be advertised (RFC 1997, RFC 3765).
// Checked on the route as Herald holds it (after import policy, before export policy), as FRR
// does: whatever an export policy says, a held route carrying one of these does not leave its
// scope, and an export policy may add one (e.g. NO_EXPORT on a blackhole route, RFC 7999) for the
// neighbor to honour without blocking its own advertisement. Policy edits these communities like
// any other (as RFC 8642 asks): to pass one on regardless, remove it on import. Pure.
import { type PathAttributes, WELL_KNOWN_COMMUNITIES } from '../wire/index.js';

export interface ExportTarget {
  /** The neighbor is in our AS (iBGP). */
  readonly ibgp: boolean;
  /** An eBGP neighbor in another member AS of our confederation (RFC 5065). */
  readonly confedMember?: boolean;
  /** The operator regards the neighbor as a bilateral peer (e.g. RFC 9234 role "peer"). */
  readonly bilateralPeer?: boolean;
}

export type WellKnownBlock = 'no-advertise' | 'no-export' | 'no-export-subconfed' | 'no-peer';

/** The well-known community that forbids sending the route to `target`, or undefined. */
export function wellKnownExportBlocked(
  attributes: PathAttributes,
  target: ExportTarget,
): WellKnownBlock | undefined {
  const communities = attributes.communities;
  if (communities === undefined || communities.length === 0) return undefined;
  // RFC 1997, NO_ADVERTISE: "All routes received carrying a communities attribute containing this
  // value MUST NOT be advertised to other BGP peers."
  if (communities.includes(WELL_KNOWN_COMMUNITIES['no-advertise'])) return 'no-advertise';
  if (target.ibgp) return undefined;
  // RFC 1997, NO_EXPORT_SUBCONFED: "All routes received carrying a communities attribute containing
  // this value MUST NOT be advertised to external BGP peers (this includes peers in other members
  // autonomous systems inside a BGP confederation)."
  if (communities.includes(WELL_KNOWN_COMMUNITIES['no-export-subconfed'])) return 'no-export-subconfed';
  // RFC 1997, NO_EXPORT: "All routes received carrying a communities attribute containing this value
  // MUST NOT be advertised outside a BGP confederation boundary (a stand-alone autonomous system
  // that is not part of a confederation should be considered a confederation itself)."
  if (!target.confedMember && communities.includes(WELL_KNOWN_COMMUNITIES['no-export'])) return 'no-export';
  // RFC 3765 (IANA registry text), NOPEER: "an advisory qualification to readvertisement of a route
  // prefix, permitting an AS not to readvertise the route prefix to all external bilateral peer
  // neighbour AS's." RFC says "permitting" / we do: honour it for neighbors marked bilateral peers.
  if (target.bilateralPeer && communities.includes(WELL_KNOWN_COMMUNITIES['no-peer'])) return 'no-peer';
  return undefined;
}
