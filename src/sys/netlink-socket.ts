// A NETLINK_ROUTE socket: requests matched to their acknowledgements by sequence number, dumps
// collected until NLMSG_DONE, multicast notifications as events, and buffer overruns reported so
// the owner can re-dump.
//
// The kernel executes an rtnetlink request inside sendmsg (a send returns once the routes are in
// the FIB and the replies are queued), and a big batch can take it 100 ms and more, so request
// batches are sent from a worker thread (koffi async); dump requests are tiny and sent inline.
// Receiving uses the shared FdPoller: poll(2) waits on a worker thread, and the reads run
// on the event loop with MSG_DONTWAIT, at most RECEIVE_BUDGET_MS at a time, so a flood of
// notifications or a big dump never holds the loop for long.
//
// Batching: `request()` takes any number of framed messages in one datagram, numbers them and
// sets NLM_F_ACK on the last only. "NLMSG_ERROR ... is sent for every message with an error, and
// with NLM_F_ACK also on success" (netlink(7)); the kernel handles the messages of a datagram in
// order, so once the last one is acknowledged every error of the batch has arrived before it.
//
//   "ENOBUFS ... the socket receive buffer overflowed: messages were lost" — a multicast listener
//   must then re-read the state it follows (netlink(7)); we emit 'overrun' and fail pending requests.

import { EventEmitter } from 'node:events';
import { align4, Flag, MessageType, NLMSG_HDRLEN } from '../fib/netlink/constants.js';
import { decodeAck, decodeDone, type Message, splitMessages } from '../fib/netlink/header.js';
import { type FdPoller, sharedPoller } from './fd-poller.js';
import {
  AF_NETLINK,
  EAGAIN,
  EINTR,
  EIO,
  ENOBUFS,
  type IoLibc,
  loadIoLibc,
  MSG_DONTWAIT,
  MSG_TRUNC,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_SNDBUF,
  SO_SNDBUFFORCE,
  SOCK_RAW,
  SOL_NETLINK,
} from './io-libc.js';
import { check, SOCK_CLOEXEC, SOCK_NONBLOCK, SOL_SOCKET, type SysError, sysError } from './libc.js';
import { dropPortIdFilter, SOCK_FILTER_LEN } from './netlink-filter.js';

const NETLINK_ROUTE = 0;
const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_CAP_ACK = 10;
const NETLINK_EXT_ACK = 11;
const NETLINK_GET_STRICT_CHK = 12;
/** Largest dump datagram the kernel builds is 32 KiB (NLMSG_GOODSIZE rounds up to one page otherwise). */
const RECEIVE_BUFFER = 256 * 1024;
const RECEIVE_BUDGET_MS = 4;

export interface NetlinkSocketOptions {
  /** RTNLGRP_* multicast groups to join (Group in src/fib/netlink/constants.ts). */
  groups?: readonly number[];
  /** SO_RCVBUF in bytes (SO_RCVBUFFORCE first, which needs CAP_NET_ADMIN). Default 8 MiB. */
  receiveBufferBytes?: number;
  /** NETLINK_GET_STRICT_CHK: dumps filtered by the kernel (table, protocol). Default true. */
  strictCheck?: boolean;
  /**
   * Drop the messages from this port id in the kernel (a socket filter): the notifications about
   * changes another socket of ours requested. Best effort: without the filter they arrive as before.
   */
  ignorePortId?: number;
}

/** One message of a request batch that the kernel refused. */
export interface RequestError {
  /** Index of the message in the batch. */
  index: number;
  /** Positive errno (EEXIST, ENETUNREACH, ...). */
  errno: number;
  code: string;
  /** The kernel's extended-ack text, when it gave one. */
  message?: string;
}

/** Pending requests and dumps are rejected with this when the socket overran or closed. */
export class NetlinkSocketError extends Error {
  override readonly name = 'NetlinkSocketError';
  constructor(
    readonly reason: 'overrun' | 'closed' | 'dumpInterrupted' | 'dumpFailed' | 'truncated',
    message: string,
    readonly errno?: number,
  ) {
    super(message);
  }
}

interface PendingRequest {
  kind: 'request';
  firstSeq: number;
  lastSeq: number;
  errors: RequestError[];
  resolve(errors: RequestError[]): void;
  reject(e: Error): void;
}

interface PendingDump {
  kind: 'dump';
  seq: number;
  interrupted: boolean;
  onMessage(m: Message): void;
  resolve(): void;
  reject(e: Error): void;
}

