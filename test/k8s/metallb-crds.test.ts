// deploy/kubernetes/metallb-crds.yaml: the five MetalLB kinds Herald reads, each CRD structural and
// serving the versions Herald watches; its schemas (through Ajv, as the API server applies them)
// accept the MetalLB resources of the tests, labs and seeds and refuse invalid ones.
import { readdirSync, readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { importMetalLb } from '../../src/cli/import-metallb.js';
import { allocate } from '../../src/k8s/allocator.js';
import { readIpAddressPool } from '../../src/k8s/read-ip-address-pool.js';
import { watchSources } from '../../src/k8s/watch-sources.js';
import {
  type CrdSchema,
  crdAjv,
  errorLines,
  schemaNodes,
  structuralProblems,
  toJsonSchema,
} from './crd-schema.js';
import { advertisement, bfdProfile, community, peer, pool } from './resources.js';

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  subresources?: { status?: object };
  schema: { openAPIV3Schema: CrdSchema };
}
interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string };
    conversion?: { strategy: string };
    versions: CrdVersion[];
  };
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  status?: unknown;
}

const documents = (text: string): unknown[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null);
const repoFile = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const crds = documents(repoFile('deploy/kubernetes/metallb-crds.yaml')) as Crd[];
const crdOf = (kind: string): Crd => {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return crd;
};
const versionOf = (kind: string, version: string): CrdVersion => {
  const v = crdOf(kind).spec.versions.find((x) => x.name === version);
  if (!v) throw new Error(`${kind} has no version ${version}`);
  return v;
};

const ajv = crdAjv();
const validators = new Map<string, ValidateFunction>();
/** The validator of `apiVersion` + `kind`, from the CRD version that serves it. */
function validatorFor(apiVersion: string, kind: string): ValidateFunction {
  const key = `${apiVersion} ${kind}`;
  let v = validators.get(key);
  if (!v) {
    const [group, version] = apiVersion.split('/');
    expect(group).toBe('metallb.io');
    const served = versionOf(kind, version);
    expect(served.served, `${key} served`).toBe(true);
    v = ajv.compile(toJsonSchema(served.schema.openAPIV3Schema));
    validators.set(key, v);
  }
  return v;
}
/** What the API server would say of `r`: [] when it is accepted. */
function problems(r: Resource): string[] {
  const validate = validatorFor(r.apiVersion, r.kind);
  return validate(r) ? [] : errorLines(validate);
}

const isMetalLb = (d: unknown): d is Resource =>
  typeof (d as Resource)?.apiVersion === 'string' && (d as Resource).apiVersion.startsWith('metallb.io/');

// The hand-written resources of the seed deployments (test/fixtures/k8s).
const fixtureDir = new URL('../fixtures/k8s/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    documents(readFileSync(new URL(f, fixtureDir), 'utf8'))
      .filter(isMetalLb)
      .map((r) => [`${f}: ${r.kind} ${r.metadata.name}`, r] as const),
  );

// `herald import-metallb` on the seeds' legacy ConfigMaps (seed 000 with its alias value fixed, as
// the import refuses "64512-64534"; the hand-written fixture keeps it, and the CRD accepts it).
const imported = [
  ['seed-002', repoFile('test/fixtures/k8s/seed-002-configmap.yaml')],
  [
    'seed-000',
    repoFile('test/fixtures/k8s/seed-000-configmap.yaml').replace(
      'no-advertise: 64512-64534',
      'no-advertise: 64512:64534',
    ),
  ],
].flatMap(([seed, text]) =>
  documents(importMetalLb(text).yaml)
    .filter(isMetalLb)
    .map((r) => [`import-metallb ${seed}: ${r.kind} ${r.metadata.name}`, r] as const),
);

