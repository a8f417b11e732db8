// Attribute sets on the way out. An `OutSet` is one attribute set as neighbors get it, encoded once
// for a kind of session and shared by every route and every neighbor that gets it; Adj-RIBs-Out
// hold only its number per route (no object per route per neighbor); once encoded, a set keeps its
// octets (as latin1 strings: no Buffer view and no object around them, ~100 octets less a set),
// not its decoded attributes. The registry numbers the sets routes refer to and forgets a
// set when no route does. Pure.
import {
  AttrFlag,
  AttrType,
  type CodecContext,
  decodeAttributes,
  nlriRoom,
  type PathAttributes,
  type PreparedAttributes,
  prepareAttributes,
  Writer,
  WriterOverflow,
  writeAttribute,
} from '../wire/index.js';
import { withRoomFor } from './id-array.js';

export class OutSet {
  /** Its number while some route refers to it (-1: none does). */
  id = -1;
  /** The attributes until they are encoded; then only the octets are kept (`attributes` decodes them). */
  private decoded?: PathAttributes;
  /**
   * The encoding's attribute octets, for sessions of one kind (the export group's), as latin1; null
   * when it fits no UPDATE at all.
   */
  private block?: string | null;
  /** MP_REACH_NLRI up to its NLRI, as latin1, when routes go there. */
  private mpHead?: string;
  private addPath = false;
  /** The context of the encoding, to read it back. */
  private ctx?: CodecContext;
  /** Octets left for NLRI in an UPDATE carrying it (-1: none). */
  room = -1;
  /** Why it could not be encoded, when not for its size (a next hop that is no address, say). */
  encodeError?: string;

  /** `keepDecoded`: the attributes stay decoded after encoding (an export policy reads them). */
  constructor(
    attributes: PathAttributes,
    readonly keepDecoded = false,
  ) {
    this.decoded = attributes;
  }

  /**
   * The attributes as neighbors get them. A set in use is held as its encoding alone (a full
   * table's rewritten sets, decoded, cost several hundred octets each), so this decodes it again:
   * for listings and tests, not for the export path.
   */
  get attributes(): PathAttributes {
    if (this.decoded) return this.decoded;
    return readPrepared(
      this.encoded(this.ctx as CodecContext) as PreparedAttributes,
      this.ctx as CodecContext,
    );
  }

  /** Whether it can be sent to sessions of `ctx`'s kind (encoding it for them the first time). */
  encodable(ctx: CodecContext): boolean {
    if (this.block !== undefined) return this.block !== null;
    try {
      const prepared = prepareAttributes(this.decoded as PathAttributes, ctx);
      this.room = nlriRoom(prepared, ctx);
      this.block = prepared.block.toString('latin1');
      this.mpHead = prepared.mpHead?.toString('latin1');
      this.addPath = prepared.addPath;
      this.ctx = ctx;
      if (!this.keepDecoded) this.decoded = undefined;
    } catch (e) {
      this.block = null; // over 65,535 octets of attributes: no session could carry it
      if (!(e instanceof WriterOverflow)) this.encodeError = (e as Error).message;
    }
    return this.block !== null;
  }

  /**
   * The encoding for `ctx` (the first caller's; the sets of one export group share the context),
   * made into buffers for the packer: once per UPDATE's worth of routes, not per route.
   */
  encoded(ctx: CodecContext): PreparedAttributes | null {
    if (!this.encodable(ctx)) return null;
    const block = Buffer.from(this.block as string, 'latin1');
    const mpHead = this.mpHead === undefined ? undefined : Buffer.from(this.mpHead, 'latin1');
    return mpHead ? { block, mpHead, addPath: this.addPath } : { block, addPath: this.addPath };
  }

  /** Whether `other` encodes to the same octets for `ctx` (neither unencodable). */
  sameOctets(other: OutSet, ctx: CodecContext): boolean {
    return (
      this.encodable(ctx) &&
      other.encodable(ctx) &&
      this.block === other.block &&
      this.mpHead === other.mpHead
    );
  }
}

/** Decodes an encoding made by `prepareAttributes` (MP_REACH_NLRI, when present, without NLRI). */
export function readPrepared(p: PreparedAttributes, ctx: CodecContext): PathAttributes {
  if (!p.mpHead) return decodeAttributes(p.block, 0, p.block.length, ctx).attributes;
  // MP_REACH_NLRI written back as an attribute (Optional, Extended Length) after the others.
  const head = p.mpHead;
  const w = Writer.alloc(p.block.length + 4 + head.length);
  w.bytes(p.block);
  writeAttribute(w, AttrFlag.OPTIONAL, AttrType.MP_REACH_NLRI, true, () => w.bytes(head));
  return decodeAttributes(w.buf, 0, w.pos, ctx).attributes;
}

/** Numbers the out sets in use, with a count of the routes (in every Adj-RIB-Out) that use each. */
export class OutSetRegistry {
  private readonly byId: (OutSet | undefined)[] = [];
  private readonly free: number[] = [];
  private refs = new Uint32Array(1024);

  get size(): number {
    return this.byId.length - this.free.length;
  }

  get(id: number): OutSet | undefined {
    return this.byId[id];
  }

  /** Counts one more route using `set`; returns its number. */
  retain(set: OutSet): number {
    if (set.id < 0) {
      set.id = this.free.pop() ?? this.byId.length;
      this.refs = withRoomFor(this.refs, set.id);
      this.byId[set.id] = set;
      this.refs[set.id] = 0;
    }
    this.refs[set.id]++;
    return set.id;
  }

  /** One route less uses set `id`; forgotten when none does. */
  release(id: number): void {
    if (--this.refs[id] > 0) return;
    const set = this.byId[id];
    if (set) set.id = -1;
    this.byId[id] = undefined;
    this.free.push(id);
  }
}
