// Drives the update packers until every prefix is written, and reads the messages back.
import type {
  CodecContext,
  DecodedUpdate,
  Ipv4Routes,
  Prefix,
  PreparedAttributes,
} from '../../src/wire/index.js';
import {
  decodeUpdate,
  Framer,
  MAX_EXTENDED_MESSAGE_LENGTH,
  packIpv4Update,
  packUpdate,
  packWithdrawal,
  Writer,
} from '../../src/wire/index.js';

/** Packs with `step` (returns the next index) into one large buffer, then splits it into messages. */
function drive(total: number, step: (w: Writer, from: number) => number): Buffer[] {
  const w = Writer.alloc(1 << 20);
  const out: Buffer[] = [];
  for (let i = 0; i < total; ) {
    if (w.remaining < MAX_EXTENDED_MESSAGE_LENGTH) {
      out.push(...split(Buffer.from(w.view())));
      w.rollback(0);
    }
    const next = step(w, i);
    if (next <= i) throw new Error(`packer made no progress at ${i}`);
    i = next;
  }
  out.push(...split(Buffer.from(w.view())));
  return out;
}

/** The messages in `stream`, each checked by the Framer against the 65535 ceiling. */
export function split(stream: Buffer): Buffer[] {
  const f = new Framer(MAX_EXTENDED_MESSAGE_LENGTH);
  f.push(stream);
  const out: Buffer[] = [];
  for (let m = f.next(); m; m = f.next()) out.push(m.message);
  if (f.pending !== 0) throw new Error(`${f.pending} octets left over`);
  return out;
}

export function packAll(
  prepared: PreparedAttributes,
  prefixes: readonly Prefix[],
  ctx: CodecContext,
): Buffer[] {
  return drive(prefixes.length, (w, from) => packUpdate(w, prepared, prefixes, from, ctx));
}

export function packAllIpv4(prepared: PreparedAttributes, routes: Ipv4Routes, ctx: CodecContext): Buffer[] {
  const n = routes.addrs.length;
  return drive(n, (w, from) => packIpv4Update(w, prepared, routes, from, n, ctx));
}

export function withdrawAll(prefixes: readonly Prefix[], safi: number, ctx: CodecContext): Buffer[] {
  return drive(prefixes.length, (w, from) => packWithdrawal(w, prefixes, from, safi, ctx));
}

/** IPv4 prefixes as the fast path's parallel arrays. */
export function toIpv4Routes(prefixes: readonly Prefix[], withPathIds: boolean): Ipv4Routes {
  const addrs = new Uint32Array(prefixes.length);
  const lengths = new Uint8Array(prefixes.length);
  const pathIds = new Uint32Array(prefixes.length);
  prefixes.forEach((p, i) => {
    const b = [0, 1, 2, 3].map((k) => p.bytes[k] ?? 0);
    addrs[i] = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    lengths[i] = p.length;
    pathIds[i] = p.pathId ?? 0;
  });
  return withPathIds ? { addrs, lengths, pathIds } : { addrs, lengths };
}

export function decodeAll(messages: readonly Buffer[], ctx: CodecContext): DecodedUpdate[] {
  return messages.map((m) => decodeUpdate(m.subarray(19), ctx));
}
