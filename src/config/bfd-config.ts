// A neighbor's BFD settings as the daemon uses them: its profile resolved (the neighbor's own keys
// win), the defaults filled, multihop decided, the key read from its file or environment variable
// and checked against the length its type allows. Problems name the path, never the key.
import { authKey, type BfdAuthConfig, BfdAuthConfigError } from '../bfd/auth-key.js';
import type { BfdTimingConfig } from '../bfd/driver.js';
import { BFD_DEFAULTS, type RawBfdAuth, type RawBfdProfile, type RawNeighborBfd } from './bfd-schema.js';
import { secret } from './secrets.js';

/** A profile with its key read (validate.ts keeps these as `bfdProfiles`). */
export interface BfdProfileConfig extends Omit<RawBfdProfile, 'auth'> {
  auth?: BfdAuthConfig;
}

/** What a neighbor's BFD session runs with. Intervals in milliseconds. */
export interface NeighborBfdConfig extends Required<BfdTimingConfig> {
  /** RFC 5883 multihop (default: true when the neighbor has ebgpMultihop). */
  readonly multihop: boolean;
  /** Multihop only: lowest TTL accepted (the BFD layer defaults to 254). */
  readonly minTtl?: number;
  /** Hold BGP down until BFD is Up, also before BFD was ever Up. */
  readonly strict: boolean;
  /** The profile it came from, for the API. */
  readonly profile?: string;
  readonly auth?: BfdAuthConfig;
}

const SESSION_KEYS = ['minRx', 'minTx', 'multiplier', 'passive', 'minTtl'] as const;

/** The key of an `auth` block; undefined (with a problem) when it is missing or does not fit. */
function auth(problems: string[], raw: RawBfdAuth | undefined, path: string): BfdAuthConfig | undefined {
  if (!raw) return undefined;
  const key = secret(problems, path, 'password', raw);
  if (key === undefined) {
    if (raw.password === undefined && raw.passwordFile === undefined && raw.passwordEnv === undefined)
      problems.push(`${path}: give one of password, passwordFile, passwordEnv`);
    return undefined;
  }
  const config: BfdAuthConfig = { type: raw.type, keyId: raw.keyId as number, secret: key };
  try {
    authKey(config);
  } catch (e) {
    if (!(e instanceof BfdAuthConfigError)) throw e;
    problems.push(`${path}.password: ${e.message}`);
    return undefined;
  }
  return config;
}

/** Profiles with their keys read, by name (the first of a duplicated name wins; validate.ts reports it). */
export function bfdProfiles(problems: string[], raw: RawBfdProfile[]): BfdProfileConfig[] {
  return raw.map((p, i) => {
    const { auth: a, ...rest } = p;
    const key = auth(problems, a, `bfdProfiles[${i}].auth`);
    return key ? { ...rest, auth: key } : rest;
  });
}

/** The BFD session of a neighbor, or undefined when it has none (no `bfd` block, or `enabled: false`). */
export function neighborBfd(
  problems: string[],
  raw: RawNeighborBfd | undefined,
  neighbor: { ebgpMultihop?: number },
  profiles: readonly BfdProfileConfig[],
  path: string,
): NeighborBfdConfig | undefined {
  if (!raw || raw.enabled === false) return undefined;
  const here = `${path}.bfd`;
  let profile: BfdProfileConfig | undefined;
  if (raw.profile !== undefined) {
    profile = profiles.find((p) => p.name === raw.profile);
    if (!profile) {
      problems.push(`${here}.profile: no BFD profile named ${raw.profile} in bfdProfiles`);
      return undefined;
    }
  }
  const multihop = raw.multihop ?? neighbor.ebgpMultihop !== undefined;
  if (raw.minTtl !== undefined && !multihop)
    problems.push(`${here}.minTtl: only applies to a multihop session (RFC 5881 accepts TTL 255 only)`);
  const merged: Record<string, unknown> = { ...BFD_DEFAULTS };
  for (const k of SESSION_KEYS) {
    const v = raw[k] ?? profile?.[k];
    if (v !== undefined) merged[k] = v;
  }
  // A profile's minimum TTL is for the multihop sessions that use it.
  if (!multihop) delete merged.minTtl;
  const key = raw.auth ? auth(problems, raw.auth, `${here}.auth`) : profile?.auth;
  return {
    ...(merged as Omit<NeighborBfdConfig, 'multihop' | 'strict'>),
    multihop,
    strict: raw.strict === true,
    ...(raw.profile !== undefined && { profile: raw.profile }),
    ...(key && { auth: key }),
  };
}

const REDACTED = '<redacted>';
const redactAuth = <T extends { auth?: BfdAuthConfig }>(o: T): T =>
  o.auth ? { ...o, auth: { ...o.auth, secret: REDACTED } } : o;

/** BFD keys replaced, for display (check-config, GET /api/v1/config, the start-up log). */
export function redactBfd<N extends { bfd?: NeighborBfdConfig }>(
  neighbors: readonly N[],
  profiles: readonly BfdProfileConfig[],
): { neighbors: N[]; bfdProfiles: BfdProfileConfig[] } {
  return {
    neighbors: neighbors.map((n) => (n.bfd?.auth ? { ...n, bfd: redactAuth(n.bfd) } : n)),
    bfdProfiles: profiles.map(redactAuth),
  };
}
