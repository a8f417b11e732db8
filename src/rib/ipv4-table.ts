// A compact IPv4 route table: (address, length, path id) → a 32-bit value (an attribute-set id).
// Open addressing with linear probing over one Uint32Array, four words per slot
// [address, length, path id, value], so a probe touches one cache line and no route is an object.
// Pure data structure: no I/O, no clock.

const EMPTY = 255;
const DELETED = 254;
const MIN_CAPACITY = 16;
const STRIDE = 4;

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

function emptySlots(capacity: number): Uint32Array {
  const slots = new Uint32Array(capacity * STRIDE);
  for (let i = 1; i < slots.length; i += STRIDE) slots[i] = EMPTY;
  return slots;
}

/** Tables seeded alike would cluster when one is filled in another's slot order (a walk). */
let tables = 0;

export class Ipv4Table {
  private readonly seed = Math.imul(++tables, 0x85ebca6b);
  private slots: Uint32Array;
  private mask: number;
  private used = 0; // live + deleted slots
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    const cap = 2 ** Math.ceil(Math.log2(Math.max(MIN_CAPACITY, capacity)));
    this.slots = emptySlots(cap);
    this.mask = cap - 1;
  }

  /** Word offset of the slot holding the key, or -1. */
  private find(addr: number, length: number, pathId: number): number {
    const s = this.slots;
    for (let i = hash(addr, length, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const l = s[at + 1];
      if (l === EMPTY) return -1;
      if (l === length && s[at] === addr && s[at + 2] === pathId) return at;
    }
  }

  get(addr: number, length: number, pathId = 0): number | undefined {
    const at = this.find(addr, length, pathId);
    return at < 0 ? undefined : this.slots[at + 3];
  }

  /** Every path of the prefix as [path id, value] (empty when the prefix is absent). */
  paths(addr: number, length: number): [pathId: number, value: number][] {
    const s = this.slots;
    const out: [number, number][] = [];
    for (let i = hash(addr, length, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const l = s[at + 1];
      if (l === EMPTY) return out;
      if (l === length && s[at] === addr) out.push([s[at + 2], s[at + 3]]);
    }
  }

  /** Whether `pathId` is the prefix's first path in the table (walks yield each prefix once). */
  isFirstPath(addr: number, length: number, pathId: number): boolean {
    const s = this.slots;
    for (let i = hash(addr, length, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const l = s[at + 1];
      if (l === EMPTY) return false;
      if (l === length && s[at] === addr) return s[at + 2] === pathId;
    }
  }

  /** Whether any path of the prefix is present. */
  hasPrefix(addr: number, length: number): boolean {
    const s = this.slots;
    for (let i = hash(addr, length, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const l = s[at + 1];
      if (l === EMPTY) return false;
      if (l === length && s[at] === addr) return true;
    }
  }

  /** Sets the value; returns the previous one or -1 when the key is new. */
  set(addr: number, length: number, pathId: number, value: number): number {
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.rehash();
    const s = this.slots;
    let free = -1;
    for (let i = hash(addr, length, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const l = s[at + 1];
      if (l === EMPTY) {
        if (free < 0) {
          free = at;
          this.used++;
        }
        break;
      }
      if (l === DELETED) {
        if (free < 0) free = at;
      } else if (l === length && s[at] === addr && s[at + 2] === pathId) {
        const old = s[at + 3];
        s[at + 3] = value;
        return old;
      }
    }
    s[free] = addr;
    s[free + 1] = length;
    s[free + 2] = pathId;
    s[free + 3] = value;
    this.size++;
    return -1;
  }

  /** Removes the key; returns its value or -1 when absent. */
  delete(addr: number, length: number, pathId = 0): number {
    const at = this.find(addr, length, pathId);
    if (at < 0) return -1;
    this.slots[at + 1] = DELETED;
    this.size--;
    return this.slots[at + 3];
  }

  /** Calls `fn` for every route (order unspecified). */
  forEach(fn: (addr: number, length: number, pathId: number, value: number) => void): void {
    const s = this.slots;
    for (let at = 0; at < s.length; at += STRIDE)
      if (s[at + 1] <= 32) fn(s[at], s[at + 1], s[at + 2], s[at + 3]);
  }

  /** Every route as [address, length, path id, value] (order unspecified; do not modify while iterating). */
  *entries(): Generator<[number, number, number, number]> {
    const s = this.slots;
    for (let at = 0; at < s.length; at += STRIDE) {
      if (s[at + 1] <= 32) yield [s[at], s[at + 1], s[at + 2], s[at + 3]];
    }
  }

  /** Octets held by the slot array. */
  get byteSize(): number {
    return this.slots.byteLength;
  }

  private rehash(): void {
    const old = this.slots;
    const cap = this.size * 2 > this.mask + 1 ? (this.mask + 1) * 2 : this.mask + 1;
    this.slots = emptySlots(cap);
    this.mask = cap - 1;
    this.used = 0;
    this.size = 0;
    const s = this.slots;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at + 1] > 32) continue;
      // Keys are distinct and the new array has no deleted slots: take the first empty one.
      let i = hash(old[at], old[at + 1], this.seed) & this.mask;
      while (s[i * STRIDE + 1] !== EMPTY) i = (i + 1) & this.mask;
      s.set(old.subarray(at, at + STRIDE), i * STRIDE);
      this.used++;
      this.size++;
    }
  }
}
