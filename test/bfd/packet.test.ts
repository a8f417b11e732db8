// The Control packet codec: packets captured from FRR bfdd and BIRD (test/fixtures/bfd, made by
// capture-fixtures.ts) decode to what the daemons' tshark decode says and re-encode byte for byte;
// hand-annotated RFC 5880 vectors for the authentication section (digests computed with Python's
// hashlib, not with our code); every §6.8.6 check; and arbitrary input never crashes the decoder.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authentic, authSectionFor, sign } from '../../src/bfd/auth.js';
import { BfdPacketError, type ControlPacket, decodeControl, encodeControl } from '../../src/bfd/packet.js';
import { BFD_STATES } from '../../src/bfd/registry.js';
import { hex } from '../helpers/hex.js';

interface Fixture {
  source: string;
  packets: Array<{ state: number; diag: number; flags: string; hex: string }>;
}
const load = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/bfd/${name}`, import.meta.url), 'utf8')) as Fixture;

describe.each(['frr-bfdd.json', 'bird.json'])('captured from %s', (file) => {
  const fixture = load(file);
  it('holds the handshake, Poll, Final and a Down with diag 3', () => {
    const decoded = fixture.packets.map((p) => decodeControl(Buffer.from(p.hex, 'hex')));
    const states = new Set(decoded.map((d) => d.state));
    expect([...states].sort()).toEqual(['Down', 'Init', 'Up']);
    expect(decoded.some((d) => d.state === 'Up' && d.poll)).toBe(true);
    expect(decoded.some((d) => d.state === 'Up' && d.final)).toBe(true);
    expect(decoded.some((d) => d.state === 'Down' && d.diag === 3)).toBe(true);
  });
  it.each(fixture.packets.map((p) => [p.hex, p] as const))(
    '%s decodes as tshark says and re-encodes',
    (h, p) => {
      const buf = Buffer.from(h, 'hex');
      const d = decodeControl(buf);
      expect(d.state).toBe(BFD_STATES[p.state]);
      expect(d.diag).toBe(p.diag);
      const flags = Number(p.flags);
      expect(d.poll).toBe((flags & 0x20) !== 0);
      expect(d.final).toBe((flags & 0x10) !== 0);
      expect(d.detectMult).toBe(3);
      expect(d.desiredMinTx % 1000).toBe(0);
      expect(encodeControl(d)).toEqual(buf);
    },
  );
});

const UP_MD5 = hex`
  20 c4 03 30             // version 1, diag 0 | Up, A bit | Detect Mult 3 | Length 48
  11111111                // My Discriminator
  22222222                // Your Discriminator
  000493e0 000493e0       // Desired Min TX 300 ms, Required Min RX 300 ms
  00000000                // Required Min Echo RX 0
  02 18 05 00             // Auth Type 2 (Keyed MD5), Auth Len 24, Key ID 5, Reserved
  01020304                // Sequence Number
  b1229f4f296efa3657fe918e60fe7632 // MD5 over the packet with the key "herald" (zero-padded) in place
`;
const UP_SHA1 = hex`
  20 c4 03 34 11111111 22222222 000493e0 000493e0 00000000
  04 1c 05 00             // Auth Type 4 (Keyed SHA1), Auth Len 28, Key ID 5, Reserved
  01020304
  3e8cca9c85d8ccbd83a6963ff379130929d55217 // SHA1 with "herald" padded to 20 octets
`;
const SIMPLE = hex`
  20 44 03 21 11111111 00000000 000f4240 000493e0 00000000 // Down, A bit, Length 33
  01 09 07                // Auth Type 1 (Simple Password), Auth Len 9, Key ID 7
  686572616c64            // "herald"
