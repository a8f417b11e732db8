// Checks a parsed YAML document against the configuration contract and returns the normalized
// config, or every problem found, each naming its path ("neighbors[2].peerAsn: must be ...").
import ipaddr from 'ipaddr.js';
import {
  isIpAddress,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
  parsePrefix,
} from '../wire/index.js';
import type {
  AnnouncementConfig,
  DynamicNeighborConfig,
  FamilyName,
  HeraldConfig,
  NeighborConfig,
} from './types.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Obj = Record<string, unknown>;
const FAMILIES: FamilyName[] = ['ipv4-unicast', 'ipv6-unicast'];

class Checker {
  readonly problems: string[] = [];

  fail(path: string, reason: string): undefined {
    this.problems.push(`${path}: ${reason}`);
    return undefined;
  }

  object(v: unknown, path: string): Obj | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, 'must be a mapping');
    return v as Obj;
  }

  /** Reports keys that are not in `known` (typos would otherwise be silently ignored). */
  keys(o: Obj, path: string, known: string[]): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k))
        this.fail(path ? `${path}.${k}` : k, `unknown key (expected one of: ${known.join(', ')})`);
    }
  }

  int(v: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.fail(path, `must be an integer ${min}..${max}`);
    }
    return v;
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (typeof v !== 'boolean') return this.fail(path, 'must be true or false');
    return v;
  }

  string(v: unknown, path: string): string | undefined {
    if (typeof v !== 'string' || v === '') return this.fail(path, 'must be a non-empty string');
    return v;
  }

  address(v: unknown, path: string, kind?: 'ipv4'): string | undefined {
    if (typeof v !== 'string' || !isIpAddress(v)) return this.fail(path, 'must be an IP address');
    if (kind && ipaddr.parse(v).kind() !== kind) return this.fail(path, 'must be an IPv4 address');
    return ipaddr.parse(v).toString();
  }

  parsed<T>(v: unknown, path: string, parse: (s: string) => T): T | undefined {
    if (typeof v !== 'string') return this.fail(path, 'must be a string');
    try {
      return parse(v);
    } catch (e) {
      return this.fail(path, (e as Error).message);
    }
  }

  list(v: unknown, path: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(path, 'must be a list') ?? [];
    return v;
  }
}

const ASN_MAX = 0xffffffff;

