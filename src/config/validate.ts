// Checks a parsed YAML document against the config schema (schema.ts), then the rules a schema
// cannot say (hold time 1 or 2, one secret source, duplicates), fills the computed defaults and
// reads secrets. Returns the normalized config or throws every problem, each naming its path.
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import ipaddr from 'ipaddr.js';
import type { TSchema } from 'typebox';
import { compilePolicies, PolicyError } from '../policy/index.js';
import { localRoute } from '../rib/local-routes.js';
import { routeSizeProblem } from '../rib/route-size.js';
import { addressInRange, canonicalAddress, formatPrefix, parsePrefix, splitZone } from '../wire/index.js';
import { type BfdProfileConfig, bfdProfiles, neighborBfd } from './bfd-config.js';
import { addFormats } from './formats.js';
import {
  ApiSchema,
  ConfigSchema,
  ListenSchema,
  NeighborSchema,
  type RawAnnouncement,
  type RawConfig,
  type RawNeighbor,
} from './schema.js';
import { describeSchemaErrors } from './schema-errors.js';
import { md5Key, secret } from './secrets.js';
import { sessionAsn } from './session-asn.js';
import type {
  AnnouncementConfig,
  ApiConfig,
  FamilyName,
  HealthCheckConfig,
  HeraldConfig,
  InterfaceNeighborConfig,
  NeighborConfig,
  WithDefaults,
} from './types.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

// Defaults inside a union (listen: false | {...}) are filled by a second pass over that branch.
// Ajv is loaded and made on first use: a daemon whose config has no dynamic neighbors and no state
// to restore never checks a schema on its own thread (the file is validated in the config worker),
// and Ajv's ~100 modules stay out of its heap (issue 19).
const require = createRequire(import.meta.url);
let ajv: Ajv | undefined;
const compiled = new Map<TSchema, ValidateFunction>();

/** Validates `value` against `schema` in place (defaults filled); problems are named under `root`. */
export function checkSchema(schema: TSchema, value: unknown, root = ''): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    ajv ??= addFormats(
      new (require('ajv') as typeof import('ajv')).Ajv({
        allErrors: true,
        useDefaults: true,
        verbose: true,
        strictSchema: false,
      }),
    );
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) ? [] : describeSchemaErrors(validate.errors ?? [], root);
}

// What Ajv hands back: the schema's defaults filled in (schema.ts is their only source).
type FilledNeighbor = WithDefaults<
  RawNeighbor,
  | 'port'
  | 'passive'
  | 'holdTime'
  | 'gracefulRestart'
  | 'delayOpen'
  | 'connectRetry'
  | 'allowAsIn'
  | 'enforceFirstAs'
>;
type FilledAnnouncement = WithDefaults<
  RawAnnouncement,
  'communities' | 'largeCommunities' | 'extendedCommunities' | 'asPathPrepend'
>;
type FilledConfig = WithDefaults<
  RawConfig,
  | 'log'
  | 'fib'
  | 'maximumPaths'
  | 'multipathRelax'
  | 'alwaysCompareMed'
  | 'deterministicMed'
  | 'neighbors'
  | 'dynamicNeighbors'
  | 'announce'
  | 'kubernetes'
  | 'bfdProfiles'
  | 'alwaysBlock'
>;

