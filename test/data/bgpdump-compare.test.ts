// Herald's decoding of real UPDATEs against bgpdump's (a C MRT decoder from Debian), route by route:
// peer, prefix, AS path, origin, next hop, LOCAL_PREF, MED and standard communities must agree.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { routesOf } from '../../src/mrt/dump.js';
import { readMrtRecords } from '../../src/mrt/index.js';
import { formatAsPath } from '../../src/wire/index.js';

const DATA_DIR = fileURLToPath(new URL('../../../shared/data/mrt/', import.meta.url));
const ORIGINS = ['IGP', 'EGP', 'INCOMPLETE'];

/** Announcement and withdrawal lines of `bgpdump -m`, reduced to the compared fields. */
function bgpdumpRoutes(file: string): string[] {
  const out = execFileSync('bgpdump', ['-m', DATA_DIR + file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const routes: string[] = [];
  for (const line of out.split('\n')) {
    const f = line.split('|');
    if (f[2] === 'W') routes.push(['W', f[3], f[5]].join('|'));
    else if (f[2] === 'A') routes.push(['A', f[3], f[5], f[6], f[7], f[8], f[9], f[10], f[11]].join('|'));
  }
  return routes.sort();
}

function heraldRoutes(file: string): string[] {
  const routes: string[] = [];
  for (const r of readMrtRecords(gunzipSync(readFileSync(DATA_DIR + file)))) {
    for (const route of routesOf(r, [])) {
      if (route.type === 'W') {
        routes.push(['W', route.peer, route.prefix].join('|'));
        continue;
      }
      const a = route.attributes ?? {};
      routes.push(
        [
          'A',
          route.peer,
          route.prefix,
          formatAsPath(a.asPath ?? []),
          a.origin === undefined ? '' : ORIGINS[a.origin],
          a.mpReach?.nextHop ?? a.nextHop ?? '',
          a.localPref ?? 0,
          a.med ?? 0,
          (a.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`).join(' '),
        ].join('|'),
      );
    }
  }
  return routes.sort();
}

describe.each(['updates.20160811.1600.gz', 'updates.et-header.2015.gz'])(
  '%s decoded like bgpdump',
  (file) => {
    it('yields the same routes with the same attributes', () => {
      const ours = heraldRoutes(file);
      const theirs = bgpdumpRoutes(file);
      expect(ours.length).toBe(theirs.length);
      const mismatches = ours.filter((line, i) => line !== theirs[i]).slice(0, 5);
      expect(mismatches).toEqual([]);
    }, 120_000);
  },
);
