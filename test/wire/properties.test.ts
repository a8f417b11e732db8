// Property tests: any input either decodes or yields a typed Notification (never a RangeError or
// crash), and generated values survive encode → decode unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codecContext,
  decodeAttributes,
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  decodeUpdate,
  encodeOpen,
  encodeUpdate,
  Framer,
  HEADER_LENGTH,
  Notification,
} from '../../src/wire/index.js';
import { contextArb, openArb, updateArb } from '../helpers/arbitraries.js';

const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));

function decodesOrNotifies(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Notification)) throw e;
  }
}

describe('decoders never crash', () => {
  it('decodeUpdate: any bytes, any context', () => {
    fc.assert(
      fc.property(bytes, contextArb, (b, ctx) => decodesOrNotifies(() => decodeUpdate(b, ctx))),
      {
        numRuns: 3000,
      },
    );
  });

  it('decodeAttributes: any bytes', () => {
    fc.assert(
      fc.property(bytes, contextArb, (b, ctx) =>
        decodesOrNotifies(() => decodeAttributes(b, 0, b.length, ctx)),
      ),
      { numRuns: 3000 },
    );
  });

  it('decodeOpen, decodeNotification, decodeRouteRefresh: any bytes', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        decodesOrNotifies(() => decodeOpen(b));
        decodesOrNotifies(() => decodeRouteRefresh(b));
        if (b.length >= 2) decodesOrNotifies(() => decodeNotification(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('Framer: any byte stream in any chunking', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 5 }), (chunks) => {
        const f = new Framer();
        decodesOrNotifies(() => {
          for (const c of chunks) {
            f.push(c);
            while (f.next());
          }
        });
      }),
    );
  });

  it('decodeUpdate: valid UPDATEs with random octets corrupted', () => {
    const arb = contextArb.chain((ctx) =>
      fc.tuple(
        fc.constant(ctx),
        updateArb(ctx),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([ctx, update, flips]) => {
        const msg = encodeUpdate(update, ctx);
        const body = Buffer.from(msg.subarray(HEADER_LENGTH));
        for (const [at, v] of flips) body[at % body.length] = v;
        decodesOrNotifies(() => decodeUpdate(body, ctx));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encode → decode round trip', () => {
  it('UPDATE with every attribute, 2- and 4-octet AS, add-path, IPv4 and IPv6', () => {
    const arb = contextArb.chain((ctx) => fc.tuple(fc.constant(ctx), updateArb(ctx)));
    fc.assert(
      fc.property(arb, ([ctx, update]) => {
        const decoded = decodeUpdate(encodeUpdate(update, ctx).subarray(HEADER_LENGTH), ctx);
        expect(decoded.errors).toEqual([]);
        expect({ withdrawn: decoded.withdrawn, attributes: decoded.attributes, nlri: decoded.nlri }).toEqual(
          update,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('OPEN with any capabilities (RFC 9072 extended parameters when long)', () => {
    fc.assert(
      fc.property(openArb, (open) => {
        expect(decodeOpen(encodeOpen(open).subarray(HEADER_LENGTH))).toEqual(open);
      }),
      { numRuns: 1000 },
    );
  });

  it('a plain context decodes what it encodes', () => {
    expect(codecContext().as4).toBe(false);
  });
});
