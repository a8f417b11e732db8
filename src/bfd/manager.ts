// One BFD session per (peer, local address, interface), shared by every user of that peer: BGP
// neighbors, static routes, whatever asks. Users `acquire()` with their parameters and a listener
// and `release()` when done; the session runs with the most demanding parameters of its holders
// (smallest intervals and multiplier) and changes them with a Poll Sequence, without a flap. The
// last release sends AdminDown and closes it.
import { randomInt } from 'node:crypto';
import { type Clock, systemClock } from '../session/clock.js';
import { authKey, type BfdAuthConfig } from './auth.js';
import { BfdSession, type BfdSessionView, type BfdTimingConfig } from './driver.js';
import { type BfdEndpoint, type BfdNetwork, DEFAULT_MULTIHOP_MIN_TTL } from './network.js';
import type { BfdDiag, BfdState } from './registry.js';
import { sessionKey } from './session-key.js';

export { sessionKey } from './session-key.js';

/** What a user asks for. Intervals in milliseconds. */
export interface BfdPeerSpec extends BfdTimingConfig {
  readonly peer: string;
  readonly local?: string;
  readonly interface?: string;
  readonly multihop?: boolean;
  /** Multihop: minimum received TTL (default 254). */
  readonly minTtl?: number;
  readonly auth?: BfdAuthConfig;
}

export interface BfdListener {
  up?(): void;
  /** `at`: when the session went Down (ms), if it was earlier than this call (worker-manager.ts). */
  down?(diag: BfdDiag, at?: number): void;
  stateChange?(from: BfdState, to: BfdState, diag: BfdDiag): void;
  /** The session could not be created after acquire() returned (worker-manager.ts). */
  error?(message: string): void;
}

export interface BfdHandle {
  readonly key: string;
  readonly state: BfdState;
  view(): BfdSessionInfo;
  /** This user's new parameters (the session takes the most demanding of all holders). */
  update(timing: BfdTimingConfig): void;
  release(): void;
}

export interface BfdSessionInfo extends BfdSessionView {
  readonly key: string;
  readonly peer: string;
  readonly local: string | null;
  readonly interface: string | null;
  readonly multihop: boolean;
  /** How many users hold the session. */
  readonly users: number;
}

/** Two users of one (peer, local, interface) disagree on what cannot be merged. */
export class BfdSpecConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BfdSpecConflictError';
  }
}

interface Holder {
  timing: BfdTimingConfig;
  readonly listener: BfdListener;
}

interface Entry {
  readonly key: string;
  readonly endpoint: BfdEndpoint;
  readonly auth?: BfdAuthConfig;
  readonly session: BfdSession;
  readonly close: () => void;
  readonly holders: Set<Holder>;
}

export interface BfdManagerOptions {
  readonly network: BfdNetwork;
  readonly clock?: Clock;
  /** For transmission jitter (default Math.random). */
  readonly random?: () => number;
}

/** The most demanding of the holders' parameters. */
export function mergeTiming(timings: Iterable<BfdTimingConfig>): BfdTimingConfig {
  let merged: BfdTimingConfig | undefined;
  for (const t of timings) {
    merged = merged
      ? {
          minTx: Math.min(merged.minTx, t.minTx),
          minRx: Math.min(merged.minRx, t.minRx),
          multiplier: Math.min(merged.multiplier, t.multiplier),
          // Active as soon as one user wants it.
          passive: (merged.passive ?? false) && (t.passive ?? false),
        }
      : { ...t, passive: t.passive ?? false };
  }
  if (!merged) throw new Error('no BFD parameters to merge');
  return merged;
}

const sameAuth = (a?: BfdAuthConfig, b?: BfdAuthConfig): boolean =>
  a === b ||
  (a !== undefined && b !== undefined && a.type === b.type && a.keyId === b.keyId && a.secret === b.secret);

export class BfdManager {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;

