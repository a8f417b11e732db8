// The readers of MetalLB resources: values and defaults as MetalLB reads them, and every invalid
// resource rejected with an error naming the resource and the field (never a crash).
import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/k8s/cluster-view.js';
import { parseDuration } from '../../src/k8s/duration.js';
import { readBfdProfile } from '../../src/k8s/read-bfd-profile.js';
import { readBgpAdvertisement } from '../../src/k8s/read-bgp-advertisement.js';
import { readBgpPeer } from '../../src/k8s/read-bgp-peer.js';
import { readCommunity } from '../../src/k8s/read-community.js';
import { readEndpointSlice, readNode, readSecret, readService } from '../../src/k8s/read-core.js';
import { readIpAddressPool } from '../../src/k8s/read-ip-address-pool.js';
import { ResourceError } from '../../src/k8s/resource-error.js';
import {
  advertisement,
  bfdProfile,
  community,
  groupByKind,
  node,
  peer,
  pool,
  secret,
  service,
  slice,
} from './resources.js';

const basePeer = { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' };

describe('readBgpPeer', () => {
  it('reads every field with MetalLB defaults', () => {
    const minimal = readBgpPeer(peer('tor', basePeer));
    expect(minimal.holdTime).toBeUndefined();
    expect(minimal.keepaliveTime).toBeUndefined();
    expect(minimal).toMatchObject({
      name: 'tor',
      namespace: 'metallb-system',
      myASN: 64512,
      peerASN: 64513,
      peerAddress: '192.0.2.1',
      peerPort: 179,
      ebgpMultiHop: false,
      enableGracefulRestart: false,
      dualStackAddressFamily: false,
      nodeSelectors: [],
    });
    const full = readBgpPeer(
      peer('tor', {
        ...basePeer,
        sourceAddress: '192.0.2.10',
        peerPort: 1179,
        holdTime: '1m30s',
        keepaliveTime: '30s',
        connectTime: '5s',
        routerID: '10.0.0.1',
        password: 'sekret',
        bfdProfile: 'fast',
        ebgpMultiHop: true,
        enableGracefulRestart: true,
        vrf: 'red',
        dualStackAddressFamily: true,
        nodeSelectors: [{ matchLabels: { rack: 'r1' } }],
      }),
    );
    expect(full).toMatchObject({
      sourceAddress: '192.0.2.10',
      peerPort: 1179,
      holdTime: 90,
      keepaliveTime: 30,
      connectTime: 5,
      routerID: '10.0.0.1',
      password: 'sekret',
      bfdProfile: 'fast',
      ebgpMultiHop: true,
      enableGracefulRestart: true,
      vrf: 'red',
      dualStackAddressFamily: true,
      nodeSelectors: [{ requirements: [{ key: 'rack', operator: 'In', values: ['r1'] }] }],
    });
  });

  it.each([
    ['holdTime only', { holdTime: '90s' }, { holdTime: 90, keepaliveTime: 30 }],
    ['keepaliveTime only', { keepaliveTime: '10s' }, { holdTime: 30, keepaliveTime: 10 }],
    ['zero hold time', { holdTime: '0s', keepaliveTime: '0s' }, { holdTime: 0, keepaliveTime: 0 }],
    [
      'dynamicASN instead of peerASN',
      { peerASN: undefined, dynamicASN: 'external' },
      { dynamicASN: 'external' },
    ],
  ])('derives timers and ASNs as MetalLB does: %s', (_name, extra, expected) => {
    expect(readBgpPeer(peer('p', { ...basePeer, ...extra }))).toMatchObject(expected);
  });

  it.each([
    ['no myASN', { myASN: undefined }, 'spec.myASN: is required'],
    ['no peer ASN', { peerASN: undefined }, 'spec.peerASN: peerASN or dynamicASN is required'],
    ['both ASNs', { dynamicASN: 'internal' }, 'spec.dynamicASN: not allowed together with peerASN'],
    [
      'bad dynamicASN',
      { peerASN: undefined, dynamicASN: 'maybe' },
      'spec.dynamicASN: must be "internal" or "external"',
    ],
    [
      'multihop iBGP',
      { peerASN: 64512, ebgpMultiHop: true },
      'spec.ebgpMultiHop: not allowed for an iBGP peer',
    ],
    ['localASN on iBGP', { peerASN: 64512, localASN: 65100 }, 'spec.localASN: not allowed for an iBGP peer'],
    ['no address', { peerAddress: undefined }, 'spec.peerAddress: peerAddress or interface is required'],
    ['address and interface', { interface: 'eth1' }, 'spec.interface: not allowed together with peerAddress'],
    ['bad address', { peerAddress: '192.0.2' }, 'spec.peerAddress: must be an IP address, got "192.0.2"'],
    ['IPv6 router id', { routerID: '2001:db8::1' }, 'spec.routerID: must be an IPv4 address'],
    ['zero router id', { routerID: '0.0.0.0' }, 'spec.routerID: must not be 0.0.0.0'],
    ['hold time 2s', { holdTime: '2s' }, 'spec.holdTime: must be 0 or at least 3s, got 2s'],
    [
      'keepalive above hold',
      { holdTime: '9s', keepaliveTime: '10s' },
      'spec.keepaliveTime: must not exceed holdTime',
    ],
    ['bad duration', { holdTime: 'ninety' }, 'spec.holdTime: must be a duration such as "90s"'],
    [
      'connectTime 0.5s',
      { connectTime: '500ms' },
      'spec.connectTime: must be a whole number of seconds 1..65535',
    ],
    ['port too high', { peerPort: 20000 }, 'spec.peerPort: must be an integer 1..16384, got 20000'],
    ['port as text', { peerPort: '179' }, 'spec.peerPort: must be an integer 1..16384, got "179"'],
    [
      'password and secret',
      { password: 'a', passwordSecret: { name: 's' } },
      'spec.passwordSecret: not allowed together with password',
    ],
    [
      'a TCP MD5 key Linux cannot take',
      { password: 'k'.repeat(81) },
      'spec.password: a TCP MD5 key is at most 80 octets (Linux TCP_MD5SIG_MAXKEYLEN); this one has 81',
    ],
    [
      'duplicate node selectors',
      { nodeSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] },
      'spec.nodeSelectors[1]: duplicate selector',
    ],
    [
      'bad selector operator',
      { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }] },
      'spec.nodeSelectors[0].matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist',
    ],
    [
      'In without values',
      { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] },
      'spec.nodeSelectors[0].matchExpressions[0].values: must not be empty for In',
    ],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => readBgpPeer(peer('tor', { ...basePeer, ...extra }))).toThrow(
      `BGPPeer metallb-system/tor: ${message}`,
    );
  });

  it('throws ResourceError carrying resource and field', () => {
    try {
      readBgpPeer(peer('tor', { ...basePeer, holdTime: '1s' }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ResourceError);
      expect(e).toMatchObject({ resource: 'BGPPeer metallb-system/tor', field: 'spec.holdTime' });
    }
  });
});

