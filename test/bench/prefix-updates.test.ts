// The churn and fan-in benches' synthetic UPDATEs, read back with Herald's own decoder: every
// message within 4,096 octets, every /24 once and in order, the attributes an iBGP peer sends.
// And the rows those benches add to docs/benchmarks.md.
import { describe, expect, it } from 'vitest';
import { announce, withdraw } from '../../bench/lib/prefix-updates.js';
import { metricsOf } from '../../bench/report/metrics.js';
import { formatPrefix } from '../../src/wire/prefix.js';
import { decodeUpdate } from '../../src/wire/update.js';

const ctx = { as4: true, addPath: new Set<never>(), maxMessageLength: 4096, ibgp: true };

/** Each message of a stream, decoded. */
function decodeAll(stream: Buffer) {
  const out = [];
  for (let pos = 0; pos < stream.length; ) {
    const len = stream.readUInt16BE(pos + 16);
    expect(len).toBeLessThanOrEqual(4096);
    expect(stream[pos + 18]).toBe(2);
    out.push(decodeUpdate(stream.subarray(pos + 19, pos + len), ctx));
    pos += len;
  }
  return out;
}

describe('synthetic UPDATEs', () => {
  it('announces a run of /24s split over full-size messages', () => {
    const msgs = decodeAll(announce(2, 2500, '10.0.0.7'));
    expect(msgs.length).toBe(3);
    const prefixes = msgs.flatMap((m) => m.nlri.map(formatPrefix));
    expect(prefixes.length).toBe(2500);
    expect(new Set(prefixes).size).toBe(2500);
    expect(prefixes[0]).toBe('20.0.2.0/24');
    expect(prefixes[2499]).toBe('20.9.197.0/24'); // /24 number 2501 = 9 × 256 + 197
    for (const m of msgs) {
      expect(m.outcome).not.toBe('treat-as-withdraw');
      expect(m.withdrawn).toEqual([]);
    }
  });

  it('withdraws the same run with no attributes', () => {
    const msgs = decodeAll(withdraw(2, 2500));
    const prefixes = msgs.flatMap((m) => m.withdrawn.map(formatPrefix));
    expect(prefixes).toEqual(
      decodeAll(announce(2, 2500, '10.0.0.7')).flatMap((m) => m.nlri.map(formatPrefix)),
    );
    expect(msgs.every((m) => m.nlri.length === 0)).toBe(true);
  });
});

describe('churn and fan-in rows', () => {
  it('keeps the figures of receivers that ran and skips failed ones', () => {
    const churn = metricsOf({
      bench: 'churn',
      prefixes: 10,
      seconds: 2,
      rows: [
        {
          name: 'Herald',
          keptUp: true,
          lagSeconds: 0.5,
          finalExact: true,
          sessionKept: true,
          proc: { cpuSeconds: 3 },
        },
        { name: 'BIRD', keptUp: false, lagSeconds: 9, proc: { cpuSeconds: 1 } },
        { name: 'FRR', error: 'boom' },
        { name: 'FRR', keptUp: false, proc: { cpuSeconds: 2 }, side: { zebra: { cpuSeconds: 5 } } },
      ],
    });
    expect(churn.map((m) => `${m.row} ${m.column} ${m.value}`)).toEqual([
      'Herald CPU s 3',
      'Herald lag s 0.5',
      'Herald exact, no reset (1 = yes) 1',
      'BIRD CPU s 1',
      'BIRD exact, no reset (1 = yes) 0',
      'FRR CPU s 2',
      'FRR zebra CPU s (FRR) 5',
      'FRR exact, no reset (1 = yes) 0',
    ]);
    const fanin = metricsOf({
      bench: 'fanin',
      peers: 2,
      routesPerPeer: 3,
      paths: 6,
      rows: [{ name: 'GoBGP', seconds: 1.5, rssGrowthBytes: 2 * 1024 * 1024, proc: { cpuSeconds: 2 } }],
    });
    expect(fanin.map((m) => `${m.column} ${m.value}`)).toEqual(['seconds 1.5', 'CPU s 2', 'RSS growth MB 2']);
    expect(fanin[0].table).toContain('distinct prefixes');
  });
});
