// BFD series, computed at scrape time from the daemon's BFD sessions (daemon.bfd): Herald's own
// names, and the same facts under MetalLB's `metallb_bfd_*` names (FRR mode) so dashboards and
// alerts written for MetalLB keep working. One series set per peer address; a session's counters
// start at 0 when it is created again (a reload that changes more than its timers), which
// Prometheus treats as a counter reset.
import { Counter, Gauge, type Registry } from 'prom-client';
import { BFD_STATES } from '../bfd/registry.js';
import type { NeighborBfdView } from '../daemon/bfd-sessions.js';
import type { Daemon } from '../daemon/daemon.js';

interface PeerFacts {
  up: boolean;
  state: string | null;
  bgpHeld: boolean;
  detectionSeconds: number | null;
  packetsIn: number;
  packetsOut: number;
  discarded: number;
  upTransitions: number;
  downTransitions: number;
}

/** The neighbors' sessions by peer address (one per neighbor in practice; summed if several). */
function byPeer(views: readonly NeighborBfdView[]): Map<string, PeerFacts> {
  const out = new Map<string, PeerFacts>();
  for (const v of views) {
    const s = v.session;
    const peer = s?.peer ?? v.neighbor;
    const f = out.get(peer) ?? {
      up: true,
      state: null,
      bgpHeld: false,
      detectionSeconds: null,
      packetsIn: 0,
      packetsOut: 0,
      discarded: 0,
      upTransitions: 0,
      downTransitions: 0,
    };
    f.up &&= s?.state === 'Up';
    f.state = s?.state ?? f.state;
    f.bgpHeld ||= v.bgpHeld;
    if (s?.detectionTime != null) f.detectionSeconds = s.detectionTime / 1000;
    f.packetsIn += s?.counters.packetsIn ?? 0;
    f.packetsOut += s?.counters.packetsOut ?? 0;
    f.discarded += s?.counters.discarded ?? 0;
    f.upTransitions += s?.counters.upTransitions ?? 0;
    f.downTransitions += s?.counters.downTransitions ?? 0;
    out.set(peer, f);
  }
  return out;
}

type Read = (f: PeerFacts) => number;

/** Registers every BFD series on `registry`. */
export function registerBfdMetrics(registry: Registry, daemon: Daemon): void {
  const peers = () => byPeer(daemon.bfd.views());
  const gauge = (name: string, help: string, read: Read) =>
    new Gauge({
      name,
      help,
      labelNames: ['peer'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [peer, f] of peers()) this.set({ peer }, read(f));
      },
    });
  const counter = (name: string, help: string, read: Read) =>
    new Counter({
      name,
      help,
      labelNames: ['peer'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [peer, f] of peers()) this.inc({ peer }, read(f));
      },
    });

  gauge('herald_bfd_session_up', '1 when the BFD session with the peer is Up', (f) => (f.up ? 1 : 0));
  new Gauge({
    name: 'herald_bfd_session_state',
    help: 'BFD state of the session: 1 for the current state (RFC 5880 §4.1)',
    labelNames: ['peer', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [peer, f] of peers())
        for (const state of BFD_STATES) this.set({ peer, state }, f.state === state ? 1 : 0);
    },
  });
  gauge(
    'herald_bfd_bgp_held',
    '1 while BFD holds the BGP session with the peer down (BFD went Down, or strict and not yet Up)',
    (f) => (f.bgpHeld ? 1 : 0),
  );
  gauge(
    'herald_bfd_detection_time_seconds',
    "Negotiated detection time (the peer's multiplier × the agreed receive interval)",
    (f) => f.detectionSeconds ?? 0,
  );
  new Counter({
    name: 'herald_bfd_transitions_total',
    help: 'Times the BFD session came Up (to="up") or left Up (to="down")',
    labelNames: ['peer', 'to'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [peer, f] of peers()) {
        this.inc({ peer, to: 'up' }, f.upTransitions);
        this.inc({ peer, to: 'down' }, f.downTransitions);
      }
    },
  });
  new Counter({
    name: 'herald_bfd_control_packets_total',
    help: 'BFD Control packets received from (direction="in") and sent to (direction="out") the peer',
    labelNames: ['peer', 'direction'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [peer, f] of peers()) {
        this.inc({ peer, direction: 'in' }, f.packetsIn);
        this.inc({ peer, direction: 'out' }, f.packetsOut);
      }
    },
  });
  counter(
    'herald_bfd_control_packets_discarded_total',
    'Received BFD Control packets discarded (malformed, authentication, RFC 5880 §6.8.6 checks)',
    (f) => f.discarded,
  );

  // MetalLB's names (FRR mode), same meanings. Herald has no echo function: those stay 0.
  gauge('metallb_bfd_session_up', 'BFD session state (1 is up, 0 is down)', (f) => (f.up ? 1 : 0));
  counter('metallb_bfd_session_up_events', 'Number of BFD session up events', (f) => f.upTransitions);
  counter('metallb_bfd_session_down_events', 'Number of BFD session down events', (f) => f.downTransitions);
  counter('metallb_bfd_control_packet_input', 'Number of received BFD control packets', (f) => f.packetsIn);
  counter('metallb_bfd_control_packet_output', 'Number of sent BFD control packets', (f) => f.packetsOut);
  counter('metallb_bfd_echo_packet_input', 'Number of received BFD echo packets', () => 0);
  counter('metallb_bfd_echo_packet_output', 'Number of sent BFD echo packets', () => 0);
}
