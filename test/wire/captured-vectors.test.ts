// Decode, encode and round-trip tests generated from the annotated captured vectors, plus every
// message of test/fixtures/captures/messages.json decoded with its session's negotiated context.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type BgpMessage,
  type CodecContext,
  codecContext,
  decodeMessage,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  encodeUpdate,
  Framer,
  IPV4_UNICAST,
  IPV6_UNICAST,
  KEEPALIVE,
  Notification,
  shutdownCommunication,
} from '../../src/wire/index.js';
import { CAPTURED_VECTORS } from './captured-vectors.js';

function decode(bytes: Buffer, ctx: CodecContext): BgpMessage {
  const f = new Framer(ctx.maxMessageLength);
  f.push(bytes);
  const frame = f.next();
  if (!frame) throw new Error('incomplete message');
  expect(f.pending).toBe(0);
  return decodeMessage(frame, ctx);
}

function encode(m: BgpMessage, ctx: CodecContext): Buffer {
  switch (m.type) {
    case 'open':
      return encodeOpen(m.open);
    case 'update':
      return encodeUpdate(m.update, ctx);
    case 'notification':
      return encodeNotification(m.notification);
    case 'route-refresh':
      return encodeRouteRefresh(m.routeRefresh);
    default:
      return KEEPALIVE;
  }
}

/** Compares notifications by code, subcode and data (the Error message text is derived). */
function comparable(m: BgpMessage): unknown {
  if (m.type !== 'notification') return m;
  const { code, subcode, data } = m.notification;
  return { type: m.type, code, subcode, data: Buffer.from(data) };
}

describe.each(CAPTURED_VECTORS)('$name ($source)', (v) => {
  it('decodes to the annotated value', () => {
    expect(comparable(decode(v.bytes, v.ctx))).toEqual(comparable(v.expected));
  });
  if (v.exact) {
    it('encodes to the captured bytes', () => {
      expect(encode(v.expected, v.ctx).toString('hex')).toBe(v.bytes.toString('hex'));
    });
  }
  it('round-trips through our encoder', () => {
    expect(comparable(decode(encode(v.expected, v.ctx), v.ctx))).toEqual(comparable(v.expected));
  });
});

it('reads the shutdown communication of the captured FRR NOTIFICATION', () => {
  const n = CAPTURED_VECTORS.find((v) => v.expected.type === 'notification')!;
  const m = decode(n.bytes, n.ctx);
  expect(m.type === 'notification' && shutdownCommunication(m.notification)).toBe(
    'Herald reference capture: FRR maintenance',
  );
  expect(m.type === 'notification' && m.notification).toBeInstanceOf(Notification);
});

interface CapturedMessage {
  capture: string;
  from: string;
  type: string;
  summary: string;
  hex: string;
  session: { as4?: boolean; addPath?: Record<string, string>; extendedMessage?: boolean };
}

const messages: CapturedMessage[] = JSON.parse(
  readFileSync(new URL('../fixtures/captures/messages.json', import.meta.url), 'utf8'),
);
const FAMILY: Record<string, number> = { 'ipv4-unicast': IPV4_UNICAST, 'ipv6-unicast': IPV6_UNICAST };

/** The context the receiver had: path ids present where the sender sends them. */
function contextOf(m: CapturedMessage): CodecContext {
  const addPath = new Set(
    Object.entries(m.session.addPath ?? {})
      .filter(([, dir]) => dir === 'send' || dir === 'both')
      .map(([family]) => FAMILY[family]),
  );
  return codecContext({
    as4: m.session.as4 === true,
    addPath,
    maxMessageLength: m.session.extendedMessage ? 65535 : 4096,
    ibgp: m.capture === 'ibgp-rr',
  });
}

/** Unknown attributes change on re-encoding by design: non-transitive ones are dropped and
 * transitive ones gain the Partial bit (RFC 4271 §5). */
function withoutUnknown(m: BgpMessage): unknown {
  if (m.type !== 'update') return comparable(m);
  const { unknown, ...attributes } = m.update.attributes;
  const kept = (unknown ?? [])
    .filter((u) => u.flags & 0x40)
    .map((u) => ({ type: u.type, value: Buffer.from(u.value) }));
  return { ...m.update, attributes, kept };
}

describe('every captured GoBGP, BIRD and FRR message', () => {
  it('has the three daemons and every message type', () => {
    expect(new Set(messages.map((m) => m.from))).toEqual(new Set(['gobgp', 'bird', 'frr']));
    expect(new Set(messages.map((m) => m.type))).toEqual(
      new Set(['OPEN', 'UPDATE', 'NOTIFICATION', 'KEEPALIVE', 'ROUTE-REFRESH']),
    );
  });

  it.each(
    messages.map((m, i) => [`${i} ${m.capture} ${m.from} ${m.type}: ${m.summary.slice(0, 90)}`, m] as const),
  )('%s', (_name, m) => {
    const ctx = contextOf(m);
    const decoded = decode(Buffer.from(m.hex, 'hex'), ctx);
    expect(decoded.type.toUpperCase()).toBe(m.type);
    if (decoded.type === 'update') expect(decoded.update.errors).toEqual([]);
    const again = decode(encode(decoded, ctx), ctx);
    if (decoded.type === 'update' && again.type === 'update') {
      expect(withoutUnknown(again)).toEqual(withoutUnknown(decoded));
    } else if (decoded.type === 'open' && m.from === 'frr') {
      // FRR puts each capability in its own optional parameter; we use one for all.
      expect(again).toEqual(decoded);
    } else {
      // Everything else re-encodes to the very same octets.
      expect(encode(decoded, ctx).toString('hex')).toBe(m.hex);
    }
  });
});
