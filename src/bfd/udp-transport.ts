// BFD over UDP (node:dgram): RFC 5881 single-hop and RFC 5883 multihop, IPv4 and IPv6.
// - One listening socket per (port, family), shared by every session, demultiplexed by demux.ts.
// - One sending socket per session, bound to a source port from 49152–65535 and sending with
//   TTL / hop limit 255.
// - Received packets are filtered by TTL in the kernel (src/sys/udp-ttl.ts): single-hop sockets
//   take TTL 255 only; the multihop socket holds one minimum per peer.
import dgram from 'node:dgram';
import { closeFd, openUdpFd, setTtlFilter, type TtlFilter } from '../sys/udp-ttl.js';
import { BfdDemux, canonicalAddress } from './demux.js';
import {
  type BfdAttachment,
  type BfdEndpoint,
  type BfdNetwork,
  type BfdPacketSink,
  DEFAULT_MULTIHOP_MIN_TTL,
} from './network.js';
import { BFD_PORT_MULTIHOP, BFD_PORT_SINGLE_HOP } from './registry.js';

/** RFC 5881 §4: "The source port MUST be in the range 49152 through 65535." */
export const SOURCE_PORT_MIN = 49152;
export const SOURCE_PORT_MAX = 65535;

export interface BfdUdpOptions {
  /** Ports to listen on (default 3784 / 4784); tests running two speakers on one host change them. */
  readonly listenPorts?: { readonly singleHop: number; readonly multihop: number };
  /** Ports to send to (default 3784 / 4784). */
  readonly peerPorts?: { readonly singleHop: number; readonly multihop: number };
  /** Address to listen on per family (default any). */
  readonly listenAddress?: { readonly 4?: string; readonly 6?: string };
  /** For the source port choice (default Math.random). */
  readonly random?: () => number;
}

const DEFAULT_PORTS = { singleHop: BFD_PORT_SINGLE_HOP, multihop: BFD_PORT_MULTIHOP };

interface Listener {
  readonly socket: dgram.Socket;
  readonly fd: number;
  readonly family: 4 | 6;
  readonly multihop: boolean;
  readonly demux: BfdDemux;
  /** Multihop: the minimum TTL each attached session asks for, by canonical peer address. */
  readonly minTtls: Map<BfdPacketSink, { peer: string; minTtl: number }>;
}

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

function bindFd(type: 'udp4' | 'udp6', fd: number): dgram.Socket {
  const socket = dgram.createSocket({ type });
  socket.bind({ fd });
  return socket;
}

export class BfdUdpNetwork implements BfdNetwork {
  private readonly listeners = new Map<string, Listener>();
  private readonly senders = new Set<dgram.Socket>();
  /** Datagrams the demultiplexers could not place, summed over the listening sockets. */
  readonly dropped = { malformed: 0, noSession: 0, wrongSource: 0 };

  constructor(private readonly opts: BfdUdpOptions = {}) {}

  attach(endpoint: BfdEndpoint, sink: BfdPacketSink): BfdAttachment {
    const family = familyOf(endpoint.peer);
    const listener = this.listenerFor(family, endpoint.multihop);
    const sender = this.openSender(endpoint, family);
    const peer = canonicalAddress(endpoint.peer);
    listener.demux.add(peer, sink);
    if (endpoint.multihop) {
      listener.minTtls.set(sink, { peer, minTtl: endpoint.minTtl ?? DEFAULT_MULTIHOP_MIN_TTL });
      this.refreshFilter(listener);
    }
    const ports = this.opts.peerPorts ?? DEFAULT_PORTS;
    const port = endpoint.multihop ? ports.multihop : ports.singleHop;
    // A link-local peer needs its zone; the interface names it.
    const destination =
      family === 6 && endpoint.interface && !endpoint.peer.includes('%') && /^fe80:/i.test(endpoint.peer)
        ? `${endpoint.peer}%${endpoint.interface}`
        : endpoint.peer;
    let closed = false;
    return {
      send: (packet) => {
        if (!closed) sender.send(packet, port, destination);
      },
      close: () => {
        if (closed) return;
        closed = true;
        listener.demux.remove(sink);
        if (listener.minTtls.delete(sink)) this.refreshFilter(listener);
        this.senders.delete(sender);
        // Let the last packet (AdminDown) leave before the socket goes.
        setImmediate(() => sender.close());
        if (listener.demux.size === 0) this.closeListener(listener);
      },
    };
  }

