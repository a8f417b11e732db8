// `herald mrt dump FILE`: prints every route in an MRT file (gzip or plain), as `bgpdump -m` lines
// or NDJSON. Streams the file and honours stdout backpressure, so a full table dumps in flat memory.
import { once } from 'node:events';
import { formatDumpLine, jsonAttributes, routesOf } from '../mrt/dump.js';
import { streamMrtRecords } from '../mrt/index.js';
import type { PeerIndexEntry } from '../mrt/records.js';
import { Notification } from '../wire/index.js';

const SOURCE_NAMES: Record<number, string> = {
  12: 'TABLE_DUMP',
  13: 'TABLE_DUMP2',
  16: 'BGP4MP',
  17: 'BGP4MP_ET',
};

export async function mrtDump(file: string, opts: { json?: boolean }, out = process.stdout): Promise<number> {
  // A reader that goes away (`| head`) ends the dump quietly.
  out.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  let peers: PeerIndexEntry[] = [];
  let lines: string[] = [];
  let errors = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    const ok = out.write(`${lines.join('\n')}\n`);
    lines = [];
    if (!ok) await once(out, 'drain');
  };
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
  await flush();
  return errors > 0 ? 1 : 0;
}
