// Typed errors of the codec. A session-fatal problem is a `Notification` (what we send the peer);
// RFC 7606 outcomes for a malformed path attribute are values (`AttributeError`), never thrown.
import { describeError } from './notification-codes.js';

const EMPTY = Buffer.alloc(0);

/**
 * A BGP NOTIFICATION: both the decoded message and the typed error the decoders throw when the
 * session must be reset. `message` names the code/subcode and, when given, the reason.
 */
export class Notification extends Error {
  override readonly name = 'Notification';
  constructor(
    readonly code: number,
    readonly subcode: number,
    readonly data: Buffer = EMPTY,
    readonly reason?: string,
  ) {
    super(reason ? `${describeError(code, subcode)}: ${reason}` : describeError(code, subcode));
  }
}

/** RFC 7606 §2 error-handling approaches, weakest first. */
export const ATTRIBUTE_OUTCOMES = [
  'none',
  'attribute-discard',
  'treat-as-withdraw',
  'session-reset',
] as const;
export type AttributeOutcome = (typeof ATTRIBUTE_OUTCOMES)[number];

/** One malformed attribute and what was done about it; `reason` is human text for logs. */
export interface AttributeError {
  readonly type: number;
  readonly outcome: Exclude<AttributeOutcome, 'none'>;
  readonly reason: string;
}

/** RFC 7606 §3: "the approach with the strongest ... effect ... MUST be used" (session-reset > ... ). */
export function strongest(a: AttributeOutcome, b: AttributeOutcome): AttributeOutcome {
  return ATTRIBUTE_OUTCOMES.indexOf(a) >= ATTRIBUTE_OUTCOMES.indexOf(b) ? a : b;
}

/** Thrown by an attribute decoder; the attribute-block decoder turns it into an `AttributeError`. */
export class MalformedAttribute extends Error {
  override readonly name = 'MalformedAttribute';
  constructor(
    readonly reason: string,
    /** Overrides the attribute's default outcome for this case. */
    readonly outcome?: Exclude<AttributeOutcome, 'none'>,
  ) {
    super(reason);
  }
}
