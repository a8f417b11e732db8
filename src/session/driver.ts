// Runs one BGP connection: feeds the pure FSM with events from a Duplex stream and timers, and
// carries out its actions (send, timers, close). Knows nothing of TCP: the peer layer hands it a
// connected stream (or a `dial` function) so tests use in-memory pairs and a manual clock.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  ErrorCode,
  encodeNotification,
  encodeOpen,
  type Frame,
  Framer,
  KEEPALIVE,
  MAX_MESSAGE_LENGTH,
  MessageType,
  Notification,
  type RouteRefresh,
} from '../wire/index.js';
import type { Clock } from './clock.js';
import { initialState, step } from './fsm.js';
import {
  type DownReason,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  SessionState,
  type TimerName,
} from './fsm-types.js';
import { buildOpen, type Negotiated } from './negotiate.js';

/**
 * Messages handled per turn of the event loop before yielding (keeps timers and other peers live):
 * 500 full-table UPDATEs (~3,200 prefixes) are 10–30 ms of work; 2,000 took up to 110 ms (issue 16).
 */
const MESSAGES_PER_TURN = 500;

export interface MessageCounters {
  open: number;
  update: number;
  notification: number;
  keepalive: number;
  routeRefresh: number;
}

export const zeroCounters = (): MessageCounters => ({
  open: 0,
  update: 0,
  notification: 0,
  keepalive: 0,
  routeRefresh: 0,
});
const COUNTER: Record<number, keyof MessageCounters> = {
  [MessageType.OPEN]: 'open',
  [MessageType.UPDATE]: 'update',
  [MessageType.NOTIFICATION]: 'notification',
  [MessageType.KEEPALIVE]: 'keepalive',
  [MessageType.ROUTE_REFRESH]: 'routeRefresh',
};

export interface DriverEvents {
  stateChange: [from: SessionState, to: SessionState];
  established: [session: Negotiated];
  down: [reason: DownReason, wasEstablished: boolean];
  /** An UPDATE body in Established; throw a Notification from the handler to reset the session. */
  update: [body: Buffer, session: Negotiated];
  /** Every UPDATE read so far was handled (the end of a socket read's messages): changes may go out. */
  updatesHandled: [];
  routeRefresh: [rr: RouteRefresh, session: Negotiated];
  /** An OPEN arrived (before negotiation): the peer layer checks for collisions here. */
  open: [bgpId: string];
  notificationSent: [n: Notification];
  notificationReceived: [n: Notification];
  /** The outgoing buffer drained after `send` returned false. */
  drain: [];
  /** A handler failed unexpectedly on a message (a bug, not the peer's error); the session was reset. */
  internalError: [error: Error];
  /** An outgoing connection attempt failed (refused, unreachable, timed out, MD5 refused). */
  connectFailed: [error: Error];
}

/** The NOTIFICATION error code for a failure while handling a message of `type` (subcode 0, Unspecific). */
function errorCodeFor(type: number): number {
  if (type === MessageType.OPEN) return ErrorCode.OPEN_MESSAGE;
  if (type === MessageType.UPDATE) return ErrorCode.UPDATE_MESSAGE;
  if (type === MessageType.ROUTE_REFRESH) return ErrorCode.ROUTE_REFRESH;
  return ErrorCode.CEASE;
}

/**
 * The abort reason of a connection attempt still pending when the ConnectRetryTimer expired: the
 * dialler reports it as a timeout (it is one: the peer did not answer in that time).
 */
export const CONNECT_RETRY_EXPIRED = 'connectRetryExpired';

export interface DriverOptions {
  readonly config: FsmConfig;
  readonly clock: Clock;
  /**
   * Opens an outgoing connection; undefined for connections we only accept. `signal` aborts an
   * attempt the driver gave up on before it completed, its reason saying why
   * (CONNECT_RETRY_EXPIRED, or anything else for a stop).
   */
  readonly dial?: (signal: AbortSignal) => Promise<Duplex>;
  readonly random?: () => number;
  /** Where to count messages: counters shared across connections (a peer's cumulative totals). Default: this driver's own. */
  readonly totals?: { readonly sent: MessageCounters; readonly received: MessageCounters };
}

