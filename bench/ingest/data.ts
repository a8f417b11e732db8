// The ingest bench's input: every BGP4MP UPDATE of the single peer in the MRT capture, raw bytes in
// recorded order, and the number of prefixes the table holds at the end (computed here with a
// plain prefix set, not with Herald's RIB, so the expected count does not depend on the code
// under test).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readMrtRecords } from '../../src/mrt/index.js';

/** The full IPv4 table capture: ../shared/data/mrt beside the checkout, or $HERALD_MRT_DIR. */
export const FULL_TABLE_MRT = resolve(
  // Compiled to .bench-build/bench/ingest/: four levels up is the directory holding the checkout.
  process.env.HERALD_MRT_DIR ?? resolve(import.meta.dirname, '../../../../shared/data/mrt'),
  'updates.et-header.2015.gz',
);

export interface UpdateStream {
  /** The UPDATE messages (marker, length, type, body) concatenated. */
  bytes: Buffer;
  messages: number;
  /** Prefixes announced in the stream (with repeats). */
  announced: number;
  withdrawn: number;
  /** Distinct prefixes held after the last message. */
  endState: number;
  /** Those prefixes, each as `LEN.o1.o2…` (the octets the length covers, host bits cleared). */
  held: Set<string>;
  /**
   * Prefixes last announced with AS 0 in the AS_PATH: withdrawn by a receiver that follows
   * RFC 7607 (Herald), held by one that does not (BIRD 2.0.12); not counted in `endState`.
   */
  asZero: Set<string>;
  peer: string;
  peerAs: number;
  localAs: number;
  as4: boolean;
}

const ATTR_MP_REACH = 14;
const ATTR_MP_UNREACH = 15;

/** Adds (or deletes) every IPv4 prefix of an NLRI field to `held`; returns how many there were. */
function walk(buf: Buffer, start: number, end: number, held: Set<string>, add: boolean): number {
  let n = 0;
  for (let pos = start; pos < end; ) {
    const len = buf[pos];
    const octets = (len + 7) >> 3;
    if (len > 32 || pos + 1 + octets > end) throw new Error(`bad NLRI at ${pos}`);
    let key = `${len}`;
    for (let i = 0; i < octets; i++) {
      // the bits past the length do not belong to the prefix
      const keep = i === octets - 1 && len % 8 !== 0 ? (0xff << (8 - (len % 8))) & 0xff : 0xff;
      key += `.${buf[pos + 1 + i] & keep}`;
    }
    if (add) held.add(key);
    else held.delete(key);
    pos += 1 + octets;
    n++;
  }
  return n;
}

export interface LoadOptions {
  /** Stop after the first message that brings the held prefixes to this many (a smaller table). */
  limit?: number;
  /** Rewrite every NEXT_HOP to this IPv4 address (e.g. the sender's, so a kernel can resolve it). */
  nextHop?: string;
}

const ATTR_NEXT_HOP = 3;
const ATTR_AS_PATH = 2;

/** RFC 7607: whether an AS_PATH value holds AS 0 (a conforming receiver treats the routes as withdrawn). */
function holdsAsZero(m: Buffer, start: number, end: number, as4: boolean): boolean {
  const size = as4 ? 4 : 2;
  for (let p = start; p + 2 <= end; ) {
    const count = m[p + 1];
    for (let i = 0; i < count; i++) {
      const at = p + 2 + i * size;
      if (at + size <= end && (as4 ? m.readUInt32BE(at) : m.readUInt16BE(at)) === 0) return true;
    }
    p += 2 + count * size;
  }
  return false;
}

export function loadUpdates(mrtFile: string, opts: LoadOptions = {}): UpdateStream {
  const data = gunzipSync(readFileSync(mrtFile));
  const nextHop = opts.nextHop?.split('.').map(Number);
  const parts: Buffer[] = [];
  const peers = new Set<string>();
  const held = new Set<string>();
  const asZero = new Set<string>();
  let announced = 0;
  let withdrawn = 0;
  let first: { peerIp: string; peerAs: number; localAs: number; as4: boolean } | undefined;
  for (const r of readMrtRecords(data)) {
    if (r.kind !== 'bgp4mp-message' || r.local || r.message[18] !== 2) continue;
    peers.add(`${r.peerIp} AS${r.peerAs}`);
    first ??= r;
    if (r.addPath) throw new Error('ADD-PATH messages are not supported by the bench sender');
    const m = r.message;
    const wl = m.readUInt16BE(19);
    const al = m.readUInt16BE(21 + wl);
    withdrawn += walk(m, 21, 21 + wl, held, false);
    let invalid = false;
    for (let p = 23 + wl; p < 23 + wl + al; ) {
      const ext = m[p] & 0x10;
      const type = m[p + 1];
      if (type === ATTR_MP_REACH || type === ATTR_MP_UNREACH) {
        throw new Error('MP_REACH/MP_UNREACH in the capture: the expected count would be wrong');
      }
      if (type === ATTR_NEXT_HOP && nextHop) {
        const at = p + (ext ? 4 : 3);
        for (let i = 0; i < 4; i++) m[at + i] = nextHop[i];
      }
      const value = p + (ext ? 4 : 3);
      const next = (ext ? 4 + m.readUInt16BE(p + 2) : 3 + m[p + 2]) + p;
      if (type === ATTR_AS_PATH && holdsAsZero(m, value, next, r.as4)) invalid = true;
      p = next;
    }
    walk(m, 21, 21 + wl, asZero, false);
    walk(m, 23 + wl + al, m.length, asZero, invalid);
    announced += walk(m, 23 + wl + al, m.length, held, !invalid);
    parts.push(m);
    if (opts.limit !== undefined && held.size >= opts.limit) break;
  }
  if (peers.size !== 1 || !first) throw new Error(`expected one peer in the capture, found ${[...peers]}`);
  return {
    bytes: Buffer.concat(parts),
    messages: parts.length,
    announced,
    withdrawn,
    endState: held.size,
    held,
    asZero,
    peer: first.peerIp,
    peerAs: first.peerAs,
    localAs: first.localAs,
    as4: first.as4,
  };
}
