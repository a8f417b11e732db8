// FSM settings for tests that run sessions over in-memory connections: one neighbor, IPv4 unicast,
// hold time 90 / keepalive 30, the daemon's default timers.
import { localCapabilities } from '../../src/session/capabilities.js';
import type { FsmConfig } from '../../src/session/fsm-types.js';
import { type Capability, IPV4_UNICAST } from '../../src/wire/index.js';

export interface TestFsmOptions {
  asn: number;
  peerAsn: number;
  bgpId: string;
  passive?: boolean;
  holdTime?: number;
  /** Default: what the daemon offers for IPv4 unicast over IPv4. */
  capabilities?: Capability[];
}

export function testFsmConfig(o: TestFsmOptions): FsmConfig {
  return {
    local: {
      localAsn: o.asn,
      bgpId: o.bgpId,
      peerAsns: [o.peerAsn],
      holdTime: o.holdTime ?? 90,
      keepalive: 30,
      capabilities:
        o.capabilities ??
        localCapabilities({ localAsn: o.asn, families: [IPV4_UNICAST], ipv6Transport: false }),
    },
    passive: o.passive ?? false,
    delayOpen: 0,
    connectRetry: 5,
    connectRetryMax: 60,
    idleHold: 5,
    idleHoldMax: 120,
    stableTime: 60,
  };
}
