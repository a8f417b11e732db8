// What the manager needs from a network: attach a session's endpoint, get a link to send on, and
// have the session's packets delivered to it. The UDP transport (udp-transport.ts) is the real one;
// tests use an in-memory one.
import type { BfdLink } from './driver.js';
import type { ControlPacket } from './packet.js';

/** Where a session runs: (peer, local address, interface), single-hop or multihop. */
export interface BfdEndpoint {
  readonly peer: string;
  readonly local?: string;
  readonly interface?: string;
  /** RFC 5883 multihop (port 4784); default single-hop (RFC 5881, port 3784, TTL 255 only). */
  readonly multihop: boolean;
  /** Multihop only: drop received packets with a lower TTL / hop limit (RFC 5883 §2). Default 254. */
  readonly minTtl?: number;
}

/** The session side of the demultiplexer. */
export interface BfdPacketSink {
  readonly localDiscr: number;
  /** 0 until the peer's discriminator is known. */
  readonly remoteDiscr: number;
  receive(raw: Buffer, packet: ControlPacket): void;
}

export interface BfdAttachment extends BfdLink {
  close(): void;
}

export interface BfdNetwork {
  /** Throws if the endpoint cannot be served (e.g. the port is taken, no libc binding). */
  attach(endpoint: BfdEndpoint, sink: BfdPacketSink): BfdAttachment;
  close(): Promise<void>;
}

/** Default RFC 5883 §2 minimum TTL for multihop: one router away at most, unless configured. */
export const DEFAULT_MULTIHOP_MIN_TTL = 254;
