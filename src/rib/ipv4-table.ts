// A compact IPv4 route table: (address, length, path id) → a value (an attribute-set or out-set id).
// Open addressing with linear probing over one Uint32Array, so no route is an object. Two slot
// layouts: compact, two words [address, length << 26 | value], while every path id is 0 and every
// value fits 26 bits (a table without add-path: half the memory); wide, four words [address, length,
// path id, value], which a compact table becomes for good on its first other path id or value.
// A table emptied to a sixteenth of its capacity shrinks. Its capacity need not be a power of two
// (a hash picks its slot by multiplying, not masking), so a table told how many routes to expect
// holds a full table at 70 % load, not somewhere between 35 and 70 %. Each table's hash is seeded
// from a random number drawn once per process, so a peer cannot pick prefixes that all land on one
// probe run (each insert would walk it: a few hundred thousand such /32s would stall the daemon).
// Pure otherwise: no I/O, no clock.

/** Length-field markers of free slots (a live slot's length is 0-32). */
const EMPTY = 63;
const DELETED = 62;
const MIN_CAPACITY = 16;
/** Words per slot of each layout. */
const COMPACT = 2;
const WIDE = 4;
/** Compact layout: the length in the top 6 bits of the second word, the value in the low 26. */
const LENGTH_SHIFT = 26;
const COMPACT_VALUE = (1 << LENGTH_SHIFT) - 1;
/** Shrunk when live slots fall below capacity / SHRINK_BELOW, to a load of about 1 / SHRINK_TO. */
const SHRINK_BELOW = 16;
const SHRINK_TO = 4;

export type Ipv4TableLayout = 'compact' | 'wide';

/** The paths of one prefix as [path id, value] (read-only: an empty one is shared). */
export type PathList = readonly (readonly [pathId: number, value: number])[];

/**
 * murmur3's 32-bit finalizer over the prefix: prefixes share low zero bits, so mix them all. The
 * path id is left out, so every path of a prefix lies on one probe run and `paths()` is one lookup
 * (add-path peers send a handful of paths per prefix; without add-path the id is always 0).
 */
function hash(addr: number, length: number, seed: number): number {
  let h = addr ^ Math.imul(length + 1, 0x9e3779b1) ^ seed;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function emptySlots(capacity: number, stride: number): Uint32Array {
  const slots = new Uint32Array(capacity * stride);
  const marker = stride === WIDE ? EMPTY : EMPTY << LENGTH_SHIFT;
  for (let i = 1; i < slots.length; i += stride) slots[i] = marker;
  return slots;
}

/** What `paths` gives for a prefix the table does not hold (a lookup that finds nothing allocates nothing). */
const NO_PATHS: PathList = Object.freeze([]);

/** Scratch for `paths` (filled by `pathsInto`, read at once). */
const FLAT: number[] = [];

/** The slots of an empty compact table at MIN_CAPACITY (copied by `clear`). */
const EMPTY_COMPACT = emptySlots(MIN_CAPACITY, COMPACT);

/** A growing table of at least FROM slots grows 4× rather than 2×, up to UNTIL (see `grow`). */
const FAST_GROWTH_FROM = 1 << 16;
const FAST_GROWTH_UNTIL = 1 << 20;

/** Live slots per capacity a table grows beyond (linear probing slows down fast past it). */
const MAX_LOAD = 0.7;

/** The smallest power-of-two capacity, at least MIN_CAPACITY, holding `n` slots. */
function capacityFor(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(MIN_CAPACITY, n)));
}

/** The capacity that holds `routes` routes at the most load a table takes before growing. */
function capacityForRoutes(routes: number): number {
  return Math.max(MIN_CAPACITY, Math.ceil(routes / MAX_LOAD) + 1);
}

/**
 * The slot of a 32-bit hash in a table of `capacity` slots: the hash's top 24 bits scaled to the
 * capacity (exact in a double up to 2^29 slots; a mask would need a power-of-two capacity).
 */
