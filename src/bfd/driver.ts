// Runs one BFD session: feeds the pure state machine (fsm.ts) with received packets and timer
// expiries, and carries out its actions over an injected link and clock — periodic transmission
// with the §6.8.7 jitter, the detection and auth-sequence timers, authentication of what it sends
// and receives. No sockets here: the UDP transport (udp-transport.ts) or a test's in-memory link
// delivers packets through `receive()` and takes them through `BfdLink.send()`.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock } from '../session/clock.js';
import { authentic, authSectionFor, authTypeCode, type BfdAuthConfig, sign } from './auth.js';
import { type BfdCounters, zeroCounters } from './counters.js';
import { detectionTime, initialState, outgoingPacket, step, transmitInterval } from './fsm.js';
import type {
  BfdAction,
  BfdDiscardReason,
  BfdEvent,
  BfdFsmConfig,
  BfdFsmState,
  BfdTimer,
} from './fsm-types.js';
import { BfdPacketError, type ControlPacket, decodeControl, encodeControl } from './packet.js';
import { BfdAuthType, type BfdDiag, type BfdState } from './registry.js';

export type { BfdCounters } from './counters.js';

/** Timing parameters in milliseconds, as in config (`minTx: 300, minRx: 300, multiplier: 3`). */
export interface BfdTimingConfig {
  /** Desired Min TX Interval, ms. */
  readonly minTx: number;
  /** Required Min RX Interval, ms. */
  readonly minRx: number;
  /** Detect Mult. */
  readonly multiplier: number;
  /** Passive role (RFC 5880 §6.1): wait for the peer's first packet. */
  readonly passive?: boolean;
}

/** Where a session's packets go (a UDP socket, or an in-memory wire in tests). */
export interface BfdLink {
  send(packet: Buffer): void;
}

export interface BfdSessionOptions {
  readonly localDiscr: number;
  readonly timing: BfdTimingConfig;
  readonly auth?: BfdAuthConfig;
  readonly clock: Clock;
  readonly link: BfdLink;
  /** For the transmission jitter (default Math.random). */
  readonly random?: () => number;
  /** bfd.XmitAuthSeq's first value (default: random, as §6.8.1 asks). */
  readonly initialAuthSeq?: number;
}

export interface BfdSessionEvents {
  stateChange: [from: BfdState, to: BfdState, diag: BfdDiag];
  up: [];
  /** The session left Up; `diag` is our Diagnostic (1 detection time expired, 3 neighbor down, 7 admin down). */
  down: [diag: BfdDiag];
  /** A Poll Sequence completed: the advertised intervals are in effect. */
  pollComplete: [];
}

/** Periodic transmission interval with RFC 5880 §6.8.7 jitter applied (µs in, µs out). */
export function jitteredInterval(intervalUs: number, detectMult: number, random: () => number): number {
  // "The periodic transmission of BFD Control packets MUST be jittered on a per-packet basis by up
  // to 25%, that is, the interval MUST be reduced by a random value of 0 to 25% ... If
  // bfd.DetectMult is equal to 1, the interval between transmitted BFD Control packets MUST be no
  // more than 90% of the negotiated transmission interval, and MUST be no less than 75%".
  const span = detectMult === 1 ? 0.15 : 0.25;
  return intervalUs * (0.75 + random() * span);
}

const toFsmConfig = (t: BfdTimingConfig, auth: BfdAuthConfig | undefined): BfdFsmConfig => {
  for (const [name, v, max] of [
    ['minTx', t.minTx, 4_294_967],
    ['minRx', t.minRx, 4_294_967],
    ['multiplier', t.multiplier, 255],
  ] as const) {
    if (!Number.isFinite(v) || v < (name === 'minRx' ? 0 : 1) || v > max) {
      throw new RangeError(`BFD ${name} out of range: ${v}`);
    }
  }
  if (!Number.isInteger(t.multiplier))
    throw new RangeError(`BFD multiplier must be an integer: ${t.multiplier}`);
  return {
    desiredMinTx: Math.round(t.minTx * 1000),
    requiredMinRx: Math.round(t.minRx * 1000),
    detectMult: t.multiplier,
    passive: t.passive ?? false,
    authType: auth ? authTypeCode(auth) : 0,
  };
};

