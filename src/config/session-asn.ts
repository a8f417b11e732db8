// The AS a neighbor's session speaks as: its own `localAsn` (BIRD's per-protocol `local as`,
// MetalLB's per-BGPPeer myASN) or the config's `asn`. iBGP means the peer is in this AS.
import type { HeraldConfig, NeighborConfig } from './types.js';

export function sessionAsn(n: Pick<NeighborConfig, 'localAsn'>, config: Pick<HeraldConfig, 'asn'>): number {
  return n.localAsn ?? config.asn;
}
