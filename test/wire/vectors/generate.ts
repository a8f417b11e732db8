// Turns declare-once vectors into tests. Every message goes through the Framer and decodeMessage,
// as it would off a socket; valid ones are also encoded (our encoder must reproduce the bytes, or
// the canonical form the vector gives) and round-tripped (decode(encode(v)) equals v).
import { describe, expect, it } from 'vitest';
import type { BgpMessage, CodecContext } from '../../../src/wire/index.js';
import {
  codecContext,
  decodeMessage,
  decodeUpdate,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  encodeUpdate,
  Framer,
  HEADER_LENGTH,
  MessageType,
  Notification,
  updateRoutes,
} from '../../../src/wire/index.js';
import { message, routeText } from './common.js';
import type {
  ExpectedNotification,
  NotificationVector,
  OpenVector,
  RouteRefreshVector,
  UpdateVector,
} from './types.js';

/** Frames `body` as a message of `type` and decodes it as a session would. */
function receive(type: number, body: Buffer, ctx: CodecContext): BgpMessage {
  const framer = new Framer(ctx.maxMessageLength);
  framer.push(message(type, body));
  const frame = framer.next();
  if (!frame) throw new Error('vector is not a whole message');
  expect(framer.pending).toBe(0);
  return decodeMessage(frame, ctx);
}

function expectNotification(fn: () => unknown, n: ExpectedNotification): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'a Notification is thrown').toBeInstanceOf(Notification);
  const got = thrown as Notification;
  expect({ code: got.code, subcode: got.subcode }).toEqual({ code: n.code, subcode: n.subcode });
  if (n.data) expect(got.data.toString('hex')).toBe(n.data.toString('hex'));
}

const bodyOf = (msg: Buffer) => msg.subarray(HEADER_LENGTH);

export function updateVectorTests(title: string, vectors: readonly UpdateVector[]): void {
  describe(title, () => {
    for (const v of vectors) {
      const ctx = codecContext(v.ctx);
      const label = `${v.rfc}: ${v.name}`;
      const decode = () => {
        const m = receive(MessageType.UPDATE, v.bytes, ctx);
        if (m.type !== 'update') throw new Error(`decoded as ${m.type}`);
        return m.update;
      };
      const e = v.expected;
      if ('notification' in e) {
        it(`${label} → NOTIFICATION ${e.notification.code}/${e.notification.subcode}`, () => {
          expectNotification(decode, e.notification);
        });
        continue;
      }
      if ('outcome' in e) {
        it(`${label} → ${e.outcome}`, () => {
          const d = decode();
          expect(d.outcome).toBe(e.outcome);
          expect(d.errors.map(({ type, outcome }) => ({ type, outcome }))).toEqual(e.errors);
          if (e.attributes) expect(d.attributes).toEqual(e.attributes);
          if (e.routes) {
            const r = updateRoutes(d);
            expect({ announced: r.announced.map(routeText), withdrawn: r.withdrawn.map(routeText) }).toEqual(
              e.routes,
            );
          }
        });
        continue;
      }
      it(`${label}: decodes`, () => {
        const d = decode();
        expect(d.errors).toEqual([]);
        expect(d.outcome).toBe('none');
        expect({ withdrawn: d.withdrawn, attributes: d.attributes, nlri: d.nlri }).toEqual(e.update);
        expect(d.endOfRib).toBe(e.endOfRib);
      });
      it(`${label}: encodes to ${e.encoded ? 'the canonical form' : 'the same octets'}`, () => {
        const want = e.encoded ?? v.bytes;
        expect(encodeUpdate(e.update, ctx).toString('hex')).toBe(
          message(MessageType.UPDATE, want).toString('hex'),
        );
      });
      if (e.roundTrip !== false) {
        it(`${label}: round-trips`, () => {
          const again = decodeUpdate(bodyOf(encodeUpdate(e.update, ctx)), ctx);
          expect(again.errors).toEqual([]);
          expect({ withdrawn: again.withdrawn, attributes: again.attributes, nlri: again.nlri }).toEqual(
            e.update,
          );
        });
      }
    }
  });
}

export function openVectorTests(title: string, vectors: readonly OpenVector[]): void {
  describe(title, () => {
    const ctx = codecContext();
    for (const v of vectors) {
      const label = `${v.rfc}: ${v.name}`;
      const decode = () => {
        const m = receive(MessageType.OPEN, v.bytes, ctx);
        if (m.type !== 'open') throw new Error(`decoded as ${m.type}`);
        return m.open;
      };
      const e = v.expected;
      if ('notification' in e) {
        it(`${label} → NOTIFICATION ${e.notification.code}/${e.notification.subcode}`, () => {
          expectNotification(decode, e.notification);
        });
        continue;
      }
      it(`${label}: decodes`, () => expect(decode()).toEqual(e.open));
      it(`${label}: encodes to ${e.encoded ? 'the canonical form' : 'the same octets'}`, () => {
        expect(encodeOpen(e.open).toString('hex')).toBe(
          message(MessageType.OPEN, e.encoded ?? v.bytes).toString('hex'),
        );
      });
      it(`${label}: round-trips`, () => {
        const m = receive(MessageType.OPEN, bodyOf(encodeOpen(e.open)), ctx);
        expect(m).toEqual({ type: 'open', open: e.open });
      });
    }
  });
}

export function notificationVectorTests(title: string, vectors: readonly NotificationVector[]): void {
  describe(title, () => {
    for (const v of vectors) {
      const label = `${v.rfc}: ${v.name}`;
      it(`${label}: decodes`, () => {
        const m = receive(MessageType.NOTIFICATION, v.bytes, codecContext());
        if (m.type !== 'notification') throw new Error(`decoded as ${m.type}`);
        const { code, subcode, data } = m.notification;
        expect({ code, subcode, data: data.toString('hex') }).toEqual({
          ...v.expected,
          data: v.expected.data.toString('hex'),
        });
      });
      it(`${label}: encodes to the same octets`, () => {
        expect(encodeNotification(v.expected).toString('hex')).toBe(
          message(MessageType.NOTIFICATION, v.bytes).toString('hex'),
        );
      });
    }
  });
}

export function routeRefreshVectorTests(title: string, vectors: readonly RouteRefreshVector[]): void {
  describe(title, () => {
    for (const v of vectors) {
      const label = `${v.rfc}: ${v.name}`;
      const decode = () => receive(MessageType.ROUTE_REFRESH, v.bytes, codecContext());
      const e = v.expected;
      if ('notification' in e) {
        it(`${label} → NOTIFICATION ${e.notification.code}/${e.notification.subcode}`, () => {
          expectNotification(decode, e.notification);
        });
        continue;
      }
      it(`${label}: decodes`, () =>
        expect(decode()).toEqual({ type: 'route-refresh', routeRefresh: e.routeRefresh }));
      it(`${label}: encodes to the same octets`, () => {
        expect(encodeRouteRefresh(e.routeRefresh).toString('hex')).toBe(
          message(MessageType.ROUTE_REFRESH, v.bytes).toString('hex'),
        );
      });
    }
  });
}
