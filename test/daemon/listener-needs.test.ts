// What the BGP listener is opened with: the MD5 keys of neighbors and dynamic ranges, GTSM.
import { describe, expect, it } from 'vitest';
import { normalizeNeighbor } from '../../src/config/validate.js';
import { listenerNeeds } from '../../src/daemon/transport.js';

const neighbor = (address: string, extra: Record<string, unknown> = {}) =>
  normalizeNeighbor({ address, peerAsn: 65002, ...extra }, 'neighbors[0]');
const range = (r: string, password?: string) => ({
  range: r,
  peerAsn: [65002],
  routeReflectorClient: false,
  limit: 100,
  password,
});

describe('listenerNeeds', () => {
  it("keys neighbors by address and ranges by prefix; a neighbor's own key is kept beside its range's", () => {
    const needs = listenerNeeds(
      '::',
      [
        neighbor('10.0.0.5', { password: 'own' }),
        neighbor('10.0.0.6'),
        neighbor('2001:db8::5', { password: 'six' }),
      ],
      [range('10.0.0.0/24', 'range'), range('10.9.0.0/16')],
    );
    expect([...needs.md5]).toEqual([
      ['10.0.0.0/24', 'range'],
      ['10.0.0.5', 'own'],
      ['2001:db8::5', 'six'],
    ]);
    expect(needs.gtsm).toBe(false);
  });

  it('an IPv4 listener takes no IPv6 key (the kernel refuses one on an IPv4 socket)', () => {
    const needs = listenerNeeds(
      '0.0.0.0',
      [
        neighbor('2001:db8::5', { password: 'six' }),
        neighbor('10.0.0.5', { password: 'four', ttlSecurity: 1 }),
      ],
      [range('2001:db8::/64', 'range6')],
    );
    expect([...needs.md5]).toEqual([['10.0.0.5', 'four']]);
    expect(needs.gtsm).toBe(true);
  });
});
