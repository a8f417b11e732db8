// BGP unnumbered: neighbors given by interface. The peer on each such link is found two ways — the
// kernel's neighbor table names the routers whose Router Advertisements arrived (LinkRouters), and
// a connection from a link-local address on the interface names its sender — and the neighbor
// then runs as an ordinary one on that link-local address with its zone (`fe80::1%eth0`), a source
// of neighbors beside the config file (Daemon.setSourcedNeighbors). Herald sends RAs on those links
// so that the peer finds us the same way (FRR's `neighbor eth0 interface` waits for one).
//
// One peer per interface, as in FRR. Another router found on the link takes the neighbor over only
// once the known one has had a minute to connect and has no session (a connection from it takes
// it at once: it is talking BGP).
import { networkInterfaces } from 'node:os';
import type { InterfaceNeighborConfig, NeighborConfig } from '../config/types.js';
import { LogEvent, type Logger } from '../log/logger.js';
import { interfaceIndex } from '../sys/libc.js';
import { LinkRouters } from '../sys/link-routers.js';
import { encodeRouterAdvert, parseMac, RouterAdvertSocket } from '../sys/router-advert.js';
import { isLinkLocalText } from '../wire/index.js';

/** RAs at once, then after 1, 2 and 3 s (a peer coming up finds us fast), then every 10 s as FRR. */
const FAST_ADVERTS = 3;
const ADVERT_INTERVAL_MS = 10_000;
/** How long a peer found on a link keeps it before another router there may take it over. */
const TAKE_OVER_MS = 60_000;

export interface UnnumberedOptions {
  readonly log: Logger;
  /** The neighbors to run now (each interface neighbor whose peer is known, on its address). */
  readonly apply: (wanted: NeighborConfig[]) => void;
  /** Whether a session (or its setup) is running with `address`. */
  readonly connected: (address: string) => boolean;
  /** Replaces the kernel's neighbor table (tests). */
  readonly routers?: () => LinkRoutersLike;
  /** Replaces the raw socket that sends RAs (tests). */
  readonly advertiser?: () => AdvertiserLike | Error;
}

export type LinkRoutersLike = Pick<LinkRouters, 'on' | 'start' | 'stop'>;

export interface AdvertiserLike {
  send(index: number, ra: Buffer): Error | undefined;
  close(): void;
}

export interface InterfaceNeighborStatus {
  readonly interface: string;
  /** The peer's link-local address with its zone, once found. */
  readonly address?: string;
  /** Why there is no session yet, or why RAs are not sent. */
  readonly problem?: string;
}

export class UnnumberedNeighbors {
  private templates = new Map<string, InterfaceNeighborConfig>();
  /** Interface → the peer's address (with zone). */
  private readonly peers = new Map<string, string>();
  private readonly problems = new Map<string, string>();
  private readonly foundAt = new Map<string, number>();
  private routers?: LinkRoutersLike;
  private advertiser?: AdvertiserLike;
  private timer?: NodeJS.Timeout;
  private fastLeft = FAST_ADVERTS;

  constructor(private readonly opts: UnnumberedOptions) {}

  /** Sets the interface neighbors (config load or reload) and applies the neighbors they give. */
  configure(neighbors: readonly InterfaceNeighborConfig[]): void {
    const links = (m: ReadonlyMap<string, unknown>) => [...m.keys()].sort().join(' ');
    const before = links(this.templates);
    this.templates = new Map(neighbors.map((n) => [n.interface, n]));
    for (const name of [...this.peers.keys()]) if (!this.templates.has(name)) this.peers.delete(name);
    if (this.templates.size > 0) this.startDiscovery();
    else void this.stop();
    // New links get the quick RAs; the same links (a Kubernetes snapshot, a reload) keep their pace.
    if (links(this.templates) !== before) {
      this.fastLeft = FAST_ADVERTS;
      this.advertise();
    }
    this.apply();
  }