export class SessionDriver extends EventEmitter<DriverEvents> {
  private fsm: FsmState;
  private stream?: Duplex;
  private framer = new Framer();
  private readonly timers = new Map<TimerName, { handle: unknown; firesAt: number; deadline: number }>();
  /** Messages left before yielding to the event loop; refilled once the loop has turned. */
  private budget = MESSAGES_PER_TURN;
  private refillScheduled = false;
  private dialing = 0;
  /** Aborts the connection attempt still pending, if any. */
  private pendingDial?: AbortController;
  private processing = false;
  /** UPDATEs were handled in Established since the HoldTimer was last restarted. */
  private holdRestartDue = false;
  /** Messages by type (in `DriverOptions.totals` when given). */
  readonly sent: MessageCounters;
  readonly received: MessageCounters;
  /** True while the stream's write buffer is over its high-water mark. */
  congested = false;
  /** True for a connection the peer opened to us (RFC 4271 §6.8 collision resolution needs it). */
  inbound = false;

  private config: FsmConfig;

  constructor(private readonly opts: DriverOptions) {
    super();
    this.config = opts.config;
    this.fsm = initialState(opts.config);
    this.sent = opts.totals?.sent ?? zeroCounters();
    this.received = opts.totals?.received ?? zeroCounters();
  }

  /** Replaces the FSM settings (e.g. a collision winner accepted passively becomes active again). */
  reconfigure(config: FsmConfig): void {
    this.config = config;
  }