function neighbor(
  problems: string[],
  n: FilledNeighbor,
  path: string,
  profiles: readonly BfdProfileConfig[] = [],
): NeighborConfig {
  const { holdTime } = n;
  // RFC 4271 §4.2: "the Hold Time MUST be either zero or at least three seconds".
  if (holdTime === 1 || holdTime === 2) problems.push(`${path}.holdTime: must be 0 or at least 3`);
  const keepalive = n.keepalive ?? Math.floor(holdTime / 3);
  if (holdTime > 0 && keepalive >= holdTime)
    problems.push(`${path}.keepalive: must be less than holdTime (${holdTime})`);
  if (n.ebgpMultihop !== undefined && n.ttlSecurity !== undefined)
    problems.push(`${path}.ttlSecurity: cannot be combined with ebgpMultihop (GTSM fixes the TTL at 255)`);
  if (n.routerId !== undefined) nonZeroIdentifier(problems, n.routerId, `${path}.routerId`);
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 peer it maps: that is how its
  // connections arrive on a dual-stack socket, and the session it gets. An interface neighbor's
  // link-local address is found later (unnumbered.ts); it carries IPv4 routes too (RFC 8950).
  const address = n.address === undefined ? '' : canonicalAddress(n.address);
  if (n.address !== undefined) peerAddressProblems(problems, n, address, path);
  for (const key of ['bindDevice', 'vrf'] as const) {
    const name = n[key];
    if (name !== undefined && !isInterfaceName(name))
      problems.push(`${path}.${key}: "${name}" is not a Linux interface name`);
  }
  const defaultFamilies: FamilyName[] =
    n.address === undefined
      ? ['ipv4-unicast', 'ipv6-unicast']
      : [address.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast'];
  const families = n.families ?? defaultFamilies;
  return {
    ...n,
    address,
    localAddress: n.localAddress && canonicalAddress(n.localAddress),
    keepalive,
    families: [...new Set(families)] as FamilyName[],
    gracefulRestart: n.gracefulRestart as NeighborConfig['gracefulRestart'],
    password: md5Key(problems, path, n),
    bfd: neighborBfd(problems, n.bfd, n, profiles, path),
  };
}

/**
 * A neighbor given by interface (BGP unnumbered). Its address is the peer's link-local one, found
 * on that link, so nothing that names an address or a path beyond the link applies.
 */
function interfaceNeighbor(
  problems: string[],
  n: FilledNeighbor,
  path: string,
  profiles: readonly BfdProfileConfig[],
): InterfaceNeighborConfig {
  const name = n.interface as string;
  if (!isInterfaceName(name)) problems.push(`${path}.interface: "${name}" is not a Linux interface name`);
  for (const key of ['localAddress', 'ebgpMultihop', 'bindDevice'] as const)
    if (n[key] !== undefined)
      problems.push(`${path}.${key}: does not apply to an interface neighbor (its session is link-local)`);
  const { address: _none, ...rest } = neighbor(problems, n, path, profiles);
  return { ...rest, interface: name };
}

/** Linux interface names: at most 15 bytes (IFNAMSIZ 16), no '/', ':' or white space. */
function isInterfaceName(name: string): boolean {
  return Buffer.byteLength(name) <= 15 && !/[/\s:%]/.test(name) && name !== '.' && name !== '..';
}

/**
 * A peer's address must name one host (not unspecified, multicast or broadcast); a source address
 * must be of its family; a link-local one is only reachable through its interface.
 */
function peerAddressProblems(problems: string[], n: FilledNeighbor, address: string, path: string): void {
  const { address: bare, zone } = splitZone(address);
  const ip = ipaddr.parse(bare);
  const range = ip.range();
  if (range === 'unspecified' || range === 'multicast' || range === 'broadcast')
    problems.push(
      `${path}.address: ${address} is ${range === 'unspecified' ? 'the' : 'a'} ${range} address, not a peer's`,
    );
  if (n.localAddress !== undefined && ipaddr.process(splitZone(n.localAddress).address).kind() !== ip.kind())
    problems.push(
      `${path}.localAddress: ${n.localAddress} is not of the neighbor's address family (${ip.kind()})`,
    );
  if (range === 'linkLocal' && ip.kind() === 'ipv6' && zone === undefined && !n.bindDevice && !n.passive)
    problems.push(
      `${path}.address: ${address} is link-local: give its interface (${address}%IFACE) or bindDevice, or make the neighbor passive`,
    );
}

/** RFC 6286 §2.1: the BGP Identifier is "a 4-octet, unsigned, non-zero integer" (an OPEN with 0 is refused). */
function nonZeroIdentifier(problems: string[], id: string, path: string): void {
  if (id === '0.0.0.0')
    problems.push(`${path}: must not be 0.0.0.0 (peers refuse a zero BGP Identifier: Bad BGP Identifier)`);
}

function announcement(problems: string[], a: FilledAnnouncement, path: string): AnnouncementConfig {
  const h = a.healthCheck as HealthCheckConfig | undefined;
  const tooLarge = routeSizeProblem(localRoute(a), h?.degrade?.asPathPrepend);
  if (tooLarge) problems.push(`${path}: ${tooLarge}`);
  if (!h) return a as AnnouncementConfig;
  const probes = [h.command, h.tcp, h.http].filter((x) => x !== undefined).length;
  if (probes !== 1) problems.push(`${path}.healthCheck: give exactly one of command, tcp, http`);
  if (h.expectStatus && h.http === undefined)
    problems.push(`${path}.healthCheck.expectStatus: only applies to an http check`);
  if (h.whenDown === 'degrade' && h.degrade?.med === undefined && h.degrade?.asPathPrepend === undefined)
    problems.push(`${path}.healthCheck.degrade: give med and/or asPathPrepend for whenDown: degrade`);
  return { ...a, healthCheck: h };
}

function api(problems: string[], raw: RawConfig['api']): HeraldConfig['api'] {
  if (raw === false) return false;
  // Defaults inside a union (api: false | {...}) are filled by this second pass over the branch.
  const a = raw ?? {};
  problems.push(...checkSchema(ApiSchema, a, 'api'));
  return { ...(a as ApiConfig), token: secret(problems, 'api', 'token', a) };
}

function listen(problems: string[], raw: RawConfig['listen']): HeraldConfig['listen'] {
  if (raw === false) return false;
  const l = raw ?? {};
  problems.push(...checkSchema(ListenSchema, l, 'listen'));
  const { address, port } = l as Exclude<HeraldConfig['listen'], false>;
  return { address: ipaddr.parse(address).toString(), port };
}

function duplicates(problems: string[], keys: string[], path: (i: number) => string, what: string) {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k)) problems.push(`${path(i)}: duplicate ${what} ${k}`);
    seen.add(k);
  });
}

