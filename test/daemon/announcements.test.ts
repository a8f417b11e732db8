// The originated routes: configured and run-time ones, health checks that withdraw or degrade a
// route, and reloads that keep a check's state when only the route changed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { Announcements } from '../../src/daemon/announcements.js';
import { formatPrefix } from '../../src/wire/index.js';
import { waitUntil } from '../health/wait.js';

let dir: string;
let flag: string;
let a: Announcements;
let changes: number;
let health: string[];
let effects: string[];

function announce(yaml: string) {
  return a.configure(parseConfig(`asn: 1\nannounce:\n${yaml}`).announce);
}
const check = () => `{ command: "test -f ${flag}", interval: 0.02, timeout: 2, rise: 1, fall: 1 }`;
const prefixes = () => a.routes().map((r) => formatPrefix(r.prefix));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-ann-'));
  flag = join(dir, 'up');
  changes = 0;
  health = [];
  effects = [];
  a = new Announcements({
    changed: () => changes++,
    healthChanged: (prefix, state, _last, effect) => {
      health.push(`${prefix} ${state}`);
      effects.push(effect);
    },
  });
});
afterEach(() => {
  a.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Announcements', () => {
  it('run-time routes override configured ones; a configured one is withdrawn until the next reload', () => {
    announce('  - { prefix: 10.0.0.0/24, med: 1 }\n');
    expect(prefixes()).toEqual(['10.0.0.0/24']);
    a.add({ prefix: '10.0.0.0/24', med: 9 });
    a.add({ prefix: '10.0.1.0/24' });
    expect(a.routes().map((r) => r.med)).toEqual([9, undefined]);
    // Each source is shown: the configured route beside the API route that overrides it.
    expect(a.views().map((v) => [v.prefix, v.source, v.announced, v.shadowedBy])).toEqual([
      ['10.0.0.0/24', 'config', false, 'api'],
      ['10.0.0.0/24', 'api', true, null],
      ['10.0.1.0/24', 'api', true, null],
    ]);
    expect(a.remove('10.0.0.0/24')).toBe(true);
    expect(a.routes().map((r) => r.med)).toEqual([1, undefined]);
    expect(a.remove('10.0.0.0/24')).toBe(true);
    expect(prefixes()).toEqual(['10.0.1.0/24']);
    expect(a.views()[0]).toMatchObject({ source: 'config', announced: false, withdrawn: true });
    expect(a.remove('10.0.0.0/24')).toBe(false);
    expect(a.remove('10.9.0.0/24')).toBe(false);
    announce('  - { prefix: 10.0.0.0/24, med: 1 }\n');
    expect(prefixes()).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
  });

  it('withdraws a route while its check fails and announces it again when it passes', async () => {
    announce(`  - { prefix: 10.0.0.0/24 }\n  - { prefix: 10.0.2.0/24, healthCheck: ${check()} }\n`);
    // Not announced before the first probe says it is healthy.
    expect(prefixes()).toEqual(['10.0.0.0/24']);
    await waitUntil(() => health.length === 1, 5000, 'first probe');
    expect(health).toEqual(['10.0.2.0/24 down']);
    writeFileSync(flag, '');
    await waitUntil(() => prefixes().length === 2, 5000, 'route announced');
    expect(a.views()[1]).toMatchObject({ announced: true, degraded: false, health: { state: 'up' } });
    rmSync(flag);
    await waitUntil(() => prefixes().length === 1, 5000, 'route withdrawn');
    expect(a.views()[1]).toMatchObject({ announced: false, health: { state: 'down', lastResult: 'exit 1' } });
    expect(health).toEqual(['10.0.2.0/24 down', '10.0.2.0/24 up', '10.0.2.0/24 down']);
    expect(effects).toEqual(['withdrawn', 'announced', 'withdrawn']);
  });

  it('degrades instead of withdrawing when configured: worse MED and extra prepends', async () => {
    const hc = check().replace(' }', ', whenDown: degrade, degrade: { med: 500, asPathPrepend: 2 } }');
    announce(`  - { prefix: 10.0.2.0/24, med: 5, healthCheck: ${hc} }\n`);
    await waitUntil(() => health.length === 1, 5000, 'first probe');
    expect(a.routes()).toMatchObject([{ med: 500, asPathPrepend: 2 }]);
    expect(effects).toEqual(['degraded']);
    expect(a.views()[0]).toMatchObject({ announced: true, degraded: true });
    writeFileSync(flag, '');
    await waitUntil(() => a.routes()[0]?.med === 5, 5000, 'healthy again');
    expect(a.routes()).toMatchObject([{ med: 5, asPathPrepend: 0 }]);
  });

  it('a reload that changes the route but not the check keeps the check state; removal stops it', async () => {
    writeFileSync(flag, '');
    announce(`  - { prefix: 10.0.2.0/24, healthCheck: ${check()} }\n`);
    await waitUntil(() => prefixes().length === 1, 5000, 'healthy');
    const d = announce(`  - { prefix: 10.0.2.0/24, med: 7, healthCheck: ${check()} }\n`);
    expect(d).toEqual({ added: [], removed: [], changed: ['10.0.2.0/24'], reannounced: [], shadowed: [] });
    // Still announced at once (state kept), with the new MED.
    expect(a.routes()).toMatchObject([{ med: 7 }]);
    expect(announce('  - { prefix: 10.0.3.0/24 }\n')).toEqual({
      added: ['10.0.3.0/24'],
      removed: ['10.0.2.0/24'],
      changed: [],
      reannounced: [],
      shadowed: [],
    });
    const seen = health.length;
    rmSync(flag);
    await new Promise((r) => setTimeout(r, 100));
    expect(health.length).toBe(seen);
    expect(prefixes()).toEqual(['10.0.3.0/24']);
  });

  it('API routes are their own source: the API one wins while present; reload says what it brought back', () => {
    const config = '  - { prefix: 10.0.0.0/24, communities: ["64512:1"] }\n  - { prefix: 10.0.1.0/24 }\n';
    announce(config);
    a.add({ prefix: '10.0.0.0/24' }); // re-announced through the API, without the communities
    expect(a.remove('10.0.1.0/24')).toBe(true); // a configured route withdrawn through the API
    expect(a.routes().map((r) => [formatPrefix(r.prefix), r.communities.length])).toEqual([
      ['10.0.0.0/24', 0],
    ]);
    // A reload does not undo the API route, but brings the withdrawn configured one back, and says so.
    expect(announce(config)).toEqual({
      added: [],
      removed: [],
      changed: [],
      reannounced: ['10.0.1.0/24'],
      shadowed: ['10.0.0.0/24'],
    });
    expect(prefixes()).toEqual(['10.0.1.0/24', '10.0.0.0/24']);
    // Withdrawing the API route brings the configured one back, communities and all.
    expect(a.remove('10.0.0.0/24')).toBe(true);
    expect(a.routes().map((r) => [formatPrefix(r.prefix), r.communities.length])).toEqual([
      ['10.0.0.0/24', 1],
      ['10.0.1.0/24', 0],
    ]);
    expect(a.views().every((v) => v.source === 'config' && v.shadowedBy === null)).toBe(true);
  });

  it('each check holds the initial-state gate until its first result, after the route changed', async () => {
    const held = new Map<string, boolean>();
    const routesAtRelease = new Map<string, string[]>();
    const gated = new Announcements(
      { changed: () => {}, healthChanged: () => {} },
      {
        hold: (what) => {
          held.set(what, true);
          return () => {
            held.set(what, false);
            routesAtRelease.set(
              what,
              gated.routes().map((r) => formatPrefix(r.prefix)),
            );
          };
        },
      },
    );
    writeFileSync(flag, '');
    gated.configure(
      parseConfig(
        `asn: 1\nannounce:\n  - { prefix: 10.0.2.0/24, healthCheck: ${check()} }\n  - { prefix: 10.0.3.0/24, healthCheck: ${check()} }\n`,
      ).announce,
    );
    expect([...held.values()]).toEqual([true, true]);
    await waitUntil(() => [...held.values()].every((h) => !h), 5000, 'first results');
    for (const p of ['10.0.2.0/24', '10.0.3.0/24'])
      expect(routesAtRelease.get(`first health-check result of ${p}`)).toContain(p);
    // A check removed before its first result lets go too.
    gated.configure(
      parseConfig(
        `asn: 1\nannounce:\n  - { prefix: 10.0.4.0/24, healthCheck: { command: "sleep 5", interval: 1, timeout: 9 } }\n`,
      ).announce,
    );
    expect(held.get('first health-check result of 10.0.4.0/24')).toBe(true);
    gated.stop();
    expect(held.get('first health-check result of 10.0.4.0/24')).toBe(false);
  });
});
