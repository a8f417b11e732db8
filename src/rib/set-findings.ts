// What validating a new attribute set finds, once, when it is interned: the RFC 7606 outcome, the
// mandatory attributes missing, a loop, route-level invalidity (import-rules.ts, route-validity.ts)
// and the next hop the kernel routes need. Nearly every set finds nothing: a plain block (see
// plain-block.ts) with nothing wrong on arrival is judged from its octets, without decoding; any
// other is decoded and judged in full. A clean set shares one findings object (of two: with NEXT_HOP,
// and without, for IPv6 routes). Both ways give the same answer
// (test/rib/set-findings.test.ts). Pure.
import type { AttributeError, AttributeOutcome, CodecContext, MpReach, PlainFacts } from '../wire/index.js';
import {
  AsPathSegmentType,
  decodeAttributes,
  missingMandatory,
  plainFacts,
  readIpv4,
  scanPlainBlock,
} from '../wire/index.js';
import { type ImportRules, type LoopReason, loopReason } from './import-rules.js';
import { nextHopProblem, validity } from './route-validity.js';

export const NO_ERRORS: readonly AttributeError[] = [];

/** What validating a set found: shared by every set with nothing to report (nearly all of them). */
export interface SetFindings {
  readonly outcome: AttributeOutcome;
  readonly errors: readonly AttributeError[];
  readonly missingClassic?: string;
  readonly missingMp?: string;
  readonly loop?: LoopReason;
  readonly invalidClassic?: AttributeError;
  readonly invalidMp?: AttributeError;
}

export const CLEAN: SetFindings = Object.freeze({ outcome: 'none', errors: NO_ERRORS });

/** The findings of a set that is clean but for NEXT_HOP: good for MP_REACH_NLRI's routes (IPv6). */
const CLEAN_MP_ONLY: SetFindings = Object.freeze({
  outcome: 'none',
  errors: NO_ERRORS,
  missingClassic: missingMandatory({ origin: 0, asPath: [] }, true),
});

export interface Judgement {
  readonly findings: SetFindings;
  /** NEXT_HOP, or MP_REACH_NLRI's next hop. */
  readonly nextHop: string | undefined;
}

/** Filled by scanPlainBlock (judging is synchronous, so one serves every call). */
const FACTS = plainFacts();

/**
 * The findings of the attribute octets `buf[start..end)` with MP_REACH's head `mpReach`, under
 * `rules` (none: MRT data, no loop or validity checks). Throws the decoder's Notification for
 * session-fatal errors. `quick` false decodes every set (the tests compare both ways).
 */
export function judgeSet(
  buf: Buffer,
  start: number,
  end: number,
  ctx: CodecContext,
  mpReach: Omit<MpReach, 'nlri'> | undefined,
  rules: ImportRules | undefined,
  quick = true,
): Judgement {
  if (
    quick &&
    scanPlainBlock(buf, start, end, ctx, FACTS) &&
    nothingWrongOnArrival(buf, FACTS, mpReach, rules)
  ) {
    const classic = FACTS.nextHop >= 0 ? readIpv4(buf, FACTS.nextHop) : undefined;
    return { findings: classic ? CLEAN : CLEAN_MP_ONLY, nextHop: mpReach?.nextHop ?? classic };
  }
  const decoded = decodeAttributes(buf, start, end, ctx);
  const valid = rules && validity(decoded.attributes, mpReach, rules.session);
  const missingClassic = missingMandatory(decoded.attributes, true);
  const missingMp = missingMandatory(decoded.attributes, false);
  const loop = rules && loopReason(decoded.attributes, rules);
  const nextHop = mpReach?.nextHop ?? decoded.attributes.nextHop;
  const rest =
    decoded.outcome === 'none' &&
    decoded.errors.length === 0 &&
    missingMp === undefined &&
    loop === undefined &&
    valid?.classic === undefined &&
    valid?.mp === undefined;
  if (rest && missingClassic === undefined) return { findings: CLEAN, nextHop };
  if (rest && missingClassic === CLEAN_MP_ONLY.missingClassic) return { findings: CLEAN_MP_ONLY, nextHop };
  // Only a set with something to report gets findings of its own.
  const findings: SetFindings = {
    outcome: decoded.outcome,
    errors: decoded.errors.length > 0 ? decoded.errors : NO_ERRORS,
    missingClassic,
    missingMp,
    loop,
    invalidClassic: valid?.classic,
    invalidMp: valid?.mp,
  };
  return { findings, nextHop };
}

/**
 * For a plain block: no loop (import-rules.ts) and nothing invalid (route-validity.ts), read from
 * the octets. False sends the block to the full judgement, which says what the matter is.
 */
function nothingWrongOnArrival(
  buf: Buffer,
  f: PlainFacts,
  mpReach: Omit<MpReach, 'nlri'> | undefined,
  rules: ImportRules | undefined,
): boolean {
  if (!rules) return true;
  // Our AS in the path more often than allowAsIn lets it be (RFC 4271 §9.1.2).
  let ours = 0;
  for (let pos = f.asPath; pos < f.asPathEnd; ) {
    const next = pos + 2 + buf[pos + 1] * 4;
    for (let at = pos + 2; at < next; at += 4) if (buf.readUInt32BE(at) === rules.localAsn) ours++;
    pos = next;
  }
  if (ours > rules.allowAsIn) return false;
  // Our identifier as ORIGINATOR_ID, our cluster in CLUSTER_LIST (RFC 4456 §8).
  if (f.originatorId >= 0 && readIpv4(buf, f.originatorId) === rules.routerId) return false;
  const clusterId = rules.clusterId ?? rules.routerId;
  for (let at = f.clusterList; at >= 0 && at < f.clusterListEnd; at += 4)
    if (readIpv4(buf, at) === clusterId) return false;
  const session = rules.session;
  // An eBGP peer's path starts with its AS (RFC 4271 §6.3, when enforced).
  if (session?.ebgp && session.enforceFirstAs) {
    const firstIsSequence = f.asPathEnd > f.asPath && buf[f.asPath] === AsPathSegmentType.AS_SEQUENCE;
    if (!firstIsSequence || buf.readUInt32BE(f.asPath + 2) !== session.peerAsn) return false;
  }
  if (f.nextHop >= 0 && nextHopProblem(readIpv4(buf, f.nextHop), undefined, session) !== undefined)
    return false;
  return (
    mpReach?.nextHop === undefined ||
    nextHopProblem(mpReach.nextHop, mpReach.linkLocal, session) === undefined
  );
}