/** One neighbor entry with its defaults filled in (dynamic neighbors use this too); throws ConfigError. */
export function normalizeNeighbor(raw: unknown, path: string): NeighborConfig {
  const problems = checkSchema(NeighborSchema, raw, path);
  if (problems.length > 0) throw new ConfigError(problems);
  const n = neighbor(problems, raw as FilledNeighbor, path);
  if (problems.length > 0) throw new ConfigError(problems);
  return n;
}

/** One neighbor entry given by interface (BGP unnumbered), defaults filled in; throws ConfigError. */
export function normalizeInterfaceNeighbor(raw: unknown, path: string): InterfaceNeighborConfig {
  const problems = checkSchema(NeighborSchema, raw, path);
  if (problems.length > 0) throw new ConfigError(problems);
  const n = interfaceNeighbor(problems, raw as FilledNeighbor, path, []);
  if (problems.length > 0) throw new ConfigError(problems);
  return n;
}

/** Validates a parsed document; throws ConfigError listing every problem. */
export function validateConfig(doc: unknown): HeraldConfig {
  const raw = structuredClone(doc ?? {});
  // The whole-document validator (~270 KB of generated code) is compiled in the config worker or
  // the one-shot CLI, never on the daemon's thread (load-config-off-thread.ts).
  const schemaProblems = checkSchema(ConfigSchema, raw);
  if (schemaProblems.length > 0) throw new ConfigError(schemaProblems);
  const o = raw as FilledConfig;
  const problems: string[] = [];
  if (o.routerId !== undefined) nonZeroIdentifier(problems, o.routerId, 'routerId');
  const profiles = bfdProfiles(problems, o.bfdProfiles);
  const entries = (o.neighbors as FilledNeighbor[]).map((n, i) => ({ n, path: `neighbors[${i}]` }));
  for (const { n, path } of entries)
    if ((n.address === undefined) === (n.interface === undefined))
      problems.push(`${path}: give exactly one of address and interface`);
  const addressed = entries.filter(({ n }) => n.address !== undefined);
  const unnumbered = entries.filter(({ n }) => n.address === undefined && n.interface !== undefined);
  const config: HeraldConfig = {
    asn: o.asn,
    routerId: o.routerId,
    clusterId: o.clusterId,
    listen: listen(problems, o.listen),
    api: api(problems, o.api),
    metrics: o.metrics,
    log: o.log as HeraldConfig['log'],
    maximumPaths: o.maximumPaths,
    fib: o.fib as HeraldConfig['fib'],
    multipathRelax: o.multipathRelax,
    alwaysCompareMed: o.alwaysCompareMed,
    deterministicMed: o.deterministicMed,
    neighbors: addressed.map(({ n, path }) => neighbor(problems, n, path, profiles)),
    interfaceNeighbors: unnumbered.map(({ n, path }) => interfaceNeighbor(problems, n, path, profiles)),
    dynamicNeighbors: o.dynamicNeighbors.map((d, i) => ({
      range: formatPrefix(parsePrefix(d.range)),
      peerAsn: Array.isArray(d.peerAsn) ? d.peerAsn : [d.peerAsn],
      routeReflectorClient: d.routeReflectorClient === true,
      limit: d.limit as number, // the schema fills its default
      password: md5Key(problems, `dynamicNeighbors[${i}]`, d),
    })),
    announce: o.announce.map((a, i) => announcement(problems, a as FilledAnnouncement, `announce[${i}]`)),
    kubernetes: o.kubernetes as HeraldConfig['kubernetes'],
    alwaysBlock: o.alwaysBlock,
    stateDir: o.stateDir,
    prefixLists: o.prefixLists,
    asPathLists: o.asPathLists,
    communityLists: o.communityLists,
    policies: o.policies,
    bfdProfiles: profiles,
  };
  const checked = [...addressed, ...unnumbered];
  [...config.neighbors, ...config.interfaceNeighbors].forEach((n, i) => {
    const path = checked[i].path;
    if (n.addPathSendMax !== undefined && n.addPath !== 'send' && n.addPath !== 'both')
      problems.push(`${path}.addPathSendMax: needs addPath: send or both`);
    // RFC 4456 §6: clients are iBGP peers of the reflector.
    const localAsn = sessionAsn(n, config);
    if (n.routeReflectorClient && n.peerAsn !== localAsn)
      problems.push(
        `${path}.routeReflectorClient: only an iBGP neighbor (peerAsn ${localAsn}) can be a route-reflector client`,
      );
  });
  // Linux signs a connection with the longest matching key: a range's reaches its neighbors too.
  config.neighbors.forEach((n, i) => {
    const range = config.dynamicNeighbors.findIndex((d) => d.password && addressInRange(n.address, d.range));
    if (!n.password && range >= 0)
      problems.push(
        `${addressed[i].path}.password: ${n.address} is in dynamicNeighbors[${range}].range, whose TCP MD5 key the kernel would also require of this neighbor's connections to us; give it a password (the range's or its own)`,
      );
  });
  if (config.fib.prefixList !== undefined && !config.prefixLists?.[config.fib.prefixList])
    problems.push(`fib.prefixList: no prefix list named "${config.fib.prefixList}"`);
  try {
    compilePolicies(config);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    problems.push(...e.problems);
  }
  duplicates(
    problems,
    config.neighbors.map((n) => n.address),
    (i) => `${addressed[i].path}.address`,
    'neighbor',
  );
  duplicates(
    problems,
    config.interfaceNeighbors.map((n) => n.interface),
    (i) => `${unnumbered[i].path}.interface`,
    'neighbor on interface',
  );
  duplicates(
    problems,
    config.announce.map((a) => formatPrefix(parsePrefix(a.prefix))),
    (i) => `announce[${i}].prefix`,
    'announcement',
  );
  duplicates(
    problems,
    profiles.map((p) => p.name),
    (i) => `bfdProfiles[${i}].name`,
    'BFD profile',
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
