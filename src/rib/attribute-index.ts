// Finds an interned attribute set by its octets without making a string of them first: open
// addressing over two typed arrays (hash, set id), keyed by a hash of the octets and of MP_REACH's
// family and next hop. On a hash match the set's own octets (kept as latin1) are compared, so a
// lookup is exact. A full table brings ~90,000 sets, nearly all new: a Map keyed by the octets'
// string cost a string hash and an insert into a growing hash map for each. Attribute octets come
// from peers, so the hash is keyed (keyed-hash.ts): a peer cannot precompute many sets with one
// hash, which would make every lookup compare them all. Pure.
import type { MpReach } from '../wire/index.js';
import { withRoomFor } from './id-array.js';
import { keyedHash } from './keyed-hash.js';

/** What the index needs of a set: its octets (latin1) and MP_REACH's head. */
export interface IndexedSet {
  readonly id: number;
  readonly raw: string;
  readonly mpReach?: Omit<MpReach, 'nlri'>;
}

const EMPTY = 0;
const DELETED = -1;
const MIN_CAPACITY = 64;

/** Octets of the MP_REACH head's text taken into its hash (an IPv6 address is at most 45). */
const MP_TEXT_HASHED = 64;
/** Where the MP_REACH head is laid out for hashing: the octets' hash, the family, two texts. */
const MP_HEAD = new Uint8Array(7 + 2 * (MP_TEXT_HASHED + 1));

/** The keyed hash of octets [start, end) and, when given, of MP_REACH's head; 32 bits. */
export function hashOctets(buf: Uint8Array, start: number, end: number, mp?: Omit<MpReach, 'nlri'>): number {
  const h = keyedHash(buf, start, end);
  return mp ? hashMpHead(h, mp) : h;
}

/** The hash of the octets' hash followed by MP_REACH's family, next hop and link-local (texts). */
function hashMpHead(h: number, mp: Omit<MpReach, 'nlri'>): number {
  const b = MP_HEAD;
  b[0] = h >>> 24;
  b[1] = h >>> 16;
  b[2] = h >>> 8;
  b[3] = h;
  b[4] = mp.afi >> 8;
  b[5] = mp.afi;
  b[6] = mp.safi;
  let n = 7;
  for (const text of [mp.nextHop ?? '', mp.linkLocal ?? '']) {
    const len = Math.min(text.length, MP_TEXT_HASHED);
    for (let i = 0; i < len; i++) b[n++] = text.charCodeAt(i);
    b[n++] = 0x7c; // a separator: "a" + "bc" differs from "ab" + "c"
  }
  return keyedHash(b, 0, n);
}

function sameMp(a: Omit<MpReach, 'nlri'> | undefined, b: Omit<MpReach, 'nlri'> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.afi === b.afi && a.safi === b.safi && a.nextHop === b.nextHop && a.linkLocal === b.linkLocal;
}

function sameOctets(raw: string, buf: Uint8Array, start: number, end: number): boolean {
  if (raw.length !== end - start) return false;
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

export class AttributeIndex<S extends IndexedSet> {
  private hashes = new Uint32Array(MIN_CAPACITY);
  /** Set id + 1 per slot; EMPTY or DELETED otherwise. */
  private ids = new Int32Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  /** Each indexed set's hash, by set id (found again on removal without hashing its octets). */
  private hashById = new Uint32Array(MIN_CAPACITY);
  /** Live and deleted slots. */
  private used = 0;
  size = 0;

  /** `setOf(id)`: the set with that id (the store's table). */
  constructor(private readonly setOf: (id: number) => S | undefined) {}

  /** The set with octets `buf[start..end)` and MP_REACH head `mp`, whose hash is `hash`. */
  find(hash: number, buf: Uint8Array, start: number, end: number, mp?: Omit<MpReach, 'nlri'>): S | undefined {
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.ids[i];
      if (slot === EMPTY) return undefined;
      if (slot === DELETED || this.hashes[i] !== hash) continue;
      const set = this.setOf(slot - 1);
      if (set && sameMp(set.mpReach, mp) && sameOctets(set.raw, buf, start, end)) return set;
    }
  }

  /** Adds a set not in the index, `hash` being `hashOctets` of its octets. */
  add(set: S, hash: number): void {
    if ((this.used + 1) * 2 > this.mask + 1) this.rebuild();
    let i = hash & this.mask;
    while (this.ids[i] > 0) i = (i + 1) & this.mask;
    if (this.ids[i] === EMPTY) this.used++;
    this.ids[i] = set.id + 1;
    this.hashes[i] = hash;
    this.hashById = withRoomFor(this.hashById, set.id);
    this.hashById[set.id] = hash;
    this.size++;
  }

  remove(set: S): void {
    const hash = this.hashById[set.id];
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.ids[i];
      if (slot === EMPTY) return;
      if (slot !== set.id + 1) continue;
      this.ids[i] = DELETED;
      this.size--;
      return;
    }
  }

  /** Twice the capacity when more than a quarter of it is live, else the same without deleted slots. */
  private rebuild(): void {
    const { hashes, ids } = this;
    const capacity = Math.max(
      MIN_CAPACITY,
      (this.size + 1) * 4 > this.mask + 1 ? (this.mask + 1) * 2 : this.mask + 1,
    );
    this.hashes = new Uint32Array(capacity);
    this.ids = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let k = 0; k < ids.length; k++) {
      if (ids[k] <= 0) continue;
      let i = hashes[k] & this.mask;
      while (this.ids[i] !== EMPTY) i = (i + 1) & this.mask;
      this.ids[i] = ids[k];
      this.hashes[i] = hashes[k];
    }
    this.used = this.size;
  }
}
