// One BGP neighbor: its connection(s) and FSM driver, RFC 4271 §6.8 collision resolution, the
// Adj-RIB-In its UPDATEs go to (kept stale across a graceful restart, RFC 4724) and the Adj-RIB-Out
// our local routes are sent from. TCP is injected (`dial`, `accept`), so this runs on any Duplex.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { AdjRibIn } from '../rib/adj-rib-in.js';
import { AdjRibOut, type OutRoute, type Sink } from '../rib/adj-rib-out.js';
import { exportAttributes, type LocalRoute } from '../rib/local-routes.js';
import {
  type AttributeError,
  CeaseSubcode,
  cease,
  encodeRouteRefresh,
  familyKey,
  type Notification,
  RouteRefreshSubtype,
  unmapIpv4,
} from '../wire/index.js';
import type { Clock } from './clock.js';
import { type MessageCounters, SessionDriver, zeroCounters } from './driver.js';
import { type DownReason, type FsmConfig, SessionState } from './fsm-types.js';
import type { Negotiated } from './negotiate.js';

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
  readonly dial?: () => Promise<Duplex>;
  /** Our local routes now (announcements); re-read on every sync. */
  readonly localRoutes: () => readonly LocalRoute[];
  /** Our IPv6 address for IPv6 routes over an IPv4 session, if any. */
  readonly localAddress6?: string;
  readonly gracefulRestart: boolean;
}

export interface PeerEvents {
  stateChange: [from: SessionState, to: SessionState];
  sessionUp: [session: Negotiated];
  sessionDown: [reason: DownReason];
  notificationSent: [n: Notification];
  notificationReceived: [n: Notification];
  treatAsWithdraw: [errors: readonly AttributeError[]];
  endOfRib: [family: number];
}

export interface PeerStats {
  flaps: number;
  establishedAt?: number;
  lastError?: string;
  treatAsWithdraw: number;
  updatesReceived: number;
  prefixesAdvertised: number;
  /** Messages over every connection since the peer was created (monotonic, for Prometheus counters). */
  readonly messages: { readonly sent: MessageCounters; readonly received: MessageCounters };
  /** NOTIFICATIONs since the peer was created, by `code * 256 + subcode`. */
  readonly notifications: { readonly sent: Map<number, number>; readonly received: Map<number, number> };
}

