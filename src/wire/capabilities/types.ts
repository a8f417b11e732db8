// Decoded BGP capabilities (RFC 5492 and the RFCs that define each code). Unknown codes keep
// their octets so they can be shown and compared.
import type { AddPathDirection } from '../registry.js';

export interface FamilyFlag {
  readonly afi: number;
  readonly safi: number;
}

export type Capability =
  /** RFC 4760 §8 */
  | { readonly kind: 'multiprotocol'; readonly afi: number; readonly safi: number }
  /** RFC 2918 */
  | { readonly kind: 'route-refresh' }
  /** RFC 7313 */
  | { readonly kind: 'enhanced-route-refresh' }
  /** RFC 8654 */
  | { readonly kind: 'extended-message' }
  /** RFC 6793 */
  | { readonly kind: 'as4'; readonly asn: number }
  /** RFC 9234 */
  | { readonly kind: 'role'; readonly role: number }
  /** RFC 4724 (N bit: RFC 8538) */
  | {
      readonly kind: 'graceful-restart';
      readonly restarting: boolean;
      readonly notification: boolean;
      readonly restartTime: number;
      readonly families: readonly (FamilyFlag & { readonly forwarding: boolean })[];
    }
  /** RFC 9494 */
  | {
      readonly kind: 'long-lived-graceful-restart';
      readonly families: readonly (FamilyFlag & {
        readonly forwarding: boolean;
        readonly staleTime: number;
      })[];
    }
  /** RFC 7911 */
  | {
      readonly kind: 'add-path';
      readonly families: readonly (FamilyFlag & { readonly direction: AddPathDirection })[];
    }
  /** RFC 8950 */
  | {
      readonly kind: 'extended-next-hop';
      readonly entries: readonly (FamilyFlag & { readonly nextHopAfi: number })[];
    }
  /** draft-walton-bgp-hostname-capability (code 73) */
  | { readonly kind: 'fqdn'; readonly hostname: string; readonly domain: string }
  | { readonly kind: 'unknown'; readonly code: number; readonly value: Uint8Array };

export type CapabilityKind = Capability['kind'];