function slotOf(h: number, capacity: number): number {
  return Math.floor(((h >>> 8) * capacity) / 16777216);
}

/** Random, per process: the seeds cannot be guessed from outside. */
const SEED_BASE = crypto.getRandomValues(new Uint32Array(1))[0];
/** Tables seeded alike would cluster when one is filled in another's slot order (a walk). */
let tables = 0;

export class Ipv4Table {
  /** Distinct per table (multiplying by an odd number is a bijection on 32 bits). */
  private readonly seed = Math.imul(SEED_BASE ^ ++tables, 0x85ebca6b);
  private slots: Uint32Array;
  /** Slots in `slots`. */
  private capacity: number;
  /** Words per slot: COMPACT or WIDE. */
  private stride: number;
  /** The second word shifted right by this is the length (or a marker): 26 compact, 0 wide. */
  private shift: number;
  private used = 0; // live + deleted slots
  size = 0;

  /** `layout` 'wide' from the start (add-path tables); 'compact' widens itself when it must. */
  constructor(capacity = MIN_CAPACITY, layout: Ipv4TableLayout = 'compact') {
    this.stride = layout === 'wide' ? WIDE : COMPACT;
    this.shift = layout === 'wide' ? 0 : LENGTH_SHIFT;
    const cap = capacityFor(capacity);
    this.slots = emptySlots(cap, this.stride);
    this.capacity = cap;
  }

  /** A compact table with room for `routes` routes before it grows (capacity not rounded to a power of two). */
  static forRoutes(routes: number): Ipv4Table {
    const t = new Ipv4Table();
    t.reserve(routes);
    return t;
  }

  /**
   * Makes room for `routes` routes in all (those held included) in one rebuild, so a table about to
   * take many grows once, to the size they need, instead of doubling its way there. A reservation
   * of a few more than fit doubles the table, as growing would: never a rebuild per route.
   */
  reserve(routes: number): void {
    const needed = capacityForRoutes(routes);
    if (needed > this.capacity) this.rebuild(Math.max(needed, this.capacity * 2), this.stride);
  }

  /** The slot after `i` (linear probing wraps at the end). */
  private nextSlot(i: number): number {
    return i + 1 === this.capacity ? 0 : i + 1;
  }

  get layout(): Ipv4TableLayout {
    return this.stride === WIDE ? 'wide' : 'compact';
  }

  /** Word offset of the slot holding the key, or -1. */
  private find(addr: number, length: number, pathId: number): number {
    const s = this.slots;
    const stride = this.stride;
    const shift = this.shift;
    if (pathId !== 0 && stride === COMPACT) return -1;
    for (let i = slotOf(hash(addr, length, this.seed), this.capacity); ; i = this.nextSlot(i)) {
      const at = i * stride;
      const l = s[at + 1] >>> shift;
      if (l === EMPTY) return -1;
      if (l === length && s[at] === addr && (stride === COMPACT || s[at + 2] === pathId)) return at;
    }
  }

  private valueAt(at: number): number {
    return this.stride === WIDE ? this.slots[at + 3] : this.slots[at + 1] & COMPACT_VALUE;
  }

  private pathIdAt(at: number): number {
    return this.stride === WIDE ? this.slots[at + 2] : 0;
  }

  private write(at: number, addr: number, length: number, pathId: number, value: number): void {
    const s = this.slots;
    s[at] = addr;
    if (this.stride === COMPACT) {
      s[at + 1] = (length << LENGTH_SHIFT) | value;
      return;
    }
    s[at + 1] = length;
    s[at + 2] = pathId;
    s[at + 3] = value;
  }

  get(addr: number, length: number, pathId = 0): number | undefined {
    const at = this.find(addr, length, pathId);
    return at < 0 ? undefined : this.valueAt(at);
  }

