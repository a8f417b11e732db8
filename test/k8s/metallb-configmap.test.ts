// MetalLB's legacy ConfigMap converted into metallb.io resources (`herald import-metallb`): the
// seed deployments' ConfigMaps give the same desired state as their hand-written CRDs, the
// conversion follows the legacy defaults, and bad input fails with its path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { importMetalLb } from '../../src/cli/import-metallb.js';
import { desiredState } from '../../src/k8s/desired.js';
import { convertLegacyConfig, convertLegacyConfigText } from '../../src/k8s/metallb-configmap.js';
import { ResourceError } from '../../src/k8s/resource-error.js';
import { aliasBomb } from '../helpers/alias-bomb.js';
import { fixture, groupByKind } from './resources.js';

const fixtureText = (file: string) =>
  readFileSync(new URL(`../fixtures/k8s/${file}`, import.meta.url), 'utf8');

/** The resources `herald import-metallb` prints, parsed back as `kubectl apply` would read them. */
function imported(text: string, namespace?: string): unknown[] {
  return parseAllDocuments(importMetalLb(text, { namespace }).yaml).map((d) => d.toJS());
}

/** The seed's cluster objects (nodes, services, slices) with the MetalLB part taken from `metallb`. */
function withClusterObjects(seed: string, metallb: unknown[]) {
  const cluster = fixture(seed);
  const converted = groupByKind(metallb);
  return {
    ...cluster,
    ipAddressPools: converted.ipAddressPools,
    bgpAdvertisements: converted.bgpAdvertisements,
    bgpPeers: converted.bgpPeers,
    communities: converted.communities,
    bfdProfiles: converted.bfdProfiles,
  };
}