  constructor(private readonly opts: BfdManagerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  acquire(spec: BfdPeerSpec, listener: BfdListener = {}): BfdHandle {
    if (spec.auth) authKey(spec.auth); // throws BfdAuthConfigError on a bad key
    const key = sessionKey(spec);
    const holder: Holder = { timing: pickTiming(spec), listener };
    let entry = this.entries.get(key);
    if (entry) {
      const multihop = spec.multihop ?? false;
      if (entry.endpoint.multihop !== multihop) {
        throw new BfdSpecConflictError(
          `BFD session ${key} is ${entry.endpoint.multihop ? '' : 'not '}multihop`,
        );
      }
      if (multihop && (spec.minTtl ?? DEFAULT_MULTIHOP_MIN_TTL) !== entry.endpoint.minTtl) {
        throw new BfdSpecConflictError(`BFD session ${key} has minimum TTL ${entry.endpoint.minTtl}`);
      }
      if (!sameAuth(entry.auth, spec.auth)) {
        throw new BfdSpecConflictError(`BFD session ${key} has different authentication`);
      }
      entry.holders.add(holder);
      this.retime(entry);
    } else {
      entry = this.create(key, spec, holder);
    }
    const e = entry;
    let released = false;
    return {
      key,
      get state() {
        return e.session.state;
      },
      view: () => this.info(e),
      update: (timing) => {
        if (released) return;
        holder.timing = pickTiming(timing);
        this.retime(e);
      },
      release: () => {
        if (released) return;
        released = true;
        e.holders.delete(holder);
        if (e.holders.size > 0) {
          this.retime(e);
          return;
        }
        this.entries.delete(key);
        e.session.close();
        e.close();
      },
    };
  }

  sessions(): BfdSessionInfo[] {
    return [...this.entries.values()].map((e) => this.info(e));
  }

  /** Closes every session (AdminDown to each peer). The network is the caller's to close. */
  closeAll(): void {
    for (const e of this.entries.values()) {
      e.session.close();
      e.close();
    }
    this.entries.clear();
  }

  private create(key: string, spec: BfdPeerSpec, holder: Holder): Entry {
    const endpoint: BfdEndpoint = {
      peer: spec.peer,
      ...(spec.local !== undefined && { local: spec.local }),
      ...(spec.interface !== undefined && { interface: spec.interface }),
      multihop: spec.multihop ?? false,
      ...(spec.multihop && { minTtl: spec.minTtl ?? DEFAULT_MULTIHOP_MIN_TTL }),
    };
    let attachment: ReturnType<BfdNetwork['attach']> | undefined;
    const session = new BfdSession({
      localDiscr: this.newDiscriminator(),
      timing: holder.timing,
      ...(spec.auth && { auth: spec.auth }),
      clock: this.clock,
      ...(this.opts.random && { random: this.opts.random }),
      link: { send: (packet) => attachment?.send(packet) },
    });
    attachment = this.opts.network.attach(endpoint, session);
    const holders = new Set<Holder>([holder]);
    const entry: Entry = {
      key,
      endpoint,
      ...(spec.auth && { auth: spec.auth }),
      session,
      close: () => attachment?.close(),
      holders,
    };
    // Listeners are called on a copy: a listener may release its handle.
    session.on('stateChange', (from, to, diag) => {
      for (const h of [...holders]) h.listener.stateChange?.(from, to, diag);
    });
    session.on('up', () => {
      for (const h of [...holders]) h.listener.up?.();
    });
    session.on('down', (diag) => {
      for (const h of [...holders]) h.listener.down?.(diag);
    });
    this.entries.set(key, entry);
    session.start();
    return entry;
  }

  private retime(e: Entry): void {
    const merged = mergeTiming([...e.holders].map((h) => h.timing));
    const current = e.session.timingConfig;
    if (
      merged.minTx !== current.minTx ||
      merged.minRx !== current.minRx ||
      merged.multiplier !== current.multiplier ||
      (merged.passive ?? false) !== (current.passive ?? false)
    ) {
      e.session.reconfigure(merged);
    }
  }

  private info(e: Entry): BfdSessionInfo {
    return {
      key: e.key,
      peer: e.endpoint.peer,
      local: e.endpoint.local ?? null,
      interface: e.endpoint.interface ?? null,
      multihop: e.endpoint.multihop,
      users: e.holders.size,
      ...e.session.view(),
    };
  }

  /** RFC 5880 §6.8.1: bfd.LocalDiscr "MUST be unique across all BFD sessions on this system, and
   * nonzero. It SHOULD be set to a random (but still unique) value". */
  private newDiscriminator(): number {
    const used = new Set([...this.entries.values()].map((e) => e.session.localDiscr));
    for (;;) {
      const d = randomInt(1, 0xffffffff);
      if (!used.has(d)) return d;
    }
  }
}

function pickTiming(t: BfdTimingConfig): BfdTimingConfig {
  return { minTx: t.minTx, minRx: t.minRx, multiplier: t.multiplier, passive: t.passive ?? false };
}
