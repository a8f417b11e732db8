// The FRRConfiguration reader: FRR-K8s's documented examples read unchanged, defaults as FRR-K8s
// has them, and every invalid or unsupported field rejected with the resource and field named.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFrrConfiguration } from '../../../src/k8s/frrk8s/read-frr-configuration.js';
import { ResourceError } from '../../../src/k8s/resource-error.js';

/** An FRRConfiguration as kubectl would apply it, spec given as YAML. */
function config(specYaml: string, name = 'test') {
  return {
    apiVersion: 'frrk8s.metallb.io/v1beta1',
    kind: 'FRRConfiguration',
    metadata: { name, namespace: 'frr-k8s-system', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: parse(specYaml),
  };
}

function rejects(specYaml: string): string {
  try {
    readFrrConfiguration(config(specYaml));
  } catch (e) {
    expect(e).toBeInstanceOf(ResourceError);
    return (e as Error).message;
  }
  throw new Error('expected a ResourceError');
}

describe('readFrrConfiguration', () => {
  it('reads the README example with two neighbors (ports, ebgpMultiHop)', () => {
    const c = readFrrConfiguration(
      config(`
bgp:
  routers:
  - asn: 64512
    neighbors:
    - address: 172.30.0.3
      asn: 4200000000
      ebgpMultiHop: true
      port: 180
    - address: 172.18.0.6
      asn: 4200000000
      port: 179
`),
    );
    expect(c).toMatchObject({ name: 'test', namespace: 'frr-k8s-system', createdAt: '2026-01-01T00:00:00Z' });
    expect(c.nodeSelector.requirements).toEqual([]);
    expect(c.routers).toHaveLength(1);
    const [r] = c.routers;
    expect(r).toMatchObject({ asn: 64512, vrf: '', prefixes: [] });
    expect(r.neighbors[0]).toMatchObject({
      address: '172.30.0.3',
      asn: 4200000000,
      port: 180,
      ebgpMultiHop: true,
    });
    expect(r.neighbors[1]).toMatchObject({ address: '172.18.0.6', port: 179, ebgpMultiHop: false });
    // Nothing advertised or received unless asked (FRR-K8s's default).
    expect(r.neighbors[0].toAdvertise).toEqual({
      mode: 'filtered',
      prefixes: [],
      localPref: {},
      communities: {},
    });
    expect(r.neighbors[0].toReceive).toEqual({ mode: 'filtered', prefixes: [] });
  });

  it('reads toAdvertise as a subset or mode all of the router prefixes, with localPref and communities', () => {
    const subset = readFrrConfiguration(
      config(`
bgp:
  routers:
  - asn: 64512
    neighbors:
    - address: 172.30.0.3
      asn: 4200000000
      toAdvertise:
        allowed:
          prefixes:
          - 192.168.2.0/24
        withLocalPref:
        - localPref: 200
          prefixes: [192.168.2.0/24]
        withCommunity:
        - community: "10:100"
          prefixes: [192.168.2.0/24]
        - community: large:123:456:7890
          prefixes: [192.168.2.0/24]
    prefixes:
      - 192.168.2.0/24
      - 192.169.2.0/24
`),
    );
    expect(subset.routers[0].neighbors[0].toAdvertise).toEqual({
      mode: 'filtered',
      prefixes: ['192.168.2.0/24'],
      localPref: { '192.168.2.0/24': 200 },
      communities: { '192.168.2.0/24': ['10:100', '123:456:7890'] },
    });
    const all = readFrrConfiguration(
      config(`
bgp:
  routers:
  - asn: 64512
    neighbors:
    - address: 172.30.0.3
      asn: 4200000000
      toAdvertise:
        allowed:
          mode: all
    prefixes: [192.168.2.0/24, 192.169.2.0/24]
`),
    );
    expect(all.routers[0].neighbors[0].toAdvertise.prefixes).toEqual(['192.168.2.0/24', '192.169.2.0/24']);
    expect(all.routers[0].neighbors[0].toAdvertise.mode).toBe('all');
  });

  it('reads toReceive selectors with ge/le, and mode all', () => {
    const c = readFrrConfiguration(
      config(`
bgp:
  routers:
  - asn: 64512
    neighbors:
    - address: 172.18.0.5
      asn: 64512
      port: 179
      toReceive:
        allowed:
          prefixes:
          - prefix: 192.168.1.0/24
          - prefix: 192.169.2.0/24
            ge: 25
            le: 28
    - address: 172.18.0.6
      asn: 64512
      toReceive:
        allowed:
          mode: all
`),
    );
    expect(c.routers[0].neighbors[0].toReceive).toEqual({
      mode: 'filtered',
      prefixes: [{ prefix: '192.168.1.0/24' }, { prefix: '192.169.2.0/24', ge: 25, le: 28 }],
    });
    expect(c.routers[0].neighbors[1].toReceive).toEqual({ mode: 'all', prefixes: [] });
  });

  it('reads the remaining neighbor fields, VRF, router id, BFD profiles and the node selector', () => {
    const c = readFrrConfiguration(
      config(`
nodeSelector:
  matchLabels:
    kubernetes.io/hostname: kind-worker
bgp:
  bfdProfiles:
  - name: defaultprofile
    receiveInterval: 280
    transmitInterval: 270
    detectMultiplier: 3
  routers:
  - asn: 64512
    id: 10.0.0.1
    vrf: red
    neighbors:
    - address: "2001:db8::1"
      dynamicASN: external
      sourceaddress: "2001:db8::2"
      password: secret
      holdTime: 90s
      keepaliveTime: 30s
      connectTime: 5s
      bfdProfile: defaultprofile
      enableGracefulRestart: true
      dualStackAddressFamily: true
      localASN: 65000
    - address: 10.1.1.1
      asn: 64513
      passwordSecret:
        name: bgp-pass
        namespace: frr-k8s-system
`),
    );
    expect(c.nodeSelector.requirements).toEqual([
      { key: 'kubernetes.io/hostname', operator: 'In', values: ['kind-worker'] },
    ]);
    expect(c.bfdProfiles).toEqual([
      expect.objectContaining({ name: 'defaultprofile', receiveInterval: 280, detectMultiplier: 3 }),
    ]);
    expect(c.routers[0]).toMatchObject({ id: '10.0.0.1', vrf: 'red' });
    expect(c.routers[0].neighbors[0]).toMatchObject({
      address: '2001:db8::1',
      dynamicASN: 'external',
      sourceAddress: '2001:db8::2',
      password: 'secret',
      holdTime: 90,
      keepaliveTime: 30,
      connectTime: 5,
      bfdProfile: 'defaultprofile',
      enableGracefulRestart: true,
      dualStackAddressFamily: true,
      localASN: 65000,
    });
    expect(c.routers[0].neighbors[1].passwordSecret).toEqual({
      name: 'bgp-pass',
      namespace: 'frr-k8s-system',
    });
  });

  it('reports spec.raw as unsupported instead of ignoring it', () => {
    const message = rejects(`
raw:
  priority: 5
  rawConfig: |-
    router bgp 64512
      neighbor 172.18.0.5 remote-as 4200000000
`);
    expect(message).toBe(
      'FRRConfiguration frr-k8s-system/test: spec.raw: raw FRR configuration is not supported by Herald; the configuration is left out',
    );
  });

  it.each([
    ['no asn on the router', 'bgp: {routers: [{neighbors: []}]}', 'spec.bgp.routers[0].asn: is required'],
    [
      'a zero router id',
      'bgp: {routers: [{asn: 1, id: 0.0.0.0, neighbors: []}]}',
      'spec.bgp.routers[0].id: must not be 0.0.0.0',
    ],
    [
      'address and interface',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, interface: eth0, asn: 2}]}]}',
      'spec.bgp.routers[0].neighbors[0].interface: not allowed together with address',
    ],
    [
      'neither asn nor dynamicASN',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1}]}]}',
      'neighbors[0].asn: asn or dynamicASN is required',
    ],
    [
      'a bad dynamicASN',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, dynamicASN: both}]}]}',
      'neighbors[0].dynamicASN: must be "internal" or "external", got "both"',
    ],
    [
      'a hold time without keepalive',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, holdTime: 90s}]}]}',
      'neighbors[0].keepaliveTime: holdTime and keepaliveTime must be set together',
    ],
    [
      'a hold time of 2s',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, holdTime: 2s, keepaliveTime: 1s}]}]}',
      'neighbors[0].holdTime: must be 0 or at least 3s',
    ],
    [
      'a port above 16384',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, port: 20000}]}]}',
      'neighbors[0].port: must be an integer 0..16384, got 20000',
    ],
    [
      'a missing BFD profile',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, bfdProfile: fast}]}]}',
      'neighbors[0].bfdProfile: no bfdProfiles entry named "fast" in this configuration',
    ],
    [
      'advertising a prefix the router does not declare',
      'bgp: {routers: [{asn: 1, prefixes: [192.0.2.0/24], neighbors: [{address: 10.0.0.1, asn: 2, toAdvertise: {allowed: {prefixes: [198.51.100.0/24]}}}]}]}',
      "toAdvertise.allowed.prefixes[0]: 198.51.100.0/24 is not one of the router's prefixes (a configuration is self-contained)",
    ],
    [
      'a local preference for a prefix not advertised',
      'bgp: {routers: [{asn: 1, prefixes: [192.0.2.0/24], neighbors: [{address: 10.0.0.1, asn: 2, toAdvertise: {withLocalPref: [{localPref: 5, prefixes: [192.0.2.0/24]}]}}]}]}',
      'toAdvertise.withLocalPref[0].prefixes[0]: 192.0.2.0/24 is not advertised to this neighbor',
    ],
    [
      'two local preferences for one prefix',
      'bgp: {routers: [{asn: 1, prefixes: [192.0.2.0/24], neighbors: [{address: 10.0.0.1, asn: 2, toAdvertise: {allowed: {mode: all}, withLocalPref: [{localPref: 5, prefixes: [192.0.2.0/24]}, {localPref: 6, prefixes: [192.0.2.0/24]}]}}]}]}',
      'withLocalPref[1].prefixes[0]: 192.0.2.0/24 has both local preference 5 and 6',
    ],
    [
      'a bad community',
      'bgp: {routers: [{asn: 1, prefixes: [192.0.2.0/24], neighbors: [{address: 10.0.0.1, asn: 2, toAdvertise: {allowed: {mode: all}, withCommunity: [{community: gold, prefixes: [192.0.2.0/24]}]}}]}]}',
      'withCommunity[0].community: "gold" is not a community',
    ],
    [
      'a selector with ge above le',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, toReceive: {allowed: {prefixes: [{prefix: 10.0.0.0/8, ge: 26, le: 24}]}}}]}]}',
      'toReceive.allowed.prefixes[0].ge: 26 is bigger than le 24',
    ],
    [
      'a selector with le below the mask',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, toReceive: {allowed: {prefixes: [{prefix: 10.0.0.0/16, le: 8}]}}}]}]}',
      'toReceive.allowed.prefixes[0].le: must not be below the prefix length 16',
    ],
    [
      'a prefix with host bits',
      'bgp: {routers: [{asn: 1, prefixes: [192.0.2.1/24]}]}',
      'spec.bgp.routers[0].prefixes[0]: host bits set in "192.0.2.1/24" (did you mean 192.0.2.0/24?)',
    ],
    [
      'a bad mode',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, toAdvertise: {allowed: {mode: some}}}]}]}',
      'toAdvertise.allowed.mode: must be "all" or "filtered", got "some"',
    ],
    [
      'localASN on iBGP',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 1, localASN: 5}]}]}',
      'neighbors[0].localASN: not allowed for an iBGP neighbor',
    ],
    [
      'duplicate BFD profiles',
      'bgp: {bfdProfiles: [{name: a}, {name: a}]}',
      'spec.bgp.bfdProfiles[1].name: duplicate bfd profile name "a"',
    ],
    [
      'EVPN',
      'bgp: {routers: [{asn: 1, evpn: {advertiseVNIs: All}}]}',
      'spec.bgp.routers[0].evpn: EVPN is not supported',
    ],
    [
      'VRF imports',
      'bgp: {routers: [{asn: 1, imports: [{vrf: red}]}]}',
      'spec.bgp.routers[0].imports: importing routes from another VRF is not supported',
    ],
    [
      'a next hop per neighbor',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, toAdvertise: {nextHop: {ipv4: 10.0.0.9}}}]}]}',
      'toAdvertise.nextHop: a next hop per neighbor is not supported',
    ],
    [
      'an interface as source address',
      'bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, sourceaddress: eth0}]}]}',
      'sourceaddress: "eth0": an interface name is not supported, give an IP address',
    ],
    [
      'a TCP MD5 key Linux cannot take',
      `bgp: {routers: [{asn: 1, neighbors: [{address: 10.0.0.1, asn: 2, password: ${'k'.repeat(81)}}]}]}`,
      'neighbors[0].password: a TCP MD5 key is at most 80 octets (Linux TCP_MD5SIG_MAXKEYLEN); this one has 81',
    ],
  ])('rejects %s', (_what, spec, expected) => {
    expect(rejects(spec)).toContain(expected);
  });
});
