// Neighbors given by interface (BGP unnumbered) in the config file, and link-local addresses with
// the zones Linux interface names have ('-', '.', '_'), which ipaddr.js alone refuses.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { redactConfig } from '../../src/config/redact-config.js';
import { canonicalAddress, isZonedIpAddress } from '../../src/wire/index.js';
import { configProblems } from '../helpers/config-problems.js';

const problems = (yaml: string): string[] => configProblems(() => parseConfig(yaml));

describe('interface neighbors', () => {
  it('are kept apart from addressed ones, with both unicast families by default', () => {
    const c = parseConfig(
      'asn: 65001\nneighbors:\n  - { address: 10.0.0.2, peerAsn: 65002 }\n  - { interface: eth0.100, peerAsn: external, password: s3cret }\n',
    );
    expect(c.neighbors.map((n) => n.address)).toEqual(['10.0.0.2']);
    expect(c.interfaceNeighbors).toHaveLength(1);
    expect(c.interfaceNeighbors[0]).toMatchObject({
      interface: 'eth0.100',
      peerAsn: 'external',
      families: ['ipv4-unicast', 'ipv6-unicast'],
      holdTime: 90,
    });
    expect('address' in c.interfaceNeighbors[0]).toBe(false);
    expect(redactConfig(c).interfaceNeighbors[0].password).toBe('<redacted>');
  });

  it('need exactly one of address and interface', () => {
    expect(problems('asn: 1\nneighbors:\n  - { address: 10.0.0.2, interface: eth0, peerAsn: 2 }\n')).toEqual([
      'neighbors[0]: give exactly one of address and interface',
    ]);
    expect(problems('asn: 1\nneighbors:\n  - { peerAsn: 2 }\n')).toEqual([
      'neighbors[0]: give exactly one of address and interface',
    ]);
  });

  it('refuse what is not an interface name, and settings that name an address or a distance', () => {
    expect(problems('asn: 1\nneighbors:\n  - { interface: "eth/0", peerAsn: 2 }\n')).toEqual([
      'neighbors[0].interface: "eth/0" is not a Linux interface name',
    ]);
    expect(problems('asn: 1\nneighbors:\n  - { interface: sixteen-chars-xx, peerAsn: 2 }\n')).toEqual([
      'neighbors[0].interface: "sixteen-chars-xx" is not a Linux interface name',
    ]);
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { interface: eth0, peerAsn: 2, localAddress: 10.0.0.1, ebgpMultihop: 2 }\n',
      ),
    ).toEqual([
      'neighbors[0].localAddress: does not apply to an interface neighbor (its session is link-local)',
      'neighbors[0].ebgpMultihop: does not apply to an interface neighbor (its session is link-local)',
    ]);
  });

  it('name each link once; problems name the entry by its place in the file', () => {
    expect(
      problems(
        'asn: 1\nneighbors:\n  - { interface: eth0, peerAsn: 2 }\n  - { address: 10.0.0.2, peerAsn: 2, addPathSendMax: 2 }\n  - { interface: eth0, peerAsn: 3 }\n',
      ),
    ).toEqual([
      'neighbors[1].addPathSendMax: needs addPath: send or both',
      'neighbors[2].interface: duplicate neighbor on interface eth0',
    ]);
  });
});

describe('zoned addresses', () => {
  it('take any Linux interface name as the zone, IPv6 only', () => {
    expect(isZonedIpAddress('fe80::1%br-lan')).toBe(true);
    expect(isZonedIpAddress('fe80::1%eth0.100')).toBe(true);
    expect(isZonedIpAddress('fe80::1%')).toBe(false);
    expect(isZonedIpAddress('fe80::1%a/b')).toBe(false);
    expect(isZonedIpAddress('10.0.0.1%eth0')).toBe(false);
    expect(isZonedIpAddress('fe80::zz%eth0')).toBe(false);
    expect(canonicalAddress('FE80:0::1%br-lan')).toBe('fe80::1%br-lan');
    expect(canonicalAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });

  it('are accepted as a neighbor address', () => {
    const c = parseConfig('asn: 1\nneighbors:\n  - { address: "fe80::2%veth-a", peerAsn: 2 }\n');
    expect(c.neighbors[0].address).toBe('fe80::2%veth-a');
  });
});
