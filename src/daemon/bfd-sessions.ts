// BFD beside the BGP sessions: one BFD session per neighbor that asks for it (`bfd:` in its config),
// run by one BfdManager over one network created on first use (no socket while no neighbor wants
// BFD). BFD Down takes that neighbor's BGP session down at once and holds it down until BFD is Up
// again, or until the peer stops sending BFD altogether (bfd-silence.ts); a BFD session that never
// came up does not block BGP unless the neighbor is `strict`.
// The daemon tells this file which neighbors exist (bind on add, sync after a reload); the
// routing engine removes the routes through the normal session-down path. On UDP the sessions run
// on the BFD worker thread (src/bfd/worker.ts), so a busy event loop here delays what BGP does
// about a Down, not BFD's packets or its detection; an injected runner (tests: managerRunner) runs
// them here.
// The BFD modules one by one, not their index: this thread runs no BFD session of its own (they are
// in the worker), so the session code, its crypto and UDP stay out of the daemon's heap (issue 19).
import type { BfdHandle, BfdPeerSpec, BfdSessionInfo } from '../bfd/manager.js';
import { diagName } from '../bfd/registry.js';
import { type BfdSessionRunner, BfdWorkerManager } from '../bfd/worker-manager.js';
import type { NeighborConfig } from '../config/types.js';
import { LogEvent, type Logger } from '../log/logger.js';
import { type Clock, systemClock } from '../session/clock.js';
import type { Peer } from '../session/peer.js';
import { CeaseSubcode, cease } from '../wire/index.js';
import { BfdSilenceWatch } from './bfd-silence.js';

export interface BfdSessionsOptions {
  readonly log: Logger;
  /** What runs the sessions (tests: managerRunner over an in-memory network); default the BFD
   * worker on UDP ports 3784/4784. Called once, lazily: no socket while no neighbor wants BFD. */
  readonly runner?: () => BfdSessionRunner;
  readonly clock?: Clock;
}

/** A neighbor's BFD session and what it does to BGP, for the API and metrics. */
export interface NeighborBfdView {
  readonly neighbor: string;
  readonly profile: string | null;
  readonly strict: boolean;
  /** BGP is held down by BFD (after a BFD Down, or strict and BFD not yet Up). */
  readonly bgpHeld: boolean;
  /** Why the session could not be created (e.g. port 3784 taken), else null. */
  readonly error: string | null;
  /** Null while the session could not be created. */
  readonly session: BfdSessionInfo | null;
}

interface Binding {
  readonly address: string;
  readonly spec: BfdPeerSpec;
  config: NonNullable<NeighborConfig['bfd']>;
  peer: Peer;
  handle?: BfdHandle;
  error?: string;
  /** BFD went Down from Up: BGP stays down until BFD is Up again (or the peer goes silent). */
  heldByDown: boolean;
  /** While held by a Down: ends the hold when the peer sends no BFD any more. */
  silence?: BfdSilenceWatch;
  /** The hold last applied to the peer (stopped by us, not yet started again). */
  holding: boolean;
  /** Shut down by the operator: the end of a hold does not start it. */
  shutDown: boolean;
}

/** The BFD session a neighbor asks for (peer, local address, interface, parameters). */
export function bfdSpecOf(n: NeighborConfig): BfdPeerSpec | undefined {
  const b = n.bfd;
  if (!b) return undefined;
  return {
    peer: n.address,
    ...(n.localAddress !== undefined && { local: n.localAddress }),
    ...((n.bindDevice ?? n.vrf) !== undefined && { interface: n.bindDevice ?? n.vrf }),
    multihop: b.multihop,
    ...(b.minTtl !== undefined && { minTtl: b.minTtl }),
    ...(b.auth && { auth: b.auth }),
    minRx: b.minRx,
    minTx: b.minTx,
    multiplier: b.multiplier,
    passive: b.passive,
  };
}

/** Same session: only the intervals, multiplier or passive role differ (a Poll Sequence changes those). */
function sameSession(a: BfdPeerSpec, b: BfdPeerSpec): boolean {
  return (
    a.peer === b.peer &&
    a.local === b.local &&
    a.interface === b.interface &&
    a.multihop === b.multihop &&
    a.minTtl === b.minTtl &&
    a.auth?.type === b.auth?.type &&
    a.auth?.keyId === b.auth?.keyId &&
    a.auth?.secret === b.auth?.secret
  );
}

export class BfdSessions {
  private manager?: BfdSessionRunner;
  private readonly bindings = new Map<string, Binding>();

  constructor(private readonly opts: BfdSessionsOptions) {}

  /**
   * Gives neighbor `n` (whose session is `peer`) the BFD session its config asks for: a new one, the
   * same one with new intervals (Poll Sequence, no flap), a new one when anything else changed, or
   * none. Call before the peer starts, so a hold carries over to a replaced peer.
   */
  bind(n: NeighborConfig, peer: Peer): void {
    const spec = bfdSpecOf(n);
    const existing = this.bindings.get(peer.address);
    if (!spec || !n.bfd) {
      if (existing) this.release(existing, true);
      return;
    }
    if (existing && sameSession(existing.spec, spec) && existing.handle) {
      existing.peer = peer;
      existing.config = n.bfd;
      existing.handle.update(spec);
      this.applyHold(existing);
      return;
    }
    if (existing) this.release(existing, false);
    const binding: Binding = {
      address: peer.address,
      spec,
      config: n.bfd,
      peer,
      heldByDown: false,
      holding: existing?.holding ?? false,
      shutDown: false,
    };
    this.bindings.set(peer.address, binding);
    this.acquire(binding);
    this.applyHold(binding);
  }

