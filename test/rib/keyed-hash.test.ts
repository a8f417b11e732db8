// The keyed hash of peer octets (HalfSipHash-1-3): the published test vectors, any offset, and a
// key that differs from one process to the next.
import { describe, expect, it } from 'vitest';
import { halfSipHash13, keyedHash } from '../../src/rib/keyed-hash.js';
import { evalInFreshProcess } from '../helpers/fresh-process.js';

// test_vectors_hsiphash of Linux lib/test_siphash.c, its HalfSipHash-1-3 (32-bit) build: vector n
// hashes the octets 00 01 .. n-1 under the key 00 01 .. 07 (k0 = 0x03020100, k1 = 0x07060504).
const VECTORS = [
  0x5814c896, 0xe7e864ca, 0xbc4b0e30, 0x01539939, 0x7e059ea6, 0x88e3d89b, 0xa0080b65, 0x9d38d9d6, 0x577999b1,
  0xc839caed, 0xe4fa32cf, 0x959246ee, 0x6b28096c, 0x66dd9cd6, 0x16658a7c, 0xd0257b04, 0x8b31d501,
];
const K0 = 0x03020100;
const K1 = 0x07060504;

describe('halfSipHash13', () => {
  it.each(VECTORS.map((v, n) => [n, v]))('hashes %i octets as the reference does', (n, vector) => {
    const octets = Uint8Array.from({ length: n }, (_, i) => i);
    expect(halfSipHash13(octets, 0, n, K0, K1)).toBe(vector);
    // the same octets anywhere in a larger buffer, with other octets around them
    const around = new Uint8Array(n + 7).fill(0xee);
    around.set(octets, 3);
    expect(halfSipHash13(around, 3, 3 + n, K0, K1)).toBe(vector);
  });

  it('depends on both halves of the key', () => {
    const octets = Uint8Array.from([0x40, 1, 1, 0]);
    const h = halfSipHash13(octets, 0, 4, K0, K1);
    expect(halfSipHash13(octets, 0, 4, K0 ^ 1, K1)).not.toBe(h);
    expect(halfSipHash13(octets, 0, 4, K0, K1 ^ 0x80000000)).not.toBe(h);
  });
});

describe('keyedHash', () => {
  it('is keyed at random per process: the same octets hash alike in one process, differently in two', () => {
    const octets = Uint8Array.from([0x40, 1, 1, 0, 0x50, 2, 0]);
    expect(keyedHash(octets, 0, 7)).toBe(keyedHash(Uint8Array.from(octets), 0, 7));
    const script =
      "import { keyedHash } from './src/rib/keyed-hash.ts';" +
      'console.log(keyedHash(new Uint8Array([0x40, 1, 1, 0, 0x50, 2, 0]), 0, 7));';
    expect(evalInFreshProcess(script)).not.toBe(evalInFreshProcess(script));
  });
});
