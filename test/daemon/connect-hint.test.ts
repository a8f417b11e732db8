// A failed connect says what the neighbor's config makes of it (issue 22): a timeout with an MD5
// password set is "no MD5 answer" (RFC 2385 drops bad signatures without a word), and an eBGP peer
// off every connected subnet without ebgpMultihop gets our TTL-1 SYN killed at the first router.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { explainConnectError } from '../../src/daemon/connect-hint.js';
import type { Interfaces } from '../../src/daemon/multihop-hint.js';

const interfaces: Interfaces = {
  eth0: [
    {
      address: '10.0.0.5',
      cidr: '10.0.0.5/24',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:00',
      internal: false,
    },
  ],
};
const [connectedMd5, remote, remoteMultihop, connected] = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.1\nneighbors:\n' +
    '  - { address: 10.0.0.1, peerAsn: 65001, password: s3cret }\n' +
    '  - { address: 10.9.9.9, peerAsn: 65002 }\n' +
    '  - { address: 10.9.9.8, peerAsn: 65003, ebgpMultihop: 2, password: s3cret }\n' +
    '  - { address: 10.0.0.2, peerAsn: 65004 }\n',
).neighbors;

const failure = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const hintOf = (code: string, n: typeof remote) =>
  (explainConnectError(failure(code), n, 64512, interfaces) as { hint?: string }).hint;

describe('connect error hints', () => {
  it('a timeout with a password set: no MD5 answer', () => {
    expect(hintOf('ETIMEDOUT', connectedMd5)).toMatch(/^no MD5 answer: .*password/);
    expect(hintOf('ETIMEDOUT', remoteMultihop)).toMatch(/^no MD5 answer/);
    expect(hintOf('ECONNREFUSED', connectedMd5)).toBeUndefined();
  });

  it('EHOSTUNREACH or a timeout to an eBGP peer off every connected subnet: set ebgpMultihop', () => {
    expect(hintOf('EHOSTUNREACH', remote)).toMatch(/10\.9\.9\.9 is not on a connected subnet.*ebgpMultihop/);
    expect(hintOf('ETIMEDOUT', remote)).toMatch(/not on a connected subnet/);
    expect(hintOf('EHOSTUNREACH', remoteMultihop)).toBeUndefined();
  });

  it('says nothing when the config explains nothing, and keeps the code', () => {
    expect(hintOf('EHOSTUNREACH', connected)).toBeUndefined();
    expect(hintOf('ETIMEDOUT', connected)).toBeUndefined();
    const e = explainConnectError(failure('ETIMEDOUT'), connectedMd5, 64512, interfaces);
    expect(e).toMatchObject({ code: 'ETIMEDOUT' });
  });
});