function neighbor(c: Checker, v: unknown, path: string): NeighborConfig | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  c.keys(o, path, [
    'address',
    'peerAsn',
    'port',
    'passive',
    'ebgpMultihop',
    'ttlSecurity',
    'password',
    'passwordFile',
    'holdTime',
    'keepalive',
    'families',
    'gracefulRestart',
    'description',
    'localAddress',
    'bindDevice',
    'delayOpen',
    'connectRetry',
    'addPath',
  ]);
  const holdTime = o.holdTime === undefined ? 90 : c.int(o.holdTime, `${path}.holdTime`, 0, 65535);
  if (holdTime === 1 || holdTime === 2) c.fail(`${path}.holdTime`, 'must be 0 or at least 3 (RFC 4271 §4.2)');
  const keepalive =
    o.keepalive === undefined
      ? Math.floor((holdTime ?? 90) / 3)
      : c.int(o.keepalive, `${path}.keepalive`, 0, 21845);
  if (o.ebgpMultihop !== undefined && o.ttlSecurity !== undefined) {
    c.fail(`${path}.ttlSecurity`, 'cannot be combined with ebgpMultihop (GTSM fixes the TTL at 255)');
  }
  if (o.password !== undefined && o.passwordFile !== undefined)
    c.fail(`${path}.passwordFile`, 'give password or passwordFile, not both');
  const families = (o.families === undefined ? undefined : c.list(o.families, `${path}.families`))?.map(
    (f, i) =>
      FAMILIES.includes(f as FamilyName)
        ? (f as FamilyName)
        : c.fail(`${path}.families[${i}]`, `must be one of ${FAMILIES.join(', ')}`),
  );
  const gr =
    o.gracefulRestart === undefined ? {} : (c.object(o.gracefulRestart, `${path}.gracefulRestart`) ?? {});
  c.keys(gr, `${path}.gracefulRestart`, ['enabled', 'restartTime']);
  const address = c.address(o.address, `${path}.address`);
  return {
    address: address ?? '',
    peerAsn: c.int(o.peerAsn, `${path}.peerAsn`, 1, ASN_MAX) ?? 0,
    port: o.port === undefined ? 179 : (c.int(o.port, `${path}.port`, 1, 65535) ?? 179),
    passive: o.passive === undefined ? false : (c.bool(o.passive, `${path}.passive`) ?? false),
    ebgpMultihop:
      o.ebgpMultihop === undefined ? undefined : c.int(o.ebgpMultihop, `${path}.ebgpMultihop`, 1, 255),
    ttlSecurity:
      o.ttlSecurity === undefined ? undefined : c.int(o.ttlSecurity, `${path}.ttlSecurity`, 1, 254),
    password: o.password === undefined ? undefined : c.string(o.password, `${path}.password`),
    passwordFile: o.passwordFile === undefined ? undefined : c.string(o.passwordFile, `${path}.passwordFile`),
    holdTime: holdTime ?? 90,
    keepalive: keepalive ?? 30,
    families: (families?.filter((f): f is FamilyName => f !== undefined) ??
      (address?.includes(':') ? ['ipv6-unicast'] : ['ipv4-unicast'])) as FamilyName[],
    gracefulRestart: {
      enabled:
        gr.enabled === undefined ? false : (c.bool(gr.enabled, `${path}.gracefulRestart.enabled`) ?? false),
      restartTime:
        gr.restartTime === undefined
          ? 120
          : (c.int(gr.restartTime, `${path}.gracefulRestart.restartTime`, 1, 4095) ?? 120),
    },
    description: o.description === undefined ? undefined : c.string(o.description, `${path}.description`),
    localAddress:
      o.localAddress === undefined ? undefined : c.address(o.localAddress, `${path}.localAddress`),
    bindDevice: o.bindDevice === undefined ? undefined : c.string(o.bindDevice, `${path}.bindDevice`),
    addPath:
      o.addPath === undefined
        ? undefined
        : ['receive', 'send', 'both'].includes(o.addPath as string)
          ? (o.addPath as 'receive' | 'send' | 'both')
          : c.fail(`${path}.addPath`, 'must be receive, send or both'),
    delayOpen: o.delayOpen === undefined ? 0 : (c.int(o.delayOpen, `${path}.delayOpen`, 0, 240) ?? 0),
    connectRetry:
      o.connectRetry === undefined ? 5 : (c.int(o.connectRetry, `${path}.connectRetry`, 1, 65535) ?? 5),
  };
}

function dynamicNeighbor(c: Checker, v: unknown, path: string): DynamicNeighborConfig | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  c.keys(o, path, ['range', 'peerAsn']);
  c.parsed(o.range, `${path}.range`, (s) => parsePrefix(s));
  const asns = Array.isArray(o.peerAsn) ? o.peerAsn : [o.peerAsn];
  return {
    range: typeof o.range === 'string' ? o.range : '',
    peerAsn: asns.map(
      (a, i) =>
        c.int(a, Array.isArray(o.peerAsn) ? `${path}.peerAsn[${i}]` : `${path}.peerAsn`, 1, ASN_MAX) ?? 0,
    ),
  };
}