export class BfdSession extends EventEmitter<BfdSessionEvents> {
  private fsm: BfdFsmState;
  private config: BfdFsmConfig;
  private timing: BfdTimingConfig;
  private readonly timers = new Map<BfdTimer | 'tx', { handle: unknown; at: number }>();
  private interval: number | null = null;
  private xmitAuthSeq: number;
  private started = false;
  private closed = false;
  private lastDown?: { diag: BfdDiag; at: number };
  private upSince?: number;
  readonly counters: BfdCounters = zeroCounters();

  constructor(private readonly opts: BfdSessionOptions) {
    super();
    this.timing = opts.timing;
    this.config = toFsmConfig(opts.timing, opts.auth);
    this.fsm = initialState(opts.localDiscr, this.config);
    this.xmitAuthSeq = opts.initialAuthSeq ?? randomBytes(4).readUInt32BE(0);
  }

  get localDiscr(): number {
    return this.fsm.localDiscr;
  }
  get remoteDiscr(): number {
    return this.fsm.remoteDiscr;
  }
  get state(): BfdState {
    return this.fsm.state;
  }
  /** The state machine's variables (read-only snapshot). */
  get fsmState(): BfdFsmState {
    return this.fsm;
  }

  /** Begins transmitting (unless passive) and waiting for the peer. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.run({ type: 'start' });
  }

  /** A packet demultiplexed to this session: raw octets, and the decoded form if already decoded. */
  receive(raw: Buffer, decoded?: ControlPacket): void {
    if (this.closed || !this.started) return;
    this.counters.packetsIn++;
    let packet = decoded;
    if (packet === undefined) {
      try {
        packet = decodeControl(raw);
      } catch (err) {
        if (!(err instanceof BfdPacketError)) throw err;
        this.count('malformed');
        return;
      }
    }
    const ok =
      packet.auth !== undefined &&
      this.opts.auth !== undefined &&
      authentic(raw, packet.auth, this.opts.auth);
    this.run({ type: 'received', packet, authentic: ok });
  }

  /** New intervals / multiplier / passive role: a Poll Sequence while Up, no flap (RFC 5880 §6.8.3). */
  reconfigure(timing: BfdTimingConfig): void {
    this.config = toFsmConfig(timing, this.opts.auth);
    this.timing = timing;
    if (this.started && !this.closed) this.run({ type: 'configChanged' });
  }

  get timingConfig(): BfdTimingConfig {
    return this.timing;
  }

  /** §6.8.16 administrative down (the peer is told with diagnostic 7) / back up. */
  adminDown(): void {
    if (this.started && !this.closed) this.run({ type: 'adminDown' });
  }
  adminUp(): void {
    if (this.started && !this.closed) this.run({ type: 'adminUp' });
  }

