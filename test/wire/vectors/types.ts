// Shapes of the hand-written ("declare-once") vectors. Each vector names the rule it checks (`rfc`),
// gives the message body after the 19-octet header as annotated hex, and the one expected result;
// generate.ts turns it into decode, encode and round-trip tests.
import type {
  AttributeOutcome,
  CodecContext,
  FamilyKey,
  OpenMessage,
  PathAttributes,
  RouteRefresh,
  Update,
} from '../../../src/wire/index.js';

/** The NOTIFICATION a decoder must throw. `data` is checked when given (empty Buffer: no data). */
export interface ExpectedNotification {
  readonly code: number;
  readonly subcode: number;
  readonly data?: Buffer;
}

export interface ExpectedAttributeError {
  /** Attribute type code (0 when the problem is not one attribute's, e.g. a missing one). */
  readonly type: number;
  readonly outcome: Exclude<AttributeOutcome, 'none' | 'session-reset'>;
}

/** Prefixes as text ("10.0.0.0/8", "10.0.0.0/8#7" with an RFC 7911 path id). */
export interface ExpectedRoutes {
  readonly announced: readonly string[];
  readonly withdrawn: readonly string[];
}

/** A clean UPDATE: decodes to `update` with no RFC 7606 error. */
export interface ValidUpdate {
  readonly update: Update;
  readonly endOfRib?: FamilyKey;
  /** What our encoder writes for `update` when it is not `bytes` (non-canonical input). */
  readonly encoded?: Buffer;
  /** false when decode(encode(update)) cannot equal `update` (e.g. an unknown attribute gains Partial). */
  readonly roundTrip?: false;
}

/** An UPDATE with RFC 7606 errors that did not reset the session. */
export interface Rfc7606Update {
  readonly outcome: Exclude<AttributeOutcome, 'none' | 'session-reset'>;
  readonly errors: readonly ExpectedAttributeError[];
  /** The attributes that survived, when the vector pins them. */
  readonly attributes?: PathAttributes;
  /** What `updateRoutes()` makes of it (treat-as-withdraw turns announcements into withdrawals). */
  readonly routes?: ExpectedRoutes;
}

export type UpdateExpected = ValidUpdate | Rfc7606Update | { readonly notification: ExpectedNotification };

export interface UpdateVector {
  readonly name: string;
  /** The rule checked, e.g. "RFC 7606 §7.8". */
  readonly rfc: string;
  /** UPDATE body (after the header). */
  readonly bytes: Buffer;
  readonly ctx?: Partial<CodecContext>;
  readonly expected: UpdateExpected;
}

export interface OpenVector {
  readonly name: string;
  readonly rfc: string;
  readonly bytes: Buffer;
  readonly expected:
    | { readonly open: OpenMessage; readonly encoded?: Buffer }
    | { readonly notification: ExpectedNotification };
}

export interface NotificationVector {
  readonly name: string;
  readonly rfc: string;
  readonly bytes: Buffer;
  readonly expected: ExpectedNotification & { readonly data: Buffer };
}

export interface RouteRefreshVector {
  readonly name: string;
  readonly rfc: string;
  readonly bytes: Buffer;
  readonly expected:
    | { readonly routeRefresh: RouteRefresh }
    | { readonly notification: ExpectedNotification };
}
