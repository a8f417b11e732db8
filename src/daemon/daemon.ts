// The composition root: builds peers from the config, owns the TCP listener and outgoing
// connections, holds the local announcements, and logs what happens. Everything protocol-shaped
// lives in session/, rib/ and wire/; this file wires them to node:net, the clock and the logger.
import type net from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import ipaddr from 'ipaddr.js';
import type { HeraldConfig, NeighborConfig } from '../config/types.js';
import { normalizeNeighbor } from '../config/validate.js';
import type { Logger } from '../log/logger.js';
import { LogEvent } from '../log/logger.js';
import { type LocalRoute, localRoute, localRouteKey } from '../rib/local-routes.js';
import { FAMILY_BY_NAME, localCapabilities } from '../session/capabilities.js';
import { systemClock } from '../session/clock.js';
import type { FsmConfig } from '../session/fsm-types.js';
import { Peer } from '../session/peer.js';
import { CeaseSubcode, cease, describeError, formatPrefix, unmapIpv4 } from '../wire/index.js';
import { applyToAccepted, dialNeighbor, listen } from './transport.js';

/** Default timers (seconds): quick to recover, damped when a peer flaps. */
const TIMERS = { connectRetry: 5, connectRetryMax: 120, idleHold: 5, idleHoldMax: 120, stableTime: 60 };

