// The IPv6 routers on each link, as the kernel's neighbor table knows them: an entry flagged
// NTF_ROUTER is a link-local neighbor that sent a Router Advertisement (RFC 4861 §6.3.4, §7.3.3).
// One dump, then the RTNLGRP_NEIGH notifications; after an overrun (notifications lost), a new
// dump. Entries going away are not reported: a router stays known until another takes its place.
import { EventEmitter } from 'node:events';
import {
  decodeNeighbor,
  encodeNeighborDump,
  Group,
  type Message,
  MessageType,
  NeighFlag,
  NetlinkWriter,
} from '../fib/netlink/index.js';
import { isLinkLocalText } from '../wire/index.js';
import { NetlinkSocket } from './netlink-socket.js';

export interface LinkRouterEvents {
  /** A router's link-local address on interface `index`. */
  router: [index: number, address: string];
  error: [Error];
}

export class LinkRouters extends EventEmitter<LinkRouterEvents> {
  private socket?: NetlinkSocket;

  /** Starts following the table; throws when netlink cannot be opened. */
  start(): void {
    if (this.socket) return;
    const socket = NetlinkSocket.open({ groups: [Group.NEIGH], receiveBufferBytes: 256 * 1024 });
    this.socket = socket;
    socket.on('notification', (m) => this.seen(m));
    socket.on('overrun', () => void this.dump());
    socket.on('error', (e) => this.emit('error', e));
    void this.dump();
  }

  private async dump(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const w = new NetlinkWriter(Buffer.alloc(64));
    encodeNeighborDump(w, 6);
    try {
      await socket.dump(w.buf.subarray(0, w.pos), (m) => this.seen(m));
    } catch (e) {
      if (this.socket === socket) this.emit('error', e as Error);
    }
  }

  private seen(m: Message): void {
    if (m.type !== MessageType.NEWNEIGH) return;
    const n = decodeNeighbor(m);
    // Link-local (fe80::/10) routers only: a session with an interface neighbor is link-local.
    if (n.family !== 6 || (n.flags & NeighFlag.ROUTER) === 0 || !n.address) return;
    if (!isLinkLocalText(n.address)) return;
    this.emit('router', n.index, n.address);
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    await socket?.close();
  }
}
