// Herald's decoding of real UPDATEs against bgpdump's (a C MRT decoder from Debian), route by route:
// peer, prefix, AS path, origin, next hop, LOCAL_PREF, MED and standard communities must agree.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatDumpLine, routesOf } from '../../src/mrt/dump.js';
import { readMrtRecords } from '../../src/mrt/index.js';
import type { PeerIndexEntry } from '../../src/mrt/records.js';
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

/** `herald mrt dump`'s text lines for a file (the CLI's formatter over every record). */
function heraldLines(file: string): string[] {
  const names: Record<number, string> = { 13: 'TABLE_DUMP2', 17: 'BGP4MP_ET' };
  const lines: string[] = [];
  let peers: PeerIndexEntry[] = [];
  for (const r of readMrtRecords(gunzipSync(readFileSync(DATA_DIR + file)))) {
    if (r.kind === 'peer-index-table') peers = r.peers;
    for (const route of routesOf(r, peers))
      lines.push(formatDumpLine(names[r.type] ?? String(r.type), route));
  }
  return lines;
}

describe('herald mrt dump lines against bgpdump -m', () => {
  it.each(['bview.ipv4_unicast_add_path.gz', 'bview.ipv6_unicast_add_path.gz'])(
    '%s: RIB entries as B lines of TABLE_DUMP2_AP with the path id after the prefix',
    (file) => {
      // bgpdump prints INCOMPLETE and 255.255.255.255 for an ORIGIN or next hop the entry does not
      // carry; Herald leaves the field empty. Everything else is compared as printed.
      const absent = (f: string[]) => [...f.slice(0, 8), ...f.slice(10)].join('|');
      const theirs = bgpdumpLines(file).map((l) => absent(l.split('|')));
      const ours = heraldLines(file).map((l) => absent(l.split('|')));
      expect(ours.length).toBeGreaterThan(50);
      expect(ours).toEqual(theirs);
      expect(new Set(ours).size).toBe(ours.length);
    },
  );

  it('BGP4MP_ET: the time carries its microseconds', () => {
    const theirs = bgpdumpLines('updates.et-header.2015.gz')
      .filter((l) => l.split('|')[2] !== 'STATE')
      .slice(0, 2000)
      .map((l) => l.split('|').slice(0, 6).join('|'));
    const ours = heraldLines('updates.et-header.2015.gz')
      .slice(0, 2000)
      .map((l) => l.split('|').slice(0, 6).join('|'));
    expect(ours[0]).toMatch(/^BGP4MP_ET\|\d+\.\d{6}\|A\|/);
    expect(ours).toEqual(theirs);
  }, 60_000);
});

function bgpdumpLines(file: string): string[] {
  return execFileSync('bgpdump', ['-m', DATA_DIR + file], { maxBuffer: 1 << 30, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}
