// RFC 5952 text forms of IPv6 addresses and dotted-quad IPv4.

import { describe, expect, it } from 'vitest';
import { ipv4Text, ipv6Text } from '../../src/mrt/index.js';
import { ip6 } from './mrt-builders.js';

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s/g, ''), 'hex');
}

describe('ipv6Text', () => {
  it.each([
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100010001000100010001', '2001:db8:1:1:1:1:1:1'],
    ['20010db8000000010001000100010000', '2001:db8:0:1:1:1:1:0'],
    ['fe800000000000000000000000000000', 'fe80::'],
    ['20010DB8AAAABBBBCCCCDDDDEEEEFFFF', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'],
  ])('%s -> %s', (bytes, text) => {
    expect(ipv6Text(hex(bytes), 0)).toBe(text);
  });

  it('reads at an offset', () => {
    expect(ipv6Text(Buffer.concat([Buffer.from([9, 9]), ip6('2001:7f8:54::1:99')]), 2)).toBe(
      '2001:7f8:54::1:99',
    );
  });
});

describe('ipv4Text', () => {
  it('formats dotted quads', () => {
    expect(ipv4Text(Buffer.from([1, 206, 220, 231, 55]), 1)).toBe('206.220.231.55');
  });
});