function countNotification(counts: Map<number, number>, n: Notification): void {
  const key = n.code * 256 + n.subcode;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The local address of a connection (net.Socket), with IPv4-mapped IPv6 unwrapped. */
function localAddressOf(stream: Duplex): string | undefined {
  const a = (stream as Duplex & { localAddress?: string }).localAddress;
  return a === undefined ? undefined : unmapIpv4(a);
}

export class Peer extends EventEmitter<PeerEvents> {
  driver: SessionDriver;
  /** A second connection during a collision (RFC 4271 §6.8), until one of the two is dumped. */
  private pending?: SessionDriver;
  adjRibIn = new AdjRibIn();
  /** Routes kept from before a graceful restart until End-of-RIB or the restart timer (RFC 4724 §4.2). */
  stale?: AdjRibIn;
  private staleTimer?: unknown;
  readonly adjRibOut = new AdjRibOut();
  readonly stats: PeerStats = {
    flaps: 0,
    treatAsWithdraw: 0,
    updatesReceived: 0,
    prefixesAdvertised: 0,
    messages: { sent: zeroCounters(), received: zeroCounters() },
    notifications: { sent: new Map(), received: new Map() },
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

  /** The ASNs this neighbor may use (one, or a dynamic range's list). */
  get configuredAsns(): readonly number[] {
    return this.config.local.peerAsns;
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

  /** Ends the session with `notification` (a Cease) and stays down until `start`. */
  stop(notification: Notification = cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN)): void {
    this.pending?.dispose();
    this.pending = undefined;
    this.driver.stop(notification);
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
    if (this.staleTimer !== undefined) this.opts.clock.clearTimeout(this.staleTimer);
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

  /** Sends our routes again (answer to ROUTE-REFRESH, or after a policy change). */
  async resend(full: boolean | number = false): Promise<void> {
    const session = this.session;
    if (!session) return;
    const { announced } = await this.adjRibOut.sync(
      this.desiredRoutes(session),
      session.send,
      this.sink(),
      full,
    );
    this.stats.prefixesAdvertised = this.adjRibOut.size;
    void announced;
  }

  /** Asks the peer to send its routes again (RFC 2918). */
  requestRefresh(): boolean {
    const session = this.session;
    if (!session?.routeRefresh) return false;
    for (const f of session.families)
      this.driver.send(encodeRouteRefresh({ afi: f >> 8, subtype: 0, safi: f & 0xff }));
    return true;
  }

  private desiredRoutes(session: Negotiated): OutRoute[] {
    const out: OutRoute[] = [];
    const ctx = {
      localAsn: this.config.local.localAsn,
      ibgp: session.ibgp,
      localAddress: this.localAddress ?? '0.0.0.0',
      localAddress6: this.opts.localAddress6,
      ipv4OverIpv6: session.extendedNextHop.has(0x0101),
    };
    for (const r of this.opts.localRoutes()) {
      if (!session.families.has(familyKey(r.prefix.afi, 1))) continue;
      const attributes = exportAttributes(r, ctx);
      if (attributes) out.push({ prefix: r.prefix, attributes });
    }
    return out;
  }

  private sink(): Sink {
    const d = this.driver;
    return {
      send: (m) => d.send(m),
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
    d.on('update', (body, session) => this.onUpdate(body, session));
    d.on('routeRefresh', (rr, session) => {
      if (rr.subtype !== RouteRefreshSubtype.NORMAL || !session.families.has(familyKey(rr.afi, rr.safi)))
        return;
      void this.answerRefresh(rr.afi, rr.safi);
    });
    d.on('notificationSent', (n) => {
      this.stats.lastError = `sent ${n.message}`;
      countNotification(this.stats.notifications.sent, n);
      this.emit('notificationSent', n);
    });
    d.on('notificationReceived', (n) => {
      this.stats.lastError = `received ${n.message}`;
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
    this.adjRibIn = new AdjRibIn();
    this.emit('sessionUp', session);
    void this.resend(true).then(() => this.adjRibOut.endOfRib(session.families, this.sink()));
  }

  private onDown(reason: DownReason, wasEstablished: boolean): void {
    if (!wasEstablished) return;
    this.stats.flaps++;
    this.stats.establishedAt = undefined;
    this.adjRibOut.clear();
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
    if (graceful) this.keepStale(gr.restartTime);
    else this.adjRibIn = new AdjRibIn();
    this.emit('sessionDown', reason);
  }

  private keepStale(restartTime: number): void {
    this.stale = this.adjRibIn;
    this.adjRibIn = new AdjRibIn();
    if (this.staleTimer !== undefined) this.opts.clock.clearTimeout(this.staleTimer);
    // RFC 4724 §4.2: "the Receiving Speaker MUST ... delete all the stale routes from the peer
    // that it is retaining" when the restart timer expires before the session is back.
    this.staleTimer = this.opts.clock.setTimeout(() => this.sweepStale(), restartTime * 1000);
  }

  private sweepStale(): void {
    this.stale = undefined;
    if (this.staleTimer !== undefined) this.opts.clock.clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
  }

  private onUpdate(body: Buffer, session: Negotiated): void {
    this.stats.updatesReceived++;
    const result = this.adjRibIn.apply(body, session.receive);
    if (result.treatAsWithdraw || result.errors.length > 0) {
      if (result.treatAsWithdraw) this.stats.treatAsWithdraw++;
      this.emit('treatAsWithdraw', result.errors);
    }
    if (result.endOfRib) {
      // RFC 4724 §4.2: on End-of-RIB the helper removes the routes still marked stale.
      this.sweepStale();
      this.emit('endOfRib', familyKeyOfEndOfRib(body));
    }
  }

  /** RFC 7313: an enhanced refresh is framed by BoRR and EoRR. */
  private async answerRefresh(afi: number, safi: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    const enhanced = session.enhancedRouteRefresh;
    if (enhanced) this.driver.send(encodeRouteRefresh({ afi, subtype: RouteRefreshSubtype.BORR, safi }));
    await this.resend(afi);
    if (enhanced && this.session)
      this.driver.send(encodeRouteRefresh({ afi, subtype: RouteRefreshSubtype.EORR, safi }));
  }
}

function ipv4Number(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** Family of an End-of-RIB UPDATE body: IPv4 unicast when empty, else its MP_UNREACH family. */
function familyKeyOfEndOfRib(body: Buffer): number {
  if (body.length === 4) return 0x0101;
  // 0000 | attr len (2) | flags | type 15 | len (1 or 2) | AFI (2) | SAFI (1)
  const ext = body[4] & 0x10 ? 1 : 0;
  const at = 4 + 3 + ext;
  return familyKey(body.readUInt16BE(at), body[at + 2]);
}
