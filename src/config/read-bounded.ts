// Reads a file the operator names (the config, a key file) up to a bound: a device or a stream
// given by mistake (`--config /dev/zero`) ends in a clear error instead of memory exhaustion.
import { closeSync, openSync, readSync } from 'node:fs';

/** The largest config file read: 100,000 announcements are ~10 MB of YAML. */
export const CONFIG_MAX_BYTES = 64 * 1024 * 1024;
/** The largest secret file read (an MD5 key is at most 80 octets, RFC 2385). */
export const SECRET_MAX_BYTES = 64 * 1024;

/** The text of `path`, or an error: the file system's (with its `code`), or "larger than N bytes". */
export function readTextBounded(path: string, maxBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const scratch = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1));
    let total = 0;
    for (;;) {
      const n = readSync(fd, scratch, 0, Math.min(scratch.length, maxBytes + 1 - total), null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) {
        const e: NodeJS.ErrnoException = new Error(`larger than ${maxBytes} bytes`);
        e.code = `larger than ${maxBytes} bytes`;
        throw e;
      }
      chunks.push(Buffer.from(scratch.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