const basePeer = { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' };
const selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }], matchLabels: { zone: 'a' } };
const allocation = {
  namespaceSelectors: [selector],
  namespaces: ['a', 'b'],
  priority: -1,
  serviceSelectors: [],
};
// The resources the labs load (labs/ecmp-across-nodes: a pool, an empty advertisement, a peer with
// short timers) and those the unit tests read (test/k8s/readers.test.ts, desired.test.ts,
// allocator.test.ts), every field at least once.
const built: [string, Resource][] = [
  ['lab ecmp pool', pool('services', { addresses: ['203.0.113.0/24'] })],
  ['lab ecmp advertisement', advertisement('ecmp', {})],
  ['lab ecmp peer', peer('leaf', { ...basePeer, holdTime: '9s', connectTime: '1s' })],
  [
    'pool with ranges and serviceAllocation',
    pool('p', {
      addresses: ['192.0.2.0/24', '198.51.100.10 - 198.51.100.13', '2001:db8::/120'],
      autoAssign: false,
      avoidBuggyIPs: true,
      serviceAllocation: allocation,
    }),
  ],
  [
    'advertisement with every field',
    advertisement('a', {
      aggregationLength: 24,
      aggregationLengthV6: 64,
      localPref: 4294967295,
      communities: ['no-advertise', '64512:1', 'large:1:2:3'],
      ipAddressPools: ['v4'],
      ipAddressPoolSelectors: [{ matchLabels: { zone: 'east' } }],
      nodeSelectors: [selector],
      peers: ['tor'],
    }),
  ],
  ['advertisement with serviceSelectors', advertisement('s', { serviceSelectors: [selector] })],
  [
    'peer with every field',
    peer('tor', {
      ...basePeer,
      bfdProfile: 'fast',
      connectTime: '5s',
      disableMP: false,
      dualStackAddressFamily: true,
      ebgpMultiHop: true,
      enableGracefulRestart: true,
      holdTime: '1m30s',
      keepaliveTime: '30s',
      localASN: 65000,
      nodeSelectors: [{ matchLabels: { rack: 'r1' } }, selector],
      password: 'sekret',
      peerPort: 1179,
      routerID: '10.0.0.1',
      sourceAddress: '192.0.2.10',
      vrf: 'red',
    }),
  ],
  ['peer with dynamicASN', peer('dyn', { myASN: 64512, dynamicASN: 'external', peerAddress: '192.0.2.1' })],
  ['unnumbered peer', peer('un', { myASN: 64512, peerASN: 64513, interface: 'eth1' })],
  [
    'peer with passwordSecret',
    peer('pw', { ...basePeer, passwordSecret: { name: 'pw', namespace: 'metallb-system' } }),
  ],
  [
    'legacy v1beta1 peer with every field',
    {
      ...peer('old', {
        ...basePeer,
        bfdProfile: 'fast',
        ebgpMultiHop: false,
        holdTime: '90s',
        keepaliveTime: '30s',
        nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }],
        password: 'sekret',
        peerPort: 179,
        routerID: '10.0.0.2',
        sourceAddress: '192.0.2.11',
      }),
      apiVersion: 'metallb.io/v1beta1',
    },
  ],
  [
    'communities',
    community('c', [
      { name: 'no-advertise', value: '65535:65282' },
      { name: 'big', value: 'large:4200000000:1:2' },
    ]),
  ],
  [
    'BFD profile with every field',
    bfdProfile('fast', {
      receiveInterval: 100,
      transmitInterval: 60000,
      echoInterval: 10,
      detectMultiplier: 3,
      echoMode: true,
      passiveMode: false,
      minimumTtl: 254,
    }),
  ],
];

