// UPDATE message body, RFC 4271 §4.3:
//
//   +-----------------------------------------------------+
//   |   Withdrawn Routes Length (2 octets)                |
//   +-----------------------------------------------------+
//   |   Withdrawn Routes (variable)                       |
//   +-----------------------------------------------------+
//   |   Total Path Attribute Length (2 octets)            |
//   +-----------------------------------------------------+
//   |   Path Attributes (variable)                        |
//   +-----------------------------------------------------+
//   |   Network Layer Reachability Information (variable) |
//   +-----------------------------------------------------+

import { decodeAttributes, encodeAttributes, missingMandatory } from './attributes/attribute-block.js';
import type { PathAttributes } from './attributes/types.js';
import type { CodecContext, FamilyKey } from './context.js';
import { familyKey, IPV4_UNICAST } from './context.js';
import type { AttributeError, AttributeOutcome } from './errors.js';
import { Notification, strongest } from './errors.js';
import { finishMessage, startMessage } from './header.js';
import { decodeNlri, writePrefix } from './nlri.js';
import { ErrorCode, UpdateSubcode } from './notification-codes.js';
import type { Prefix } from './prefix.js';
import { Afi, AttrType, MessageType } from './registry.js';
import { Writer } from './writer.js';

export interface Update {
  /** IPv4 unicast routes in the Withdrawn Routes field. */
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  /** IPv4 unicast routes in the NLRI field. */
  readonly nlri: readonly Prefix[];
}

export interface DecodedUpdate extends Update {
  /** RFC 7606 problems that did not reset the session. */
  readonly errors: readonly AttributeError[];
  /** Strongest RFC 7606 approach; "treat-as-withdraw" means every announced route is withdrawn. */
  readonly outcome: AttributeOutcome;
  /** RFC 4724 §2 End-of-RIB marker for this family, when the UPDATE is one. */
  readonly endOfRib?: FamilyKey;
}

/** Offsets of the three variable fields of an UPDATE body. */
export interface UpdateLayout {
  readonly withdrawnStart: number;
  readonly withdrawnEnd: number;
  readonly attrStart: number;
  readonly attrEnd: number;
  readonly nlriStart: number;
  readonly nlriEnd: number;
}

function malformedList(reason: string): Notification {
  return new Notification(
    ErrorCode.UPDATE_MESSAGE,
    UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
    undefined,
    reason,
  );
}

/** Locates the fields of the UPDATE body in `body[start..end)` (defaults: the whole buffer). */
export function splitUpdate(body: Buffer, start = 0, end = body.length): UpdateLayout {
  // RFC 4271 §6.3: "If the Withdrawn Routes Length or Total Attribute Length is too large (i.e., if
  // Withdrawn Routes Length + Total Attribute Length + 23 exceeds the message Length), then the
  // Error Subcode MUST be set to Malformed Attribute List."
  if (end - start < 4) throw malformedList('UPDATE body shorter than its two length fields');
  const withdrawnLen = body.readUInt16BE(start);
  const withdrawnStart = start + 2;
  const withdrawnEnd = withdrawnStart + withdrawnLen;
  if (withdrawnEnd + 2 > end) throw malformedList(`withdrawn routes length ${withdrawnLen} too large`);
  const attrLen = body.readUInt16BE(withdrawnEnd);
  const attrStart = withdrawnEnd + 2;
  const attrEnd = attrStart + attrLen;
  if (attrEnd > end) throw malformedList(`total path attribute length ${attrLen} too large`);
  return { withdrawnStart, withdrawnEnd, attrStart, attrEnd, nlriStart: attrEnd, nlriEnd: end };
}

/**
 * Decodes an UPDATE body (the message after its 19-octet header). Throws a Notification when the
 * session must be reset; otherwise RFC 7606 outcomes are reported in `outcome` and `errors`.
 */
export function decodeUpdate(body: Buffer, ctx: CodecContext): DecodedUpdate {
  const l = splitUpdate(body);
  const v4AddPath = ctx.addPath.has(IPV4_UNICAST);
  const code = ErrorCode.UPDATE_MESSAGE;
  // RFC 4271 §6.3: "The NLRI field in the UPDATE message is checked for syntactic validity. If the
  // field is syntactically incorrect, then the Error Subcode MUST be set to Invalid Network Field."
  const sub = UpdateSubcode.INVALID_NETWORK_FIELD;
  const withdrawn = decodeNlri(body, l.withdrawnStart, l.withdrawnEnd, Afi.IPV4, v4AddPath, code, sub);
  const nlri = decodeNlri(body, l.nlriStart, l.nlriEnd, Afi.IPV4, v4AddPath, code, sub);
  const decoded = decodeAttributes(body, l.attrStart, l.attrEnd, ctx);
  const { attributes } = decoded;
  const errors = decoded.errors;
  let outcome = decoded.outcome;

  const mpNlri = attributes.mpReach
    ? attributes.mpReach.nlri.length + (attributes.mpReach.raw?.nlri.length ?? 0)
    : 0;
  if ((nlri.length > 0 || mpNlri > 0) && outcome !== 'treat-as-withdraw') {
    const missing = missingMandatory(attributes, nlri.length > 0);
    if (missing) {
      errors.push({ type: 0, outcome: 'treat-as-withdraw', reason: missing });
      outcome = strongest(outcome, 'treat-as-withdraw');
    }
  }
  if (nlri.length === 0 && mpNlri === 0 && ctx.ibgp !== undefined) {
    const reset = withoutNlriError(errors);
    if (reset) throw reset;
  }
  return { withdrawn, attributes, nlri, errors, outcome, endOfRib: endOfRibFamily(body, l, attributes) };
}

