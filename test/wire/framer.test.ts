import { describe, expect, it } from 'vitest';
import { ErrorCode, Framer, HeaderSubcode, KEEPALIVE, Notification } from '../../src/wire/index.js';
import { hex, MARKER } from '../helpers/hex.js';

const update = hex`
  ${MARKER}   // marker
  0017 02     // length 23, type UPDATE
  0000 0000   // no withdrawn routes, no attributes: the IPv4 End-of-RIB
`;
const notification = hex`
  ${MARKER}
  0015 03     // length 21, NOTIFICATION
  06 02       // Cease / Administrative Shutdown
`;
const stream = Buffer.concat([KEEPALIVE, update, notification, KEEPALIVE]);

function drain(f: Framer): number[] {
  const types: number[] = [];
  for (let m = f.next(); m; m = f.next()) types.push(m.type);
  return types;
}

describe('Framer', () => {
  it('returns messages as zero-copy views when a chunk holds them', () => {
    const f = new Framer();
    f.push(stream);
    const first = f.next()!;
    expect(first.message.buffer).toBe(stream.buffer);
    expect(first.message.byteOffset).toBe(stream.byteOffset);
    expect(drain(f)).toEqual([2, 3, 4]);
    expect(f.pending).toBe(0);
  });

  it('reassembles the same messages whatever the split point', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const f = new Framer();
      f.push(stream.subarray(0, cut));
      const types = drain(f);
      f.push(stream.subarray(cut));
      types.push(...drain(f));
      expect(types, `split at ${cut}`).toEqual([4, 2, 3, 4]);
    }
  });

  it('reassembles a stream delivered one octet at a time', () => {
    const f = new Framer();
    const types: number[] = [];
    for (const byte of stream) {
      f.push(Buffer.from([byte]));
      types.push(...drain(f));
    }
    expect(types).toEqual([4, 2, 3, 4]);
  });

  it('copies a message that spans chunks into one buffer with the exact bytes', () => {
    const f = new Framer();
    f.push(update.subarray(0, 10));
    expect(f.next()).toBeUndefined();
    f.push(update.subarray(10));
    expect(f.next()!.message).toEqual(update);
  });

  const rejects = (bytes: Buffer, subcode: number, max?: number) => {
    const f = new Framer(max);
    f.push(bytes);
    try {
      f.next();
    } catch (e) {
      expect(e).toBeInstanceOf(Notification);
      expect((e as Notification).code).toBe(ErrorCode.MESSAGE_HEADER);
      expect((e as Notification).subcode).toBe(subcode);
      return e as Notification;
    }
    throw new Error('no error');
  };

  it('rejects a bad marker with Connection Not Synchronized', () => {
    const bad = Buffer.from(KEEPALIVE);
    bad[3] = 0;
    rejects(bad, HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED);
  });

  it('rejects an unknown type with Bad Message Type and the type as data', () => {
    const n = rejects(hex`${MARKER} 0013 09`, HeaderSubcode.BAD_MESSAGE_TYPE);
    expect(n.data).toEqual(Buffer.from([9]));
  });

  it('rejects lengths below the type minimum or above 4096 with Bad Message Length', () => {
    expect(rejects(hex`${MARKER} 0014 04 00`, HeaderSubcode.BAD_MESSAGE_LENGTH).data).toEqual(hex`0014`);
    rejects(hex`${MARKER} 0012 02`, HeaderSubcode.BAD_MESSAGE_LENGTH);
    rejects(hex`${MARKER} 001c 01`, HeaderSubcode.BAD_MESSAGE_LENGTH);
    rejects(hex`${MARKER} 1001 02`, HeaderSubcode.BAD_MESSAGE_LENGTH);
  });

  it('accepts UPDATEs up to 65535 octets once extended messages are negotiated, but not OPENs', () => {
    const big = Buffer.alloc(5000);
    hex`${MARKER} 1388 02 0000 0000`.copy(big);
    const f = new Framer(65535);
    f.push(big);
    expect(f.next()!.message.length).toBe(5000);
    const open = Buffer.from(big);
    open[18] = 1;
    rejects(open, HeaderSubcode.BAD_MESSAGE_LENGTH, 65535);
  });
});
