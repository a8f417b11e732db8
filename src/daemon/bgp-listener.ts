// The BGP listener: opened with what the neighbors and dynamic ranges that may connect need — their
// TCP MD5 keys and, for GTSM, TTL 255 (transport.ts) — its keys kept in step as neighbors come and
// go (a reload, a BGPPeer, an FRRConfiguration, an unnumbered link), re-opened when its address or
// the GTSM need changes. Connections it accepts go to `onConnection`.
import type net from 'node:net';
import type { HeraldConfig, NeighborConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { LogEvent } from '../log/logger.js';
import { type ListenerNeeds, listen, listenerNeeds, updateListenerKeys } from './transport.js';

export class BgpListener {
  private server?: net.Server;
  /** What the open listener has now (its keys change in place; GTSM only by re-opening). */
  private opened?: ListenerNeeds;
  private openedWith?: { config: HeraldConfig; neighbors: readonly NeighborConfig[] };

  constructor(
    private readonly log: Logger,
    private readonly onConnection: (socket: net.Socket) => void,
  ) {}

  /** Opens at `config.listen` for `neighbors` (every source's) and the config's ranges; off: nothing. */
  async open(config: HeraldConfig, neighbors: readonly NeighborConfig[]): Promise<void> {
    if (!config.listen) return;
    const needs = needsOf(config, neighbors);
    const server = await listen(config, needs, this.onConnection);
    server.on('error', (e) =>
      this.log.error({ event: LogEvent.listenerError, err: e.message }, 'BGP listener error'),
    );
    this.server = server;
    this.opened = needs;
    this.openedWith = { config, neighbors };
    this.log.info(
      { event: LogEvent.listening, address: config.listen.address, port: config.listen.port },
      'accepting BGP connections',
    );
  }

  /** Re-opens when its address or the GTSM need changed, else updates its MD5 keys; true when re-opened. */
  async refresh(
    config: HeraldConfig,
    neighbors: readonly NeighborConfig[],
    listenChanged: boolean,
  ): Promise<boolean> {
    if (!listenChanged) {
      if (!this.server || !this.opened) return false;
      const needs = needsOf(config, neighbors);
      if (needs.gtsm === this.opened.gtsm) {
        this.setKeys(needs);
        return false;
      }
    }
    const before = this.opened && this.openedWith;
    this.close();
    try {
      await this.open(config, neighbors);
    } catch (e) {
      // The new address cannot be bound: keep listening where we were.
      if (before) await this.open(before.config, before.neighbors);
      throw e;
    }
    return true;
  }

  /** Brings the MD5 keys in step with `neighbors` and the ranges; a GTSM change waits for `refresh`. */
  refreshKeys(config: HeraldConfig, neighbors: readonly NeighborConfig[]): void {
    if (this.server) this.setKeys(needsOf(config, neighbors));
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
    this.opened = undefined;
  }

  private setKeys(needs: ListenerNeeds): void {
    const { server, opened } = this;
    if (!server || !opened) return;
    try {
      updateListenerKeys(server, opened.md5, needs.md5);
      this.opened = { md5: needs.md5, gtsm: opened.gtsm };
    } catch (e) {
      this.log.error(
        { event: LogEvent.listenerError, err: (e as Error).message },
        'cannot set the TCP MD5 keys of the BGP listener',
      );
    }
  }
}

function needsOf(config: HeraldConfig, neighbors: readonly NeighborConfig[]): ListenerNeeds {
  const address = config.listen ? config.listen.address : '::';
  return listenerNeeds(address, neighbors, config.dynamicNeighbors);
}
