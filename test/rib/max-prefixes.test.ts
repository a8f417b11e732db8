// Max-prefix: a warning once at the threshold, "exceeded" past the limit, counted on accepted
// routes; the NOTIFICATION carries AFI, SAFI and the limit (RFC 4486 §4).
import { describe, expect, it } from 'vitest';
import { maxPrefixesNotification } from '../../src/daemon/max-prefixes.js';
import { codecContext, encodeUpdate, parsePrefix } from '../../src/wire/index.js';
import { nullSink, sessionFacts, testEngine } from '../helpers/engine.js';

const ctx = codecContext({ as4: true });

function neighbor(limit: number) {
  const events: string[] = [];
  const engine = testEngine();
  const n = engine.addNeighbor({
    address: '192.0.2.1',
    configuredAsns: [65001],
    maxPrefixes: {
      limit,
      warningThreshold: 50,
      warningOnly: false,
      reached: (e) => events.push(`${e.kind} ${e.count}/${e.limit} afi ${e.afi}`),
    },
  });
  n.up(sessionFacts({ peerAsn: 65001, ctx }), nullSink);
  const send = (...prefixes: string[]) =>
    n.received(
      encodeUpdate(
        {
          withdrawn: [],
          nlri: prefixes.map(parsePrefix),
          attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '192.0.2.1' },
        },
        ctx,
      ).subarray(19),
    );
  return { events, send };
}

describe('max-prefix', () => {
  it('warns once at the threshold, then reports the limit passed', () => {
    const { events, send } = neighbor(4);
    send('10.0.0.0/8');
    expect(events).toEqual([]);
    send('11.0.0.0/8');
    send('12.0.0.0/8');
    expect(events).toEqual(['warning 2/4 afi 1']);
    send('13.0.0.0/8');
    expect(events).toHaveLength(1);
    send('14.0.0.0/8');
    expect(events).toEqual(['warning 2/4 afi 1', 'exceeded 5/4 afi 1']);
  });

  it('RFC 4486 §4: Cease / Maximum Number of Prefixes Reached with AFI, SAFI and the bound', () => {
    const n = maxPrefixesNotification(1, 1000);
    expect([n.code, n.subcode]).toEqual([6, 1]);
    expect(n.data.toString('hex')).toBe('0001' + '01' + '000003e8');
  });
});
