// Interned path attribute sets. The raw attribute octets of an UPDATE are the key, so a set shared
// by many prefixes is validated once and stored once. A set keeps its raw octets (a compact latin1
// string) and what ingress needs; the full PathAttributes are decoded on demand, so a full table
// costs tens of octets per route rather than hundreds. Routes referring to a set are counted;
// unused sets are freed.
import type {
  AttributeError,
  AttributeOutcome,
  CodecContext,
  MpReach,
  PathAttributes,
} from '../wire/index.js';
import { decodeAttributes } from '../wire/index.js';
import { AttributeIndex, hashOctets } from './attribute-index.js';
import { withRoomFor } from './id-array.js';
import type { ImportRules, LoopReason } from './import-rules.js';
import { judgeSet, type SetFindings } from './set-findings.js';

/**
 * One interned set. Its validation findings sit in one object shared by all clean sets, read
 * through getters: a full table holds ~90,000 sets per peer, and seven fields that are nearly
 * always empty cost ~50 octets each (and the collector's copying of them while a table arrives).
 */
export class AttributeSet {
  constructor(
    readonly id: number,
    /** The attribute octets as latin1, MP_REACH_NLRI and MP_UNREACH_NLRI left out. */
    readonly raw: string,
    /** Family and next hop of MP_REACH_NLRI (its NLRI dropped), for routes learned through it. */
    readonly mpReach: Omit<MpReach, 'nlri'> | undefined,
    readonly ctx: CodecContext,
    /** NEXT_HOP, or MP_REACH_NLRI's next hop: what the kernel routes need, without a decode. */
    readonly nextHop: string | undefined,
    private readonly findings: SetFindings,
  ) {}

  /** Strongest RFC 7606 approach met while decoding, and the reasons. */
  get outcome(): AttributeOutcome {
    return this.findings.outcome;
  }
  get errors(): readonly AttributeError[] {
    return this.findings.errors;
  }
  /** RFC 7606 §3(d) reason when routes in the NLRI field (classic) or MP_REACH lack a mandatory attribute. */
  get missingClassic(): string | undefined {
    return this.findings.missingClassic;
  }
  get missingMp(): string | undefined {
    return this.findings.missingMp;
  }
  /** Set when routes with these attributes are dropped on import (a loop). */
  get loop(): LoopReason | undefined {
    return this.findings.loop;
  }
  /** Why routes in the NLRI field (classic) or MP_REACH with these attributes are invalid (route-validity.ts). */
  get invalidClassic(): AttributeError | undefined {
    return this.findings.invalidClassic;
  }
  get invalidMp(): AttributeError | undefined {
    return this.findings.invalidMp;
  }
}

/** The full attributes of a set, decoded from its raw octets. */
export function attributesOf(set: AttributeSet): PathAttributes {
  const buf = Buffer.from(set.raw, 'latin1');
  const { attributes } = decodeAttributes(buf, 0, buf.length, set.ctx);
  if (set.mpReach) attributes.mpReach = { ...set.mpReach, nlri: [] };
  return attributes;
}

/**
 * Decoded attribute sets, the most recently used ones only: UPDATEs group prefixes by set, so the
 * decision process and policies that read them meet the same few sets in a row. Keeping every
 * decoded set (as long as the set lived) cost more than the routes themselves — with two full
 * tables, hundreds of octets for each of ~180,000 sets. Two generations: a set read again moves
 * to the young one; when the young one is full, the old one is dropped.
 */
const DECODED_KEPT = 8192;
let youngDecoded = new Map<AttributeSet, PathAttributes>();
let oldDecoded = new Map<AttributeSet, PathAttributes>();

/** `attributesOf`, kept decoded while the set is in recent use. */
export function decodedAttributes(set: AttributeSet): PathAttributes {
  let a = youngDecoded.get(set);
  if (a) return a;
  a = oldDecoded.get(set) ?? attributesOf(set);
  if (youngDecoded.size >= DECODED_KEPT) {
    oldDecoded = youngDecoded;
    youngDecoded = new Map();
  }
  youngDecoded.set(set, a);
  return a;
}

export class AttributeStore {
  private readonly byId: (AttributeSet | undefined)[] = [];
  private readonly index = new AttributeIndex<AttributeSet>((id) => this.byId[id]);
  private readonly free: number[] = [];
  /** Routes referring to each set, by id (a typed array: touched on every route change). */
  private refs = new Uint32Array(1024);

  constructor(private readonly rules?: ImportRules) {}

  get size(): number {
    return this.index.size;
  }

  /**
   * The set of the attribute octets at `buf[start..end)`, validating them only the first time they
   * are seen. `mpReach` distinguishes sets that differ only in MP_REACH's next hop. Throws the
   * decoder's Notification for session-fatal errors.
   */
  intern(
    buf: Buffer,
    start: number,
    end: number,
    ctx: CodecContext,
    mpReach?: Omit<MpReach, 'nlri'>,
  ): AttributeSet {
    const hash = hashOctets(buf, start, end, mpReach);
    const hit = this.index.find(hash, buf, start, end, mpReach);
    if (hit) return hit;
    const { findings, nextHop } = judgeSet(buf, start, end, ctx, mpReach, this.rules);
    const raw = buf.toString('latin1', start, end);
    const id = this.free.pop() ?? this.byId.length;
    const set = new AttributeSet(id, raw, mpReach, ctx, nextHop, findings);
    this.refs = withRoomFor(this.refs, id);
    this.refs[id] = 0;
    this.byId[id] = set;
    this.index.add(set, hash);
    return set;
  }

  get(id: number): AttributeSet | undefined {
    return this.byId[id];
  }

  retain(id: number): void {
    this.refs[id]++;
  }

  refCount(id: number): number {
    return this.byId[id] ? this.refs[id] : 0;
  }

  /** Drops one reference; the set is forgotten when none remain. */
  release(id: number): void {
    if (--this.refs[id] > 0) return;
    this.forget(id);
  }

  /** Forgets a set that no route refers to (interned for an UPDATE that announced nothing). */
  forgetIfUnused(id: number): void {
    if (this.byId[id] && this.refs[id] === 0) this.forget(id);
  }

  private forget(id: number): void {
    const set = this.byId[id]!;
    this.index.remove(set);
    this.byId[id] = undefined;
    this.free.push(id);
  }
}
