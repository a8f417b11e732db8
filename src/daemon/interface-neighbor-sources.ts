// The neighbors given by interface (BGP unnumbered) of every source — the config file's first, then
// other sources' (Kubernetes BGPPeers, FRRConfigurations) on interfaces the file leaves free — handed
// to unnumbered.ts, which finds the peer on each link. That module (and the netlink code it needs)
// is loaded only once some neighbor is given by interface: a daemon without any loads none of it.
import type { InterfaceNeighborConfig } from '../config/types.js';
import { LogEvent } from '../log/logger.js';
import type { InterfaceNeighborStatus, UnnumberedNeighbors, UnnumberedOptions } from './unnumbered.js';

export interface InterfaceNeighborSourcesOptions extends UnnumberedOptions {
  /** The BGP listener's address, or undefined when there is none. */
  readonly listenAddress: () => string | undefined;
}

export class InterfaceNeighborSources {
  private fromConfig: readonly InterfaceNeighborConfig[] = [];
  private readonly sourced = new Map<string, readonly InterfaceNeighborConfig[]>();
  private unnumbered?: UnnumberedNeighbors;
  private loading?: Promise<void>;
  private stopped = false;

  constructor(private readonly opts: InterfaceNeighborSourcesOptions) {}

  /** The config file's interface neighbors (start and reload). */
  setConfig(neighbors: readonly InterfaceNeighborConfig[]): void {
    this.fromConfig = neighbors;
    this.apply();
  }

  /** Another source's, as a whole. */
  set(source: string, neighbors: readonly InterfaceNeighborConfig[]): void {
    this.sourced.set(source, [...neighbors]);
    this.apply();
  }

  /** See UnnumberedNeighbors.connectionFrom (false until the module is loaded). */
  connectionFrom(remote: string): boolean {
    return this.unnumbered?.connectionFrom(remote) ?? false;
  }

  status(): InterfaceNeighborStatus[] {
    return this.unnumbered?.status() ?? [];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unnumbered?.stop();
  }

  private apply(): void {
    const byInterface = new Map<string, InterfaceNeighborConfig>();
    for (const list of [this.fromConfig, ...this.sourced.values()])
      for (const n of list) if (!byInterface.has(n.interface)) byInterface.set(n.interface, n);
    const wanted = [...byInterface.values()];
    if (this.unnumbered) this.unnumbered.configure(wanted);
    if (this.unnumbered || wanted.length === 0 || this.loading) return;
    const { log } = this.opts;
    this.loading = import('./unnumbered.js').then(
      ({ UnnumberedNeighbors }) => {
        if (this.stopped) return;
        this.unnumbered = new UnnumberedNeighbors(this.opts);
        this.apply(); // what is wanted by now
        const listen = this.opts.listenAddress();
        if (listen !== undefined && !listen.includes(':'))
          log.warn(
            { event: LogEvent.unnumberedProblem, listen },
            'interface neighbors: the BGP listener takes no IPv6 connections, so peers that dial our link-local address are refused (Herald still dials them); listen on "::" to take them',
          );
      },
      (e: Error) => log.error({ event: LogEvent.unnumberedProblem, err: e.message }, 'interface neighbors'),
    );
  }
}
