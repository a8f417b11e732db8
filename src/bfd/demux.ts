// Demultiplexing received Control packets to sessions (RFC 5880 §6.3), for one listening socket.
// Pure: the UDP transport hands it each datagram with its source address.
//
// RFC says / we do: with Your Discriminator 0 the session is to be found by "the source addressing
// information, the interface on which the packet was received, and ... My Discriminator". Node's
// dgram tells us the source address only, so we match the peer address (and the socket: single-hop
// or multihop, IPv4 or IPv6); if several sessions share a peer address (different local addresses
// or interfaces), the first one that has not learned a remote discriminator takes the packet.
import ipaddr from 'ipaddr.js';
import type { BfdPacketSink } from './network.js';
import { BfdPacketError, decodeControl } from './packet.js';

export type DemuxOutcome = 'delivered' | 'malformed' | 'noSession' | 'wrongSource';

/** Canonical form of an address (zone dropped), so `FD00::2` and `fd00:0::2` are one peer. */
export function canonicalAddress(address: string): string {
  const bare = address.split('%')[0];
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  }
  return parsed.toString();
}

export class BfdDemux {
  private readonly byDiscr = new Map<number, { peer: string; sink: BfdPacketSink }>();
  private readonly byPeer = new Map<string, BfdPacketSink[]>();
  readonly stats: Record<Exclude<DemuxOutcome, 'delivered'>, number> = {
    malformed: 0,
    noSession: 0,
    wrongSource: 0,
  };

  add(peer: string, sink: BfdPacketSink): void {
    const key = canonicalAddress(peer);
    this.byDiscr.set(sink.localDiscr, { peer: key, sink });
    this.byPeer.set(key, [...(this.byPeer.get(key) ?? []), sink]);
  }

  remove(sink: BfdPacketSink): void {
    const entry = this.byDiscr.get(sink.localDiscr);
    if (!entry || entry.sink !== sink) return;
    this.byDiscr.delete(sink.localDiscr);
    const rest = (this.byPeer.get(entry.peer) ?? []).filter((s) => s !== sink);
    if (rest.length) this.byPeer.set(entry.peer, rest);
    else this.byPeer.delete(entry.peer);
  }

  get size(): number {
    return this.byDiscr.size;
  }

  dispatch(raw: Buffer, source: string): DemuxOutcome {
    let packet: ReturnType<typeof decodeControl>;
    try {
      packet = decodeControl(raw);
    } catch (err) {
      if (!(err instanceof BfdPacketError)) throw err;
      this.stats.malformed++;
      return 'malformed';
    }
    const from = canonicalAddress(source);
    if (packet.yourDiscr !== 0) {
      // RFC 5880 §6.8.6: "If the Your Discriminator field is nonzero, it MUST be used to select the
      // session with which this BFD packet is associated. If no session is found, the packet MUST be
      // discarded."
      const entry = this.byDiscr.get(packet.yourDiscr);
      if (!entry) return this.count('noSession');
      // RFC 5881 §4 / RFC 5883 §4: a session is bound to its peer's address; another source is not it.
      if (entry.peer !== from) return this.count('wrongSource');
      entry.sink.receive(raw, packet);
      return 'delivered';
    }
    // "If the Your Discriminator field is zero, the session MUST be selected based on some
    // combination of other fields, possibly including source addressing information, the My
    // Discriminator field, and the interface over which the packet was received."
    const candidates = this.byPeer.get(from);
    if (!candidates?.length) return this.count('noSession');
    const sink =
      candidates.find((s) => s.remoteDiscr === packet.myDiscr) ??
      candidates.find((s) => s.remoteDiscr === 0) ??
      candidates[0];
    sink.receive(raw, packet);
    return 'delivered';
  }

  private count(outcome: Exclude<DemuxOutcome, 'delivered'>): DemuxOutcome {
    this.stats[outcome]++;
    return outcome;
  }
}
