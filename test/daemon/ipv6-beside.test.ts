// Our IPv6 next hop on an IPv4 session: a global (or unique-local) IPv6 address of the interface
// holding the session's IPv4 address; never link-local or loopback, never another interface's.
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { globalIpv6Beside } from '../../src/daemon/ipv6-beside.js';

const v4 = (address: string): NetworkInterfaceInfo => ({
  address,
  family: 'IPv4',
  netmask: '255.255.255.0',
  mac: '00:00:00:00:00:00',
  internal: false,
  cidr: `${address}/24`,
});
const v6 = (address: string): NetworkInterfaceInfo => ({
  address,
  family: 'IPv6',
  netmask: 'ffff:ffff:ffff:ffff::',
  mac: '00:00:00:00:00:00',
  internal: false,
  cidr: `${address}/64`,
  scopeid: 0,
});

describe('globalIpv6Beside', () => {
  const interfaces = {
    lo: [v4('127.0.0.1'), v6('::1')],
    eth0: [v4('10.0.0.1'), v6('fe80::1'), v6('2001:DB8::0:1')],
    eth1: [v4('10.1.0.1'), v6('fe80::2'), v6('fd33::1')],
    eth2: [v4('10.2.0.1'), v6('fe80::3')],
  };

  it("takes the first global or unique-local address of the session address's interface", () => {
    expect(globalIpv6Beside('10.0.0.1', interfaces)).toBe('2001:db8::1');
    expect(globalIpv6Beside('10.1.0.1', interfaces)).toBe('fd33::1');
  });

  it('none: only link-local or loopback there, or the address on no interface', () => {
    expect(globalIpv6Beside('10.2.0.1', interfaces)).toBeUndefined();
    expect(globalIpv6Beside('127.0.0.1', interfaces)).toBeUndefined();
    expect(globalIpv6Beside('192.0.2.1', interfaces)).toBeUndefined();
  });
});
