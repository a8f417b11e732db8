// The key a BFD session is known by (RFC 5881 §3: one session per peer, local address and
// interface), shared by the manager and the worker's proxy on the daemon's thread.
import { canonicalAddress } from './demux.js';
import type { BfdPeerSpec } from './manager.js';

/** The session key: canonical peer, local address and interface. */
export function sessionKey(spec: Pick<BfdPeerSpec, 'peer' | 'local' | 'interface'>): string {
  const local = spec.local === undefined ? '' : canonicalAddress(spec.local);
  return `${canonicalAddress(spec.peer)}|${local}|${spec.interface ?? ''}`;
}
