// The capabilities Herald advertises for a neighbor, from its settings.
import type { Capability, FamilyKey } from '../wire/index.js';
import { Afi, IPV4_UNICAST, IPV6_UNICAST, Safi } from '../wire/index.js';

export interface CapabilitySettings {
  readonly localAsn: number;
  readonly families: readonly FamilyKey[];
  /** The session runs over IPv6 (offer RFC 8950 IPv4 routes with IPv6 next hops). */
  readonly ipv6Transport: boolean;
  readonly gracefulRestart?: { readonly restartTime: number; readonly restarting: boolean };
  readonly hostname?: string;
  /** RFC 7911 add-path for every configured family. */
  readonly addPath?: 'receive' | 'send' | 'both';
}

const ADD_PATH_MODE = { receive: 1, send: 2, both: 3 } as const;

export function localCapabilities(s: CapabilitySettings): Capability[] {
  const caps: Capability[] = s.families.map((f) => ({ kind: 'multiprotocol', afi: f >> 8, safi: f & 0xff }));
  caps.push({ kind: 'route-refresh' }, { kind: 'enhanced-route-refresh' }, { kind: 'as4', asn: s.localAsn });
  caps.push({ kind: 'extended-message' });
  if (s.ipv6Transport && s.families.includes(IPV4_UNICAST)) {
    caps.push({
      kind: 'extended-next-hop',
      entries: [{ afi: Afi.IPV4, safi: Safi.UNICAST, nextHopAfi: Afi.IPV6 }],
    });
  }
  if (s.addPath) {
    const direction = ADD_PATH_MODE[s.addPath];
    caps.push({
      kind: 'add-path',
      families: s.families.map((f) => ({ afi: f >> 8, safi: f & 0xff, direction })),
    });
  }
  if (s.gracefulRestart) {
    caps.push({
      kind: 'graceful-restart',
      restarting: s.gracefulRestart.restarting,
      // RFC 8538: we support the graceful NOTIFICATION ("N") bit.
      notification: true,
      restartTime: s.gracefulRestart.restartTime,
      // RFC 4724 §3: the Forwarding State bit says forwarding was preserved; Herald does not
      // forward packets itself, so routes it announced stay valid across its restart.
      families: s.families.map((f) => ({
        afi: f >> 8,
        safi: f & 0xff,
        forwarding: s.gracefulRestart!.restarting,
      })),
    });
  }
  if (s.hostname) caps.push({ kind: 'fqdn', hostname: s.hostname.slice(0, 64), domain: '' });
  return caps;
}

export const FAMILY_BY_NAME: Record<string, FamilyKey> = {
  'ipv4-unicast': IPV4_UNICAST,
  'ipv6-unicast': IPV6_UNICAST,
};
