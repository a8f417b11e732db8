// Named AS-path lists: regular expressions over the AS path as `show ip bgp` prints it
// ("65001 65010 {64512,64513}", confederation segments in parentheses), FRR/Cisco style: `_`
// stands for a delimiter (space, comma, brace, parenthesis, or the start or end of the path).
// Entries in order, the first whose expression matches decides; no match is a deny (as FRR).
// Each expression is compiled once; the path text is made once per interned AS path. Pure.
import { type AsPathSegment, formatAsPath } from '../wire/index.js';
import type { RawAsPathListEntry } from './policy-schema.js';

export interface AsPathList {
  readonly name: string;
  /** Whether the list permits `path` (a missing AS_PATH is the empty path). */
  matches(path: readonly AsPathSegment[] | undefined): boolean;
}

const DELIMITER = '(?:^|$|[ ,{}()\\[\\]])';

/** Translates an FRR/Cisco AS-path expression to a JavaScript RegExp (throws when invalid). */
export function asPathRegex(pattern: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      out += c + pattern[++i];
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else {
      out += c === '_' ? DELIMITER : c;
    }
  }
  return new RegExp(out);
}

// AS paths of interned attribute sets are shared objects, so their text is made once.
const textOf = new WeakMap<readonly AsPathSegment[], string>();
const EMPTY: readonly AsPathSegment[] = [];

/** The `show ip bgp` text of `path`, cached per path object. */
export function asPathText(path: readonly AsPathSegment[] | undefined): string {
  const p = path ?? EMPTY;
  let text = textOf.get(p);
  if (text === undefined) {
    text = formatAsPath(p);
    textOf.set(p, text);
  }
  return text;
}

export function compileAsPathList(
  name: string,
  entries: readonly RawAsPathListEntry[],
  path: string,
  problems: string[],
): AsPathList {
  const compiled: { re: RegExp; permit: boolean }[] = [];
  entries.forEach((e, i) => {
    try {
      compiled.push({ re: asPathRegex(e.regex), permit: e.action === 'permit' });
    } catch (err) {
      problems.push(`${path}[${i}].regex: ${(err as Error).message}`);
    }
  });
  return {
    name,
    matches(asPath) {
      const text = asPathText(asPath);
      for (const { re, permit } of compiled) if (re.test(text)) return permit;
      return false;
    },
  };
}