  /** Stops everything without a NOTIFICATION: timers cleared, stream destroyed, listeners removed. */
  dispose(): void {
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t.handle);
    this.timers.clear();
    this.dialing++;
    this.abortDial('stopped');
    this.stream?.destroy();
    this.stream = undefined;
    this.removeAllListeners();
  }

  get state(): SessionState {
    return this.fsm.state;
  }

  get session(): Negotiated | undefined {
    return this.fsm.session;
  }

  get fsmState(): FsmState {
    return this.fsm;
  }

  /** The connected stream, once there is one. */
  get connection(): Duplex | undefined {
    return this.stream;
  }

  start(): void {
    this.handle({ type: 'start' });
  }

  stop(notification: Notification): void {
    this.handle({ type: 'stop', notification });
  }

  /** Adopts a connection accepted from the peer (passive side, or a collision's second connection). */
  accept(stream: Duplex): void {
    if (this.stream) {
      stream.destroy();
      return;
    }
    this.inbound = true;
    this.attach(stream);
    this.handle({ type: 'tcpConnected' });
  }

  /**
   * Sends an encoded message, or `count` messages of one type back to back; false when the caller
   * should wait for 'drain' before sending more.
   */
  send(message: Buffer, count = 1): boolean {
    if (!this.stream || this.stream.destroyed) return false;
    this.sent[COUNTER[message[18]]] += count;
    const ok = this.stream.write(message);
    if (!ok) this.congested = true;
    return ok;
  }

  handle(event: FsmEvent): void {
    const from = this.fsm.state;
    const { state, actions } = step(this.fsm, event, this.config);
    this.fsm = state;
    for (const a of actions) this.execute(a);
    if (state.state !== from) this.emit('stateChange', from, state.state);
  }

  private execute(a: FsmAction): void {
    switch (a.type) {
      case 'connect':
        this.dial();
        break;
      case 'close':
        this.detach();
        break;
      case 'sendOpen':
        this.send(encodeOpen(buildOpen(this.config.local)));
        break;
      case 'sendKeepalive':
        this.send(KEEPALIVE);
        break;
      case 'sendNotification':
        this.send(encodeNotification(a.notification));
        this.emit('notificationSent', a.notification);
        break;
      case 'startTimer': {
        const factor = a.jitter ? 0.75 + 0.25 * (this.opts.random ?? Math.random)() : 1;
        const deadline = this.opts.clock.now() + a.seconds * 1000 * factor;
        const running = this.timers.get(a.timer);
        // Restarting a timer that will fire before the new deadline only moves the deadline (the
        // hold timer restarts on every UPDATE; this avoids a clearTimeout/setTimeout per message).
        if (running && running.firesAt <= deadline) running.deadline = deadline;
        else {
          this.stopTimer(a.timer);
          this.arm(a.timer, deadline);
        }
        break;
      }
      case 'stopTimer':
        this.stopTimer(a.timer);
        break;
      case 'established':
        // RFC 8654 §4: extended messages may be received once both sides advertised the capability.
        this.framer.setMaxLength(a.session.receive.maxMessageLength);
        this.emit('established', a.session);
        break;
      case 'down':
        this.emit('down', a.reason, a.wasEstablished);
        break;
    }
  }

  private arm(name: TimerName, deadline: number): void {
    const clock = this.opts.clock;
    const timer = {
      deadline,
      firesAt: deadline,
      handle: clock.setTimeout(() => {
        if (this.timers.get(name) !== timer) return;
        if (clock.now() < timer.deadline) return this.arm(name, timer.deadline);
        this.timers.delete(name);
        this.handle({ type: 'timerExpired', timer: name });
      }, deadline - clock.now()),
    };
    this.timers.set(name, timer);
  }

  private stopTimer(name: TimerName): void {
    const t = this.timers.get(name);
    if (t !== undefined) this.opts.clock.clearTimeout(t.handle);
    this.timers.delete(name);
  }

  private abortDial(reason: string): void {
    this.pendingDial?.abort(reason);
    this.pendingDial = undefined;
  }

  private dial(): void {
    if (!this.opts.dial) return;
    // RFC 4271 §8.2.2, Connect state, ConnectRetryTimer_Expires: the local system "drops the TCP
    // connection, restarts the ConnectRetryTimer, ... initiates a TCP connection to the other BGP
    // peer". An attempt still pending is abandoned now rather than left to connect and be closed
    // at once (a peer that makes a dynamic neighbor of each connection would see it come and go).
    this.abortDial(CONNECT_RETRY_EXPIRED);
    const controller = new AbortController();
    this.pendingDial = controller;
    const attempt = ++this.dialing;
    this.opts.dial(controller.signal).then(
      (stream) => {
        if (this.pendingDial === controller) this.pendingDial = undefined;
        // A newer attempt, a stop or an accepted connection superseded this one.
        if (attempt !== this.dialing || this.stream || this.fsm.state !== SessionState.CONNECT) {
          stream.destroy();
          return;
        }
        this.inbound = false;
        this.attach(stream);
        this.handle({ type: 'tcpConnected' });
      },
      (e: unknown) => {
        if (this.pendingDial === controller) this.pendingDial = undefined;
        // Given up because we stop: not a reason why nothing came up.
        if (controller.signal.aborted && controller.signal.reason !== CONNECT_RETRY_EXPIRED) return;
        // Reported even when a newer attempt superseded this one: it is still why nothing came up.
        this.emit('connectFailed', e instanceof Error ? e : new Error(String(e)));
        if (attempt === this.dialing && !this.stream && this.fsm.state === SessionState.CONNECT) {
          this.handle({ type: 'tcpFailed' });
        }
      },
    );
  }

  private attach(stream: Duplex): void {
    this.stream = stream;
    this.framer = new Framer(MAX_MESSAGE_LENGTH);
    this.congested = false;
    this.holdRestartDue = false;
    stream.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      this.drainFrames();
    });
    stream.on('drain', () => {
      this.congested = false;
      this.emit('drain');
    });
    const gone = () => {
      if (this.stream === stream) {
        this.stream = undefined;
        this.handle({ type: 'tcpFailed' });
      }
    };
    stream.on('close', gone);
    stream.on('end', gone);
    stream.on('error', gone);
  }

  private detach(): void {
    this.dialing++;
    const s = this.stream;
    if (!s) return;
    this.stream = undefined;
    // Let queued bytes (a NOTIFICATION) go out, then close; destroy if the peer is not reading.
    s.end();
    const t = setTimeout(() => s.destroy(), 1000);
    t.unref?.();
    s.once('close', () => clearTimeout(t));
    s.resume();
  }

  /**
   * Handles buffered messages. After MESSAGES_PER_TURN messages (counted across socket reads) it
   * pauses the stream until the event loop has turned, so timers, the API and other peers run
   * while a full table is flowing; the paused socket also pushes back on the sender.
   */
  private drainFrames(): void {
    if (this.processing) return;
    this.processing = true;
    const updatesBefore = this.received.update;
    try {
      while (this.stream) {
        if (this.budget <= 0) {
          if (this.framer.pending > 0) this.stream.pause();
          break;
        }
        let frame: ReturnType<Framer['next']>;
        try {
          frame = this.framer.next();
        } catch (e) {
          if (!(e instanceof Notification)) throw e;
          this.handle({ type: 'messageError', notification: e });
          return;
        }
        if (!frame) break;
        this.budget--;
        this.received[COUNTER[frame.type]]++;
        this.dispatch(frame);
      }
    } finally {
      this.processing = false;
    }
    if (this.received.update !== updatesBefore && this.stream) this.emit('updatesHandled');
    // After the changes went out: the FSM step is not on the way from a peer's UPDATE to the others.
    this.restartHoldIfDue();
    if (this.budget < MESSAGES_PER_TURN) this.scheduleRefill();
  }

  /** The HoldTimer restart owed for the UPDATEs just handled, unless the session went down meanwhile. */
  private restartHoldIfDue(): void {
    if (!this.holdRestartDue) return;
    this.holdRestartDue = false;
    if (this.fsm.state === SessionState.ESTABLISHED) this.handle({ type: 'updateReceived' });
  }

  private scheduleRefill(): void {
    if (this.refillScheduled) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.budget = MESSAGES_PER_TURN;
      const stream = this.stream;
      if (!stream) return;
      this.drainFrames();
      if (this.budget > 0 && stream.isPaused()) stream.resume();
    });
  }

  private dispatch(frame: Frame): void {
    const { type, body } = frame;
    try {
      switch (type) {
        case MessageType.OPEN: {
          const open = decodeOpen(body);
          this.emit('open', open.bgpId);
          if (!this.stream) return; // closed by collision resolution
          this.handle({ type: 'openReceived', open });
          return;
        }
        case MessageType.KEEPALIVE:
          this.handle({ type: 'keepaliveReceived' });
          return;
        case MessageType.NOTIFICATION: {
          const n = decodeNotification(body);
          this.emit('notificationReceived', n);
          this.handle({ type: 'notificationReceived', notification: n });
          return;
        }
        case MessageType.UPDATE:
          if (this.fsm.state !== SessionState.ESTABLISHED) {
            this.handle({ type: 'updateReceived' }); // an FSM error outside Established
            return;
          }
          // RFC 4271 §8.2.2: each UPDATE in Established restarts the HoldTimer. The messages of one
          // read are handled in one go, so it is restarted once, after them (drainFrames).
          this.holdRestartDue = true;
          this.emit('update', body, this.fsm.session!);
          return;
        case MessageType.ROUTE_REFRESH: {
          const rr = decodeRouteRefresh(body, frame.message);
          this.handle({ type: 'updateReceived' });
          if (this.fsm.state === SessionState.ESTABLISHED) this.emit('routeRefresh', rr, this.fsm.session!);
          return;
        }
      }
    } catch (e) {
      if (e instanceof Notification) {
        this.handle({ type: 'messageError', notification: e });
        return;
      }
      // A failure of our own while handling this message must not end the process (and with it
      // every other session): this session alone is reset and the error reported.
      const error = e instanceof Error ? e : new Error(String(e));
      this.emit('internalError', error);
      this.handle({
        type: 'messageError',
        notification: new Notification(errorCodeFor(type), 0, undefined, 'internal error'),
      });
    }
  }
}
