// prefix.ts: text ↔ Prefix, RFC 5952 IPv6 text, host-bit masking, and the numeric IPv4 keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Afi,
  formatAddress,
  formatPrefix,
  ipv4Key,
  ipv4KeyToPrefix,
  parseAddress,
  parsePrefix,
  prefixKey,
} from '../../src/wire/index.js';
import { prefixArb } from '../helpers/arbitraries.js';

describe('parsePrefix / formatPrefix', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', 1, 8, [10]],
    ['192.0.2.1', '192.0.2.1/32', 1, 32, [192, 0, 2, 1]],
    ['0.0.0.0/0', '0.0.0.0/0', 1, 0, []],
    ['10.1.2.3/8', '10.0.0.0/8', 1, 8, [10]],
    ['10.0.0.255/25', '10.0.0.128/25', 1, 25, [10, 0, 0, 128]],
    ['2001:db8::/32', '2001:db8::/32', 2, 32, [0x20, 0x01, 0x0d, 0xb8]],
    ['2001:DB8:0:0:1::1/128', '2001:db8::1:0:0:1/128', 2, 128, null],
    ['2001:db8::1/64', '2001:db8::/64', 2, 64, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0]],
    ['::/0', '::/0', 2, 0, []],
  ])('"%s" is %s', (text, formatted, afi, length, bytes) => {
    const prefix = parsePrefix(text);
    expect(prefix.afi).toBe(afi);
    expect(prefix.length).toBe(length);
    if (bytes) expect(Array.from(prefix.bytes)).toEqual(bytes);
    expect(formatPrefix(prefix)).toBe(formatted);
  });

  it('RFC 5952 §4: zeros compressed at the longest run, lower case, no leading zeros', () => {
    expect(formatPrefix(parsePrefix('2001:0db8:0000:0000:0001:0000:0000:0001/128'))).toBe(
      '2001:db8::1:0:0:1/128',
    );
    expect(formatPrefix(parsePrefix('2001:db8:0:1:1:1:1:1/128'))).toBe('2001:db8:0:1:1:1:1:1/128');
    expect(formatPrefix(parsePrefix('FE80::/10'))).toBe('fe80::/10');
  });

  it('RFC 4271 §4.3: bits past the length are ignored when printing and keying', () => {
    const dirty = { afi: Afi.IPV4, length: 20, bytes: Uint8Array.from([10, 0, 0xff]) };
    expect(formatPrefix(dirty)).toBe('10.0.240.0/20');
    expect(prefixKey(dirty)).toBe(prefixKey(parsePrefix('10.0.240.0/20')));
  });

  it('RFC 7911: a path id is kept apart from the prefix', () => {
    const a = parsePrefix('10.0.0.0/8', 7);
    expect(a.pathId).toBe(7);
    expect(formatPrefix(a)).toBe('10.0.0.0/8');
    expect(prefixKey(a)).not.toBe(prefixKey(parsePrefix('10.0.0.0/8')));
    expect('pathId' in parsePrefix('10.0.0.0/8')).toBe(false);
  });

  it.each([
    ['10.0.0.0/33', /length must be 0..32/],
    ['2001:db8::/129', /length must be 0..128/],
    ['10.0.0.0/', /length/],
    ['10.0.0.0/-1', /length/],
    ['10.0.0.0/8/8', /length/],
    ['10.0.0.0/ 8', /length/],
    ['10.0.0.256/8', /bad address/],
    ['banana/8', /bad address/],
    ['', /bad address/],
  ])('rejects "%s"', (text, message) => {
    expect(() => parsePrefix(text)).toThrow(message);
  });

  it.each([
    [Afi.IPV4, false],
    [Afi.IPV4, true],
    [Afi.IPV6, false],
    [Afi.IPV6, true],
  ])('parsePrefix(formatPrefix(p)) == p (AFI %i, path id %s)', (afi, withId) => {
    fc.assert(
      fc.property(prefixArb(afi, withId), (prefix) => {
        expect(parsePrefix(formatPrefix(prefix), prefix.pathId)).toEqual(prefix);
      }),
      { numRuns: 300 },
    );
  });
});

describe('addresses', () => {
  it('parseAddress / formatAddress for IPv4 and IPv6', () => {
    expect(Array.from(parseAddress('192.0.2.1'))).toEqual([192, 0, 2, 1]);
    expect(parseAddress('2001:db8::1').length).toBe(16);
    expect(formatAddress(parseAddress('2001:db8::1'))).toBe('2001:db8::1');
    expect(formatAddress(Uint8Array.from([0, 0, 0, 0]))).toBe('0.0.0.0');
    expect(() => parseAddress('192.0.2')).toThrow(/invalid IP address/);
    expect(() => parseAddress('2001:db8:::1')).toThrow(/invalid IP address/);
  });
});

describe('ipv4Key / ipv4KeyToPrefix', () => {
  it('a key is masked address × 64 + length', () => {
    expect(ipv4Key(Uint8Array.from([10]), 0, 8)).toBe(0x0a000000 * 64 + 8);
    expect(ipv4Key(Uint8Array.from([0xff, 10, 0, 0xff]), 1, 20)).toBe(0x0a00f000 * 64 + 20); // 10.0.240.0/20 at offset 1
    expect(ipv4Key(Uint8Array.from([]), 0, 0)).toBe(0);
    expect(ipv4Key(Uint8Array.from([255, 255, 255, 255]), 0, 32)).toBe(0xffffffff * 64 + 32);
  });

  it('host bits do not change the key', () => {
    expect(ipv4Key(Uint8Array.from([10, 0, 0xff]), 0, 20)).toBe(
      ipv4Key(Uint8Array.from([10, 0, 0xf0]), 0, 20),
    );
  });

  it('ipv4KeyToPrefix(ipv4Key(p)) == p', () => {
    fc.assert(
      fc.property(prefixArb(Afi.IPV4, false), (prefix) => {
        const key = ipv4Key(prefix.bytes, 0, prefix.length);
        expect(Number.isSafeInteger(key)).toBe(true);
        expect(ipv4KeyToPrefix(key)).toEqual({ ...prefix, bytes: Uint8Array.from(prefix.bytes) });
      }),
      { numRuns: 1000 },
    );
  });

  it('distinct prefixes have distinct keys', () => {
    const keys = ['0.0.0.0/0', '0.0.0.0/1', '0.0.0.0/32', '128.0.0.0/1', '255.255.255.255/32'].map((t) => {
      const prefix = parsePrefix(t);
      return ipv4Key(prefix.bytes, 0, prefix.length);
    });
    expect(new Set(keys).size).toBe(keys.length);
  });
});
