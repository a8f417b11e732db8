// The k8s bench's router: a minimal BGP listener in its own namespace that accepts Herald's
// sessions (one after another) and reports, for every UPDATE, when it arrived (process.hrtime:
// CLOCK_MONOTONIC, comparable with the bench process) and which IPv4 prefixes it announced and
// withdrew. Independent of src/ (it only frames messages), like the ingest bench's speaker.
//
//   node --import tsx router.ts '{"address":…,"asn":…,"bgpId":…,"holdTime":…}'
// Events on stdout, one JSON line each: listening, established, update {a: [...], w: [...]}, closed.
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { emit, handshake, keepalives } from '../ingest/speaker.js';

export interface RouterArgs {
  address: string;
  asn: number;
  bgpId: string;
  holdTime: number;
}

/** IPv4 prefixes of an NLRI field, as "a.b.c.d/len". */
function prefixes(buf: Buffer, start: number, end: number): string[] {
  const out: string[] = [];
  for (let pos = start; pos < end; ) {
    const len = buf[pos];
    const octets = (len + 7) >> 3;
    const o = [0, 0, 0, 0];
    for (let i = 0; i < octets; i++) o[i] = buf[pos + 1 + i];
    out.push(`${o.join('.')}/${len}`);
    pos += 1 + octets;
  }
  return out;
}

function onUpdate(body: Buffer): void {
  const wl = body.readUInt16BE(0);
  const al = body.readUInt16BE(2 + wl);
  const w = prefixes(body, 2, 2 + wl);
  const a = prefixes(body, 4 + wl + al, body.length);
  if (w.length > 0 || a.length > 0) emit('update', { a, w });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = JSON.parse(process.argv[2] ?? '{}') as RouterArgs;
  const server = net.createServer((sock) => {
    handshake(sock, args, onUpdate).then(
      ({ holdTime }) => {
        emit('established', { from: sock.remoteAddress });
        keepalives(sock, holdTime);
      },
      (e: Error) => emit('failed', { message: e.message }),
    );
  });
  server.listen({ host: args.address, port: 179 }, () => emit('listening'));
}
