// The kernel-route reconciler's write pipeline: routes waiting to be written go out in datagrams of
// many route messages (the last acknowledged), several datagrams in flight — the next is encoded
// and sent without waiting for the acks before it — with a yield to the event loop after each round
// of ROUND_BUDGET_MS. Routes arriving in one long task (a table being learned) go out a datagram at
// a time as they come, not at its end. What each route's message says, and what an ack means for
// it, is the reconciler's (BatchHost).

import type { NetlinkSocket, RequestError } from '../sys/netlink-socket.js';
import { DirtyQueue, type QueueMarks } from './dirty-queue.js';
import { NetlinkWriter } from './netlink/writer.js';

/** Synchronous work per batch round (encoding, and the kernel applying routes inside send()). */
const ROUND_BUDGET_MS = 8;
/** Bytes of route messages per datagram: about 1,000 IPv4 routes, a few ms of the kernel's time. */
const DATAGRAM_BYTES = 64 * 1024;
/** Datagrams sent and not yet acknowledged. */
const MAX_IN_FLIGHT = 8;
/** Bytes of the largest common route message (IPv4, one gateway, table, metric, output interface). */
const IPV4_ROUTE_MESSAGE_BYTES = 68;

/** Where a route's marks are kept (set and cleared here only): queued, and its message in flight. */
export interface RouteMarks extends QueueMarks {
  isInFlight(id: number): boolean;
  setInFlight(id: number, on: boolean): void;
}

/** The messages of one datagram, in order: their routes (ids) and the signatures written (undefined: deleted). */
export interface Batch {
  readonly routes: number[];
  readonly signatures: (string | undefined)[];
}

export interface BatchHost {
  /** The request socket (undefined before start). */
  socket(): NetlinkSocket | undefined;
  /** No batch may go now: stopped, or the kernel's view being re-read. */
  paused(): boolean;
  /** Route `id` is still the route of its prefix (not forgotten since it was queued). */
  current(id: number): boolean;
  /** Writes the message that brings the kernel to what route `id` should be, if any, and notes it (`noteOp`). */
  write(w: NetlinkWriter, id: number, batch: Batch): void;
  /** The kernel acknowledged a datagram; `errors` are its refused messages by index. */
  applied(batch: Batch, errors: RequestError[]): void;
  /** A datagram failed as a whole (its routes are queued again). */
  requestFailed(err: Error): void;
}

export interface BatchOptions {
  /** Bytes of route messages per datagram (default 64 KiB, about 1,000 IPv4 routes). */
  datagramBytes?: number;
  /** Datagrams sent and not yet acknowledged (default 8). */
  maxInFlight?: number;
}

export function noteOp(batch: Batch, id: number, signature: string | undefined): void {
  batch.routes.push(id);
  batch.signatures.push(signature);
}

export class RouteBatches {
  /** Routes waiting to be written, in the order they changed. */
  readonly dirty: DirtyQueue;
  /** The running pump (undefined: idle). */
  pumping?: Promise<void>;
  /** Datagram buffers acknowledged and free again (a full table is ~600 datagrams: not one allocation each). */
  private readonly spare: Buffer[] = [];
  private readonly datagramBytes: number;
  private readonly maxInFlight: number;
  /** Dirty routes that fill a datagram (sendEarly). */
  private readonly routesPerDatagram: number;
  /** Datagrams sent, not yet acknowledged. */
  private unacked = 0;
  private readonly ackWaiters: Array<() => void> = [];
  /** Routes dirty again while their previous message is in flight: queued again at the next ack. */
  private readonly parked: number[] = [];

  constructor(
    private readonly host: BatchHost,
    private readonly marks: RouteMarks,
    opts: BatchOptions = {},
  ) {
    this.dirty = new DirtyQueue(marks);
    this.datagramBytes = opts.datagramBytes ?? DATAGRAM_BYTES;
    this.maxInFlight = opts.maxInFlight ?? MAX_IN_FLIGHT;
    this.routesPerDatagram = Math.max(1, Math.floor(this.datagramBytes / IPV4_ROUTE_MESSAGE_BYTES));
  }

  /** Queues route `id` to be written: at once if a pump runs and a datagram is full, else by a pump. */
  touch(id: number): void {
    this.dirty.add(id);
    if (this.pumping) this.sendEarly();
    else this.kick();
  }