describe('metallb-crds.yaml: the CustomResourceDefinitions', () => {
  it('defines the five kinds Herald reads, namespaced, in metallb.io, named plural.group', () => {
    expect(crds.map((c) => c.spec.names.kind).sort()).toEqual([
      'BFDProfile',
      'BGPAdvertisement',
      'BGPPeer',
      'Community',
      'IPAddressPool',
    ]);
    for (const c of crds) {
      expect(c.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(c.kind).toBe('CustomResourceDefinition');
      expect(c.spec.group).toBe('metallb.io');
      expect(c.spec.scope).toBe('Namespaced');
      expect(c.metadata.name).toBe(`${c.spec.names.plural}.metallb.io`);
      expect(c.spec.versions.filter((v) => v.storage).length, c.metadata.name).toBe(1);
    }
  });

  it('serves every metallb.io version Herald lists and watches', () => {
    const watched = watchSources('metallb-system')
      .map((s) => /^\/apis\/metallb\.io\/([^/]+)\/namespaces\/[^/]+\/([^/]+)$/.exec(s.path))
      .filter((m) => m !== null);
    expect(watched).toHaveLength(5);
    for (const [, version, plural] of watched) {
      const crd = crds.find((c) => c.spec.names.plural === plural);
      expect(crd?.spec.versions.find((v) => v.name === version)?.served, `${plural} ${version}`).toBe(true);
    }
  });

  it('keeps BGPPeer in v1beta2 and serves v1beta1 too, without a conversion webhook', () => {
    const peers = crdOf('BGPPeer');
    expect(peers.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([
      ['v1beta2', true, true],
      ['v1beta1', true, false],
    ]);
    expect(peers.spec.conversion).toEqual({ strategy: 'None' });
  });

  it('gives only IPAddressPool a status, with the counters, behind the status subresource', () => {
    for (const c of crds) {
      for (const v of c.spec.versions) {
        const hasStatus = c.spec.names.kind === 'IPAddressPool';
        expect(v.subresources?.status !== undefined, `${c.metadata.name} ${v.name}`).toBe(hasStatus);
        expect(v.schema.openAPIV3Schema.properties?.status !== undefined).toBe(hasStatus);
      }
    }
    const status = versionOf('IPAddressPool', 'v1beta1').schema.openAPIV3Schema.properties?.status;
    expect(Object.keys(status?.properties ?? {}).sort()).toEqual([
      'assignedIPv4',
      'assignedIPv6',
      'availableIPv4',
      'availableIPv6',
    ]);
  });

  it.each(crds.flatMap((c) => c.spec.versions.map((v) => [`${c.metadata.name} ${v.name}`, v] as const)))(
    '%s is structural, its defaults valid',
    (_name, v) => {
      const schema = v.schema.openAPIV3Schema;
      expect(structuralProblems(schema)).toEqual([]);
      expect(Object.keys(schema.properties ?? {}).slice(0, 4)).toEqual([
        'apiVersion',
        'kind',
        'metadata',
        'spec',
      ]);
      for (const [path, node] of schemaNodes(schema)) {
        const { default: value, ...rest } = node;
        if (value === undefined) continue;
        expect(ajv.compile(toJsonSchema(rest))(value), `default of ${path}`).toBe(true);
      }
    },
  );

  it('writes the label selector schema the same in every CRD', () => {
    const selectors = [
      ['IPAddressPool', 'v1beta1', 'spec.serviceAllocation.namespaceSelectors[]'],
      ['IPAddressPool', 'v1beta1', 'spec.serviceAllocation.serviceSelectors[]'],
      ['BGPAdvertisement', 'v1beta1', 'spec.ipAddressPoolSelectors[]'],
      ['BGPAdvertisement', 'v1beta1', 'spec.nodeSelectors[]'],
      ['BGPAdvertisement', 'v1beta1', 'spec.serviceSelectors[]'],
      ['BGPPeer', 'v1beta2', 'spec.nodeSelectors[]'],
    ].map(([kind, version, path]) => {
      const nodes = new Map(schemaNodes(versionOf(kind, version).schema.openAPIV3Schema));
      return nodes.get(path);
    });
    expect(selectors[0]?.properties?.matchExpressions).toBeDefined();
    for (const s of selectors) expect(s).toEqual(selectors[0]);
  });
});

describe('metallb-crds.yaml: real resources are accepted', () => {
  it('has resources of every kind to check', () => {
    const kinds = new Set([...fixtures, ...imported, ...built].map(([, r]) => r.kind));
    expect([...kinds].sort()).toEqual([
      'BFDProfile',
      'BGPAdvertisement',
      'BGPPeer',
      'Community',
      'IPAddressPool',
    ]);
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    expect(imported.length).toBeGreaterThanOrEqual(7);
  });

  it('uses every spec field of every served version at least once', () => {
    const used = [...fixtures, ...imported, ...built].map(([, r]) => r);
    for (const c of crds) {
      for (const v of c.spec.versions) {
        const apiVersion = `metallb.io/${v.name}`;
        const seen = new Set(
          used
            .filter((r) => r.kind === c.spec.names.kind && r.apiVersion === apiVersion)
            .flatMap((r) => Object.keys(r.spec ?? {})),
        );
        const fields = Object.keys(v.schema.openAPIV3Schema.properties?.spec?.properties ?? {});
        expect(
          fields.filter((f) => !seen.has(f)),
          `${c.spec.names.kind} ${v.name}`,
        ).toEqual([]);
      }
    }
  });

  it.each([...fixtures, ...imported, ...built])('%s', (_name, r) => {
    expect(problems(r)).toEqual([]);
  });

  it("accepts the status Herald's allocator writes, an IPv6 /64 pool's count included", () => {
    const spec = { addresses: ['192.0.2.0/24', '2001:db8::/64'] };
    const [counters] = allocate([readIpAddressPool(pool('p', spec))], []).pools;
    const { pool: _, ...status } = counters;
    expect(status.availableIPv6).toBe(Number.MAX_SAFE_INTEGER);
    expect(problems({ ...pool('p', spec), status })).toEqual([]);
  });
});

describe('metallb-crds.yaml: invalid resources are refused', () => {
  const refusals: [string, Resource, string][] = [
    ['a pool without addresses', pool('p', { autoAssign: true }), "must have required property 'addresses'"],
    ['a pool without spec', { ...pool('p', {}), spec: undefined }, "must have required property 'spec'"],
    ['addresses as a string', pool('p', { addresses: '10.0.0.0/8' }), '/spec/addresses: must be array'],
    [
      'autoAssign as text',
      pool('p', { addresses: [], autoAssign: 'yes' }),
      '/spec/autoAssign: must be boolean',
    ],
    [
      'a status without availableIPv6',
      { ...pool('p', { addresses: [] }), status: { assignedIPv4: 0, assignedIPv6: 0, availableIPv4: 1 } },
      "/status: must have required property 'availableIPv6'",
    ],
    [
      'a peer without myASN',
      peer('p', { peerASN: 1, peerAddress: '192.0.2.1' }),
      "required property 'myASN'",
    ],
    ['peerPort 20000', peer('p', { ...basePeer, peerPort: 20000 }), '/spec/peerPort: must be <= 16384'],
    ['peerPort 0', peer('p', { ...basePeer, peerPort: 0 }), '/spec/peerPort: must be >= 1'],
    ['peerPort as text', peer('p', { ...basePeer, peerPort: '179' }), '/spec/peerPort: must be integer'],
    [
      'myASN above 32 bits',
      peer('p', { ...basePeer, myASN: 4294967296 }),
      '/spec/myASN: must be <= 4294967295',
    ],
    ['localASN 0', peer('p', { ...basePeer, localASN: 0 }), '/spec/localASN: must be >= 1'],
    [
      'dynamicASN maybe',
      peer('p', { myASN: 1, dynamicASN: 'maybe', peerAddress: '192.0.2.1' }),
      '/spec/dynamicASN: must be equal to one of the allowed values',
    ],
    [
      'a misspelt field',
      peer('p', { ...basePeer, peerAsn: 1 }),
      '/spec: must NOT have additional properties',
    ],
    ['holdTime as a number', peer('p', { ...basePeer, holdTime: 90 }), '/spec/holdTime: must be string'],
    [
      'a selector expression without operator',
      peer('p', { ...basePeer, nodeSelectors: [{ matchExpressions: [{ key: 'a' }] }] }),
      "/spec/nodeSelectors/0/matchExpressions/0: must have required property 'operator'",
    ],
    [
      'a v1beta1 peer with an interface instead of peerAddress',
      { ...peer('p', { myASN: 1, peerASN: 2, interface: 'eth1' }), apiVersion: 'metallb.io/v1beta1' },
      "must have required property 'peerAddress'",
    ],
    [
      'a v1beta1 expression without values',
      {
        ...peer('p', {
          ...basePeer,
          nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }],
        }),
        apiVersion: 'metallb.io/v1beta1',
      },
      "must have required property 'values'",
    ],
    [
      'aggregationLength 0',
      advertisement('a', { aggregationLength: 0 }),
      '/spec/aggregationLength: must be >= 1',
    ],
    ['localPref 1.5', advertisement('a', { localPref: 1.5 }), '/spec/localPref: must be integer'],
    [
      'communities as a string',
      advertisement('a', { communities: '64512:1' }),
      '/spec/communities: must be array',
    ],
    [
      'a community value as a number',
      community('c', [{ name: 'x', value: 7 as unknown as string }]),
      '/spec/communities/0/value: must be string',
    ],
    ['detectMultiplier 1', bfdProfile('b', { detectMultiplier: 1 }), '/spec/detectMultiplier: must be >= 2'],
    ['receiveInterval 5 ms', bfdProfile('b', { receiveInterval: 5 }), '/spec/receiveInterval: must be >= 10'],
    [
      'echoInterval 60001 ms',
      bfdProfile('b', { echoInterval: 60001 }),
      '/spec/echoInterval: must be <= 60000',
    ],
    ['minimumTtl 255', bfdProfile('b', { minimumTtl: 255 }), '/spec/minimumTtl: must be <= 254'],
  ];

  it.each(refusals)('%s', (_name, r, message) => {
    const found = problems(r);
    expect(
      found.some((p) => p.includes(message)),
      found.join('; '),
    ).toBe(true);
  });
});