export function defaultRouterId(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function normalize(address: string): string {
  return ipaddr.parse(unmapIpv4(address)).toString();
}

export interface DaemonOptions {
  readonly config: HeraldConfig;
  readonly log: Logger;
  /** Replaces TCP dialling (tests); default node:net. */
  readonly dial?: (n: NeighborConfig) => Promise<Duplex>;
}

export class Daemon {
  readonly peers = new Map<string, Peer>();
  private readonly neighborConfigs = new Map<string, NeighborConfig>();
  private readonly announcements = new Map<string, LocalRoute>();
  private server?: net.Server;
  readonly routerId: string;
  readonly startedAt = Date.now();
  readonly version: string = process.env.npm_package_version ?? '0.1.0';

  constructor(private readonly opts: DaemonOptions) {
    this.routerId = opts.config.routerId ?? defaultRouterId() ?? '127.0.0.1';
    for (const a of opts.config.announce) {
      const r = localRoute(a);
      this.announcements.set(localRouteKey(r), r);
    }
  }

  get config(): HeraldConfig {
    return this.opts.config;
  }

  localRoutes(): LocalRoute[] {
    return [...this.announcements.values()];
  }

  async start(): Promise<void> {
    const { config, log } = this.opts;
    for (const n of config.neighbors) this.addPeer(n);
    if (config.listen) {
      const server = await listen(config, (socket) => this.onConnection(socket));
      server.on('error', (e) => log.error({ event: 'listenerError', err: e.message }, 'BGP listener error'));
      this.server = server;
      log.info(
        { event: 'listening', address: config.listen.address, port: config.listen.port },
        'accepting BGP connections',
      );
    }
    for (const p of this.peers.values()) p.start();
  }

  /** Announces (or replaces) a local route and updates every established peer. */
  announce(route: LocalRoute): void {
    this.announcements.set(localRouteKey(route), route);
    this.opts.log.info(
      { event: LogEvent.routeAnnounced, prefix: formatPrefix(route.prefix) },
      'route announced',
    );
    this.resendAll();
  }

  withdraw(prefixText: string): boolean {
    const r = localRoute({ prefix: prefixText });
    const gone = this.announcements.delete(localRouteKey(r));
    if (gone) {
      this.opts.log.info(
        { event: LogEvent.routeWithdrawn, prefix: formatPrefix(r.prefix) },
        'route withdrawn',
      );
      this.resendAll();
    }
    return gone;
  }

  private resendAll(): void {
    for (const p of this.peers.values()) void p.resend();
  }

  /**
   * Stops every session: Cease/Administrative Shutdown with `message` (RFC 9003), or, for peers with
   * graceful restart when `graceful` is set, just closes the connection so they keep our routes.
   */
  async stop(message = 'herald shutting down', graceful = false): Promise<void> {
    this.server?.close();
    const n = cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, message);
    for (const p of this.peers.values()) {
      if (graceful && p.session?.gracefulRestart) {
        this.opts.log.info(
          { event: LogEvent.gracefulRestartShutdown, peer: p.address },
          'closing for graceful restart',
        );
        p.dropForRestart();
      } else p.stop(n);
    }
    // Give the NOTIFICATIONs a moment to leave before the process exits.
    await new Promise((r) => setTimeout(r, 200));
    for (const p of this.peers.values()) p.dispose();
  }

  private fsmConfig(
    n: NeighborConfig,
    peerAsns: number[],
    passive: boolean,
    ipv6Transport: boolean,
    restarting = false,
  ): FsmConfig {
    const families = n.families.map((f) => FAMILY_BY_NAME[f]);
    return {
      local: {
        localAsn: this.opts.config.asn,
        bgpId: this.routerId,
        peerAsns,
        holdTime: n.holdTime,
        keepalive: n.keepalive,
        capabilities: localCapabilities({
          localAsn: this.opts.config.asn,
          families,
          ipv6Transport,
          gracefulRestart: n.gracefulRestart.enabled
            ? { restartTime: n.gracefulRestart.restartTime, restarting }
            : undefined,
          hostname: hostname(),
          addPath: n.addPath,
        }),
      },
      passive,
      ...TIMERS,
      delayOpen: n.delayOpen,
      connectRetry: n.connectRetry,
    };
  }

  private addPeer(n: NeighborConfig, peerAsns = [n.peerAsn], passive = n.passive): Peer {
    const address = normalize(n.address);
    const log = this.opts.log.child({ peer: address });
    const peer = new Peer({
      address,
      config: this.fsmConfig(n, peerAsns, passive, address.includes(':'), n.gracefulRestart.enabled),
      steadyConfig: this.fsmConfig(n, peerAsns, passive, address.includes(':')),
      clock: systemClock,
      dial: passive
        ? undefined
        : () => (this.opts.dial ? this.opts.dial(n) : dialNeighbor(n, this.opts.config.asn)),
      localRoutes: () => this.localRoutes(),
      gracefulRestart: n.gracefulRestart.enabled,
    });
    peer.on('stateChange', (from, to) => log.debug({ event: 'stateChange', from, to }, `${from} → ${to}`));
    peer.on('sessionUp', (s) =>
      log.info(
        { event: LogEvent.sessionUp, peerAsn: s.peerAsn, holdTime: s.holdTime, ibgp: s.ibgp },
        'session established',
      ),
    );
    peer.on('sessionDown', (reason) =>
      log.warn(
        {
          event: LogEvent.sessionDown,
          reason: reason.kind,
          ...('notification' in reason
            ? { notification: describeError(reason.notification.code, reason.notification.subcode) }
            : {}),
        },
        'session down',
      ),
    );
    peer.on('notificationSent', (x) =>
      log.warn(
        { event: LogEvent.notificationSent, code: x.code, subcode: x.subcode, error: x.message },
        'NOTIFICATION sent',
      ),
    );
    peer.on('notificationReceived', (x) =>
      log.warn(
        { event: LogEvent.notificationReceived, code: x.code, subcode: x.subcode, error: x.message },
        'NOTIFICATION received',
      ),
    );
    peer.on('treatAsWithdraw', (errors) =>
      log.warn({ event: LogEvent.updateTreatAsWithdraw, errors }, 'malformed UPDATE (RFC 7606)'),
    );
    this.peers.set(address, peer);
    this.neighborConfigs.set(address, n);
    return peer;
  }

  private onConnection(socket: net.Socket): void {
    const remote = socket.remoteAddress ? normalize(socket.remoteAddress) : '';
    let peer = this.peers.get(remote);
    if (!peer) {
      const dyn = this.opts.config.dynamicNeighbors.find((d) => inRange(remote, d.range));
      if (dyn) {
        // A passive neighbor with the configured defaults (hold time, families by address family).
        const n = normalizeNeighbor(
          { address: remote, peerAsn: dyn.peerAsn[0], passive: true },
          'dynamicNeighbors',
        );
        peer = this.addPeer(n, dyn.peerAsn, true);
        this.opts.log.info(
          { event: 'dynamicPeerCreated', peer: remote, range: dyn.range },
          'dynamic neighbor accepted',
        );
        peer.start();
      }
    }
    if (!peer) {
      this.opts.log.info(
        { event: 'connectionRejected', remote },
        'connection from an unknown address rejected',
      );
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const n = this.neighborConfigs.get(peer.address);
    if (n) applyToAccepted(socket, n, this.opts.config.asn);
    peer.accept(socket);
  }
}

function inRange(address: string, range: string): boolean {
  try {
    const addr = ipaddr.parse(address);
    const [net, len] = ipaddr.parseCIDR(range);
    return addr.kind() === net.kind() && addr.match(net, len);
  } catch {
    return false;
  }
}
