// Community lists: standard (with well-known names), large and extended values and regular
// expressions; "any" means at least one member on the route, "all" every member.
import { describe, expect, it } from 'vitest';
import { compileCommunityList } from '../../src/policy/community-list.js';
import type { RawCommunityList } from '../../src/policy/policy-schema.js';
import {
  type PathAttributes,
  parseCommunity,
  parseExtendedCommunity,
  parseLargeCommunity,
} from '../../src/wire/index.js';

function list(raw: RawCommunityList) {
  const problems: string[] = [];
  const cl = compileCommunityList('t', raw, 'communityLists.t', problems);
  expect(problems).toEqual([]);
  return cl;
}

const attrs = (std: string[], large: string[] = [], ext: string[] = []): PathAttributes => ({
  communities: std.map(parseCommunity),
  largeCommunities: large.map(parseLargeCommunity),
  extendedCommunities: ext.map(parseExtendedCommunity),
});

describe('community list', () => {
  const cl = list({ communities: ['65000:100', 'no-export'], largeCommunities: ['65000:1:2'] });

  it('any: the route carries one member or more', () => {
    expect(cl.matches(attrs(['65000:100']), 'any')).toBe(true);
    expect(cl.matches(attrs(['65535:65281']), 'any')).toBe(true); // no-export by number
    expect(cl.matches(attrs([], ['65000:1:2']), 'any')).toBe(true);
    expect(cl.matches(attrs(['65000:101'], ['65000:1:3']), 'any')).toBe(false);
    expect(cl.matches({}, 'any')).toBe(false);
  });

  it('all: the route carries every member, of every kind', () => {
    expect(cl.matches(attrs(['no-export', '65000:100', '1:1'], ['65000:1:2']), 'all')).toBe(true);
    expect(cl.matches(attrs(['no-export', '65000:100']), 'all')).toBe(false);
    expect(cl.matches(attrs(['65000:100'], ['65000:1:2']), 'all')).toBe(false);
  });

  it('well-known names: no-advertise, no-export-subconfed, no-peer, blackhole, graceful-shutdown', () => {
    const names = ['no-advertise', 'no-export-subconfed', 'no-peer', 'blackhole', 'graceful-shutdown'];
    const wk = list({ communities: names });
    for (const n of names) expect(wk.matches(attrs([n]), 'any')).toBe(true);
    expect(wk.matches(attrs(['65535:666']), 'any')).toBe(true); // RFC 7999 BLACKHOLE
  });

  it('extended communities: route targets and route origins', () => {
    const ext = list({ extendedCommunities: ['rt:65000:1', 'ro:192.0.2.1:7'] });
    expect(ext.matches(attrs([], [], ['rt:65000:1']), 'any')).toBe(true);
    expect(ext.matches(attrs([], [], ['ro:192.0.2.1:7']), 'any')).toBe(true);
    expect(ext.matches(attrs([], [], ['rt:65000:2']), 'any')).toBe(false);
    expect(ext.matches(attrs([], [], ['rt:65000:1']), 'all')).toBe(false);
    expect(ext.matches(attrs([], [], ['rt:65000:1', 'ro:192.0.2.1:7']), 'all')).toBe(true);
  });

  it('regex members match the text of any kind of community', () => {
    const re = list({ regex: ['^65000:'] });
    expect(re.matches(attrs(['65000:7']), 'any')).toBe(true);
    expect(re.matches(attrs([], ['65000:9:9']), 'any')).toBe(true);
    expect(re.matches(attrs([], [], ['rt:65000:1']), 'any')).toBe(false);
    expect(re.matches(attrs(['65001:7']), 'any')).toBe(false);
    expect(list({ regex: ['^no-export$'] }).matches(attrs(['no-export']), 'any')).toBe(true);
    const both = list({ communities: ['1:1'], regex: ['^65000:'] });
    expect(both.matches(attrs(['1:1', '65000:5']), 'all')).toBe(true);
    expect(both.matches(attrs(['1:1']), 'all')).toBe(false);
  });

  it('membership tests used by remove actions', () => {
    expect(cl.hasStandard(parseCommunity('65000:100'))).toBe(true);
    expect(cl.hasStandard(parseCommunity('65000:101'))).toBe(false);
    expect(cl.hasLarge(parseLargeCommunity('65000:1:2'))).toBe(true);
    expect(cl.hasExtended(parseExtendedCommunity('rt:65000:1'))).toBe(false);
  });

  it('problems name their path: bad values, bad expressions, an empty list', () => {
    const problems: string[] = [];
    compileCommunityList(
      't',
      { communities: ['65000:100', '70000:1'], regex: ['('] },
      'communityLists.t',
      problems,
    );
    expect(problems[0]).toBe(
      'communityLists.t.communities[1]: invalid community "70000:1": the first half 70000 is above 65535',
    );
    expect(problems[1]).toMatch(/^communityLists\.t\.regex\[0\]: Invalid regular expression/);
    const empty: string[] = [];
    compileCommunityList('t', {}, 'communityLists.t', empty);
    expect(empty).toEqual([
      'communityLists.t: lists no community (give communities, largeCommunities, extendedCommunities or regex)',
    ]);
  });
});