export interface NetlinkSocketEvents {
  notification: [Message];
  /** Every datagram as received (a copy), before dispatch: for capture tools and debugging. */
  datagram: [Buffer];
  overrun: [];
  error: [Error];
}

export class NetlinkSocket extends EventEmitter<NetlinkSocketEvents> {
  readonly portId: number;
  /** The receive buffer the kernel granted (it doubles the request; capped unless forced). */
  readonly receiveBufferBytes: number;
  private closed = false;
  private seq: number;
  private readonly pending = new Map<number, PendingRequest | PendingDump>();
  private readonly dumpQueue: Array<() => void> = [];
  private dumpRunning = false;
  private readonly rx = Buffer.allocUnsafe(RECEIVE_BUFFER);
  private readonly poller: FdPoller;
  /** A read is dispatching (its messages are views of `rx`). */
  private reading = false;
  private sendsRunning = 0;

  private constructor(
    private readonly libc: IoLibc,
    private readonly fd: number,
    opts: NetlinkSocketOptions,
  ) {
    super();
    const int = Buffer.alloc(4);
    const setInt = (level: number, name: number, v: number, what: string) => {
      int.writeInt32LE(v);
      check(libc, libc.setsockopt(fd, level, name, int, 4), 'setsockopt', what);
    };
    const want = opts.receiveBufferBytes ?? 8 * 1024 * 1024;
    int.writeInt32LE(want);
    if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, int, 4) === -1) {
      setInt(SOL_SOCKET, SO_RCVBUF, want, 'SO_RCVBUF');
    }
    int.writeInt32LE(1024 * 1024);
    if (libc.setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, int, 4) === -1) {
      setInt(SOL_SOCKET, SO_SNDBUF, 1024 * 1024, 'SO_SNDBUF');
    }
    // Short acknowledgements (no copy of the request) with the kernel's error text.
    setInt(SOL_NETLINK, NETLINK_CAP_ACK, 1, 'NETLINK_CAP_ACK');
    setInt(SOL_NETLINK, NETLINK_EXT_ACK, 1, 'NETLINK_EXT_ACK');
    if (opts.strictCheck ?? true) setInt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1, 'NETLINK_GET_STRICT_CHK');
    // struct sockaddr_nl { u16 nl_family; u16 pad; u32 nl_pid; u32 nl_groups; } — pid 0: the kernel assigns.
    const sa = Buffer.alloc(12);
    sa.writeUInt16LE(AF_NETLINK, 0);
    check(libc, libc.bind(fd, sa, 12), 'bind', 'netlink');
    // After bind(): bind() sets the first 32 groups from nl_groups, so it would clear them.
    for (const g of opts.groups ?? []) setInt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g, `group ${g}`);
    if (opts.ignorePortId !== undefined) {
      const program = dropPortIdFilter(opts.ignorePortId);
      libc.attachFilter(fd, program, program.length / SOCK_FILTER_LEN);
    }
    const len = Buffer.alloc(4);
    len.writeUInt32LE(12);
    check(libc, libc.getsockname(fd, sa, len), 'getsockname');
    this.portId = sa.readUInt32LE(4);
    const got = Buffer.alloc(4);
    const gotLen = Buffer.alloc(4);
    gotLen.writeUInt32LE(4);
    check(libc, libc.getsockopt(fd, SOL_SOCKET, SO_RCVBUF, got, gotLen), 'getsockopt');
    this.receiveBufferBytes = got.readInt32LE(0);
    this.seq = (Date.now() & 0x3fffffff) + 1;
    this.poller = sharedPoller(libc);
    this.poller.watch(fd, () => this.onReadable());
  }

  /** Opens a NETLINK_ROUTE socket. Throws a SysError (or the reason netlink is unavailable). */
  static open(opts: NetlinkSocketOptions = {}): NetlinkSocket {
    const libc = loadIoLibc();
    if (libc instanceof Error) throw libc;
    const fd = check(
      libc,
      libc.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE),
      'socket',
      'AF_NETLINK',
    );
    try {
      return new NetlinkSocket(libc, fd, opts);
    } catch (err) {
      libc.close(fd);
      throw err;
    }
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = this.seq >= 0xfffffffe ? 1 : this.seq + 1;
    return s;
  }

  /**
   * Sends the framed messages in buf[0, length) as one datagram. Each gets the next sequence
   * number, the last one NLM_F_ACK. Resolves, once the kernel acknowledged the last, with the
   * messages it refused (empty: all applied).
   */
  request(buf: Buffer, length = buf.length): Promise<RequestError[]> {
    return new Promise<RequestError[]>((resolve, reject) =>
      this.sendRequest(buf, length, (err, errors) => (err ? reject(err) : resolve(errors))),
    );
  }

  /**
   * `request()` with a callback, called as soon as the acknowledgement is read — also from inside
   * `receiveNow()`, synchronously, where a promise would wait for the current task to end.
   */
  sendRequest(
    buf: Buffer,
    length: number,
    done: (err: Error | undefined, errors: RequestError[]) => void,
  ): void {
    if (this.closed) {
      done(new NetlinkSocketError('closed', 'netlink socket closed'), []);
      return;
    }
    // Numbered in place (no view per message: a batch holds thousands).
    const firstSeq = this.seq;
    let lastSeq = firstSeq;
    let lastAt = -1;
    for (let pos = 0; pos < length; ) {
      const len = length - pos >= NLMSG_HDRLEN ? buf.readUInt32LE(pos) : 0;
      if (len < NLMSG_HDRLEN || len > length - pos) {
        done(new NetlinkSocketError('truncated', `nlmsg_len ${len} with ${length - pos} bytes left`), []);
        return;
      }
      lastSeq = this.nextSeq();
      buf.writeUInt32LE(lastSeq, pos + 8);
      lastAt = pos;
      pos += Math.min(align4(len), length - pos);
    }
    if (lastAt < 0) {
      done(undefined, []);
      return;
    }
    buf.writeUInt16LE(buf.readUInt16LE(lastAt + 6) | Flag.ACK, lastAt + 6);
    const p: PendingRequest = {
      kind: 'request',
      firstSeq,
      lastSeq,
      errors: [],
      resolve: (errors) => done(undefined, errors),
      reject: (e) => done(e, []),
    };
    this.pending.set(lastSeq, p);
    try {
      // On a worker thread: the kernel applies the whole batch inside this send(2). koffi holds
      // no reference to `buf` meanwhile: the callback does (else the collector may free it).
      this.libc.sendAsync(this.fd, buf, length, 0, (err, rc) => {
        this.sendsRunning--;
        if (err === null && rc === length && buf.length >= length) return;
        if (this.pending.get(lastSeq) !== p) return;
        this.pending.delete(lastSeq);
        p.reject(err instanceof Error ? err : sysError(rc >= 0 ? ENOBUFS : EIO, 'send', 'netlink request'));
      });
      this.sendsRunning++;
    } catch (err) {
      // koffi refuses a call beyond its queue limit (max_async_calls).
      this.pending.delete(lastSeq);
      p.reject(err as Error);
    }
  }

  /**
   * Requests whose send(2) has not yet returned to the event loop. The acknowledgement can come
   * first (`receiveNow()` in a long task): a caller bounds its batches by both.
   */
  get sending(): number {
    return this.sendsRunning;
  }

  /**
   * Reads what the kernel has queued for this socket now, without waiting for the event loop:
   * a busy caller collects the acknowledgements of its earlier batches (their callbacks run here).
   */
  receiveNow(): void {
    // Not from inside a callback of a read in progress: its messages are views of `rx`.
    if (!this.reading) this.onReadable();
  }

  /**
   * Sends one dump request (a GET with NLM_F_DUMP) and calls `onMessage` for each reply message
   * until NLMSG_DONE. Dumps on one socket run one at a time (the kernel allows one per socket).
   * Rejects with reason 'dumpInterrupted' when the kernel flagged the dump inconsistent (the table
   * changed meanwhile: NLM_F_DUMP_INTR) — `onMessage` has then seen a possibly incomplete set.
   */
  async dump(buf: Buffer, onMessage: (m: Message) => void, length = buf.length): Promise<void> {
    if (this.dumpRunning) await new Promise<void>((r) => this.dumpQueue.push(r));
    this.dumpRunning = true;
    try {
      if (this.closed) throw new NetlinkSocketError('closed', 'netlink socket closed');
      const seq = this.nextSeq();
      buf.writeUInt32LE(seq, 8);
      await new Promise<void>((resolve, reject) => {
        this.pending.set(seq, { kind: 'dump', seq, interrupted: false, onMessage, resolve, reject });
        const err = this.send(buf, length);
        if (err) {
          this.pending.delete(seq);
          reject(err);
        }
      });
    } finally {
      this.dumpRunning = false;
      this.dumpQueue.shift()?.();
    }
  }

  private send(buf: Buffer, length: number): SysError | undefined {
    for (;;) {
      const rc = this.libc.send(this.fd, buf, length, MSG_DONTWAIT);
      if (rc === length) return undefined;
      if (rc >= 0) return sysError(ENOBUFS, 'send', `netlink: short send ${rc}/${length}`);
      const errno = this.libc.errno();
      if (errno !== EINTR) return sysError(errno, 'send', 'netlink');
    }
  }

  private onReadable(): void {
    if (this.closed) return;
    this.reading = true;
    try {
      this.readQueued();
    } finally {
      this.reading = false;
    }
  }

  private readQueued(): void {
    const deadline = performance.now() + RECEIVE_BUDGET_MS;
    do {
      const n = this.libc.recv(this.fd, this.rx, this.rx.length, MSG_DONTWAIT | MSG_TRUNC);
      if (n < 0) {
        const errno = this.libc.errno();
        if (errno === EAGAIN || errno === EINTR) return;
        if (errno === ENOBUFS) {
          this.overrun(new NetlinkSocketError('overrun', 'netlink receive buffer overrun', ENOBUFS));
          continue;
        }
        this.emit('error', sysError(errno, 'recv', 'netlink'));
        return;
      }
      if (n > this.rx.length) {
        this.overrun(new NetlinkSocketError('truncated', `netlink datagram of ${n} bytes truncated`));
        continue;
      }
      this.dispatch(n);
    } while (performance.now() < deadline);
  }

  private overrun(err: NetlinkSocketError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.emit('overrun');
  }

  private dispatch(n: number): void {
    if (this.listenerCount('datagram') > 0) this.emit('datagram', Buffer.from(this.rx.subarray(0, n)));
    let msgs: Message[];
    try {
      msgs = splitMessages(this.rx, n);
    } catch (err) {
      this.emit('error', err as Error);
      return;
    }
    for (const m of msgs) {
      const p = m.pid === this.portId || m.pid === 0 ? this.pending.get(m.seq) : undefined;
      if (p === undefined) {
        // A request's error for a message before its last (pending is keyed by the last seq).
        if (m.type === MessageType.ERROR && this.requestError(m)) continue;
        if (m.seq === 0 || m.type !== MessageType.ERROR) this.emit('notification', m);
        continue;
      }
      if (p.kind === 'dump') this.dumpMessage(p, m);
      else if (m.type === MessageType.ERROR) this.finishRequest(p, m);
      else this.emit('notification', m);
    }
  }

  private requestError(m: Message): boolean {
    for (const p of this.pending.values()) {
      if (p.kind !== 'request') continue;
      const inRange =
        p.firstSeq <= p.lastSeq
          ? m.seq >= p.firstSeq && m.seq < p.lastSeq
          : m.seq >= p.firstSeq || m.seq < p.lastSeq;
      if (!inRange) continue;
      this.collectError(p, m);
      return true;
    }
    return false;
  }

  private collectError(p: PendingRequest, m: Message): void {
    try {
      const ack = decodeAck(m);
      if (ack.errno === 0) return;
      const index = (m.seq - p.firstSeq + 0x100000000) % 0x100000000;
      const e = sysError(ack.errno, 'netlink');
      const err: RequestError = { index, errno: ack.errno, code: e.code };
      if (ack.message !== undefined) err.message = ack.message;
      p.errors.push(err);
    } catch (err) {
      this.emit('error', err as Error);
    }
  }

  private finishRequest(p: PendingRequest, m: Message): void {
    this.collectError(p, m);
    this.pending.delete(p.lastSeq);
    p.resolve(p.errors);
  }

  private dumpMessage(p: PendingDump, m: Message): void {
    if ((m.flags & Flag.DUMP_INTR) !== 0) p.interrupted = true;
    if (m.type === MessageType.DONE || m.type === MessageType.ERROR) {
      this.pending.delete(p.seq);
      let errno = 0;
      try {
        errno = m.type === MessageType.DONE ? decodeDone(m) : decodeAck(m).errno;
      } catch {}
      if (errno !== 0) {
        p.reject(new NetlinkSocketError('dumpFailed', sysError(errno, 'netlink dump').message, errno));
      } else if (p.interrupted) {
        p.reject(new NetlinkSocketError('dumpInterrupted', 'netlink dump interrupted (NLM_F_DUMP_INTR)'));
      } else {
        p.resolve();
      }
      return;
    }
    try {
      p.onMessage(m);
    } catch (err) {
      this.emit('error', err as Error);
    }
  }

  /** Stops receiving, fails what is pending and closes the descriptor. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values())
      p.reject(new NetlinkSocketError('closed', 'netlink socket closed'));
    this.pending.clear();
    await this.poller.unwatch(this.fd);
    this.libc.close(this.fd);
  }
}
