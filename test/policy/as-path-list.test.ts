// AS-path lists: FRR/Cisco regular expressions over the `show ip bgp` path text, `_` as delimiter.
import { describe, expect, it } from 'vitest';
import { asPathRegex, asPathText, compileAsPathList } from '../../src/policy/as-path-list.js';
import type { RawAsPathListEntry } from '../../src/policy/policy-schema.js';
import { parseAsPath } from '../../src/wire/index.js';

function list(...entries: RawAsPathListEntry[]) {
  const problems: string[] = [];
  const al = compileAsPathList('t', entries, 'asPathLists.t', problems);
  expect(problems).toEqual([]);
  return (path: string | undefined) => al.matches(path === undefined ? undefined : parseAsPath(path));
}

const permit = (regex: string) => list({ action: 'permit', regex });

describe('AS-path list', () => {
  it('^65001_ : learned from AS 65001 (the first AS), not from 650010 or with 65001 later', () => {
    const m = permit('^65001_');
    expect(m('65001')).toBe(true);
    expect(m('65001 65010')).toBe(true);
    expect(m('650010 65010')).toBe(false);
    expect(m('65002 65001')).toBe(false);
  });

  it('_65010$ : originated by AS 65010', () => {
    const m = permit('_65010$');
    expect(m('65001 65010')).toBe(true);
    expect(m('65010')).toBe(true);
    expect(m('65001 165010')).toBe(false);
    expect(m('65010 65001')).toBe(false);
  });

  it('^$ : the empty path (our own AS), also when AS_PATH is missing', () => {
    const m = permit('^$');
    expect(m('')).toBe(true);
    expect(m(undefined)).toBe(true);
    expect(m('65001')).toBe(false);
  });

  it('_65010_ : through AS 65010 anywhere, with sets and confederation segments as delimiters', () => {
    const m = permit('_65010_');
    expect(m('65001 65010 65020')).toBe(true);
    expect(m('65001 {65010,65011}')).toBe(true);
    expect(m('(65010 65011) 65001')).toBe(true);
    expect(m('65001 650100')).toBe(false);
  });

  it('_65001_65002_ : a sequence of two adjacent ASes', () => {
    const m = permit('_65001_65002_');
    expect(m('64512 65001 65002 64513')).toBe(true);
    expect(m('65001 64512 65002')).toBe(false);
  });

  it('plain JavaScript regular expressions keep working (character classes, escapes)', () => {
    expect(permit('^6500[1-3]_')('65002 1')).toBe(true);
    expect(permit('^6500[1-3]_')('65004 1')).toBe(false);
    expect(asPathRegex('[_]').source).toBe('[_]'); // `_` inside a class stays literal
    expect(asPathRegex('\\_').source).toBe('\\_');
    expect(permit('^(65001_)+$')('65001 65001 65001')).toBe(true); // prepends
  });

  it('first matching entry decides; no match is a deny', () => {
    const m = list({ action: 'deny', regex: '_64512_' }, { action: 'permit', regex: '.*' });
    expect(m('65001 64512')).toBe(false);
    expect(m('65001')).toBe(true);
    expect(permit('^65001_')('65002')).toBe(false);
  });

  it('the path text is the show ip bgp form, made once per path object', () => {
    const path = parseAsPath('65001 {64512,64513} (65100 65101)');
    expect(asPathText(path)).toBe('65001 {64512,64513} (65100 65101)');
    expect(asPathText(path)).toBe(asPathText(path));
    expect(asPathText(undefined)).toBe('');
  });

  it('an invalid expression is a problem naming its path', () => {
    const problems: string[] = [];
    compileAsPathList('t', [{ action: 'permit', regex: '^(65001' }], 'asPathLists.t', problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^asPathLists\.t\[0\]\.regex: Invalid regular expression/);
  });
});
