// TCP queues as the kernel sees them (`ss` inside a namespace): how much Herald has queued towards a
// stalled peer (Send-Q in Herald's namespace) and how much the peer left unread (Recv-Q in its own).
import type { Topology } from '../../test/interop/harness/netns.js';

export interface TcpQueues {
  state: string;
  recvQ: number;
  sendQ: number;
}

/** The TCP connections in `ns` whose far end is `peer` (an address). */
export async function tcpQueues(t: Topology, ns: string, peer: string): Promise<TcpQueues[]> {
  const r = await t.exec(ns, 'ss', ['-tanH', 'dst', peer], { allowFail: true });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5)
    .map((f) => ({ state: f[0], recvQ: Number(f[1]), sendQ: Number(f[2]) }));
}
