// yamlBlock: block-style YAML that any reader parses back to the same data, with the strings that
// could read as numbers, booleans, null or YAML syntax quoted, and addresses, prefixes and names
// left plain (readable in `kubectl get -o yaml`).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { yamlBlock } from '../../../src/k8s/frrk8s/yaml-block.js';

const TRICKY = [
  '',
  ' lead',
  'trail ',
  'true',
  'False',
  'yes',
  'off',
  'null',
  '~',
  '1',
  '-1',
  '1.5',
  '.5',
  '1e3',
  '0x1f',
  '0o17',
  '.inf',
  '.NaN',
  '1:30',
  'a: b',
  'a:',
  'x #y',
  '#x',
  '- x',
  '-',
  '> x',
  '|',
  '*a',
  '&a',
  '!x',
  '%x',
  '@x',
  '`x',
  '{a}',
  '[a]',
  'a, b',
  '?',
  "'q'",
  '"q"',
  'two\nlines',
  'tab\there',
  'é',
  '10.0.0.1',
  '192.0.2.0/24',
  'fd00::/56',
  '65000:100',
  '1:2:3',
  '<retracted>',
  'FRRConfiguration ns/name',
];

/** A small deterministic generator (no timing, no randomness between runs). */
function generator(seed: number) {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.45) {
      const k = Math.floor(next() * 5);
      if (k === 0) return TRICKY[Math.floor(next() * TRICKY.length)];
      if (k === 1) return Math.floor(next() * 70000) - 100;
      if (k === 2) return next() < 0.5;
      if (k === 3) return null;
      return `s${Math.floor(next() * 100)}`;
    }
    const n = Math.floor(next() * 4);
    if (r < 0.7) return Array.from({ length: n }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++)
      o[next() < 0.2 ? TRICKY[Math.floor(next() * TRICKY.length)] : `k${i}`] = value(depth + 1);
    return o;
  };
  return value;
}

describe('yamlBlock', () => {
  it('parses back to the same data, for tricky strings and random nesting', () => {
    for (const t of TRICKY) expect(parse(yamlBlock({ t, list: [t] }))).toEqual({ t, list: [t] });
    const value = generator(7);
    for (let i = 0; i < 500; i++) {
      const data = { root: value(0) };
      expect(parse(yamlBlock(data))).toEqual(data);
    }
  });

  it('leaves addresses, prefixes and names plain, leaves out undefined keys, ends with a newline', () => {
    const text = yamlBlock({
      routers: [{ asn: 64512, id: undefined, vrf: '', prefixes: ['192.0.2.0/24'], neighbors: [] }],
      password: '<retracted>',
      alwaysBlock: ['10.244.0.0/16'],
    });
    expect(text).toBe(
      [
        'routers:',
        '  - asn: 64512',
        '    vrf: ""',
        '    prefixes:',
        '      - 192.0.2.0/24',
        '    neighbors: []',
        'password: <retracted>',
        'alwaysBlock:',
        '  - 10.244.0.0/16',
        '',
      ].join('\n'),
    );
  });
});