  /** Starts a pump unless one runs or the host is paused. */
  kick(): void {
    if (this.pumping || this.host.paused() || !this.host.socket()) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.dirty.size > 0) this.kick();
    });
  }

  /**
   * Sends the dirty routes in rounds of up to `maxInFlight` unacknowledged datagrams or
   * ROUND_BUDGET_MS of encoding, yielding to the event loop between rounds; a datagram goes out
   * without waiting for the acks of the ones before it (their routes are others: a route with a
   * message in flight waits for its ack, `parked`). Ends once nothing is dirty or unacknowledged.
   */
  private async pump(): Promise<void> {
    while (!this.host.paused()) {
      const deadline = performance.now() + ROUND_BUDGET_MS;
      while (this.dirty.size > 0 && this.roomFor() && performance.now() < deadline) {
        this.sendBatch(deadline);
      }
      if (this.dirty.size === 0 && this.unacked === 0) return;
      // Acks to wait for; else yield (the budget is spent, or sends are still returning).
      if (this.unacked >= this.maxInFlight || (this.dirty.size === 0 && this.unacked > 0))
        await this.nextAck();
      else await new Promise<void>((r) => setImmediate(r));
    }
    while (this.unacked > 0) await this.nextAck();
  }

  /** Another datagram may go: fewer than `maxInFlight` unacknowledged, and as many sends running. */
  private roomFor(): boolean {
    return this.unacked < this.maxInFlight && (this.host.socket()?.sending ?? 0) < this.maxInFlight;
  }

  /**
   * Routes arriving faster than the event loop turns (a table being learned, all in one task):
   * each full datagram goes at once, collecting the acks of earlier ones if the kernel is done
   * with them, instead of waiting for the pump's next round.
   */
  private sendEarly(): void {
    if (this.host.paused() || this.dirty.size < this.routesPerDatagram) return;
    if (this.unacked >= this.maxInFlight) this.host.socket()?.receiveNow();
    if (this.roomFor()) this.sendBatch(performance.now() + ROUND_BUDGET_MS);
  }

  private nextAck(): Promise<void> {
    return new Promise<void>((r) => this.ackWaiters.push(r));
  }

  /** Encodes dirty routes into one datagram (until it is full or the deadline) and sends it. */
  private sendBatch(deadline: number): void {
    // Room past datagramBytes for the last message (each is far shorter).
    const buf = this.spare.pop() ?? Buffer.allocUnsafe(this.datagramBytes + 8192);
    const w = new NetlinkWriter(buf);
    const batch: Batch = { routes: [], signatures: [] };
    for (let n = 1; w.pos < this.datagramBytes; n++) {
      if ((n & 63) === 0 && performance.now() >= deadline) break;
      const id = this.dirty.take();
      if (id === undefined) break;
      if (!this.host.current(id)) continue;
      if (this.marks.isInFlight(id)) this.parked.push(id);
      else this.host.write(w, id, batch);
    }
    if (batch.routes.length === 0) {
      this.spare.push(buf);
      return;
    }
    for (const id of batch.routes) this.marks.setInFlight(id, true);
    this.unacked++;
    this.host.socket()!.sendRequest(buf, w.pos, (err, errors) => this.acknowledged(batch, buf, err, errors));
  }

  private acknowledged(batch: Batch, buf: Buffer, err: Error | undefined, errors: RequestError[]): void {
    this.unacked--;
    if (err === undefined) {
      // Acknowledged: the kernel has read the datagram (send(2) copies it before applying it).
      if (this.spare.length <= this.maxInFlight) this.spare.push(buf);
      this.host.applied(batch, errors);
    } else {
      for (const id of batch.routes) if (this.host.current(id)) this.dirty.add(id);
      this.host.requestFailed(err);
    }
    // After `applied`: a route it forgot is freed here, not while its results are being read.
    for (const id of batch.routes) this.marks.setInFlight(id, false);
    // A parked route `applied` forgot (its delete acknowledged) is not queued again: its id may be
    // free, and reused, by the time the queue reaches it.
    for (const id of this.parked.splice(0)) if (this.host.current(id)) this.dirty.add(id);
    for (const wake of this.ackWaiters.splice(0)) wake();
  }
}
