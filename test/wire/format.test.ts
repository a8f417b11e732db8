// Human text for wire values (format.ts): examples per notation, parse errors, and the property
// parse(format(x)) == x over generated values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AsPathSegment } from '../../src/wire/index.js';
import {
  formatAsPath,
  formatCommunity,
  formatExtendedCommunity,
  formatLargeCommunity,
  formatOrigin,
  parseAsPath,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
  WELL_KNOWN_COMMUNITIES,
} from '../../src/wire/index.js';
import { asPathArb } from '../helpers/arbitraries.js';
import { confedSeq, confedSet, seq, set } from './vectors/common.js';

const u32 = fc.nat({ max: 0xffffffff });

describe('AS paths', () => {
  it.each([
    ['65001 3356 174', [seq(65001, 3356, 174)]],
    ['65001 {64512,64513}', [seq(65001), set(64512, 64513)]],
    ['(65010 65011) [65012,65013] 65001', [confedSeq(65010, 65011), confedSet(65012, 65013), seq(65001)]],
    ['4200000000', [seq(4200000000)]],
    ['', []],
  ] as [string, AsPathSegment[]][])('RFC 4271 §5.1.2 / RFC 5065: "%s"', (text, path) => {
    expect(formatAsPath(path)).toBe(text);
    expect(parseAsPath(text)).toEqual(path);
  });

  it('parses loose spacing inside sets and around segments', () => {
    expect(parseAsPath('  1  {2 , 3}  (4   5)[6, 7] 8 ')).toEqual([
      seq(1),
      set(2, 3),
      confedSeq(4, 5),
      confedSet(6, 7),
      seq(8),
    ]);
  });

  it.each([
    ['{}', 'empty segment'],
    ['()', 'empty segment'],
    ['65001 x', 'unexpected "x"'],
    ['65001 {1 2}', 'invalid ASN'],
    ['4294967296', 'invalid ASN'],
    ['{1,2', 'unexpected "{"'],
    ['65001,65002', 'unexpected ","'],
  ])('rejects "%s" (%s)', (text, message) => {
    expect(() => parseAsPath(text)).toThrow(message);
  });

  it('parse(format(path)) == path (adjacent AS_SEQUENCEs print as one)', () => {
    const merged = (path: AsPathSegment[]) =>
      path.reduce<AsPathSegment[]>((out, s) => {
        const last = out[out.length - 1];
        if (last && last.type === 2 && s.type === 2) out[out.length - 1] = seq(...last.asns, ...s.asns);
        else out.push(s);
        return out;
      }, []);
    fc.assert(
      fc.property(asPathArb(u32, true), (path) => {
        expect(parseAsPath(formatAsPath(path))).toEqual(merged(path));
      }),
      { numRuns: 500 },
    );
  });

  it('RFC 4271 §5.1.1: ORIGIN names', () => {
    expect([0, 1, 2].map((o) => formatOrigin(o as 0 | 1 | 2))).toEqual(['IGP', 'EGP', 'incomplete']);
  });
});

describe('communities', () => {
  it.each(Object.entries(WELL_KNOWN_COMMUNITIES))('well-known community "%s" is 0x%s', (name, value) => {
    expect(formatCommunity(value)).toBe(name);
    expect(parseCommunity(name)).toBe(value);
    expect(parseCommunity(name.toUpperCase())).toBe(value);
  });

  it('RFC 1997: names every well-known community of RFC 1997, 3765, 7611, 7999, 8326, 9494', () => {
    expect(WELL_KNOWN_COMMUNITIES).toEqual({
      'graceful-shutdown': 0xffff0000,
      'accept-own': 0xffff0001,
      'llgr-stale': 0xffff0006,
      'no-llgr': 0xffff0007,
      blackhole: 0xffff029a,
      'no-export': 0xffffff01,
      'no-advertise': 0xffffff02,
      'no-export-subconfed': 0xffffff03,
      'no-peer': 0xffffff04,
    });
  });

  it('RFC 1997: ASN:value and a plain 32-bit number', () => {
    expect(formatCommunity(0xfde90064)).toBe('65001:100');
    expect(parseCommunity('65001:100')).toBe(0xfde90064);
    expect(parseCommunity('4259905636')).toBe(0xfde90064);
    expect(formatCommunity(0)).toBe('0:0');
    expect(formatCommunity(0xffffffff)).toBe('65535:65535');
    expect(formatCommunity(0xffff0002)).toBe('65535:2'); // reserved, no name
  });

  it.each([
    '65536:1',
    '1:65536',
    '1:2:3',
    '-1:2',
    'a:b',
    '4294967296',
    '',
    'constructor',
    'toString',
    '__proto__',
  ])('rejects community "%s"', (text) => {
    expect(() => parseCommunity(text)).toThrow(/invalid community/);
  });

  it('parse(format(c)) == c', () => {
    fc.assert(
      fc.property(u32, (c) => {
        expect(parseCommunity(formatCommunity(c))).toBe(c);
      }),
    );
  });
});

