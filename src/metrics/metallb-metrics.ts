// MetalLB's speaker and BGP series, under MetalLB's names, labels and types, so MetalLB dashboards
// and alerts keep working when Herald replaces its speaker. Computed from live state at scrape
// time like every other series; emitted only in Kubernetes mode (kubernetes.enabled). `peer` is
// `ip:port` as in MetalLB; MetalLB's optional `vrf` label is not set.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Daemon } from '../daemon/daemon.js';
import type { Peer } from '../session/peer.js';

export function registerMetallbMetrics(registry: Registry, daemon: Daemon): void {
  const peers = (): { label: string; peer: Peer }[] =>
    daemon.kubernetes
      ? [...daemon.peers.values()].map((peer) => ({
          label: `${peer.address}:${daemon.neighborConfig(peer.address)?.port ?? 179}`,
          peer,
        }))
      : [];

  new Gauge({
    name: 'metallb_speaker_announced',
    help: 'Services being announced from this node. This is desired state, it does not guarantee that the routing protocols have converged.',
    labelNames: ['ip', 'node', 'protocol', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      const k8s = daemon.kubernetes;
      for (const s of k8s?.state()?.services ?? [])
        if (s.announced)
          for (const ip of s.ips)
            this.set({ ip, node: k8s?.nodeName, protocol: 'bgp', service: s.service }, 1);
    },
  });
  new Gauge({
    name: 'metallb_bgp_session_up',
    help: 'BGP session state (1 is up, 0 is down)',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { label, peer } of peers()) this.set({ peer: label }, peer.session ? 1 : 0);
    },
  });
  new Counter({
    name: 'metallb_bgp_updates_total',
    help: 'Number of BGP UPDATE messages sent',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { label, peer } of peers()) this.inc({ peer: label }, peer.stats.messages.sent.update);
    },
  });
  new Gauge({
    name: 'metallb_bgp_announced_prefixes_total',
    help: 'Number of prefixes currently being advertised on the BGP session',
    labelNames: ['peer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { label, peer } of peers())
        this.set({ peer: label }, daemon.engine.neighbor(peer.address)?.adjRibOut.size ?? 0);
    },
  });
  // The allocator's pools, from the instance that allocates (kubernetes.allocate, Lease holder).
  const pools = () => {
    const allocator = daemon.kubernetes?.allocator;
    return allocator?.isLeader() ? allocator.pools() : [];
  };
  new Gauge({
    name: 'metallb_allocator_addresses_total',
    help: 'Number of usable IP addresses, per pool',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of pools())
        this.set({ pool: p.pool }, p.assignedIPv4 + p.availableIPv4 + p.assignedIPv6 + p.availableIPv6);
    },
  });
  new Gauge({
    name: 'metallb_allocator_addresses_in_use_total',
    help: 'Number of IP addresses in use, per pool',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of pools()) this.set({ pool: p.pool }, p.assignedIPv4 + p.assignedIPv6);
    },
  });
  new Gauge({
    name: 'metallb_k8s_client_config_loaded_bool',
    help: '1 if the MetalLB configuration was successfully loaded at least once',
    registers: [registry],
    collect() {
      this.reset();
      if (daemon.kubernetes) this.set(daemon.kubernetes.synced() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'metallb_k8s_client_config_stale_bool',
    help: '1 if running on a stale configuration, because the latest config failed to load',
    registers: [registry],
    collect() {
      this.reset();
      if (daemon.kubernetes) this.set(daemon.kubernetes.stale() ? 1 : 0);
    },
  });
}