describe('readIpAddressPool', () => {
  it('reads CIDRs and ranges, autoAssign defaulting to true', () => {
    const p = readIpAddressPool(
      pool('p', { addresses: ['192.0.2.0/24', '198.51.100.10 - 198.51.100.13', '2001:db8::/120'] }),
    );
    expect(p.autoAssign).toBe(true);
    expect(p.avoidBuggyIPs).toBe(false);
    expect(p.addresses.map((a) => a.cidrs.map((c) => c.length))).toEqual([[24], [31, 31], [120]]);
    expect(p.serviceAllocation).toBeUndefined();
  });

  it('reads serviceAllocation', () => {
    const p = readIpAddressPool(
      pool('p', {
        addresses: ['192.0.2.0/24'],
        autoAssign: false,
        avoidBuggyIPs: true,
        serviceAllocation: {
          priority: 10,
          namespaces: ['a', 'b'],
          namespaceSelectors: [{ matchLabels: { team: 'x' } }],
          serviceSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }],
        },
      }),
    );
    expect(p).toMatchObject({ autoAssign: false, avoidBuggyIPs: true });
    expect(p.serviceAllocation).toMatchObject({ priority: 10, namespaces: ['a', 'b'] });
    expect(p.serviceAllocation?.serviceSelectors).toEqual([
      { requirements: [{ key: 'tier', operator: 'Exists', values: [] }] },
    ]);
  });

  it.each([
    ['no addresses', { addresses: [] }, 'spec.addresses: must hold at least one CIDR or range'],
    ['bad CIDR', { addresses: ['192.0.2.0/33'] }, 'spec.addresses[0]: invalid CIDR "192.0.2.0/33"'],
    ['reversed range', { addresses: ['10.0.0.9-10.0.0.1'] }, 'start IP is after the end IP'],
    ['mixed range', { addresses: ['10.0.0.1-2001:db8::1'] }, 'start and end are of different families'],
    ['addresses not a list', { addresses: '10.0.0.0/8' }, 'spec.addresses: must be a list, got "10.0.0.0/8"'],
    [
      'duplicate namespaces',
      { addresses: ['10.0.0.0/8'], serviceAllocation: { namespaces: ['a', 'a'] } },
      'spec.serviceAllocation.namespaces: duplicate value "a"',
    ],
  ])('rejects %s', (_name, spec, message) => {
    expect(() => readIpAddressPool(pool('p', spec))).toThrow(message);
  });
});

