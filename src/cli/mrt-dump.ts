// `herald mrt dump FILE`: prints every route in an MRT file (gzip or plain), as `bgpdump -m` lines
// or NDJSON. Streams the file and honours stdout backpressure, so a full table dumps in flat memory.
import { once } from 'node:events';
import { formatDumpLine, jsonAttributes, routesOf } from '../mrt/dump.js';
import { MrtFormatError, streamMrtRecords } from '../mrt/index.js';
import type { PeerIndexEntry } from '../mrt/records.js';
import { Notification } from '../wire/index.js';
import { quietOnClosedPipe } from './closed-pipe.js';

const SOURCE_NAMES: Record<number, string> = {
  12: 'TABLE_DUMP',
  13: 'TABLE_DUMP2',
  16: 'BGP4MP',
  17: 'BGP4MP_ET',
};

export async function mrtDump(file: string, opts: { json?: boolean }, out = process.stdout): Promise<number> {
  quietOnClosedPipe(out);
  const lines: string[] = [];
  let errors = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    const ok = out.write(`${lines.join('\n')}\n`);
    lines.length = 0;
    if (!ok) await once(out, 'drain');
  };
  try {
    errors += await dumpRecords(file, opts, lines, flush);
  } catch (e) {
    const why = unreadable(e);
    if (why === undefined) throw e;
    // What was decoded before the damage is printed; the damage is the last line, on stderr.
    await flush();
    process.stderr.write(`herald: ${file}: ${why}\n`);
    return 2;
  }
  await flush();
  return errors > 0 ? 1 : 0;
}

/** Why the file cannot be read on (a damaged record, gzip stream, or file), or undefined. */
function unreadable(e: unknown): string | undefined {
  if (e instanceof MrtFormatError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('Z_')) return `not a valid gzip stream (${(e as Error).message})`;
  if (code.startsWith('E')) return `cannot read (${code})`;
  return undefined;
}

async function dumpRecords(
  file: string,
  opts: { json?: boolean },
  lines: string[],
  flush: () => Promise<void>,
): Promise<number> {
  let peers: PeerIndexEntry[] = [];
  let errors = 0;
  for await (const r of streamMrtRecords(file)) {
    if (r.kind === 'peer-index-table') peers = r.peers;
    try {
      for (const route of routesOf(r, peers)) {
        if (opts.json) {
          const { attributes, ...rest } = route;
          lines.push(
            JSON.stringify({ ...rest, ...(attributes ? { attributes: jsonAttributes(attributes) } : {}) }),
          );
        } else {
          lines.push(formatDumpLine(SOURCE_NAMES[r.type] ?? String(r.type), route));
        }
      }
    } catch (e) {
      if (!(e instanceof Notification)) throw e;
      errors++;
      process.stderr.write(`record at offset ${r.offset}: ${e.message}\n`);
    }
    if (lines.length >= 512) await flush();
  }
  return errors;
}
