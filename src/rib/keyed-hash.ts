// A keyed hash for tables whose keys come from peers: HalfSipHash-1-3 (Aumasson and Bernstein's
// SipHash on 32-bit words, as the Linux kernel's hsiphash uses it), under a 64-bit key drawn at
// random once per process. Without the key, a peer cannot compute inputs that land on one slot, so
// it cannot make every insert walk a long probe run (hash flooding); an unkeyed or merely seeded
// hash (FNV-1a from a random basis) gives no such assurance. It reads 4 octets per round and costs
// what FNV-1a did over the attribute octets of a full table. Pure.

/** The process's key, two 32-bit words; Web Crypto, so the RIB needs no node:* module. */
const KEY = crypto.getRandomValues(new Uint32Array(2));

/** The initialisation constants of SipHash's state ("somepseudorandomlygeneratedbytes", halved). */
const INIT2 = 0x6c796765;
const INIT3 = 0x74656462;

function rotl(x: number, b: number): number {
  return (x << b) | (x >>> (32 - b));
}

/**
 * HalfSipHash-1-3 of `buf[start..end)` under the key (k0, k1), as an unsigned 32-bit number: one
 * SipRound per 4-octet little-endian word, one for the last block (the length in its top octet,
 * the 0-3 octets left over below), three to finish.
 */
export function halfSipHash13(buf: Uint8Array, start: number, end: number, k0: number, k1: number): number {
  let v0 = k0 | 0;
  let v1 = k1 | 0;
  let v2 = INIT2 ^ k0;
  let v3 = INIT3 ^ k1;
  const length = end - start;
  const whole = end - (length & 3);
  let i = start;
  let m = 0;
  // The words, then the last block (`i` past `whole`), then the finishing rounds (`round` 1-3):
  // one loop, so that the SipRound is written once.
  for (let round = 0; round < 4; ) {
    if (round === 0) {
      if (i < whole) {
        m = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
        i += 4;
      } else {
        m = length << 24;
        for (let shift = 0; i < end; i++, shift += 8) m |= buf[i] << shift;
        round = 1; // this block's round, then the finishing ones
      }
      v3 ^= m;
    } else round++;
    v0 = (v0 + v1) | 0;
    v1 = rotl(v1, 5) ^ v0;
    v0 = rotl(v0, 16);
    v2 = (v2 + v3) | 0;
    v3 = rotl(v3, 8) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = rotl(v3, 7) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = rotl(v1, 13) ^ v2;
    v2 = rotl(v2, 16);
    if (round <= 1) v0 ^= m;
    if (round === 1) v2 ^= 0xff;
  }
  return (v1 ^ v3) >>> 0;
}

/** `halfSipHash13` under the process's key. */
export function keyedHash(buf: Uint8Array, start: number, end: number): number {
  return halfSipHash13(buf, start, end, KEY[0], KEY[1]);
}