describe('readBgpAdvertisement', () => {
  it('defaults to host routes to every peer', () => {
    expect(readBgpAdvertisement(advertisement('a'))).toMatchObject({
      aggregationLength: 32,
      aggregationLengthV6: 128,
      localPref: 0,
      communities: [],
      peers: [],
      ipAddressPools: [],
    });
  });

  it.each([
    ['aggregation 33', { aggregationLength: 33 }, 'spec.aggregationLength: must be an integer 0..32, got 33'],
    ['duplicate pool', { ipAddressPools: ['a', 'a'] }, 'spec.ipAddressPools: duplicate value "a"'],
    ['duplicate peer', { peers: ['p', 'p'] }, 'spec.peers: duplicate value "p"'],
    [
      'service selector with aggregation',
      { aggregationLength: 24, serviceSelectors: [{ matchLabels: { a: 'b' } }] },
      'spec.aggregationLength: serviceSelectors and aggregationLength are mutually exclusive',
    ],
    ['negative local pref', { localPref: -1 }, 'spec.localPref: must be an integer 0..4294967295'],
  ])('rejects %s', (_name, spec, message) => {
    expect(() => readBgpAdvertisement(advertisement('a', spec))).toThrow(
      `BGPAdvertisement metallb-system/a: ${message}`,
    );
  });
});

describe('readCommunity and readBfdProfile', () => {
  it('reads aliases of standard and large communities', () => {
    const c = readCommunity(
      community('c', [
        { name: 'no-advertise', value: '65535:65282' },
        { name: 'big', value: 'large:4200000000:1:2' },
      ]),
    );
    expect(c.aliases).toEqual([
      { name: 'no-advertise', value: { kind: 'standard', text: '65535:65282' } },
      { name: 'big', value: { kind: 'large', text: '4200000000:1:2' } },
    ]);
  });

  it.each([
    ['64512-64534', 'must be "a:b" or "large:a:b:c", got "64512-64534"'],
    ['65536:1', 'each half must be 0..65535'],
    ['big:1:2:3', 'expected large:<uint32>:<uint32>:<uint32>'],
  ])('rejects community value %s', (value, message) => {
    expect(() => readCommunity(community('c', [{ name: 'x', value }]))).toThrow(
      'Community metallb-system/c: spec.communities[0].value: ',
    );
    expect(() => readCommunity(community('c', [{ name: 'x', value }]))).toThrow(message);
  });

  it('reads a BFD profile within MetalLB ranges', () => {
    expect(
      readBfdProfile(bfdProfile('fast', { receiveInterval: 100, detectMultiplier: 3, echoMode: true })),
    ).toMatchObject({
      receiveInterval: 100,
      detectMultiplier: 3,
      echoMode: true,
      passiveMode: false,
    });
    expect(() => readBfdProfile(bfdProfile('fast', { detectMultiplier: 1 }))).toThrow(
      'BFDProfile metallb-system/fast: spec.detectMultiplier: must be an integer 2..255, got 1',
    );
  });
});