  async close(): Promise<void> {
    const sockets = [...this.senders, ...[...this.listeners.values()].map((l) => l.socket)];
    this.senders.clear();
    this.listeners.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private listenerFor(family: 4 | 6, multihop: boolean): Listener {
    const key = `${family}/${multihop ? 'multihop' : 'single'}`;
    const existing = this.listeners.get(key);
    if (existing) return existing;
    const ports = this.opts.listenPorts ?? DEFAULT_PORTS;
    // RFC 5881 §5: "All received BFD Control packets that are demultiplexed to the session MUST be
    // discarded if the received TTL or Hop Limit is not equal to 255." RFC says "if authentication
    // is not in use" / we require 255 always. Multihop starts with nobody accepted (refreshFilter).
    const filter: TtlFilter = multihop ? { minTtl: null } : { minTtl: 255 };
    const fd = openUdpFd({
      family,
      address: this.opts.listenAddress?.[family],
      port: multihop ? ports.multihop : ports.singleHop,
      ttlFilter: filter,
    });
    const socket = bindFd(family === 4 ? 'udp4' : 'udp6', fd);
    const demux = new BfdDemux();
    const listener: Listener = { socket, fd, family, multihop, demux, minTtls: new Map() };
    socket.on('message', (msg, rinfo) => {
      const outcome = demux.dispatch(msg, rinfo.address);
      if (outcome !== 'delivered') this.dropped[outcome]++;
    });
    socket.on('error', () => {
      /* a UDP receive error concerns one datagram; the socket stays usable */
    });
    this.listeners.set(key, listener);
    return listener;
  }

  /** RFC 5883 §2: each multihop session's minimum TTL, as per-source rules of the socket filter. */
  private refreshFilter(l: Listener): void {
    if (!l.multihop) return;
    const perPeer = new Map<string, number>();
    for (const { peer, minTtl } of l.minTtls.values()) {
      perPeer.set(peer, Math.min(minTtl, perPeer.get(peer) ?? 255));
    }
    const rules = [...perPeer].map(([source, minTtl]) => ({ source, minTtl }));
    setTtlFilter(l.fd, l.family, { minTtl: null, rules });
  }

  private closeListener(l: Listener): void {
    for (const [key, v] of this.listeners) if (v === l) this.listeners.delete(key);
    l.socket.close();
  }

  /** A socket bound to a free source port in 49152–65535, sending with TTL 255. */
  private openSender(endpoint: BfdEndpoint, family: 4 | 6): dgram.Socket {
    const random = this.opts.random ?? Math.random;
    const span = SOURCE_PORT_MAX - SOURCE_PORT_MIN + 1;
    const first = SOURCE_PORT_MIN + Math.floor(random() * span);
    for (let i = 0; i < span; i++) {
      const port = SOURCE_PORT_MIN + ((first - SOURCE_PORT_MIN + i) % span);
      let fd: number;
      try {
        fd = openUdpFd({
          family,
          address: endpoint.local,
          port,
          // RFC 5881 §5: "all BFD Control packets for the session MUST be sent with a Time to Live
          // (TTL) or Hop Limit value of 255." RFC 5883 leaves multihop open; 255 lets the peer's
          // minimum-TTL check work.
          ttl: 255,
          bindDevice: endpoint.interface,
          // Nothing is expected on the sending socket.
          ttlFilter: { minTtl: null },
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'EADDRINUSE') continue;
        throw err;
      }
      try {
        const socket = bindFd(family === 4 ? 'udp4' : 'udp6', fd);
        socket.on('error', () => {
          /* ICMP errors on send are not BFD's concern: detection time covers a lost peer */
        });
        this.senders.add(socket);
        return socket;
      } catch (err) {
        closeFd(fd);
        throw err;
      }
    }
    throw new Error(`no free UDP source port in ${SOURCE_PORT_MIN}-${SOURCE_PORT_MAX}`);
  }
}
