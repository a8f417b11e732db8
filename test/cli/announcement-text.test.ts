// `herald announcements` and `herald reload` as people read them: to how many neighbors each route
// goes and why not to the others, what no neighbor gets, and what a reload re-announced.
import { describe, expect, it } from 'vitest';
import { announcementsTable, reloadText } from '../../src/cli/tables.js';
import type { AnnouncementReport } from '../../src/daemon/announcement-reach.js';

const report = (prefix: string, extra: Partial<AnnouncementReport>): AnnouncementReport => ({
  prefix,
  source: 'config',
  announced: true,
  degraded: false,
  withdrawn: false,
  shadowedBy: null,
  nextHop: null,
  communities: [],
  largeCommunities: [],
  extendedCommunities: [],
  med: null,
  localPref: null,
  asPathPrepend: 0,
  health: null,
  peers: [],
  warnings: [],
  ...extra,
});

describe('announcement text', () => {
  it('shows where each route goes, why not elsewhere, and what no neighbor gets', () => {
    const text = announcementsTable([
      report('2001:db8::/64', {
        source: 'api',
        peers: [
          { neighbor: '192.0.2.2', sent: false, reason: 'the family is not negotiated on this session' },
        ],
        warnings: ['localPref 200 of 2001:db8::/64 reaches no neighbor'],
      }),
      report('10.0.0.0/24', { announced: false, shadowedBy: 'api' }),
      report('10.0.0.0/24', { source: 'api', peers: [{ neighbor: '192.0.2.2', sent: true, reason: null }] }),
    ]).split('\n');
    expect(text[0]).toMatch(/^Prefix\s+Source\s+State\s+Sent to\s+Health\s+Check$/);
    expect(text[1]).toMatch(/^2001:db8::\/64\s+api\s+announced\s+0\/1\s/);
    expect(text[2]).toMatch(/^10\.0\.0\.0\/24\s+config\s+shadowed by api\s+0\/0\s/);
    expect(text[3]).toMatch(/^10\.0\.0\.0\/24\s+api\s+announced\s+1\/1\s/);
    expect(text.slice(-2)).toEqual([
      '2001:db8::/64 not sent to 192.0.2.2: the family is not negotiated on this session',
      'warning: localPref 200 of 2001:db8::/64 reaches no neighbor',
    ]);
  });

  it('reload says what it re-announced and what an API route still overrides', () => {
    const text = reloadText({
      neighborsAdded: [],
      neighborsRemoved: [],
      neighborsReset: [],
      neighborsUpdated: [],
      announcements: {
        added: [],
        removed: [],
        changed: [],
        reannounced: ['10.0.1.0/24'],
        shadowed: ['10.0.0.0/24'],
      },
      listenerRestarted: false,
      needsRestart: [],
      settingsChanged: ['api.token', 'policies'],
    });
    expect(text).toBe(
      'reloaded:\n  announcement 10.0.1.0/24 re-announced (was withdrawn through the API)\n' +
        '  announcement 10.0.0.0/24 still overridden by an API route (withdraw that to bring it back)\n' +
        '  settings changed: api.token, policies',
    );
  });
});
