// An eBGP neighbor off every connected subnet without ebgpMultihop: check-config warns, and a session
// that dies on the hold timer before Established says why (issue 22).
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import {
  explainSetupFailures,
  type Interfaces,
  multihopProblem,
  multihopWarnings,
  onConnectedSubnet,
} from '../../src/daemon/multihop-hint.js';
import { createLogger } from '../../src/log/logger.js';
import { ManualClock } from '../../src/session/clock.js';
import { buildOpen } from '../../src/session/negotiate.js';
import { Peer } from '../../src/session/peer.js';
import { encodeOpen } from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';
import { peerRoutes } from '../helpers/peer-routes.js';

const iface = (cidr: string) => {
  const [address] = cidr.split('/');
  return {
    address,
    cidr,
    netmask: '',
    family: cidr.includes(':') ? ('IPv6' as const) : ('IPv4' as const),
    mac: '00:00:00:00:00:00',
    internal: false,
    scopeid: 0,
  };
};
const interfaces: Interfaces = {
  lo: [iface('127.0.0.1/8'), iface('::1/128')],
  eth0: [iface('10.0.0.5/24'), iface('2001:db8:1::5/64')],
};

const neighbors = (list: string) => parseConfig(`asn: 64512\nrouterId: 192.0.2.1\nneighbors:\n${list}`);

describe('connected subnets', () => {
  it('knows the subnets of the interfaces, IPv4 and IPv6, and IPv6 link-local', () => {
    expect(onConnectedSubnet('10.0.0.1', interfaces)).toBe(true);
    expect(onConnectedSubnet('10.0.1.1', interfaces)).toBe(false);
    expect(onConnectedSubnet('2001:db8:1::1', interfaces)).toBe(true);
    expect(onConnectedSubnet('2001:db8:2::1', interfaces)).toBe(false);
    expect(onConnectedSubnet('fe80::1', interfaces)).toBe(true);
    expect(onConnectedSubnet('::ffff:10.0.0.9', interfaces)).toBe(true);
  });
});

describe('multihop problems', () => {
  const config = neighbors(
    '  - { address: 10.0.0.1, peerAsn: 65001 }\n' + // eBGP, connected
      '  - { address: 10.9.9.9, peerAsn: 65002 }\n' + // eBGP, behind a router: the problem
      '  - { address: 10.9.9.8, peerAsn: 65003, ebgpMultihop: 2 }\n' +
      '  - { address: 10.9.9.7, peerAsn: 65004, ttlSecurity: 1 }\n' +
      '  - { address: 10.9.9.6, peerAsn: 64512 }\n', // iBGP: system TTL
  );

  it('only an eBGP neighbor off-subnet with neither ebgpMultihop nor ttlSecurity has one', () => {
    const problems = config.neighbors.map((n) => multihopProblem(n, config.asn, interfaces));
    expect(problems.map((p) => p !== undefined)).toEqual([false, true, false, false, false]);
    expect(problems[1]).toContain('10.9.9.9 is not on a connected subnet');
    expect(problems[1]).toContain('set ebgpMultihop');
  });

  it('check-config warnings name the neighbor by path', () => {
    const warnings = multihopWarnings(config, interfaces);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^neighbors\[1\]\.ebgpMultihop: 10\.9\.9\.9 is not on a connected subnet/);
  });
});

describe('a session that dies in OpenConfirm on the hold timer', () => {
  /** A peer that answers our OPEN with its own (hold time 3) and then never sends KEEPALIVE. */
  function silentPeer(address: string, clock: ManualClock) {
    const remote = testFsmConfig({ asn: 65002, peerAsn: 64512, bgpId: '10.9.9.9', holdTime: 3 });
    return new Peer({
      address,
      config: testFsmConfig({ asn: 64512, peerAsn: 65002, bgpId: '192.0.2.1' }),
      clock,
      dial: async (): Promise<Duplex> => {
        const [mine, theirs] = duplexPair();
        theirs.once('data', () => theirs.write(encodeOpen(buildOpen(remote.local))));
        return mine;
      },
      routes: peerRoutes({ address, asn: 64512, peerAsn: 65002, clock }),
      gracefulRestart: false,
    });
  }

  function logSink() {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
        cb();
      },
    });
    return { log: createLogger('debug', { format: 'json', destination: stream }), lines };
  }

  async function dieOnce(peer: Peer, clock: ManualClock) {
    peer.start();
    clock.advance(0);
    await settle(() => peer.state === 'OpenConfirm');
    expect(peer.state).toBe('OpenConfirm');
    clock.advance(3_001);
    await settle();
  }

  it('shows why as lastError and logs it at warn once, at debug after', async () => {
    const clock = new ManualClock();
    const peer = silentPeer('10.9.9.9', clock);
    const n = neighbors('  - { address: 10.9.9.9, peerAsn: 65002 }\n').neighbors[0];
    const { log, lines } = logSink();
    explainSetupFailures(
      peer,
      () => n,
      () => ({ asn: 64512 }),
      log,
      () => interfaces,
    );
    await dieOnce(peer, clock);
    expect(peer.stats.lastError).toMatch(
      /^hold timer expired before Established: 10\.9\.9\.9 is not on a connected subnet/,
    );
    // The idle hold timer restarts it; the second death is logged at debug only.
    clock.advance(10_000);
    await dieOnce(peer, clock);
    const hints = lines.filter((l) => l.event === 'sessionSetupFailed');
    expect(hints.map((l) => l.level)).toEqual([40, 20]);
    peer.dispose();
  });

  it('says nothing more than the NOTIFICATION for a neighbor on a connected subnet', async () => {
    const clock = new ManualClock();
    const peer = silentPeer('10.0.0.1', clock);
    const n = neighbors('  - { address: 10.0.0.1, peerAsn: 65002 }\n').neighbors[0];
    const { log, lines } = logSink();
    explainSetupFailures(
      peer,
      () => n,
      () => ({ asn: 64512 }),
      log,
      () => interfaces,
    );
    await dieOnce(peer, clock);
    expect(peer.stats.lastError).toBe('sent Hold Timer Expired/Unspecific');
    expect(lines.filter((l) => l.event === 'sessionSetupFailed')).toEqual([]);
    peer.dispose();
  });
});