  /**
   * A connection from `remote` (`fe80::1%eth0`) that no neighbor matched: true when an interface
   * neighbor on that link takes it (its neighbor now runs on that address).
   */
  connectionFrom(remote: string): boolean {
    const at = remote.indexOf('%');
    if (at < 0 || !isLinkLocalText(remote)) return false;
    const name = remote.slice(at + 1);
    if (!this.templates.has(name)) return false;
    this.found(name, remote, true);
    return true;
  }

  status(): InterfaceNeighborStatus[] {
    return [...this.templates.keys()].map((name) => ({
      interface: name,
      ...(this.peers.has(name) && { address: this.peers.get(name) }),
      ...(this.problems.has(name) && { problem: this.problems.get(name) }),
    }));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.advertiser?.close();
    this.advertiser = undefined;
    const routers = this.routers;
    this.routers = undefined;
    await routers?.stop();
  }

  private found(name: string, address: string, connected: boolean): void {
    const known = this.peers.get(name);
    if (known === address) return;
    // Another router on the link: it takes over once the known one has had time to connect.
    const since = this.foundAt.get(name) ?? 0;
    if (
      known !== undefined &&
      !connected &&
      (this.opts.connected(known) || Date.now() - since < TAKE_OVER_MS)
    )
      return;
    this.peers.set(name, address);
    this.foundAt.set(name, Date.now());
    this.opts.log.info(
      { event: LogEvent.unnumberedPeerFound, interface: name, peer: address },
      'interface neighbor found on its link',
    );
    this.apply();
  }

  private apply(): void {
    const wanted: NeighborConfig[] = [];
    for (const [name, t] of this.templates) {
      const address = this.peers.get(name);
      if (address === undefined) continue;
      const { interface: _name, ...rest } = t;
      wanted.push({ ...rest, address });
    }
    this.opts.apply(wanted);
  }

  private startDiscovery(): void {
    if (!this.routers) {
      const routers = (this.opts.routers ?? (() => new LinkRouters()))();
      routers.on('router', (index, address) => {
        if (isOwnAddress(address)) return; // our own RAs, looped back by another listener
        const name = this.nameOf(index);
        if (name !== undefined && this.templates.has(name)) this.found(name, `${address}%${name}`, false);
      });
      routers.on('error', (e) =>
        this.opts.log.warn({ event: LogEvent.unnumberedProblem, err: e.message }, 'kernel neighbor table'),
      );
      try {
        routers.start();
        this.routers = routers;
      } catch (e) {
        const why = `cannot read the kernel's neighbor table: ${(e as Error).message}`;
        for (const name of this.templates.keys()) this.problems.set(name, why);
        this.opts.log.warn({ event: LogEvent.unnumberedProblem, err: why }, 'interface neighbors');
      }
    }
    if (!this.advertiser) {
      const a = (this.opts.advertiser ?? (() => RouterAdvertSocket.open()))();
      if (a instanceof Error) {
        const why = `router advertisements not sent (the peer must find us by itself): ${a.message}`;
        for (const name of this.templates.keys()) this.problems.set(name, why);
        this.opts.log.warn({ event: LogEvent.unnumberedProblem, err: why }, 'interface neighbors');
      } else this.advertiser = a;
    }
  }

  private nameOf(index: number): string | undefined {
    for (const name of this.templates.keys()) if (interfaceIndex(name) === index) return name;
    return undefined;
  }

  private advertise(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const advertiser = this.advertiser;
    if (!advertiser || this.templates.size === 0) return;
    const nics = networkInterfaces();
    for (const name of this.templates.keys()) {
      const index = interfaceIndex(name);
      if (index === 0) {
        this.problems.set(name, `no interface ${name}`);
        continue;
      }
      const err = advertiser.send(index, encodeRouterAdvert(parseMac(nics[name]?.[0]?.mac)));
      if (err) this.problems.set(name, `router advertisement not sent: ${err.message}`);
      else this.problems.delete(name);
    }
    const ms = this.fastLeft-- > 0 ? 1000 : ADVERT_INTERVAL_MS;
    this.timer = setTimeout(() => this.advertise(), ms);
    this.timer.unref();
  }
}

function isOwnAddress(address: string): boolean {
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === address));
}
