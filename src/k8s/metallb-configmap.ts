// MetalLB's pre-0.13 configuration (the `config` key of the ConfigMap metallb-system/config) turned
// into the metallb.io resources that replaced it, as MetalLB's own configmaptocrs tool maps it:
// each peer a BGPPeer (peer1, peer2, …), each pool an IPAddressPool of the same name, each of a
// BGP pool's bgp-advertisements a BGPAdvertisement of that pool (bgpadvertisement1, …; a BGP pool
// without any gets one with the defaults), the bgp-communities one Community "communities", each
// bfd-profile a BFDProfile. The legacy defaults are written out (hold time 90 s, keepalive a third
// of it, auto-assign true). An eBGP peer without `ebgp-multihop` gets `ebgpMultiHop: true`: MetalLB's
// native speaker, which read this format, never set the TTL of its BGP connections (the system's
// default, 64), so eBGP peers several hops away worked — as in the seed deployments — where a
// BGPPeer without ebgpMultiHop sends TTL 1. The result is plain resource JSON, read by the same readers and
// cross-checked by the same cluster view as the CRDs. The format is strict, as MetalLB parsed it
// (yaml UnmarshalStrict): an unknown key or a bad value is a ResourceError naming its path, e.g.
// `ConfigMap metallb-system/config: config.peers[1].peer-asn: must be an integer 1..4294967295`.
// Layer2 pools are kept (their IPs still belong to a pool) and reported: Herald announces over BGP
// only. Pure.
import { parse } from 'yaml';
import { parseCommunityValue } from './community.js';
import { parseDuration } from './duration.js';
import { Fields } from './fields.js';
import { parseAddressRange, parseIp } from './ip-ranges.js';
import { ResourceError, type ResourceProblem, resourceName } from './resource-error.js';

/** A metallb.io resource as `kubectl apply` takes it and the CRD readers read it. */
export interface MetalLbObject {
  apiVersion: string;
  kind: 'IPAddressPool' | 'BGPAdvertisement' | 'BGPPeer' | 'Community' | 'BFDProfile';
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export interface LegacyConversion {
  /** BGPPeers, IPAddressPools, BGPAdvertisements, BFDProfiles, then the Community. */
  resources: MetalLbObject[];
  /** What is kept but not done (layer2 pools), each naming its path. */
  warnings: ResourceProblem[];
}

export interface ConvertOptions {
  /** Namespace of the ConfigMap and of the resources made from it (default metallb-system). */
  namespace?: string;
  /** The ConfigMap's name, for error messages (default config). */
  configMapName?: string;
  /** Prepended to every resource name (the watcher uses "configmap/" to tell them from CRDs). */
  namePrefix?: string;
}

const TOP_KEYS = ['peers', 'address-pools', 'bgp-communities', 'bfd-profiles'];
const PEER_KEYS = [
  'peer-address',
  'peer-asn',
  'my-asn',
  'peer-port',
  'hold-time',
  'keepalive-time',
  'router-id',
  'source-address',
  'password',
  'node-selectors',
  'bfd-profile',
  'ebgp-multihop',
];
const POOL_KEYS = ['name', 'protocol', 'addresses', 'auto-assign', 'avoid-buggy-ips', 'bgp-advertisements'];
const ADVERTISEMENT_KEYS = ['aggregation-length', 'aggregation-length-v6', 'localpref', 'communities'];
const BFD_KEYS = [
  'name',
  'receive-interval',
  'transmit-interval',
  'detect-multiplier',
  'echo-interval',
  'echo-mode',
  'passive-mode',
  'minimum-ttl',
];

/** The legacy format's communities: "a:b" with two 16-bit halves only (no large communities). */
function standardCommunity(text: string): string | undefined {
  const v = parseCommunityValue(text);
  return typeof v === 'object' && v.kind === 'standard' ? v.text : undefined;
}

/** A Go duration truncated to whole seconds, as MetalLB rounded hold and keepalive times. */
function wholeSeconds(f: Fields, key: string): number | undefined {
  const raw = f.raw(key);
  if (raw === undefined) return undefined;
  const s = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (s === undefined || s < 0)
    f.fail(key, `must be a duration such as "90s" or "1m30s", got ${JSON.stringify(raw)}`);
  return Math.floor(s);
}

function ipText(f: Fields, key: string, family?: 4): string | undefined {
  const text = f.string(key);
  if (text === undefined || text === '') return undefined;
  const ip = parseIp(text);
  if (!ip || (family && ip.family !== family))
    f.fail(key, `must be ${family ? 'an IPv4' : 'an IP'} address, got "${text}"`);
  return text;
}

function selectors(peer: Fields): Record<string, unknown>[] {
  return peer.objectArray('node-selectors').map((sel) => {
    sel.onlyKeys(['match-labels', 'match-expressions']);
    const out: Record<string, unknown> = {};
    const labels = sel.stringMap('match-labels');
    if (Object.keys(labels).length > 0) out.matchLabels = labels;
    const expressions = sel.objectArray('match-expressions').map((e) => {
      e.onlyKeys(['key', 'operator', 'values']);
      const values = e.stringArray('values');
      return {
        key: e.requiredString('key'),
        operator: e.requiredString('operator'),
        ...(values.length > 0 ? { values } : {}),
      };
    });
    if (expressions.length > 0) out.matchExpressions = expressions;
    return out;
  });
}

function peerSpec(peer: Fields, bfdName: (name: string) => string): Record<string, unknown> {
  peer.onlyKeys(PEER_KEYS);
  const myASN = peer.int('my-asn', 1, 0xffffffff) ?? peer.fail('my-asn', 'is required');
  const peerASN = peer.int('peer-asn', 1, 0xffffffff) ?? peer.fail('peer-asn', 'is required');
  const peerAddress = ipText(peer, 'peer-address') ?? peer.fail('peer-address', 'is required');
  // Legacy defaults: hold time 90 s; keepalive a third of the hold time.
  const holdTime = wholeSeconds(peer, 'hold-time') ?? 90;
  if (holdTime !== 0 && holdTime < 3) peer.fail('hold-time', `must be 0 or at least 3s, got ${holdTime}s`);
  const keepalive = wholeSeconds(peer, 'keepalive-time') ?? Math.floor(holdTime / 3);
  if (keepalive > holdTime)
    peer.fail('keepalive-time', `must not exceed hold-time (${keepalive}s > ${holdTime}s)`);
  const spec: Record<string, unknown> = {
    myASN,
    peerASN,
    peerAddress,
    peerPort: peer.int('peer-port', 0, 65535) || 179,
    holdTime: `${holdTime}s`,
    keepaliveTime: `${keepalive}s`,
  };
  const optional: Record<string, unknown> = {
    sourceAddress: ipText(peer, 'source-address'),
    routerID: ipText(peer, 'router-id', 4),
    password: peer.string('password') || undefined,
    bfdProfile: peer.string('bfd-profile') ? bfdName(peer.string('bfd-profile') as string) : undefined,
    ebgpMultiHop: (peer.bool('ebgp-multihop') ?? myASN !== peerASN) || undefined,
  };
  const nodeSelectors = selectors(peer);
  if (nodeSelectors.length > 0) optional.nodeSelectors = nodeSelectors;
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) spec[k] = v;
  return spec;
}