  /** After a reload: every configured neighbor bound to its current config, the others released. */
  sync(configs: ReadonlyMap<string, NeighborConfig>, peers: ReadonlyMap<string, Peer>): void {
    for (const b of [...this.bindings.values()]) if (!peers.has(b.address)) this.release(b, false);
    for (const [address, n] of configs) {
      const peer = peers.get(address);
      if (peer && (n.bfd || this.bindings.has(address))) this.bind(n, peer);
    }
  }

  /** False while BFD holds this neighbor's BGP session down. */
  allowsStart(address: string): boolean {
    return !this.bindings.get(address)?.holding;
  }

  /**
   * The operator starts this neighbor (API reset or enable): true when it may start now, false while
   * BFD holds it (it starts when BFD is Up again, not before).
   */
  operatorStart(address: string): boolean {
    const b = this.bindings.get(address);
    if (b) b.shutDown = false;
    return !b?.holding;
  }

  /** The operator shut this neighbor down: BFD coming Up does not start it again. */
  operatorShutdown(address: string): void {
    const b = this.bindings.get(address);
    if (b) b.shutDown = true;
  }

  views(): NeighborBfdView[] {
    return [...this.bindings.values()].map((b) => ({
      neighbor: b.address,
      profile: b.config.profile ?? null,
      strict: b.config.strict,
      bgpHeld: b.holding,
      error: b.error ?? null,
      session: b.handle?.view() ?? null,
    }));
  }

  /** AdminDown to every peer, sockets closed. */
  async close(): Promise<void> {
    for (const b of this.bindings.values()) b.silence?.stop();
    this.bindings.clear();
    const manager = this.manager;
    this.manager = undefined;
    await manager?.close();
  }

  private held(b: Binding): boolean {
    return b.heldByDown || (b.config.strict && b.handle !== undefined && b.handle.state !== 'Up');
  }

  /** Stops BGP when a hold begins, starts it when the hold ends. */
  private applyHold(b: Binding): void {
    const held = this.held(b);
    if (held === b.holding) return;
    b.holding = held;
    if (held) b.peer.stop(cease(CeaseSubcode.BFD_DOWN), { hardReset: true });
    else if (!b.shutDown) b.peer.start();
  }

  private acquire(b: Binding): void {
    const log = this.opts.log.child({ peer: b.address });
    try {
      this.manager ??= this.runner();
      b.handle = this.manager.acquire(b.spec, {
        stateChange: (from, to, diag) =>
          log.debug(
            { event: LogEvent.bfdStateChange, from, to, diag: diagName(diag) },
            `BFD ${from} → ${to}`,
          ),
        up: () => {
          if (this.bindings.get(b.address) !== b) return;
          b.heldByDown = false;
          b.silence?.stop();
          log.info({ event: LogEvent.bfdUp, bgpReleased: b.holding }, 'BFD session up');
          this.applyHold(b);
        },
        down: (diag, at) => {
          if (this.bindings.get(b.address) !== b) return;
          b.heldByDown = true;
          log.warn(
            {
              event: LogEvent.bfdDown,
              diag: diagName(diag),
              bgpState: b.peer.state,
              ...(at !== undefined && { detectedAt: new Date(at).toISOString() }),
            },
            'BFD session down: BGP session taken down until BFD is Up again',
          );
          // RFC 9384 defines Cease subcode 10 (BFD Down) "for use when a BGP connection is being
          // closed due to a BFD session going down": sent now, not after the hold timer; inside a
          // Hard Reset when the N bit was negotiated (RFC 8538 §3), so the peer drops our routes
          // at once rather than keeping them stale across a "restart".
          this.applyHold(b);
          this.watchSilence(b, log);
        },
        error: (message) => {
          if (this.bindings.get(b.address) === b) this.unavailable(b, message);
        },
      });
      b.error = undefined;
    } catch (e) {
      this.unavailable(b, (e as Error).message);
    }
  }

  /** Ends a Down's hold once the peer has sent no BFD packet for a while (bfd-silence.ts). */
  private watchSilence(b: Binding, log: Logger): void {
    b.silence?.stop();
    b.silence = new BfdSilenceWatch(
      this.opts.clock ?? systemClock,
      () => b.handle?.view().counters.packetsIn ?? 0,
      () => {
        if (this.bindings.get(b.address) !== b || !b.heldByDown) return;
        b.heldByDown = false;
        log.info(
          { event: LogEvent.bfdPeerSilent, bgpReleased: b.holding },
          'the peer sends no BFD any more: BGP runs as with a BFD session that never came up',
        );
        this.applyHold(b);
      },
    );
  }

  /** The session could not be created: BGP keeps running without BFD (a strict neighbor too: there
   * is no BFD to wait for). */
  private unavailable(b: Binding, message: string): void {
    b.handle = undefined;
    b.error = message;
    this.opts.log
      .child({ peer: b.address })
      .error(
        { event: LogEvent.bfdUnavailable, err: message, multihop: b.spec.multihop },
        `cannot run BFD with this neighbor (UDP port ${b.spec.multihop ? 4784 : 3784}): BGP runs without it`,
      );
    this.applyHold(b);
  }

  private runner(): BfdSessionRunner {
    return this.opts.runner?.() ?? new BfdWorkerManager();
  }

  /** Ends a binding; `restart` lets a peer held down by BFD start again (it stays configured). */
  private release(b: Binding, restart: boolean): void {
    this.bindings.delete(b.address);
    b.silence?.stop();
    b.handle?.release();
    if (restart && b.holding && !b.shutDown) b.peer.start();
  }
}
