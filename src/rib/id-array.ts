// Typed arrays indexed by a set's id (reference counts, hashes): ids are handed out from 0 up and
// reused, so an array grows only when an id reaches its end. Pure.

/** `array`, or a copy twice as long (at least `id + 1`) when `id` is past its end. */
export function withRoomFor(array: Uint32Array<ArrayBuffer>, id: number): Uint32Array<ArrayBuffer> {
  if (id < array.length) return array;
  const grown = new Uint32Array(Math.max(array.length * 2, id + 1));
  grown.set(array);
  return grown;
}
