// Rows of a listing (a full table: 577,699 routes) streamed as a JSON array or NDJSON, never built
// whole in memory, and never in one go: after each chunk the event loop turns before the next rows
// are made. A client reading as fast as Herald writes used to get the whole table from one task
// (`flow()` reads while the socket takes the writes) — seconds without timers, keepalives or the
// BFD worker's Downs being acted on (issue 16).
//
// A listing reads the tables as they are while it streams: a route changed meanwhile shows either
// state; a table taken out of service (its session went down) is listed to its end as it was.
import { Readable } from 'node:stream';

/** Rows are sent in chunks of about this many characters, not one socket write per row. */
export const CHUNK = 64 * 1024;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A JSON array (or NDJSON, one row a line) of `rows`, a chunk per turn of the event loop. */
export function rowStream(rows: Iterable<unknown>, ndjson: boolean): Readable {
  return Readable.from(
    (async function* () {
      let chunk = ndjson ? '' : '[';
      let first = true;
      for (const r of rows) {
        chunk += ndjson ? `${JSON.stringify(r)}\n` : `${first ? '' : ','}${JSON.stringify(r)}`;
        first = false;
        if (chunk.length >= CHUNK) {
          yield chunk;
          chunk = '';
          await nextTurn();
        }
      }
      yield ndjson ? chunk : `${chunk}]`;
    })(),
  );
}