  /** Tells the peer AdminDown (one packet) and stops every timer. */
  close(): void {
    if (this.closed) return;
    if (this.started) this.run({ type: 'adminDown' });
    this.closed = true;
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t.handle);
    this.timers.clear();
  }

  /** What the API and metrics show. Intervals in ms. */
  view(): BfdSessionView {
    const s = this.fsm;
    const tx = transmitInterval(s, this.config);
    return {
      state: s.state,
      remoteState: s.remoteState,
      localDiscr: s.localDiscr,
      remoteDiscr: s.remoteDiscr,
      localDiag: s.localDiag,
      remoteDiag: s.remoteDiag,
      txInterval: tx === null ? null : tx / 1000,
      rxInterval: s.remoteDetectMult > 0 ? Math.max(s.rxInUse, s.remoteDesiredMinTx) / 1000 : null,
      multiplier: this.config.detectMult,
      remoteMultiplier: s.remoteDetectMult || null,
      detectionTime: s.remoteDetectMult > 0 ? detectionTime(s) / 1000 : null,
      polling: s.polling,
      lastDownDiag: this.lastDown?.diag ?? null,
      lastDownAt: this.lastDown?.at ?? null,
      uptimeMs: this.upSince === undefined ? null : this.opts.clock.now() - this.upSince,
      counters: { ...this.counters, discardedBy: { ...this.counters.discardedBy } },
    };
  }

  private count(reason: BfdDiscardReason | 'malformed'): void {
    this.counters.discarded++;
    this.counters.discardedBy[reason] = (this.counters.discardedBy[reason] ?? 0) + 1;
  }

  private run(event: BfdEvent): void {
    const result = step(this.fsm, event, this.config);
    this.fsm = result.state;
    for (const action of result.actions) {
      if (this.closed) return;
      this.perform(action);
    }
  }

  private perform(a: BfdAction): void {
    switch (a.type) {
      case 'send':
        this.transmit(a.final);
        if (!a.final) this.scheduleTx(true);
        return;
      case 'transmit':
        this.interval = a.interval;
        this.scheduleTx(false);
        return;
      case 'startTimer':
        this.arm(a.timer, a.us / 1000, () => this.run({ type: 'timerExpired', timer: a.timer }));
        return;
      case 'stopTimer':
        this.disarm(a.timer);
        return;
      case 'stateChange':
        this.onStateChange(a.from, a.to, a.diag);
        return;
      case 'pollComplete':
        this.emit('pollComplete');
        return;
      case 'discard':
        this.count(a.reason);
        return;
    }
  }

  private onStateChange(from: BfdState, to: BfdState, diag: BfdDiag): void {
    const now = this.opts.clock.now();
    if (to === 'Up') {
      this.counters.upTransitions++;
      this.upSince = now;
    } else if (from === 'Up') {
      this.counters.downTransitions++;
      this.upSince = undefined;
      this.lastDown = { diag, at: now };
    }
    this.emit('stateChange', from, to, diag);
    if (to === 'Up') this.emit('up');
    else if (from === 'Up') this.emit('down', diag);
  }

  private transmit(final: boolean): void {
    const packet = outgoingPacket(this.fsm, this.config, final);
    const auth = this.opts.auth;
    let withAuth = packet;
    if (auth) {
      withAuth = { ...packet, auth: authSectionFor(auth, this.xmitAuthSeq) };
      // §6.7.3: "For Meticulous Keyed MD5, bfd.XmitAuthSeq MUST be incremented in a circular fashion
      // (when treated as an unsigned 32-bit value)" for each packet; Keyed MD5 "MAY": we always do.
      if (authTypeCode(auth) !== BfdAuthType.SIMPLE_PASSWORD) this.xmitAuthSeq = (this.xmitAuthSeq + 1) >>> 0;
    }
    const buf = encodeControl(withAuth);
    if (auth) sign(buf);
    this.counters.packetsOut++;
    this.opts.link.send(buf);
  }

  /** (Re)schedules the periodic transmission; `restart` counts the interval from now. */
  private scheduleTx(restart: boolean): void {
    if (this.interval === null) {
      this.disarm('tx');
      return;
    }
    const delayMs =
      jitteredInterval(this.interval, this.config.detectMult, this.opts.random ?? Math.random) / 1000;
    const current = this.timers.get('tx');
    // A shorter interval takes effect at once; a longer one from the next packet on.
    if (!restart && current && current.at <= this.opts.clock.now() + delayMs) return;
    this.arm('tx', delayMs, () => {
      this.transmit(false);
      this.scheduleTx(true);
    });
  }

  private arm(name: BfdTimer | 'tx', ms: number, fn: () => void): void {
    this.disarm(name);
    const handle = this.opts.clock.setTimeout(() => {
      this.timers.delete(name);
      if (!this.closed) fn();
    }, ms);
    this.timers.set(name, { handle, at: this.opts.clock.now() + ms });
  }

  private disarm(name: BfdTimer | 'tx'): void {
    const t = this.timers.get(name);
    if (t) this.opts.clock.clearTimeout(t.handle);
    this.timers.delete(name);
  }
}

export interface BfdSessionView {
  state: BfdState;
  remoteState: BfdState;
  localDiscr: number;
  remoteDiscr: number;
  localDiag: BfdDiag;
  remoteDiag: BfdDiag;
  /** Negotiated transmit interval (ms) before jitter, or null while not transmitting. */
  txInterval: number | null;
  /** The peer's agreed transmit interval (ms), null before its first packet. */
  rxInterval: number | null;
  multiplier: number;
  remoteMultiplier: number | null;
  /** Detection time (ms), null before the peer's first packet. */
  detectionTime: number | null;
  polling: boolean;
  lastDownDiag: BfdDiag | null;
  /** Clock time (ms) of the last Up → Down. */
  lastDownAt: number | null;
  /** Time Up (ms), null while not Up. */
  uptimeMs: number | null;
  counters: BfdCounters;
}