/** The RFC 4271 §6.3 subcode for an error in attribute `type` (0: the attribute list itself). */
function subcodeFor(type: number): number {
  if (type === AttrType.ORIGIN) return UpdateSubcode.INVALID_ORIGIN;
  if (type === AttrType.AS_PATH) return UpdateSubcode.MALFORMED_AS_PATH;
  if (type === AttrType.NEXT_HOP) return UpdateSubcode.INVALID_NEXT_HOP;
  if (type === AttrType.LOCAL_PREF) return UpdateSubcode.ATTRIBUTE_LENGTH_ERROR;
  if (type === 0) return UpdateSubcode.MALFORMED_ATTRIBUTE_LIST;
  return UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR;
}

/**
 * RFC 7606 §5.2: for an UPDATE that "does contain path attributes other than MP_UNREACH_NLRI and
 * doesn't encode any reachable NLRI ... if any encountered error specifies an error-handling
 * approach other than 'attribute discard', then the 'session reset' approach MUST be used" (its
 * NLRI cannot be shown to have been parsed right). The NOTIFICATION to send, or undefined. Callers
 * apply it to sessions only (ctx.ibgp defined), never to MRT data.
 */
export function withoutNlriError(errors: readonly AttributeError[]): Notification | undefined {
  const e = errors.find((x) => x.outcome !== 'attribute-discard');
  if (!e) return undefined;
  return new Notification(
    ErrorCode.UPDATE_MESSAGE,
    subcodeFor(e.type),
    undefined,
    `${e.reason}, in an UPDATE without reachable NLRI (RFC 7606 §5.2)`,
  );
}

/**
 * RFC 4724 §2: "An UPDATE message with no reachable Network Layer Reachability Information (NLRI)
 * and empty withdrawn NLRI is specified as the End-of-RIB marker" (IPv4 unicast: an UPDATE with no
 * fields at all; other families: only an empty MP_UNREACH_NLRI).
 */
function endOfRibFamily(body: Buffer, l: UpdateLayout, a: PathAttributes): FamilyKey | undefined {
  if (body.length === 4) return IPV4_UNICAST;
  const onlyMpUnreach =
    l.withdrawnEnd === l.withdrawnStart &&
    l.nlriEnd === l.nlriStart &&
    a.mpUnreach !== undefined &&
    a.mpUnreach.withdrawn.length === 0 &&
    (a.mpUnreach.raw?.length ?? 0) === 0 &&
    Object.keys(a).length === 1;
  return onlyMpUnreach ? familyKey(a.mpUnreach!.afi, a.mpUnreach!.safi) : undefined;
}

/** Routes an UPDATE announces and withdraws, applying RFC 7606 treat-as-withdraw. */
export function updateRoutes(u: DecodedUpdate): { announced: Prefix[]; withdrawn: Prefix[] } {
  const reach = [...u.nlri, ...(u.attributes.mpReach?.nlri ?? [])];
  const withdrawn = [...u.withdrawn, ...(u.attributes.mpUnreach?.withdrawn ?? [])];
  if (u.outcome === 'treat-as-withdraw') return { announced: [], withdrawn: withdrawn.concat(reach) };
  return { announced: reach, withdrawn };
}

/** Writes a whole UPDATE message (header included). Throws WriterOverflow if it does not fit. */
export function writeUpdate(w: Writer, u: Update, ctx: CodecContext): void {
  const start = startMessage(w, MessageType.UPDATE);
  const limit = w.limit;
  w.limit = Math.min(limit, start + ctx.maxMessageLength);
  try {
    const v4AddPath = ctx.addPath.has(IPV4_UNICAST);
    const wl = w.reserve16();
    for (const p of u.withdrawn) writePrefix(w, p, v4AddPath);
    w.patch16(wl);
    const al = w.reserve16();
    encodeAttributes(w, u.attributes, ctx);
    w.patch16(al);
    for (const p of u.nlri) writePrefix(w, p, v4AddPath);
    finishMessage(w, start);
  } finally {
    w.limit = limit;
  }
}

/** Encodes one UPDATE into a new Buffer (for tests and tools; the packers write in place). */
export function encodeUpdate(u: Update, ctx: CodecContext): Buffer {
  const w = Writer.alloc(ctx.maxMessageLength);
  writeUpdate(w, u, ctx);
  return Buffer.from(w.view());
}
