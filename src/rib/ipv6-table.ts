// IPv6 route table: (prefix, path id) → 32-bit value. A Map keyed by the masked prefix octets as a
// latin1 string; IPv6 tables are an order of magnitude smaller than IPv4 ones on today's Internet.
// (A typed-array table like Ipv4Table is the upgrade path if IPv6 memory ever matters.)

function key(buf: Uint8Array, off: number, length: number, pathId: number): string {
  const s = prefixKey(buf, off, length);
  return pathId === 0 ? s : `${s}#${pathId}`;
}

/** The prefix part of a key: the length, then the masked octets. */
function prefixKey(buf: Uint8Array, off: number, length: number): string {
  const n = (length + 7) >> 3;
  let s = String.fromCharCode(length);
  for (let i = 0; i < n; i++) {
    let b = buf[off + i];
    if (i === n - 1 && (length & 7) !== 0) b &= (0xff << (8 - (length & 7))) & 0xff;
    s += String.fromCharCode(b);
  }
  return s;
}

export class Ipv6Table {
  private readonly map = new Map<string, number>();
  /** Non-zero path ids per prefix key (add-path routes only), so `paths()` is a lookup, not a scan. */
  private readonly pathIds = new Map<string, number[]>();

  get size(): number {
    return this.map.size;
  }

  /** Sets the value for the packed prefix at `buf[off..]`; returns the previous value or -1. */
  set(buf: Uint8Array, off: number, length: number, pathId: number, value: number): number {
    const k = key(buf, off, length, pathId);
    const old = this.map.get(k);
    this.map.set(k, value);
    if (old === undefined && pathId !== 0) {
      const p = prefixKey(buf, off, length);
      const ids = this.pathIds.get(p);
      if (ids) ids.push(pathId);
      else this.pathIds.set(p, [pathId]);
    }
    return old ?? -1;
  }

  delete(buf: Uint8Array, off: number, length: number, pathId: number): number {
    const k = key(buf, off, length, pathId);
    const old = this.map.get(k);
    if (old === undefined) return -1;
    this.map.delete(k);
    if (pathId !== 0) {
      const p = prefixKey(buf, off, length);
      const ids = this.pathIds.get(p)!;
      if (ids.length === 1) this.pathIds.delete(p);
      else ids.splice(ids.indexOf(pathId), 1);
    }
    return old;
  }

  get(buf: Uint8Array, off: number, length: number, pathId = 0): number | undefined {
    return this.map.get(key(buf, off, length, pathId));
  }

  /** Every path of the prefix at `buf[off..]` as [path id, value] (empty when it is absent). */
  paths(buf: Uint8Array, off: number, length: number): [pathId: number, value: number][] {
    const p = prefixKey(buf, off, length);
    const out: [number, number][] = [];
    const v = this.map.get(p);
    if (v !== undefined) out.push([0, v]);
    for (const id of this.pathIds.get(p) ?? []) out.push([id, this.map.get(`${p}#${id}`)!]);
    return out;
  }

  /** Whether any path of the prefix at `buf[off..]` is present. */
  hasPrefix(buf: Uint8Array, off: number, length: number): boolean {
    const p = prefixKey(buf, off, length);
    return this.map.has(p) || this.pathIds.has(p);
  }

  /** Every route as [prefix octets (16, masked), length, path id, value]; do not modify while iterating. */
  *entries(): Generator<[Buffer, number, number, number]> {
    for (const [k, v] of this.map) {
      const hashAt = k.indexOf('#', 1 + ((k.charCodeAt(0) + 7) >> 3));
      const body = hashAt < 0 ? k : k.slice(0, hashAt);
      const bytes = Buffer.alloc(16);
      for (let i = 1; i < body.length; i++) bytes[i - 1] = body.charCodeAt(i);
      yield [bytes, k.charCodeAt(0), hashAt < 0 ? 0 : Number(k.slice(hashAt + 1)), v];
    }
  }

  /** Calls `fn` with the prefix octets (16, masked), length, path id and value. */
  forEach(fn: (bytes: Buffer, length: number, pathId: number, value: number) => void): void {
    for (const [bytes, length, pathId, value] of this.entries()) fn(bytes, length, pathId, value);
  }
}
