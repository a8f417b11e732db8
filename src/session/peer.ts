// One BGP neighbor's session: its connection(s) and FSM driver, RFC 4271 §6.8 collision resolution,
// and whether a session loss is a graceful restart (RFC 4724). It owns no routes: UPDATEs go to the
// routing engine through a `RouteExchange`, which also decides what is sent. TCP is injected
// (`dial`, `accept`), so this runs on any Duplex.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Sink } from '../rib/adj-rib-out.js';
import type { RouteExchange, SessionFacts } from '../rib/neighbor-ribs.js';
import {
  type AttributeError,
  CeaseSubcode,
  cease,
  encodeRouteRefresh,
  endsSessionHard,
  familyKey,
  hardReset,
  IPV4_UNICAST,
  type Notification,
  RouteRefreshSubtype,
  splitZone,
  unmapIpv4,
} from '../wire/index.js';
import type { Clock } from './clock.js';
import { type MessageCounters, SessionDriver, zeroCounters } from './driver.js';
import { type DownReason, type FsmConfig, SessionState } from './fsm-types.js';
import { type Negotiated, namedPeerAsns } from './negotiate.js';

export interface PeerOptions {
  readonly address: string;
  readonly config: FsmConfig;
  /**
   * Settings for sessions after the first one. With graceful restart, the first OPEN after Herald
   * starts carries the Restart State bit (RFC 4724 §3: "the BGP speaker has restarted"); later
   * sessions of the same process do not.
   */
  readonly steadyConfig?: FsmConfig;
  readonly clock: Clock;
  readonly dial?: (signal: AbortSignal) => Promise<Duplex>;
  /** Where this neighbor's routes live (the routing engine): UPDATEs in, what to send out. */
  readonly routes: RouteExchange;
  /** Act as graceful-restart helper: keep the peer's routes stale across its restart (RFC 4724). */
  readonly gracefulRestart: boolean;
  /** Our IPv6 address beside the IPv4 address a session runs from, for IPv6 routes' next hop. */
  readonly ipv6Beside?: (ipv4: string) => string | undefined;
}

export interface PeerEvents {
  stateChange: [from: SessionState, to: SessionState];
  sessionUp: [session: Negotiated];
  sessionDown: [reason: DownReason];
  notificationSent: [n: Notification];
  notificationReceived: [n: Notification];
  /** RFC 7606 errors in one UPDATE, with its body (RFC 7606 §6 asks for the whole message in the log). */
  treatAsWithdraw: [errors: readonly AttributeError[], update: Buffer];
  endOfRib: [family: number];
  /** Our own failure while handling this peer's messages; its session was reset. */
  internalError: [error: Error];
  /** A connection attempt failed; `changed` is false when it failed the same way as the last one. */
  connectFailed: [reason: string, changed: boolean];
  /** The session went down from OpenSent or OpenConfirm: it never reached Established. */
  setupFailed: [reason: DownReason];
}

export interface PeerStats {
  flaps: number;
  establishedAt?: number;
  lastError?: string;
  /** Messages over every connection since the peer was created (monotonic, for Prometheus counters). */
  readonly messages: { readonly sent: MessageCounters; readonly received: MessageCounters };
  /** NOTIFICATIONs since the peer was created, by `code * 256 + subcode`. */
  readonly notifications: { readonly sent: Map<number, number>; readonly received: Map<number, number> };
  /** Failed connection attempts since the peer was created, by error (`ECONNREFUSED`, …). */
  readonly connectFailures: Map<string, number>;
}

