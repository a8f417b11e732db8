// An in-memory BFD network for driver and manager tests: speakers on a shared fabric, packets
// delivered after `latencyMs` on the manual clock through the real demultiplexer. `cut(from)`
// drops everything a speaker sends (as the nftables rule does in the interop test).
import { BfdDemux } from '../../src/bfd/demux.js';
import type { BfdAttachment, BfdEndpoint, BfdNetwork, BfdPacketSink } from '../../src/bfd/network.js';
import type { ManualClock } from '../../src/session/clock.js';

export class MemoryFabric {
  readonly speakers = new Map<string, MemoryNetwork>();
  readonly cuts = new Set<string>();
  /** Every packet put on the wire: [from, to, octets]. */
  readonly wire: Array<[string, string, Buffer]> = [];

  constructor(
    readonly clock: ManualClock,
    readonly latencyMs = 1,
  ) {}

  speaker(address: string): MemoryNetwork {
    const n = new MemoryNetwork(this, address);
    this.speakers.set(address, n);
    return n;
  }

  cut(from: string, on = true): void {
    if (on) this.cuts.add(from);
    else this.cuts.delete(from);
  }

  deliver(from: string, to: string, packet: Buffer): void {
    this.wire.push([from, to, packet]);
    if (this.cuts.has(from)) return;
    const copy = Buffer.from(packet);
    this.clock.setTimeout(() => this.speakers.get(to)?.demux.dispatch(copy, from), this.latencyMs);
  }
}

export class MemoryNetwork implements BfdNetwork {
  readonly demux = new BfdDemux();

  constructor(
    private readonly fabric: MemoryFabric,
    readonly address: string,
  ) {}

  attach(endpoint: BfdEndpoint, sink: BfdPacketSink): BfdAttachment {
    this.demux.add(endpoint.peer, sink);
    return {
      send: (packet) => this.fabric.deliver(this.address, endpoint.peer, packet),
      close: () => this.demux.remove(sink),
    };
  }

  async close(): Promise<void> {}
}