function advertisementSpec(ad: Fields, pool: string, aliases: ReadonlySet<string>): Record<string, unknown> {
  ad.onlyKeys(ADVERTISEMENT_KEYS);
  const communities = ad.stringArray('communities');
  communities.forEach((c, i) => {
    if (!aliases.has(c) && standardCommunity(c) === undefined)
      ad.fail(`communities[${i}]`, `"${c}" is neither an "a:b" community nor a bgp-communities alias`);
  });
  const spec: Record<string, unknown> = {
    aggregationLength: ad.int('aggregation-length', 0, 32) ?? 32,
    aggregationLengthV6: ad.int('aggregation-length-v6', 0, 128) ?? 128,
    ipAddressPools: [pool],
  };
  const localPref = ad.int('localpref', 0, 0xffffffff);
  if (localPref !== undefined) spec.localPref = localPref;
  if (communities.length > 0) spec.communities = communities;
  return spec;
}

function bfdSpec(profile: Fields): Record<string, unknown> {
  profile.onlyKeys(BFD_KEYS);
  const spec: Record<string, unknown> = {
    receiveInterval: profile.int('receive-interval', 10, 60000),
    transmitInterval: profile.int('transmit-interval', 10, 60000),
    detectMultiplier: profile.int('detect-multiplier', 2, 255),
    echoInterval: profile.int('echo-interval', 10, 60000),
    echoMode: profile.bool('echo-mode'),
    passiveMode: profile.bool('passive-mode'),
    minimumTtl: profile.int('minimum-ttl', 1, 254),
  };
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  return spec;
}

