// "Did you mean …?" for typed names, and the community errors that use it (issue 22): the whole
// value quoted, the part out of range named.
import { describe, expect, it } from 'vitest';
import {
  editDistance,
  nearest,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
} from '../../src/wire/index.js';

describe('nearest', () => {
  it('finds the closest name within a third of the length, case aside', () => {
    expect(nearest('routerid', ['asn', 'routerId', 'listen'])).toBe('routerId');
    expect(nearest('no-advertize', ['no-export', 'no-advertise'])).toBe('no-advertise');
    expect(nearest('familes', ['families', 'passive'])).toBe('families');
    expect(nearest('lsiten', ['listen'])).toBe('listen'); // a transposition is one edit
    expect(nearest('foo', ['no-export', 'blackhole'])).toBeUndefined();
    expect(nearest('asn', ['asn'])).toBeUndefined();
    expect(nearest('ipv5', ['ipv4', 'ipv6'])).toBeUndefined(); // which one? say nothing
  });

  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('community errors', () => {
  it.each([
    ['65001:100000', 'invalid community "65001:100000": the second half 100000 is above 65535'],
    ['70000:1', 'invalid community "70000:1": the first half 70000 is above 65535'],
    ['65001:x', 'invalid community "65001:x": the second half "x" is not a number'],
    ['4294967296', 'invalid community "4294967296": 4294967296 is above 4294967295'],
    [
      'no-advertize',
      'invalid community "no-advertize": expected ASN:value or a well-known name (did you mean no-advertise?)',
    ],
  ])('%s', (text, message) => {
    expect(() => parseCommunity(text)).toThrow(new Error(message));
  });

  it('large and extended communities name their part too', () => {
    expect(() => parseLargeCommunity('1:2:99999999999')).toThrow(
      new Error(
        'invalid large community "1:2:99999999999": the third part (local data 2) 99999999999 is above 4294967295',
      ),
    );
    expect(() => parseExtendedCommunity('rt:65001:99999999999')).toThrow(
      new Error(
        'invalid extended community "rt:65001:99999999999": the value 99999999999 is above 4294967295',
      ),
    );
  });
});
