// BFD series (issue 20) computed at scrape time from daemon.bfd.views(): Herald's own names and
// MetalLB's `metallb_bfd_*` names (FRR mode: session state, up/down events, control packets in and
// out, echo packets always 0), one series set per peer. No BFD socket: the views are given.
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BFD_STATES } from '../../src/bfd/registry.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { NeighborBfdView } from '../../src/daemon/bfd-sessions.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { registerBfdMetrics } from '../../src/metrics/bfd-metrics.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { bfdSession, neighborBfd, threeBfdNeighbors } from '../helpers/bfd-views.js';

/** A registry with the BFD series of a daemon whose neighbors' BFD sessions are `views()`. */
function bfdRegistry(views: () => NeighborBfdView[]): Registry {
  const registry = new Registry();
  registerBfdMetrics(registry, { bfd: { views } } as unknown as Daemon);
  return registry;
}

/** The value of the one sample `name{labels}` in `text`, or undefined if it is not there. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((s) => s.startsWith(`${name}{${l}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const METALLB: [string, 'gauge' | 'counter'][] = [
  ['metallb_bfd_session_up', 'gauge'],
  ['metallb_bfd_session_up_events', 'counter'],
  ['metallb_bfd_session_down_events', 'counter'],
  ['metallb_bfd_control_packet_input', 'counter'],
  ['metallb_bfd_control_packet_output', 'counter'],
  ['metallb_bfd_echo_packet_input', 'counter'],
  ['metallb_bfd_echo_packet_output', 'counter'],
];

describe('BFD metrics under MetalLB names', () => {
  it('are declared with MetalLB types and names (no _total suffix)', async () => {
    const text = await bfdRegistry(threeBfdNeighbors).metrics();
    for (const [name, type] of METALLB) expect(text).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
  });

  it('an Up session: state 1, its up/down events and control packets in and out', async () => {
    const text = await bfdRegistry(threeBfdNeighbors).metrics();
    const peer = { peer: '192.0.2.1' };
    expect(sample(text, 'metallb_bfd_session_up', peer)).toBe(1);
    expect(sample(text, 'metallb_bfd_session_up_events', peer)).toBe(1);
    expect(sample(text, 'metallb_bfd_session_down_events', peer)).toBe(0);
    expect(sample(text, 'metallb_bfd_control_packet_input', peer)).toBe(120);
    expect(sample(text, 'metallb_bfd_control_packet_output', peer)).toBe(130);
    expect(sample(text, 'metallb_bfd_echo_packet_input', peer)).toBe(0);
    expect(sample(text, 'metallb_bfd_echo_packet_output', peer)).toBe(0);
  });

  it('a Down session after flaps: state 0, three ups and three downs, its packets', async () => {
    const text = await bfdRegistry(threeBfdNeighbors).metrics();
    const peer = { peer: '192.0.2.2' };
    expect(sample(text, 'metallb_bfd_session_up', peer)).toBe(0);
    expect(sample(text, 'metallb_bfd_session_up_events', peer)).toBe(3);
    expect(sample(text, 'metallb_bfd_session_down_events', peer)).toBe(3);
    expect(sample(text, 'metallb_bfd_control_packet_input', peer)).toBe(40);
    expect(sample(text, 'metallb_bfd_control_packet_output', peer)).toBe(77);
  });

  it('a neighbor whose session could not be created counts as down, with nothing sent or received', async () => {
    const text = await bfdRegistry(threeBfdNeighbors).metrics();
    const peer = { peer: '192.0.2.3' };
    expect(sample(text, 'metallb_bfd_session_up', peer)).toBe(0);
    for (const [name] of METALLB.slice(1)) expect(sample(text, name, peer)).toBe(0);
  });

  it('follow the sessions at each scrape, and a removed session takes its series away', async () => {
    let views = threeBfdNeighbors();
    const registry = bfdRegistry(() => views);
    await registry.metrics();
    views = [
      neighborBfd(
        '192.0.2.1',
        bfdSession('192.0.2.1', {
          state: 'Down',
          uptimeMs: null,
          counters: {
            packetsIn: 150,
            packetsOut: 170,
            discarded: 0,
            discardedBy: {},
            upTransitions: 1,
            downTransitions: 1,
          },
        }),
      ),
    ];
    const text = await registry.metrics();
    const peer = { peer: '192.0.2.1' };
    expect(sample(text, 'metallb_bfd_session_up', peer)).toBe(0);
    expect(sample(text, 'metallb_bfd_session_down_events', peer)).toBe(1);
    expect(sample(text, 'metallb_bfd_control_packet_input', peer)).toBe(150);
    expect(sample(text, 'metallb_bfd_control_packet_output', peer)).toBe(170);
    expect(text).not.toContain('192.0.2.2');
    expect(text).not.toContain('192.0.2.3');
  });

  it('two neighbors on one session (same peer) give one series set: up only if both are, counts summed', async () => {
    const text = await bfdRegistry(() => [
      neighborBfd('192.0.2.1'),
      neighborBfd('192.0.2.1', bfdSession('192.0.2.1', { state: 'Init' })),
    ]).metrics();
    const peer = { peer: '192.0.2.1' };
    expect(text.split('\n').filter((l) => l.startsWith('metallb_bfd_session_up{'))).toHaveLength(1);
    expect(sample(text, 'metallb_bfd_session_up', peer)).toBe(0);
    expect(sample(text, 'metallb_bfd_control_packet_input', peer)).toBe(240);
    expect(sample(text, 'metallb_bfd_session_up_events', peer)).toBe(2);
  });
});

describe("BFD metrics under Herald's names", () => {
  it('state, hold, detection time, transitions, control packets and discards per peer', async () => {
    const text = await bfdRegistry(threeBfdNeighbors).metrics();
    const up = { peer: '192.0.2.1' };
    const down = { peer: '192.0.2.2' };
    expect(sample(text, 'herald_bfd_session_up', up)).toBe(1);
    expect(sample(text, 'herald_bfd_session_up', down)).toBe(0);
    for (const state of BFD_STATES) {
      expect(sample(text, 'herald_bfd_session_state', { ...up, state })).toBe(state === 'Up' ? 1 : 0);
      expect(sample(text, 'herald_bfd_session_state', { ...down, state })).toBe(state === 'Down' ? 1 : 0);
      expect(sample(text, 'herald_bfd_session_state', { peer: '192.0.2.3', state })).toBe(0);
    }
    expect(sample(text, 'herald_bfd_bgp_held', up)).toBe(0);
    expect(sample(text, 'herald_bfd_bgp_held', down)).toBe(1);
    expect(sample(text, 'herald_bfd_detection_time_seconds', up)).toBe(0.9);
    expect(sample(text, 'herald_bfd_transitions_total', { ...down, to: 'up' })).toBe(3);
    expect(sample(text, 'herald_bfd_transitions_total', { ...down, to: 'down' })).toBe(3);
    expect(sample(text, 'herald_bfd_control_packets_total', { ...up, direction: 'in' })).toBe(120);
    expect(sample(text, 'herald_bfd_control_packets_total', { ...up, direction: 'out' })).toBe(130);
    expect(sample(text, 'herald_bfd_control_packets_discarded_total', down)).toBe(2);
  });
});

describe("the daemon's metrics registry", () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop('test over');
    daemon = undefined;
  });

  it('has the BFD series, MetalLB names included, with no sample while no neighbor runs BFD', async () => {
    daemon = new Daemon({
      config: parseConfig('asn: 64512\nrouterId: 192.0.2.10\nlisten: false\n'),
      log: createLogger('silent'),
    });
    await daemon.start();
    const text = await createMetrics(daemon).metrics();
    for (const [name, type] of METALLB) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
      expect(text).not.toMatch(new RegExp(`^${name}\\{`, 'm'));
    }
    expect(text).toMatch(/^# TYPE herald_bfd_session_up gauge$/m);
  });
});