describe('herald import-metallb', () => {
  it('seed 002 (home lab): the imported ConfigMap announces what its hand-written CRDs announce', () => {
    const resources = imported(fixtureText('seed-002-configmap.yaml'));
    for (const nodeName of ['ubuntu-dev1', 'ubuntu-dev2']) {
      const fromCrds = desiredState(fixture('seed-002-metallb.yaml'), { nodeName });
      const fromConfigMap = desiredState(withClusterObjects('seed-002-metallb.yaml', resources), {
        nodeName,
      });
      expect(fromConfigMap.problems).toEqual([]);
      expect(fromConfigMap.announcements).toEqual(fromCrds.announcements);
      expect(fromConfigMap.announcements.map((a) => a.prefix)).toEqual([
        '192.168.0.30/32',
        '192.168.0.31/32',
      ]);
      expect(fromConfigMap.sessions).toMatchObject([
        { address: '192.168.1.2', peerAsn: 65000, localAsn: 65001, holdTime: 90, keepalive: 30 },
      ]);
    }
  });

  it('seed 000: the invalid alias value is refused with its path, as MetalLB refused it', () => {
    expect(() => imported(fixtureText('seed-000-configmap.yaml'))).toThrow(
      'ConfigMap metallb-system/config: config.bgp-communities.no-advertise: must be an "a:b" community (two numbers 0..65535), got "64512-64534"',
    );
  });

  it('seed 000 with the alias fixed: each /32 with LOCAL_PREF 100 and the community, and the /24', () => {
    const text = fixtureText('seed-000-configmap.yaml').replace(
      'no-advertise: 64512-64534',
      'no-advertise: 64512:64534',
    );
    const resources = imported(text);
    const s = desiredState(withClusterObjects('seed-000-metallb.yaml', resources), {
      nodeName: 'access-node-1',
    });
    expect(s.problems).toEqual([]);
    expect(s.announcements.map((a) => [a.prefix, a.communities, a.localPref])).toEqual([
      ['192.168.0.0/24', [], undefined],
      ['192.168.0.11/32', ['64512:64534'], 100],
    ]);
    // The switch is two hops away: MetalLB's native speaker reached it with the system's TTL.
    expect(s.sessions).toMatchObject([
      { address: '10.0.0.1', peerAsn: 65001, localAsn: 65002, ebgpMultihop: 255 },
    ]);
  });

  it("keeps the native speaker's TTL: eBGP peers multihop unless ebgp-multihop says otherwise", () => {
    const peer = (o: Record<string, unknown>) => ({ 'peer-address': '10.0.0.1', 'my-asn': 65002, ...o });
    const { resources } = convertLegacyConfig({
      peers: [
        peer({ 'peer-asn': 65001 }),
        peer({ 'peer-asn': 65002 }),
        peer({ 'peer-asn': 65001, 'ebgp-multihop': false }),
      ],
    });
    expect(resources.map((r) => r.spec.ebgpMultiHop)).toEqual([true, undefined, undefined]);
  });

  it('writes every legacy field onto its CRD field, with the legacy defaults spelled out', () => {
    const { resources, warnings } = convertLegacyConfig({
      peers: [
        {
          'peer-address': '10.0.0.1',
          'peer-asn': 64512,
          'my-asn': 64513,
          'peer-port': 1179,
          'hold-time': '1m30.5s',
          'router-id': '10.0.0.9',
          'source-address': '10.0.0.2',
          password: 'secret',
          'ebgp-multihop': true,
          'bfd-profile': 'fast',
          'node-selectors': [
            {
              'match-labels': { rack: 'r1' },
              'match-expressions': [{ key: 'zone', operator: 'In', values: ['a', 'b'] }],
            },
          ],
        },
      ],
      'bfd-profiles': [
        { name: 'fast', 'receive-interval': 100, 'transmit-interval': 100, 'detect-multiplier': 3 },
      ],
      'address-pools': [
        {
          name: 'v6',
          protocol: 'bgp',
          addresses: ['2001:db8::/120'],
          'auto-assign': false,
          'avoid-buggy-ips': true,
        },
      ],
    });
    expect(warnings).toEqual([]);
    expect(resources).toEqual([
      {
        apiVersion: 'metallb.io/v1beta2',
        kind: 'BGPPeer',
        metadata: { name: 'peer1', namespace: 'metallb-system' },
        spec: {
          myASN: 64513,
          peerASN: 64512,
          peerAddress: '10.0.0.1',
          peerPort: 1179,
          holdTime: '90s',
          keepaliveTime: '30s',
          sourceAddress: '10.0.0.2',
          routerID: '10.0.0.9',
          password: 'secret',
          bfdProfile: 'fast',
          ebgpMultiHop: true,
          nodeSelectors: [
            {
              matchLabels: { rack: 'r1' },
              matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }],
            },
          ],
        },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'v6', namespace: 'metallb-system' },
        spec: { addresses: ['2001:db8::/120'], autoAssign: false, avoidBuggyIPs: true },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BGPAdvertisement',
        metadata: { name: 'bgpadvertisement1', namespace: 'metallb-system' },
        spec: { aggregationLength: 32, aggregationLengthV6: 128, ipAddressPools: ['v6'] },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BFDProfile',
        metadata: { name: 'fast', namespace: 'metallb-system' },
        spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
      },
    ]);
  });

  it('keeps a layer2 pool and says it is not announced', () => {
    const out = importMetalLb(
      'address-pools:\n- name: l2\n  protocol: layer2\n  addresses: [192.168.1.30-192.168.1.49]\n',
    );
    expect(out.warnings).toEqual([
      'ConfigMap metallb-system/config: config.address-pools[0].protocol: pool "l2" is layer2: Herald announces over BGP only, so its IPs are not announced',
    ]);
    expect(out.yaml).toContain(`# not announced: ${out.warnings[0]}`);
    const docs = parseAllDocuments(out.yaml).map((d) => d.toJS());
    expect(docs.map((d) => [d.kind, d.metadata.name])).toEqual([['IPAddressPool', 'l2']]);
  });

  it('takes the namespace from the ConfigMap, or from --namespace', () => {
    const text = fixtureText('seed-002-configmap.yaml').replace('namespace: metallb-system', 'namespace: lb');
    expect(imported(text).map((r) => (r as { metadata: { namespace: string } }).metadata.namespace)).toEqual([
      'lb',
      'lb',
      'lb',
    ]);
    expect(
      imported(text, 'herald').every(
        (r) => (r as { metadata: { namespace: string } }).metadata.namespace === 'herald',
      ),
    ).toBe(true);
  });

  it('finds the ConfigMap among the other documents of a manifest file', () => {
    const manifest = `apiVersion: v1\nkind: Namespace\nmetadata: { name: metallb-system }\n---\n${fixtureText('seed-002-configmap.yaml')}`;
    expect(imported(manifest).map((r) => (r as { kind: string }).kind)).toEqual([
      'BGPPeer',
      'IPAddressPool',
      'BGPAdvertisement',
    ]);
  });

  it.each([
    [
      'peers:\n- peer-address: 10.0.0.1\n  peer-asn: 65001\n  my-asn: 65002\n  peer-as: 1\n',
      'config.peers[0].peer-as: unknown key',
    ],
    ['peers:\n- peer-address: 10.0.0.1\n  peer-asn: 0\n  my-asn: 65002\n', 'config.peers[0].peer-asn'],
    ['peers:\n- peer-address: 10.0.0.300\n  peer-asn: 1\n  my-asn: 2\n', 'config.peers[0].peer-address'],
    [
      'peers:\n- peer-address: 10.0.0.1\n  peer-asn: 1\n  my-asn: 2\n  hold-time: 2s\n',
      'config.peers[0].hold-time',
    ],
    [
      'peers:\n- peer-address: 10.0.0.1\n  peer-asn: 1\n  my-asn: 2\n  hold-time: 30s\n  keepalive-time: 40s\n',
      'config.peers[0].keepalive-time',
    ],
    [
      'address-pools:\n- name: a\n  protocol: bgp\n  addresses: [10.0.0.0/33]\n',
      'config.address-pools[0].addresses[0]',
    ],
    [
      'address-pools:\n- name: a\n  protocol: ospf\n  addresses: [10.0.0.0/24]\n',
      'config.address-pools[0].protocol',
    ],
    [
      'address-pools:\n- { name: a, protocol: bgp, addresses: [10.0.0.0/24] }\n- { name: a, protocol: bgp, addresses: [10.0.1.0/24] }\n',
      'duplicate pool name "a"',
    ],
    [
      'address-pools:\n- name: a\n  protocol: bgp\n  addresses: [10.0.0.0/24]\n  bgp-advertisements: [{ communities: [nope] }]\n',
      'config.address-pools[0].bgp-advertisements[0].communities[0]',
    ],
    ['address-pools:\n- name: a\n  protocol: bgp\n  addresses: []\n', 'must hold at least one CIDR or range'],
    ['pools: []\n', 'config.pools: unknown key'],
    ['peers: [\n', 'not YAML'],
  ])('refuses %j naming %s', (text, expected) => {
    let error: unknown;
    try {
      convertLegacyConfigText(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResourceError);
    expect((error as Error).message).toContain(expected);
  });

  it('refuses aliases that expand beyond bounds (a billion-laughs file) as not YAML', () => {
    expect(() => importMetalLb(aliasBomb())).toThrow(ResourceError);
    expect(() => importMetalLb(aliasBomb())).toThrow(/^input: not YAML: Excessive alias count/);
  });

  it('refuses a manifest whose ConfigMaps hold no MetalLB configuration', () => {
    expect(() =>
      importMetalLb('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata: { a: b }\n'),
    ).toThrow('no ConfigMap with data.config');
  });
});