/** Converts the parsed `config` document. Throws ResourceError naming the path of the first problem. */
export function convertLegacyConfig(config: unknown, options: ConvertOptions = {}): LegacyConversion {
  const namespace = options.namespace ?? 'metallb-system';
  const prefix = options.namePrefix ?? '';
  const { root } = Fields.of('ConfigMap', {
    metadata: { name: options.configMapName ?? 'config', namespace },
    config: config ?? {},
  });
  const cfg = root.object('config');
  cfg.onlyKeys(TOP_KEYS);
  const resources: MetalLbObject[] = [];
  const warnings: ResourceProblem[] = [];
  const add = (kind: MetalLbObject['kind'], name: string, spec: Record<string, unknown>) =>
    resources.push({
      apiVersion: kind === 'BGPPeer' ? 'metallb.io/v1beta2' : 'metallb.io/v1beta1',
      kind,
      metadata: { name: prefix + name, namespace },
      spec,
    });

  cfg.objectArray('peers').forEach((peer, i) => {
    add(
      'BGPPeer',
      `peer${i + 1}`,
      peerSpec(peer, (name) => prefix + name),
    );
  });

  const communities = cfg.object('bgp-communities');
  const aliases = communities.keys().map((name) => {
    const value = communities.string(name) ?? communities.fail(name, 'is required');
    if (standardCommunity(value) === undefined)
      communities.fail(name, `must be an "a:b" community (two numbers 0..65535), got "${value}"`);
    return { name, value };
  });
  const aliasNames = new Set(aliases.map((a) => a.name));

  const poolNames = new Set<string>();
  let advertisements = 0;
  const bgpAdvertisements: [string, Record<string, unknown>][] = [];
  cfg.objectArray('address-pools').forEach((pool, i) => {
    pool.onlyKeys(POOL_KEYS);
    const name = pool.requiredString('name');
    if (poolNames.has(name)) pool.fail('name', `duplicate pool name "${name}"`);
    poolNames.add(name);
    const protocol = pool.requiredString('protocol');
    if (protocol !== 'bgp' && protocol !== 'layer2')
      pool.fail('protocol', `must be "bgp" or "layer2", got "${protocol}"`);
    const addresses = pool.stringArray('addresses');
    if (addresses.length === 0) pool.fail('addresses', 'must hold at least one CIDR or range');
    addresses.forEach((a, j) => {
      const cidrs = parseAddressRange(a);
      if (typeof cidrs === 'string') pool.fail(`addresses[${j}]`, cidrs);
    });
    add('IPAddressPool', name, {
      addresses,
      autoAssign: pool.bool('auto-assign') ?? true,
      avoidBuggyIPs: pool.bool('avoid-buggy-ips') ?? false,
    });
    const ads = pool.objectArray('bgp-advertisements');
    if (protocol === 'layer2') {
      if (ads.length > 0) pool.fail('bgp-advertisements', 'not allowed in a layer2 address pool');
      const field = `config.address-pools[${i}].protocol`;
      const reason = `pool "${name}" is layer2: Herald announces over BGP only, so its IPs are not announced`;
      warnings.push({ resource: root.resource, field, message: `${root.resource}: ${field}: ${reason}` });
      return;
    }
    // A BGP pool without bgp-advertisements is announced with the defaults (/32, /128, no attributes).
    const specs =
      ads.length > 0
        ? ads.map((ad) => advertisementSpec(ad, prefix + name, aliasNames))
        : [{ aggregationLength: 32, aggregationLengthV6: 128, ipAddressPools: [prefix + name] }];
    for (const spec of specs) bgpAdvertisements.push([`bgpadvertisement${++advertisements}`, spec]);
  });
  for (const [name, spec] of bgpAdvertisements) add('BGPAdvertisement', name, spec);

  cfg.objectArray('bfd-profiles').forEach((profile) => {
    add('BFDProfile', profile.requiredString('name'), bfdSpec(profile));
  });
  if (aliases.length > 0) add('Community', 'communities', { communities: aliases });
  return { resources, warnings };
}

/** Converts the `config` YAML text (the ConfigMap's data.config). */
export function convertLegacyConfigText(text: string, options: ConvertOptions = {}): LegacyConversion {
  let config: unknown;
  try {
    config = parse(text);
  } catch (e) {
    const resource = resourceName(
      'ConfigMap',
      options.namespace ?? 'metallb-system',
      options.configMapName ?? 'config',
    );
    throw new ResourceError(resource, 'config', `not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return convertLegacyConfig(config, options);
}

/** Converts a ConfigMap object (its data.config), taking namespace and name from its metadata. */
export function convertLegacyConfigMap(configMap: unknown, namePrefix = ''): LegacyConversion {
  const { root, meta } = Fields.of('ConfigMap', configMap);
  const text =
    root.object('data').string('config') ??
    root.fail('data.config', 'is required (the MetalLB configuration)');
  return convertLegacyConfigText(text, {
    namespace: meta.namespace ?? 'metallb-system',
    configMapName: meta.name,
    namePrefix,
  });
}
