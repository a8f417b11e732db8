// Herald's own routes from a spec (config or API): a community given twice, in any spelling, is
// sent once (RFC 8092 §5 for large communities; FRR and BIRD do the same for the others).
import { describe, expect, it } from 'vitest';
import { localPathAttributes, localRoute } from '../../src/rib/local-routes.js';
import { formatCommunity, formatExtendedCommunity, formatLargeCommunity } from '../../src/wire/index.js';

describe('localRoute', () => {
  it('keeps one of each community, large community and extended community, in the order given', () => {
    const a = localPathAttributes(
      localRoute({
        prefix: '192.0.2.0/24',
        communities: ['no-export', '64512:7', 'NO-EXPORT', '65535:65281', '64512:7', 'no-advertise'],
        largeCommunities: ['64512:1:2', '64512:1:2', '64512:1:3'],
        extendedCommunities: ['rt:64512:1', 'RT:64512:1', 'ro:192.0.2.1:5'],
      }),
    );
    expect(a.communities?.map(formatCommunity)).toEqual(['no-export', '64512:7', 'no-advertise']);
    expect(a.largeCommunities?.map(formatLargeCommunity)).toEqual(['64512:1:2', '64512:1:3']);
    expect(a.extendedCommunities?.map(formatExtendedCommunity)).toEqual(['rt:64512:1', 'ro:192.0.2.1:5']);
  });
});