function announcement(c: Checker, v: unknown, path: string): AnnouncementConfig | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  c.keys(o, path, [
    'prefix',
    'nextHop',
    'communities',
    'largeCommunities',
    'extendedCommunities',
    'localPref',
    'med',
    'asPathPrepend',
  ]);
  c.parsed(o.prefix, `${path}.prefix`, (s) => parsePrefix(s));
  const strings = (key: string, parse: (s: string) => unknown) =>
    c.list(o[key], `${path}.${key}`).map((x, i) => {
      c.parsed(x, `${path}.${key}[${i}]`, parse);
      return String(x);
    });
  return {
    prefix: typeof o.prefix === 'string' ? o.prefix : '',
    nextHop: o.nextHop === undefined ? undefined : c.address(o.nextHop, `${path}.nextHop`),
    communities: strings('communities', parseCommunity),
    largeCommunities: strings('largeCommunities', parseLargeCommunity),
    extendedCommunities: strings('extendedCommunities', parseExtendedCommunity),
    localPref: o.localPref === undefined ? undefined : c.int(o.localPref, `${path}.localPref`, 0, ASN_MAX),
    med: o.med === undefined ? undefined : c.int(o.med, `${path}.med`, 0, ASN_MAX),
    asPathPrepend:
      o.asPathPrepend === undefined ? 0 : (c.int(o.asPathPrepend, `${path}.asPathPrepend`, 0, 32) ?? 0),
  };
}

function listen(c: Checker, v: unknown): HeraldConfig['listen'] {
  if (v === false) return false;
  const o = v === undefined ? {} : (c.object(v, 'listen') ?? {});
  c.keys(o, 'listen', ['address', 'port']);
  return {
    address: o.address === undefined ? '0.0.0.0' : (c.address(o.address, 'listen.address') ?? '0.0.0.0'),
    port: o.port === undefined ? 179 : (c.int(o.port, 'listen.port', 1, 65535) ?? 179),
  };
}

function api(c: Checker, v: unknown): HeraldConfig['api'] {
  if (v === false) return false;
  const o = v === undefined ? {} : (c.object(v, 'api') ?? {});
  c.keys(o, 'api', ['listen']);
  const at = o.listen === undefined ? '127.0.0.1:9179' : c.string(o.listen, 'api.listen');
  if (at && !at.startsWith('/') && !/^(\[[0-9a-fA-F:.]+\]|[0-9.]+|localhost):\d{1,5}$/.test(at)) {
    c.fail('api.listen', 'must be HOST:PORT (e.g. 127.0.0.1:9179) or the absolute path of a unix socket');
  }
  return { listen: at ?? '127.0.0.1:9179' };
}

/** One neighbor entry with its defaults filled in (dynamic neighbors use this too); throws ConfigError. */
export function normalizeNeighbor(raw: unknown, path: string): NeighborConfig {
  const c = new Checker();
  const n = neighbor(c, raw, path);
  if (!n || c.problems.length > 0) throw new ConfigError(c.problems);
  return n;
}

/** Validates a parsed document; throws ConfigError listing every problem. */
export function validateConfig(doc: unknown): HeraldConfig {
  const c = new Checker();
  const o = c.object(doc ?? {}, '(top level)') ?? {};
  c.keys(o, '', ['asn', 'routerId', 'listen', 'api', 'neighbors', 'dynamicNeighbors', 'announce']);
  const config: HeraldConfig = {
    asn: c.int(o.asn, 'asn', 1, ASN_MAX) ?? 0,
    routerId: o.routerId === undefined ? undefined : c.address(o.routerId, 'routerId', 'ipv4'),
    listen: listen(c, o.listen),
    api: api(c, o.api),
    neighbors: c
      .list(o.neighbors, 'neighbors')
      .map((n, i) => neighbor(c, n, `neighbors[${i}]`)!)
      .filter(Boolean),
    dynamicNeighbors: c
      .list(o.dynamicNeighbors, 'dynamicNeighbors')
      .map((n, i) => dynamicNeighbor(c, n, `dynamicNeighbors[${i}]`)!)
      .filter(Boolean),
    announce: c
      .list(o.announce, 'announce')
      .map((a, i) => announcement(c, a, `announce[${i}]`)!)
      .filter(Boolean),
  };
  const seen = new Set<string>();
  config.neighbors.forEach((n, i) => {
    if (seen.has(n.address)) c.fail(`neighbors[${i}].address`, `duplicate neighbor ${n.address}`);
    seen.add(n.address);
  });
  if (c.problems.length > 0) throw new ConfigError(c.problems);
  return config;
}