function countNotification(counts: Map<number, number>, n: Notification): void {
  const key = n.code * 256 + n.subcode;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * The local address of a connection (net.Socket), with IPv4-mapped IPv6 unwrapped and a link-local
 * one's zone dropped: it is the next hop we send, and addresses on the wire have none.
 */
function localAddressOf(stream: Duplex): string | undefined {
  const a = (stream as Duplex & { localAddress?: string }).localAddress;
  return a === undefined ? undefined : splitZone(unmapIpv4(a)).address;
}

export class Peer extends EventEmitter<PeerEvents> {
  driver: SessionDriver;
  /** A second connection during a collision (RFC 4271 §6.8), until one of the two is dumped. */
  private pending?: SessionDriver;
  readonly stats: PeerStats = {
    flaps: 0,
    messages: { sent: zeroCounters(), received: zeroCounters() },
    notifications: { sent: new Map(), received: new Map() },
    connectFailures: new Map(),
  };
  private localAddress?: string;
  /** The peer's graceful-restart capability on the last session (the FSM forgets it on the way down). */
  private lastGracefulRestart?: Negotiated['gracefulRestart'];

  private config: FsmConfig;
  private steadyConfig?: FsmConfig;

  constructor(private readonly opts: PeerOptions) {
    super();
    this.config = opts.config;
    this.steadyConfig = opts.steadyConfig;
    this.driver = this.newDriver(opts.dial);
  }

  get address(): string {
    return this.opts.address;
  }

  /** The ASNs this neighbor may use (one, or a dynamic range's list; none named for `external`). */
  get configuredAsns(): readonly number[] {
    return namedPeerAsns(this.config.local.peerAsns);
  }

  get state(): SessionState {
    return this.driver.state;
  }

  get session(): Negotiated | undefined {
    return this.driver.state === SessionState.ESTABLISHED ? this.driver.session : undefined;
  }

  start(): void {
    this.driver.start();
  }

  /**
   * Ends the session with `notification` (a Cease) and stays down until `start`. With `hardReset`
   * (by default: when RFC 8538 §5 lists the Cease subcode as Hard), an Established session that
   * negotiated RFC 8538's N bit gets it inside a Cease/Hard Reset (§3: "a Hard Reset message is
   * used to indicate to the peer that the session is to be fully terminated"); otherwise the peer
   * keeps our routes as for a graceful restart.
   */
  stop(
    notification: Notification = cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN),
    opts: { readonly hardReset?: boolean } = {},
  ): void {
    this.pending?.dispose();
    this.pending = undefined;
    const hard = opts.hardReset ?? endsSessionHard(notification);
    const wrap = hard && this.session?.gracefulRestart?.notification === true;
    this.driver.stop(wrap ? hardReset(notification) : notification);
  }

  /**
   * New connect-retry and DelayOpen timers, used from the next connection attempt on; the current
   * session is not touched (a config reload applies these in place).
   */
  retime(timers: Pick<FsmConfig, 'connectRetry' | 'delayOpen'>): void {
    this.config = { ...this.config, ...timers };
    if (this.steadyConfig) this.steadyConfig = { ...this.steadyConfig, ...timers };
    this.driver.reconfigure(this.config);
  }

  /** Closes the TCP connection without a NOTIFICATION (graceful restart of Herald itself). */
  dropForRestart(): void {
    this.pending?.dispose();
    this.driver.dispose();
  }

  dispose(): void {
    this.pending?.dispose();
    this.driver.dispose();
    this.removeAllListeners();
  }

  /** A connection the peer opened to us. */
  accept(stream: Duplex): void {
    const d = this.driver;
    const s = d.fsmState;
    if (s.state === SessionState.IDLE && s.stopped) {
      stream.destroy();
      return;
    }
    if (
      s.state === SessionState.CONNECT ||
      s.state === SessionState.ACTIVE ||
      s.state === SessionState.IDLE
    ) {
      if (s.state === SessionState.IDLE) d.start();
      d.accept(stream);
      return;
    }
    if (s.state === SessionState.ESTABLISHED) {
      // RFC 4724 §4.2: a new connection while Established means the peer restarted; with graceful
      // restart we keep its routes stale and take the new connection. Otherwise RFC 4271 §6.8:
      // "collision with existing BGP connection that is in the Established state causes closing of
      // the newly created connection".
      if (!d.session?.gracefulRestart) {
        stream.destroy();
        return;
      }
      d.handle({ type: 'tcpFailed' });
      d.start();
      d.accept(stream);
      return;
    }
    // OpenSent/OpenConfirm: run the second connection until an OPEN decides (RFC 4271 §6.8).
    this.pending?.dispose();
    const second = this.newDriver(this.opts.dial, { ...this.config, passive: true });
    this.pending = second;
    second.start();
    second.accept(stream);
  }

  /** Asks the peer to send its routes again (RFC 2918). */
  requestRefresh(): boolean {
    const session = this.session;
    if (!session?.routeRefresh) return false;
    for (const f of session.families)
      this.driver.send(encodeRouteRefresh({ afi: f >> 8, subtype: 0, safi: f & 0xff }));
    return true;
  }

  private sink(): Sink {
    const d = this.driver;
    return {
      send: (m, count) => d.send(m, count),
      drained: () =>
        new Promise<void>((resolve) => {
          if (!d.congested || d.state !== SessionState.ESTABLISHED) return resolve();
          const done = () => {
            d.off('drain', done);
            d.off('down', done);
            resolve();
          };
          d.on('drain', done);
          d.on('down', done);
        }),
      get open() {
        return d.state === SessionState.ESTABLISHED && d.connection !== undefined;
      },
    };
  }

  private newDriver(dial: PeerOptions['dial'], config = this.config): SessionDriver {
    const d = new SessionDriver({ config, clock: this.opts.clock, dial, totals: this.stats.messages });
    d.on('stateChange', (from, to) => {
      if (d === this.driver) this.emit('stateChange', from, to);
    });
    d.on('open', (bgpId) => this.resolveCollision(d, bgpId));
    d.on('established', (session) => this.onEstablished(d, session));
    d.on('down', (reason, wasEstablished) => {
      if (d === this.driver) this.onDown(reason, wasEstablished);
    });
    d.on('update', (body) => this.onUpdate(body));
    d.on('updatesHandled', () => this.opts.routes.updatesHandled());
    d.on('routeRefresh', (rr, session) => {
      if (!session.families.has(familyKey(rr.afi, rr.safi))) return;
      if (rr.subtype === RouteRefreshSubtype.BORR || rr.subtype === RouteRefreshSubtype.EORR) {
        // RFC 7313 §4.2: the peer re-advertises a family between BoRR and EoRR.
        if (session.enhancedRouteRefresh)
          this.opts.routes.refreshMarker?.(rr.afi, rr.safi, rr.subtype === RouteRefreshSubtype.BORR);
        return;
      }
      if (rr.subtype !== RouteRefreshSubtype.NORMAL) return;
      this.opts.routes.refresh(rr.afi, rr.safi);
    });
    d.on('internalError', (e) => this.emit('internalError', e));
    d.on('connectFailed', (e) => {
      const error = connectErrorText(e);
      this.stats.connectFailures.set(error, (this.stats.connectFailures.get(error) ?? 0) + 1);
      const hint = (e as Error & { hint?: string }).hint;
      const reason = `connect: ${error}${hint ? ` (${hint})` : ''}`;
      const changed = reason !== this.stats.lastError;
      this.stats.lastError = reason;
      this.emit('connectFailed', reason, changed);
    });
    d.on('notificationSent', (n) => {
      // Both sides dialling at once is normal (RFC 4271 §6.8): not an error to show.
      if (!isCollisionDump(n)) this.stats.lastError = `sent ${n.message}`;
      countNotification(this.stats.notifications.sent, n);
      this.emit('notificationSent', n);
    });
    d.on('notificationReceived', (n) => {
      if (!isCollisionDump(n)) this.stats.lastError = `received ${n.message}`;
      countNotification(this.stats.notifications.received, n);
      this.emit('notificationReceived', n);
    });
    return d;
  }

  /**
   * RFC 4271 §6.8: "If the value of the local BGP Identifier is less than the remote one, the local
   * system closes the BGP connection that already exists ... and accepts the BGP connection
   * initiated by the remote system. Otherwise, the local system closes the newly created BGP
   * connection".
   */
  private resolveCollision(onConnection: SessionDriver, remoteId: string): void {
    const other = onConnection === this.driver ? this.pending : this.driver;
    if (!this.pending || !other) return;
    if (other.state === SessionState.ESTABLISHED && onConnection === this.pending) {
      // RFC 4271 §6.8: "collision with existing BGP connection that is in the Established state
      // causes closing of the newly created connection".
      this.dropPending();
      return;
    }
    if (other.state !== SessionState.OPEN_SENT && other.state !== SessionState.OPEN_CONFIRM) {
      // The outgoing attempt never got anywhere: let the accepted connection carry the session.
      if (onConnection === this.pending) this.promote(this.pending);
      return;
    }
    const localWins = ipv4Number(this.config.local.bgpId) > ipv4Number(remoteId);
    const [keep, dump] =
      localWins === !this.driver.inbound ? [this.driver, this.pending] : [this.pending, this.driver];
    dump.handle({ type: 'collisionDump' });
    if (keep === this.pending) this.promote(this.pending);
    else {
      this.pending.dispose();
      this.pending = undefined;
    }
  }

  /** Closes the second connection of a collision with Cease/Connection Collision Resolution. */
  private dropPending(): void {
    this.pending?.handle({ type: 'collisionDump' });
    this.pending?.dispose();
    this.pending = undefined;
  }

  private promote(winner: SessionDriver): void {
    const loser = this.driver;
    this.driver = winner;
    this.pending = undefined;
    winner.reconfigure(this.config);
    loser.dispose();
  }

  private onEstablished(d: SessionDriver, session: Negotiated): void {
    if (d !== this.driver) return;
    if (this.pending) this.dropPending();
    this.localAddress = (d.connection && localAddressOf(d.connection)) ?? this.localAddress;
    this.stats.establishedAt = this.opts.clock.now();
    this.lastGracefulRestart = session.gracefulRestart;
    if (this.steadyConfig && this.config !== this.steadyConfig) {
      this.config = this.steadyConfig;
      d.reconfigure(this.config);
    }
    this.emit('sessionUp', session);
    this.opts.routes.up(this.facts(session), this.sink());
  }

  /** What the routing engine needs of the session. */
  private facts(session: Negotiated): SessionFacts {
    return {
      peerAsn: session.peerAsn,
      peerBgpId: session.peerBgpId,
      ibgp: session.ibgp,
      families: session.families,
      send: session.send,
      receive: session.receive,
      localAddress: this.localAddress,
      localAddress6:
        this.localAddress && !this.localAddress.includes(':')
          ? this.opts.ipv6Beside?.(this.localAddress)
          : undefined,
      ipv4OverIpv6: session.extendedNextHop.has(IPV4_UNICAST),
      enhancedRouteRefresh: session.enhancedRouteRefresh,
      gracefulRestart: session.gracefulRestart,
    };
  }

  private onDown(reason: DownReason, wasEstablished: boolean): void {
    if (!wasEstablished) {
      this.emit('setupFailed', reason);
      return;
    }
    this.stats.flaps++;
    this.stats.establishedAt = undefined;
    const gr = this.lastGracefulRestart;
    // RFC 4724 §4.2 (helper): on a session loss (not a NOTIFICATION, unless RFC 8538's N bit was
    // negotiated and it is not a Hard Reset) keep the peer's routes as stale for its Restart Time.
    const graceful =
      this.opts.gracefulRestart &&
      gr !== undefined &&
      gr.restartTime > 0 &&
      (reason.kind === 'connectionLost' ||
        reason.kind === 'holdTimerExpired' ||
        (gr.notification &&
          (reason.kind === 'notificationReceived' || reason.kind === 'notificationSent') &&
          !(reason.notification.code === 6 && reason.notification.subcode === CeaseSubcode.HARD_RESET)));
    // Only the families the peer's capability listed are kept (a "helper only" peer lists none).
    this.opts.routes.down(graceful ? gr.restartTime : undefined, graceful ? gr.families : undefined);
    this.emit('sessionDown', reason);
  }

  private onUpdate(body: Buffer): void {
    const result = this.opts.routes.received(body);
    if (result.treatAsWithdraw || result.errors.length > 0) this.emit('treatAsWithdraw', result.errors, body);
    if (result.endOfRib) this.emit('endOfRib', result.endOfRib);
  }
}

/** Cease/Connection Collision Resolution: the loser of a collision, not a fault. */
export function isCollisionDump(n: Notification): boolean {
  return n.code === 6 && n.subcode === CeaseSubcode.CONNECTION_COLLISION_RESOLUTION;
}

/** "ECONNREFUSED", "EHOSTUNREACH", "ETIMEDOUT" … or the message when there is no code. */
function connectErrorText(e: Error): string {
  const code = (e as Error & { code?: string }).code;
  return code ?? e.message;
}

function ipv4Number(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