  /** Every path of the prefix as [path id, value] (empty, and shared, when the prefix is absent). */
  paths(addr: number, length: number): PathList {
    const n = this.pathsInto(addr, length, FLAT);
    if (n === 0) return NO_PATHS;
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) out.push([FLAT[2 * i], FLAT[2 * i + 1]]);
    return out;
  }

  /**
   * `paths` into the start of a caller's array, flat — path id, value, path id, value… — with no
   * allocation; returns how many paths (entries past twice that are left over from earlier calls:
   * truncating the array each time cost more than the lookup).
   */
  pathsInto(addr: number, length: number, out: number[]): number {
    const s = this.slots;
    let n = 0;
    for (let i = slotOf(hash(addr, length, this.seed), this.capacity); ; i = this.nextSlot(i)) {
      const at = i * this.stride;
      const l = s[at + 1] >>> this.shift;
      if (l === EMPTY) return n;
      if (l !== length || s[at] !== addr) continue;
      out[2 * n] = this.pathIdAt(at);
      out[2 * n + 1] = this.valueAt(at);
      n++;
    }
  }

  /** Word offset of the prefix's first path in its probe run, or -1 when the prefix is absent. */
  private firstPath(addr: number, length: number): number {
    const s = this.slots;
    for (let i = slotOf(hash(addr, length, this.seed), this.capacity); ; i = this.nextSlot(i)) {
      const at = i * this.stride;
      const l = s[at + 1] >>> this.shift;
      if (l === EMPTY) return -1;
      if (l === length && s[at] === addr) return at;
    }
  }

  /** Whether `pathId` is the prefix's first path in the table (walks yield each prefix once). */
  isFirstPath(addr: number, length: number, pathId: number): boolean {
    const at = this.firstPath(addr, length);
    return at >= 0 && this.pathIdAt(at) === pathId;
  }

  /** Whether any path of the prefix is present. */
  hasPrefix(addr: number, length: number): boolean {
    return this.firstPath(addr, length) >= 0;
  }

  /** Sets the value; returns the previous one or -1 when the key is new. */
  set(addr: number, length: number, pathId: number, value: number): number {
    if (this.stride === COMPACT && (pathId !== 0 || value > COMPACT_VALUE)) this.rebuild(this.capacity, WIDE);
    if (this.used + 1 > this.capacity * MAX_LOAD) this.grow();
    const s = this.slots;
    const stride = this.stride;
    const shift = this.shift;
    let free = -1;
    for (let i = slotOf(hash(addr, length, this.seed), this.capacity); ; i = this.nextSlot(i)) {
      const at = i * stride;
      const l = s[at + 1] >>> shift;
      if (l === EMPTY) {
        if (free < 0) {
          free = at;
          this.used++;
        }
        break;
      }
      if (l === DELETED) {
        if (free < 0) free = at;
      } else if (l === length && s[at] === addr && (stride === COMPACT || s[at + 2] === pathId)) {
        const old = this.valueAt(at);
        this.write(at, addr, length, pathId, value);
        return old;
      }
    }
    this.write(free, addr, length, pathId, value);
    this.size++;
    return -1;
  }

  /** Removes the key; returns its value or -1 when absent. */
  delete(addr: number, length: number, pathId = 0): number {
    const at = this.find(addr, length, pathId);
    if (at < 0) return -1;
    const value = this.valueAt(at);
    this.slots[at + 1] = DELETED << this.shift;
    this.size--;
    const cap = this.capacity;
    if (cap > MIN_CAPACITY && this.size * SHRINK_BELOW < cap)
      this.rebuild(capacityFor(this.size * SHRINK_TO), this.stride);
    return value;
  }

  /** Removes every route; the table is compact and at its smallest again (reused, not replaced). */
  clear(): void {
    if (this.capacity === MIN_CAPACITY && this.stride === COMPACT) this.slots.set(EMPTY_COMPACT);
    else this.slots = emptySlots(MIN_CAPACITY, COMPACT);
    this.capacity = MIN_CAPACITY;
    this.stride = COMPACT;
    this.shift = LENGTH_SHIFT;
    this.used = 0;
    this.size = 0;
  }

  /** Calls `fn` for every route (order unspecified). */
  forEach(fn: (addr: number, length: number, pathId: number, value: number) => void): void {
    const s = this.slots;
    const stride = this.stride;
    const shift = this.shift;
    for (let at = 0; at < s.length; at += stride) {
      const l = s[at + 1] >>> shift;
      if (l <= 32)
        fn(
          s[at],
          l,
          stride === WIDE ? s[at + 2] : 0,
          stride === WIDE ? s[at + 3] : s[at + 1] & COMPACT_VALUE,
        );
    }
  }

  /** Every route as [address, length, path id, value] (order unspecified; do not modify while iterating). */
  *entries(): Generator<[number, number, number, number]> {
    const s = this.slots;
    const stride = this.stride;
    const shift = this.shift;
    for (let at = 0; at < s.length; at += stride) {
      const l = s[at + 1] >>> shift;
      if (l <= 32)
        yield [
          s[at],
          l,
          stride === WIDE ? s[at + 2] : 0,
          stride === WIDE ? s[at + 3] : s[at + 1] & COMPACT_VALUE,
        ];
    }
  }

  /** Octets held by the slot array. */
  get byteSize(): number {
    return this.slots.byteLength;
  }

  /**
   * Grows when more than half of the capacity is live, else only drops the deleted slots. A table
   * past 64k slots grows 4×, but not past 1M slots unless 2× does (a full table arriving: half the
   * routes moved, in two rebuilds instead of four); else 2×, so a table of a million routes, or
   * one reserved for a full table and growing a little past it, is not given room for four.
   */
  private grow(): void {
    const cap = this.capacity;
    if (this.size * 2 <= cap) {
      this.rebuild(cap, this.stride);
      return;
    }
    const grown = cap >= FAST_GROWTH_FROM ? Math.min(cap * 4, Math.max(cap * 2, FAST_GROWTH_UNTIL)) : cap * 2;
    this.rebuild(grown, this.stride);
  }

  /** Moves every live route to a new slot array of `capacity` slots and `stride` words a slot. */
  private rebuild(capacity: number, stride: number): void {
    const old = this.slots;
    const oldStride = this.stride;
    const oldShift = this.shift;
    this.stride = stride;
    this.shift = stride === WIDE ? 0 : LENGTH_SHIFT;
    this.slots = emptySlots(capacity, stride);
    this.capacity = capacity;
    this.used = 0;
    this.size = 0;
    const s = this.slots;
    if (oldStride === COMPACT && stride === COMPACT) {
      this.moveCompact(old);
      return;
    }
    for (let at = 0; at < old.length; at += oldStride) {
      const length = old[at + 1] >>> oldShift;
      if (length > 32) continue;
      const wide = oldStride === WIDE;
      // Keys are distinct and the new array has no deleted slots: take the first empty one.
      let i = slotOf(hash(old[at], length, this.seed), capacity);
      while (s[i * stride + 1] >>> this.shift !== EMPTY) i = this.nextSlot(i);
      this.write(
        i * stride,
        old[at],
        length,
        wide ? old[at + 2] : 0,
        wide ? old[at + 3] : old[at + 1] & COMPACT_VALUE,
      );
      this.used++;
      this.size++;
    }
  }

  /**
   * `rebuild`'s loop when both arrays are compact, the common case (a table growing): the words
   * are copied as they are, with no per-route branching on the layout.
   */
  private moveCompact(old: Uint32Array): void {
    const s = this.slots;
    const capacity = this.capacity;
    const seed = this.seed;
    let moved = 0;
    for (let at = 0; at < old.length; at += COMPACT) {
      const word = old[at + 1];
      const length = word >>> LENGTH_SHIFT;
      if (length > 32) continue;
      const addr = old[at];
      let i = slotOf(hash(addr, length, seed), capacity);
      while (s[i * COMPACT + 1] >>> LENGTH_SHIFT !== EMPTY) i = i + 1 === capacity ? 0 : i + 1;
      s[i * COMPACT] = addr;
      s[i * COMPACT + 1] = word;
      moved++;
    }
    this.used = moved;
    this.size = moved;
  }
}