describe('core readers', () => {
  it('reads a Service with the MetalLB annotations (old names as fallback)', () => {
    const s = readService(
      service('web', {
        ips: ['192.0.2.1', '2001:db8::1'],
        policy: 'Local',
        loadBalancerClass: 'herald',
        annotations: {
          'metallb.io/loadBalancerIPs': '192.0.2.1, 2001:db8::1',
          'metallb.universe.tf/address-pool': 'old',
          'metallb.io/allow-shared-ip': 'key1',
        },
      }),
    );
    expect(s).toMatchObject({
      namespace: 'default',
      name: 'web',
      type: 'LoadBalancer',
      loadBalancerClass: 'herald',
      externalTrafficPolicy: 'Local',
      ingressIps: ['192.0.2.1', '2001:db8::1'],
      requestedIps: ['192.0.2.1', '2001:db8::1'],
      addressPool: 'old',
      allowSharedIp: 'key1',
    });
    expect(() => readService({ ...service('x'), spec: { externalTrafficPolicy: 'Sometimes' } })).toThrow(
      'Service default/x: spec.externalTrafficPolicy: must be Cluster or Local, got "Sometimes"',
    );
  });

  it('takes the deprecated spec.loadBalancerIP as the requested IP unless the annotation names some', () => {
    const legacy = service('web');
    const withIp = { ...legacy, spec: { ...legacy.spec, loadBalancerIP: '192.0.2.7' } };
    expect(readService(withIp).requestedIps).toEqual(['192.0.2.7']);
    const annotated = service('web', { annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.8' } });
    expect(
      readService({ ...annotated, spec: { ...annotated.spec, loadBalancerIP: '192.0.2.7' } }).requestedIps,
    ).toEqual(['192.0.2.8']);
    expect(readService(legacy).requestedIps).toEqual([]);
  });

  it('reads EndpointSlices, Nodes and basic-auth Secrets', () => {
    expect(
      readEndpointSlice(slice('web', [{ node: 'n1', ready: false, serving: true, terminating: true }])),
    ).toEqual({
      namespace: 'default',
      name: 'web-x1',
      serviceName: 'web',
      endpoints: [
        { addresses: ['10.244.0.10'], ready: false, serving: true, terminating: true, nodeName: 'n1' },
      ],
    });
    expect(readNode(node('n1', { networkUnavailable: true }))).toMatchObject({
      name: 'n1',
      networkUnavailable: true,
      addresses: [{ type: 'InternalIP', address: '192.0.2.10' }],
    });
    expect(readSecret(secret('s', 'kubernetes.io/basic-auth', { password: 'pw' })).data).toEqual({
      password: 'pw',
    });
  });

  it('names the resource when it is not even an object or has no name', () => {
    expect(() => readNode('text')).toThrow('Node (unnamed): must be an object, got "text"');
    expect(() => readNode({ metadata: {} })).toThrow('Node (unnamed): metadata.name: is required');
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['1m30s', 90],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['0', 0],
    ['', undefined],
    ['5', undefined],
    ['1d', undefined],
  ])('%s → %s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('buildClusterView: rules across resources', () => {
  const raw = (objects: unknown[]) => buildClusterView(groupByKind(objects));

  it('keeps the first of two overlapping pools and reports the other', () => {
    const v = raw([
      pool('a', { addresses: ['10.0.0.0/24'] }),
      pool('b', { addresses: ['10.0.0.128-10.0.1.5'] }),
    ]);
    expect(v.pools.map((p) => p.name)).toEqual(['a']);
    expect(v.problems).toEqual([
      expect.objectContaining({ resource: 'IPAddressPool metallb-system/b', field: 'spec.addresses' }),
    ]);
    expect(v.problems[0].message).toContain('overlaps pool "a"');
  });

  it('resolves community aliases and reports unknown ones', () => {
    const v = raw([
      pool('p', { addresses: ['10.0.0.0/24'] }),
      community('c', [{ name: 'no-advertise', value: '65535:65282' }]),
      advertisement('ok', { communities: ['no-advertise', '64512:1', 'large:1:2:3'] }),
      advertisement('bad', { communities: ['unknown-alias'] }),
    ]);
    expect(v.advertisements.map((a) => [a.name, a.standardCommunities, a.largeCommunities, a.pools])).toEqual(
      [['ok', ['65535:65282', '64512:1'], ['1:2:3'], ['p']]],
    );
    expect(v.problems.map((p) => p.message)).toEqual([
      'BGPAdvertisement metallb-system/bad: spec.communities[0]: "unknown-alias" is neither a community value nor a Community alias',
    ]);
  });

  it('rejects an aggregation length shorter than a pool prefix (for the family concerned)', () => {
    const v = raw([
      pool('v4', { addresses: ['10.0.0.0/24'] }),
      pool('v6', { addresses: ['2001:db8::/64'] }),
      advertisement('agg16', { aggregationLength: 16, ipAddressPools: ['v4'] }),
      advertisement('agg24', { aggregationLength: 24, aggregationLengthV6: 64 }),
    ]);
    expect(v.advertisements.map((a) => a.name)).toEqual(['agg24']);
    expect(v.problems[0].message).toBe(
      'BGPAdvertisement metallb-system/agg16: spec: aggregationLength 16 is shorter than /24 of "10.0.0.0/24" in pool "v4"',
    );
  });

  it('selects pools by name or label selector', () => {
    const v = raw([
      pool('a', { addresses: ['10.0.0.0/24'] }, { zone: 'east' }),
      pool('b', { addresses: ['10.0.1.0/24'] }, { zone: 'west' }),
      pool('c', { addresses: ['10.0.2.0/24'] }),
      advertisement('sel', {
        ipAddressPoolSelectors: [{ matchLabels: { zone: 'west' } }],
        ipAddressPools: ['c'],
      }),
    ]);
    expect(v.advertisements[0].pools).toEqual(['b', 'c']);
  });

  it('reads a peer password from its basic-auth Secret and rejects other secrets', () => {
    const v = raw([
      peer('good', { ...basePeer, passwordSecret: { name: 'pw' } }),
      peer('wrong-type', { ...basePeer, peerAddress: '192.0.2.2', passwordSecret: { name: 'opaque' } }),
      peer('missing', { ...basePeer, peerAddress: '192.0.2.3', passwordSecret: { name: 'nope' } }),
      peer('no-bfd', { ...basePeer, peerAddress: '192.0.2.4', bfdProfile: 'fast' }),
      peer('long', { ...basePeer, peerAddress: '192.0.2.5', passwordSecret: { name: 'long' } }),
      secret('pw', 'kubernetes.io/basic-auth', { password: 'md5-key' }),
      secret('opaque', 'Opaque', { password: 'x' }),
      secret('long', 'kubernetes.io/basic-auth', { password: 'k'.repeat(81) }),
    ]);
    expect(v.peers.map((p) => [p.name, p.resolvedPassword])).toEqual([['good', 'md5-key']]);
    expect(v.problems.map((p) => p.message)).toEqual([
      'BGPPeer metallb-system/long: spec.passwordSecret: Secret metallb-system/long: a TCP MD5 key is at most 80 octets (Linux TCP_MD5SIG_MAXKEYLEN); this one has 81',
      'BGPPeer metallb-system/missing: spec.passwordSecret: Secret metallb-system/nope not found',
      'BGPPeer metallb-system/no-bfd: spec.bfdProfile: BFDProfile "fast" does not exist',
      'BGPPeer metallb-system/wrong-type: spec.passwordSecret: Secret metallb-system/opaque must be of type kubernetes.io/basic-auth, not Opaque',
    ]);
  });

  it('never throws on garbage: every bad object becomes a problem', () => {
    const v = buildClusterView({
      ipAddressPools: [null, 42, { metadata: { name: 'x' }, spec: 'nope' }],
      bgpAdvertisements: [[]],
      bgpPeers: [{ metadata: { name: 'p' }, spec: { myASN: 'a lot' } }],
      communities: [{ metadata: { name: 'c' }, spec: { communities: [1] } }],
      bfdProfiles: [{}],
      services: [{ metadata: { name: 's', namespace: 'd' }, status: { loadBalancer: { ingress: 'x' } } }],
      endpointSlices: [{ metadata: { name: 'e' }, endpoints: [{ conditions: { ready: 'yes' } }] }],
      nodes: [{ metadata: { name: 'n', labels: { a: 1 } } }],
      secrets: [{ metadata: { name: 's' }, data: { password: '***' } }],
    });
    expect(v.problems.map((p) => p.message)).toEqual([
      'IPAddressPool (unnamed): must be an object, got null',
      'IPAddressPool (unnamed): must be an object, got 42',
      'IPAddressPool x: spec: must be an object, got "nope"',
      'Community c: spec.communities[0]: must be an object, got 1',
      'BFDProfile (unnamed): metadata.name: is required',
      'Secret s: data.password: must be base64',
      'BGPAdvertisement (unnamed): must be an object, got an array',
      'BGPPeer p: spec.myASN: must be an integer 0..4294967295, got "a lot"',
      'EndpointSlice e: endpoints[0].conditions.ready: must be true or false, got "yes"',
      'Service d/s: status.loadBalancer.ingress: must be a list, got "x"',
      'Node n: metadata.labels.a: must be a string, got 1',
    ]);
  });
});