`;
const base: ControlPacket = decodeControl(hex`20c00318 11111111 22222222 000493e0 000493e0 00000000`);

describe('RFC 5880 §4.2–4.4 authentication section', () => {
  it('decodes Keyed MD5 and checks its digest with the key', () => {
    const p = decodeControl(UP_MD5);
    expect(p.auth).toMatchObject({ type: 2, keyId: 5, sequence: 0x01020304 });
    expect(authentic(UP_MD5, p.auth!, { type: 'keyed-md5', keyId: 5, secret: 'herald' })).toBe(true);
    expect(authentic(UP_MD5, p.auth!, { type: 'keyed-md5', keyId: 5, secret: 'other' })).toBe(false);
    expect(authentic(UP_MD5, p.auth!, { type: 'keyed-md5', keyId: 6, secret: 'herald' })).toBe(false);
    expect(authentic(UP_MD5, p.auth!, { type: 'meticulous-keyed-md5', keyId: 5, secret: 'herald' })).toBe(
      false,
    );
  });
  it('signs Keyed MD5 and Keyed SHA1 to the reference octets', () => {
    for (const [ref, type] of [
      [UP_MD5, 'keyed-md5'],
      [UP_SHA1, 'keyed-sha1'],
    ] as const) {
      const out = encodeControl({
        ...base,
        auth: authSectionFor({ type, keyId: 5, secret: 'herald' }, 0x01020304),
      });
      sign(out);
      expect(out).toEqual(ref);
    }
  });
  it('a flipped bit anywhere in the packet fails the digest', () => {
    const p = decodeControl(UP_SHA1);
    const cfg = { type: 'keyed-sha1', keyId: 5, secret: 'herald' } as const;
    expect(authentic(UP_SHA1, p.auth!, cfg)).toBe(true);
    const bad = Buffer.from(UP_SHA1);
    bad[13] ^= 1;
    expect(authentic(bad, decodeControl(bad).auth!, cfg)).toBe(false);
  });
  it('decodes and encodes Simple Password', () => {
    const p = decodeControl(SIMPLE);
    expect(p.auth).toEqual({ type: 1, keyId: 7, password: Buffer.from('herald') });
    expect(encodeControl(p)).toEqual(SIMPLE);
    expect(authentic(SIMPLE, p.auth!, { type: 'simple-password', keyId: 7, secret: 'herald' })).toBe(true);
    expect(authentic(SIMPLE, p.auth!, { type: 'simple-password', keyId: 7, secret: 'herald2' })).toBe(false);
  });
  it('refuses keys longer than the type allows', () => {
    expect(() => authSectionFor({ type: 'keyed-md5', keyId: 1, secret: 'x'.repeat(17) }, 0)).toThrow(
      /1\.\.16/,
    );
    expect(() => authSectionFor({ type: 'keyed-sha1', keyId: 1, secret: 'x'.repeat(20) }, 0)).not.toThrow();
  });
});

describe('RFC 5880 §6.8.6 reception checks', () => {
  const valid = encodeControl(base);
  const mutate = (f: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(valid);
    f(b);
    return b;
  };
  /** The valid packet with octets replaced: withOctets([index, value], …). */
  const withOctets = (...set: Array<[number, number]>): Buffer =>
    mutate((b) => {
      for (const [i, v] of set) b[i] = v;
    });
  const kind = (b: Buffer): string => {
    try {
      decodeControl(b);
      return 'ok';
    } catch (err) {
      expect(err).toBeInstanceOf(BfdPacketError);
      return (err as BfdPacketError).kind;
    }
  };
  it.each<[string, Buffer, string]>([
    ['shorter than 24 octets', valid.subarray(0, 23), 'tooShort'],
    ['version 0', withOctets([0, 0x00]), 'badVersion'],
    ['version 2', withOctets([0, 0x40]), 'badVersion'],
    ['Length below 24', withOctets([3, 23]), 'badLength'],
    ['Length 24 with the A bit', withOctets([1, 0xc4]), 'badLength'],
    ['Length beyond the datagram', withOctets([3, 30]), 'truncated'],
    ['Length 28 without the A bit', Buffer.concat([withOctets([3, 28]), Buffer.alloc(4)]), 'badLength'],
    ['Detect Mult 0', withOctets([2, 0]), 'zeroDetectMult'],
    ['the M bit', withOctets([1, 0xc1]), 'multipoint'],
    ['My Discriminator 0', mutate((b) => b.writeUInt32BE(0, 4)), 'zeroMyDiscriminator'],
    ['Your Discriminator 0 in Up', mutate((b) => b.writeUInt32BE(0, 8)), 'zeroYourDiscriminator'],
    [
      'an unknown Auth Type',
      Buffer.concat([withOctets([1, 0xc4], [3, 28]), hex`09 04 01 00`]),
      'badAuthSection',
    ],
    [
      'MD5 with Auth Len 20',
      Buffer.concat([withOctets([1, 0xc4], [3, 44]), hex`02 14 01 00`, Buffer.alloc(16)]),
      'badAuthSection',
    ],
  ])('discards %s', (_name, buf, expected) => {
    expect(kind(buf)).toBe(expected);
  });
  it('accepts Your Discriminator 0 in Down and AdminDown, and ignores octets past Length', () => {
    expect(kind(withOctets([8, 0], [9, 0], [10, 0], [11, 0], [1, 0x40]))).toBe('ok');
    expect(kind(withOctets([8, 0], [9, 0], [10, 0], [11, 0], [1, 0x00]))).toBe('ok');
    expect(kind(Buffer.concat([valid, Buffer.alloc(8)]))).toBe('ok');
  });
  it('any input decodes or yields a BfdPacketError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), fc.boolean(), (bytes, plausible) => {
        const b = Buffer.from(bytes);
        if (plausible && b.length >= 24) {
          b[0] = 0x20;
          b[3] = Math.min(b[3], b.length);
        }
        try {
          const p = decodeControl(b);
          expect(encodeControl(p).length).toBe(b[3]);
        } catch (err) {
          expect(err).toBeInstanceOf(BfdPacketError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
