// Routes whose attributes cannot fit a peer's UPDATE (RFC 8654 §4): refused at the door (config,
// API), and, should one reach an Adj-RIB-Out, held back and withdrawn — never an exception.
import { describe, expect, it } from 'vitest';
import { AdjRibOut, type Sink } from '../../src/rib/adj-rib-out.js';
import { localRoute } from '../../src/rib/local-routes.js';
import { encodedSizeProblem, routeSizeProblem, surelyFits } from '../../src/rib/route-size.js';
import {
  codecContext,
  decodeUpdate,
  packUpdate,
  parsePrefix,
  prepareAttributes,
  Writer,
} from '../../src/wire/index.js';

const communities = (n: number) => Array.from({ length: n }, (_, i) => `65000:${i}`);

function recordingSink(): Sink & { sent: Buffer[] } {
  const sent: Buffer[] = [];
  return { sent, send: (m) => sent.push(m) > 0, drained: async () => {}, open: true };
}

describe('routeSizeProblem', () => {
  it('refuses 1,200 communities on a /32 (the attribute block passes 4,096 octets)', () => {
    const problem = routeSizeProblem(
      localRoute({ prefix: '198.51.100.1/32', communities: communities(1200) }),
    );
    expect(problem).toMatch(/more octets than a 4096-octet UPDATE holds/);
  });

  it('accepts the largest community list that still fits on every kind of session', () => {
    expect(routeSizeProblem(localRoute({ prefix: '2001:db8::1/128', communities: communities(900) }))).toBe(
      undefined,
    );
  });

  it('the quick bound never passes a route the encoder would refuse', () => {
    let quick = 0;
    for (let n = 0; n <= 1100; n += 5)
      for (const prefix of ['198.51.100.1/32', '2001:db8::1/128'])
        for (const prepend of [0, 10, 300]) {
          const r = localRoute({
            prefix,
            communities: communities(n),
            asPathPrepend: Math.min(prepend, 255),
          });
          if (!surelyFits(r, prepend - Math.min(prepend, 255))) continue;
          quick++;
          expect(encodedSizeProblem(r, prepend - Math.min(prepend, 255))).toBeUndefined();
        }
    expect(quick).toBeGreaterThan(100); // the bound does spare most routes the encoding
  });

  it('counts the prepends a degraded health check adds', () => {
    const r = localRoute({ prefix: '198.51.100.1/32', communities: communities(960) });
    expect(routeSizeProblem(r)).toBeUndefined();
    expect(routeSizeProblem(r, 32)).toBeDefined();
  });
});

describe('packUpdate with attributes larger than the message', () => {
  it('returns the start index (nothing written) instead of throwing', () => {
    const ctx = codecContext({ as4: true });
    const prepared = prepareAttributes(
      {
        origin: 0,
        asPath: [],
        nextHop: '192.0.2.1',
        communities: Array.from({ length: 1200 }, (_, i) => i),
      },
      ctx,
    );
    const w = Writer.alloc(65535);
    expect(packUpdate(w, prepared, [parsePrefix('10.0.0.0/8')], 0, ctx)).toBe(0);
    expect(w.pos).toBe(0);
  });
});

describe('AdjRibOut and a route too large for the peer', () => {
  const big = {
    prefix: parsePrefix('198.51.100.1/32'),
    attributes: {
      origin: 0 as const,
      asPath: [],
      nextHop: '192.0.2.1',
      communities: Array.from({ length: 1200 }, (_, i) => i),
    },
  };
  const small = {
    prefix: parsePrefix('198.51.100.2/32'),
    attributes: { origin: 0 as const, asPath: [], nextHop: '192.0.2.1' },
  };

  it('sends the others, holds the large one back with its reason, and reports it once', async () => {
    const out = new AdjRibOut();
    const sink = recordingSink();
    const ctx = codecContext({ as4: true });
    const first = await out.sync([big, small], ctx, sink);
    expect(first.announced).toBe(1);
    expect(first.newlyNotSent.map((r) => r.prefix)).toEqual([big.prefix]);
    expect([...out.unsent()][0].reason).toMatch(/4096-octet UPDATE/);
    expect(sink.sent).toHaveLength(1);
    const again = await out.sync([big, small], ctx, sink);
    expect(again.newlyNotSent).toEqual([]);
    expect(out.size).toBe(1);
  });

  it('RFC 8654 §4: withdraws a route it had advertised when its new attributes no longer fit', async () => {
    const out = new AdjRibOut();
    const sink = recordingSink();
    const ctx = codecContext({ as4: true });
    await out.sync([{ ...big, attributes: small.attributes }], ctx, sink);
    expect(out.size).toBe(1);
    sink.sent.length = 0;
    const r = await out.sync([big], ctx, sink);
    expect(r.withdrawn).toBe(1);
    expect(out.size).toBe(0);
    // One message: the 19-octet header, then the body.
    expect(sink.sent).toHaveLength(1);
    const update = decodeUpdate(sink.sent[0].subarray(19), ctx);
    expect(update.withdrawn.map((p) => p.length)).toEqual([32]);
  });

  it('sends it where the peer takes extended messages (65,535 octets)', async () => {
    const out = new AdjRibOut();
    const sink = recordingSink();
    const r = await out.sync([big], codecContext({ as4: true, maxMessageLength: 65535 }), sink);
    expect(r.announced).toBe(1);
    expect([...out.unsent()]).toEqual([]);
  });
});