describe('large communities', () => {
  it('RFC 8092: global:local1:local2', () => {
    expect(formatLargeCommunity({ global: 4200000000, local1: 0, local2: 4294967295 })).toBe(
      '4200000000:0:4294967295',
    );
    expect(parseLargeCommunity('65001:1:2')).toEqual({ global: 65001, local1: 1, local2: 2 });
  });

  it.each(['1:2', '1:2:3:4', '1:2:4294967296', '1:x:3', '1::3'])('rejects "%s"', (text) => {
    expect(() => parseLargeCommunity(text)).toThrow(/invalid large community/);
  });

  it('parse(format(c)) == c', () => {
    const arb = fc.record({ global: u32, local1: u32, local2: u32 });
    fc.assert(
      fc.property(arb, (c) => {
        expect(parseLargeCommunity(formatLargeCommunity(c))).toEqual(c);
      }),
    );
  });
});

describe('extended communities', () => {
  it.each([
    ['RFC 4360 §5 route target, 2-octet AS', 0x0002fde900000064n, 'rt:65001:100'],
    ['RFC 4360 §5 route origin, 2-octet AS', 0x0003fde9ffffffffn, 'ro:65001:4294967295'],
    ['RFC 4360 §5 route target, IPv4', 0x0102c00002010007n, 'rt:192.0.2.1:7'],
    ['RFC 4360 §5 route origin, IPv4', 0x0103c0000201ffffn, 'ro:192.0.2.1:65535'],
    ['RFC 5668 §2 route target, 4-octet AS', 0x0202fa56ea000001n, 'rt:4200000000:1'],
    ['RFC 5668 §2 route origin, 4-octet AS', 0x0203fa56ea000002n, 'ro:4200000000:2'],
    ['RFC 5668 §2 4-octet AS type holding a small ASN', 0x02020000fde90064n, 'rt:65001L:100'],
    ['draft-ietf-idr-link-bandwidth link bandwidth', 0x4004fde94cee6b28n, 'lb:65001:125000000'],
    ['RFC 4360 an opaque type prints raw', 0x030c000000000008n, '0x030c000000000008'],
    ['RFC 4360 an unknown subtype prints raw', 0x0009fde900000064n, '0x0009fde900000064'],
  ])('%s: %s is "%s"', (_rule, value, text) => {
    expect(formatExtendedCommunity(value)).toBe(text);
    expect(parseExtendedCommunity(text)).toBe(value);
  });

  it('parses case-insensitively and in the raw form', () => {
    expect(parseExtendedCommunity('RT:65001:100')).toBe(0x0002fde900000064n);
    expect(parseExtendedCommunity('0x0002FDE900000064')).toBe(0x0002fde900000064n);
    expect(parseExtendedCommunity('rt:65536:1')).toBe(0x0202000100000001n); // too big for 2 octets
  });

  it('a link bandwidth the parser cannot take back (NaN, negative, infinite, -0) prints raw', () => {
    for (const c of [0x4004fde97fc00000n, 0x4004fde9bf800000n, 0x4004fde97f800000n, 0x4004fde980000000n]) {
      const text = formatExtendedCommunity(c);
      expect(text.startsWith('0x')).toBe(true);
      expect(parseExtendedCommunity(text)).toBe(c);
    }
  });

  it.each([
    'rt:65001',
    'xx:1:2',
    'rt:65001:4294967296',
    'rt:192.0.2.1:65536',
    'rt:4200000000:65536',
    'rt:2001:db8::1:1',
    'rt:4294967296L:1',
    'lb:65001:-1',
    'lb:65001:abc',
    'lb:65536:1',
    '0x1234',
  ])('rejects "%s"', (text) => {
    expect(() => parseExtendedCommunity(text)).toThrow();
  });

  it('parse(format(c)) == c for any 64-bit value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (c) => {
        expect(parseExtendedCommunity(formatExtendedCommunity(c))).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('parse(format(c)) == c for the named types, whatever their values', () => {
    const named = fc
      .tuple(
        fc.constantFrom(
          [0x00, 0x02],
          [0x00, 0x03],
          [0x01, 0x02],
          [0x01, 0x03],
          [0x02, 0x02],
          [0x02, 0x03],
          [0x40, 0x04],
        ),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
      )
      .map(([[type, sub], rest]) => Buffer.from([type, sub, ...rest]).readBigUInt64BE());
    fc.assert(
      fc.property(named, (c) => {
        expect(parseExtendedCommunity(formatExtendedCommunity(c))).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });
});
