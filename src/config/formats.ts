// String formats shared by the config schema and the REST API schemas. Each one checks with the
// codec's own parser, so a value the schema accepts is a value the daemon can use, and each names
// what it wants so errors read "must be an IP address" rather than "must match format".
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import ipaddr from 'ipaddr.js';
import {
  Afi,
  formatPrefix,
  isIpAddress,
  isMulticastPrefix,
  isZonedIpAddress,
  originatedNextHopProblem,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
  parsePrefix,
} from '../wire/index.js';

interface Format {
  /** Completes "must be …" in an error message. */
  readonly expected: string;
  /** Throws (with the parser's reason) or returns false when the text is not valid. */
  readonly check: (text: string) => boolean | unknown;
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+|[A-Za-z0-9.-]+):(\d{1,5})$/;

function hostPort(text: string): boolean {
  const m = HOST_PORT.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}

/** A prefix whose address has no bits past its length (`10.1.1.5/24` is refused, not silently masked). */
export function exactPrefix(text: string): void {
  const p = parsePrefix(text);
  const canonical = formatPrefix(p);
  const slash = text.lastIndexOf('/');
  if (slash < 0) throw new Error(`invalid prefix "${text}": no length (did you mean ${canonical}?)`);
  if (ipaddr.parse(text.slice(0, slash)).toString() !== ipaddr.parse(canonical.split('/')[0]).toString())
    throw new Error(`invalid prefix "${text}": host bits set (did you mean ${canonical}?)`);
}

export const FORMATS: Record<string, Format> = {
  ip: { expected: 'an IP address', check: isZonedIpAddress },
  'next-hop': {
    expected: 'a unicast IP address',
    check: (s) => {
      if (!isIpAddress(s)) return false;
      const problem = originatedNextHopProblem(s);
      if (problem) throw new Error(`${problem}; leave nextHop out to send our own address`);
    },
  },
  prefix: { expected: 'a prefix such as 192.0.2.0/24 or 2001:db8::/32', check: exactPrefix },
  'unicast-prefix': {
    expected: 'a unicast prefix such as 192.0.2.0/24 or 2001:db8::/32',
    check: (s) => {
      exactPrefix(s);
      const p = parsePrefix(s);
      if (isMulticastPrefix(p.afi === Afi.IPV6, p.length, p.bytes[0]))
        throw new Error(`${s} is multicast: peers ignore it in unicast routes (RFC 4271 §6.3)`);
    },
  },
  'prefix-or-ip': {
    expected: 'a prefix (192.0.2.0/24) or an address for a longest-match lookup (192.0.2.1)',
    check: (s) => (s.includes('/') ? exactPrefix(s) : isIpAddress(s)),
  },
  community: { expected: 'a community (64512:100 or a well-known name)', check: parseCommunity },
  'large-community': { expected: 'a large community (ASN:N:N)', check: parseLargeCommunity },
  'extended-community': {
    expected: 'an extended community (rt:ASN:N, soo:ASN:N)',
    check: parseExtendedCommunity,
  },
  'host-port': { expected: 'HOST:PORT (e.g. 127.0.0.1:80 or [::1]:80)', check: hostPort },
  'api-listen': {
    expected: 'HOST:PORT (e.g. 127.0.0.1:9179) or the absolute path of a unix socket',
    check: (s) => s.startsWith('/') || hostPort(s),
  },
  'http-url': {
    expected: 'an http:// or https:// URL',
    check: (s) => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s),
  },
};

/** Why `text` is not a valid `format` (the parser's own message when it has one), or undefined. */
export function formatProblem(format: string, text: string): string | undefined {
  const f = FORMATS[format];
  if (!f) return undefined;
  try {
    if (f.check(text) !== false) return undefined;
  } catch (e) {
    return (e as Error).message;
  }
  return `must be ${f.expected}`;
}

/** Adds Herald's formats (and ajv-formats' ipv4/ipv6) to an Ajv instance; also a Fastify ajv plugin. */
export function addFormats(ajv: Ajv): Ajv {
  // Required here, not imported: only what validates loads it (see checkSchema in validate.ts).
  const ajvFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats');
  ajvFormats.default(ajv, ['ipv4', 'ipv6']);
  for (const [name, _f] of Object.entries(FORMATS)) {
    ajv.addFormat(name, { type: 'string', validate: (s: string) => formatProblem(name, s) === undefined });
  }
  return ajv;
}
