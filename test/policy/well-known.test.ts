// RFC 1997 and RFC 3765 well-known communities that bound where a route may go.
import { describe, expect, it } from 'vitest';
import { wellKnownExportBlocked } from '../../src/policy/index.js';
import { type PathAttributes, parseCommunity } from '../../src/wire/index.js';

const carrying = (...c: string[]): PathAttributes => ({ communities: c.map(parseCommunity) });
const ibgp = { ibgp: true };
const ebgp = { ibgp: false };
const confed = { ibgp: false, confedMember: true };
const peer = { ibgp: false, bilateralPeer: true };

describe('wellKnownExportBlocked', () => {
  it('RFC 1997 NO_ADVERTISE: to no BGP peer at all', () => {
    for (const t of [ibgp, ebgp, confed, peer])
      expect(wellKnownExportBlocked(carrying('no-advertise'), t)).toBe('no-advertise');
  });

  it('RFC 1997 NO_EXPORT: iBGP and confederation members yes, other eBGP no', () => {
    expect(wellKnownExportBlocked(carrying('no-export'), ibgp)).toBeUndefined();
    expect(wellKnownExportBlocked(carrying('no-export'), confed)).toBeUndefined();
    expect(wellKnownExportBlocked(carrying('no-export'), ebgp)).toBe('no-export');
  });

  it('RFC 1997 NO_EXPORT_SUBCONFED: iBGP only, not even other confederation members', () => {
    expect(wellKnownExportBlocked(carrying('no-export-subconfed'), ibgp)).toBeUndefined();
    expect(wellKnownExportBlocked(carrying('no-export-subconfed'), confed)).toBe('no-export-subconfed');
    expect(wellKnownExportBlocked(carrying('no-export-subconfed'), ebgp)).toBe('no-export-subconfed');
  });

  it('RFC 3765 NO_PEER: not to neighbors marked bilateral peers; others unaffected', () => {
    expect(wellKnownExportBlocked(carrying('no-peer'), peer)).toBe('no-peer');
    expect(wellKnownExportBlocked(carrying('no-peer'), ebgp)).toBeUndefined();
    expect(wellKnownExportBlocked(carrying('no-peer'), ibgp)).toBeUndefined();
  });

  it('other communities and routes without communities pass', () => {
    expect(wellKnownExportBlocked(carrying('65000:1', 'blackhole'), ebgp)).toBeUndefined();
    expect(wellKnownExportBlocked({}, ebgp)).toBeUndefined();
  });
});
