// cease() and shutdownCommunication() (RFC 9003), describeError() names (RFC 4271 §4.5 and the
// RFCs that add codes).
import { describe, expect, it } from 'vitest';
import {
  CeaseSubcode,
  cease,
  decodeNotification,
  describeError,
  ErrorCode,
  encodeNotification,
  HEADER_LENGTH,
  MAX_SHUTDOWN_COMMUNICATION,
  Notification,
  shutdownCommunication,
} from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';

const SHUTDOWN = CeaseSubcode.ADMINISTRATIVE_SHUTDOWN;
const RESET = CeaseSubcode.ADMINISTRATIVE_RESET;

describe('cease()', () => {
  it('RFC 9003 §2: Administrative Shutdown carries length + UTF-8 text', () => {
    const n = cease(SHUTDOWN, 'maintenance — back at 14:00');
    const text = Buffer.from('maintenance — back at 14:00', 'utf8');
    expect(n.code).toBe(ErrorCode.CEASE);
    expect(n.subcode).toBe(SHUTDOWN);
    expect(n.data.toString('hex')).toBe(Buffer.concat([Buffer.from([text.length]), text]).toString('hex'));
    expect(shutdownCommunication(n)).toBe('maintenance — back at 14:00');
  });

  it('RFC 9003 §2: Administrative Reset carries it too', () => {
    expect(shutdownCommunication(cease(RESET, 'reset'))).toBe('reset');
  });

  it('RFC 9003 §2: other Cease subcodes carry no data', () => {
    const n = cease(CeaseSubcode.PEER_DECONFIGURED, 'gone');
    expect(n.data.length).toBe(0);
    expect(cease(SHUTDOWN).data.length).toBe(0);
    expect(cease(SHUTDOWN, '').data.length).toBe(0);
  });

  it('RFC 9003 §2: 255 octets fit whole', () => {
    const n = cease(SHUTDOWN, 'a'.repeat(255));
    expect(n.data[0]).toBe(255);
    expect(n.data.length).toBe(256);
  });

  it('RFC 9003 §2: ASCII past 255 octets is cut at 255', () => {
    const n = cease(SHUTDOWN, 'b'.repeat(300));
    expect(n.data[0]).toBe(MAX_SHUTDOWN_COMMUNICATION);
    expect(shutdownCommunication(n)).toBe('b'.repeat(255));
  });

  it('RFC 9003 §2: a multi-octet character straddling octet 255 is dropped whole', () => {
    // 254 ASCII octets then "é" (2 octets: would end at 256) then more.
    const n = cease(SHUTDOWN, `${'c'.repeat(254)}éxyz`);
    expect(n.data[0]).toBe(254);
    expect(shutdownCommunication(n)).toBe('c'.repeat(254));
    // 4-octet characters: 63 × 4 = 252 fit, the 64th would end at 256.
    const emoji = cease(SHUTDOWN, '🚧'.repeat(70));
    expect(emoji.data[0]).toBe(252);
    expect(shutdownCommunication(emoji)).toBe('🚧'.repeat(63));
  });

  it('RFC 4271 §4.5: the Cease encodes and decodes back with its data', () => {
    const n = cease(SHUTDOWN, 'bye');
    const back = decodeNotification(encodeNotification(n).subarray(HEADER_LENGTH));
    expect(back.data.toString('hex')).toBe(hex`03 627965`.toString('hex'));
    expect(shutdownCommunication(back)).toBe('bye');
  });
});

describe('shutdownCommunication()', () => {
  const of = (subcode: number, data: Buffer, code: number = ErrorCode.CEASE) =>
    shutdownCommunication(new Notification(code, subcode, data));

  it('RFC 9003 §2: reads a valid communication', () => {
    expect(of(SHUTDOWN, hex`05 68656c6c6f`)).toBe('hello');
  });

  it('RFC 9003 §2: ignores octets after the communication', () => {
    expect(of(SHUTDOWN, hex`02 6869 ffff`)).toBe('hi');
  });

  it('RFC 9003 §3: a length past the end of the data is malformed', () => {
    expect(of(SHUTDOWN, hex`06 68656c6c6f`)).toBeUndefined();
    expect(of(SHUTDOWN, hex`ff 61`)).toBeUndefined();
  });

  it('RFC 9003 §3: invalid UTF-8 is malformed', () => {
    expect(of(SHUTDOWN, hex`02 c328`)).toBeUndefined(); // truncated 2-octet sequence
    expect(of(SHUTDOWN, hex`01 ff`)).toBeUndefined();
    expect(of(RESET, hex`03 eda080`)).toBeUndefined(); // a UTF-16 surrogate
  });

  it('RFC 9003 §2: length 0 and no data mean no communication', () => {
    expect(of(SHUTDOWN, hex`00`)).toBeUndefined();
    expect(of(SHUTDOWN, hex``)).toBeUndefined();
  });

  it('RFC 9003 §2: only Administrative Shutdown and Reset carry one', () => {
    expect(of(CeaseSubcode.PEER_DECONFIGURED, hex`02 6869`)).toBeUndefined();
    expect(of(CeaseSubcode.HARD_RESET, hex`02 6869`)).toBeUndefined();
    expect(of(2, hex`02 6869`, ErrorCode.OPEN_MESSAGE)).toBeUndefined();
  });
});

describe('describeError()', () => {
  it.each([
    [1, 1, 'Message Header Error/Connection Not Synchronized'],
    [1, 2, 'Message Header Error/Bad Message Length'],
    [1, 3, 'Message Header Error/Bad Message Type'],
    [2, 1, 'OPEN Message Error/Unsupported Version Number'],
    [2, 2, 'OPEN Message Error/Bad Peer AS'],
    [2, 3, 'OPEN Message Error/Bad BGP Identifier'],
    [2, 4, 'OPEN Message Error/Unsupported Optional Parameter'],
    [2, 6, 'OPEN Message Error/Unacceptable Hold Time'],
    [2, 7, 'OPEN Message Error/Unsupported Capability'],
    [2, 11, 'OPEN Message Error/Role Mismatch'],
    [3, 1, 'UPDATE Message Error/Malformed Attribute List'],
    [3, 2, 'UPDATE Message Error/Unrecognized Well-known Attribute'],
    [3, 4, 'UPDATE Message Error/Attribute Flags Error'],
    [3, 9, 'UPDATE Message Error/Optional Attribute Error'],
    [3, 10, 'UPDATE Message Error/Invalid Network Field'],
    [3, 11, 'UPDATE Message Error/Malformed AS_PATH'],
    [4, 0, 'Hold Timer Expired/Unspecific'],
    [5, 2, 'Finite State Machine Error/Receive Unexpected Message in OpenConfirm State'],
    [6, 2, 'Cease/Administrative Shutdown'],
    [6, 4, 'Cease/Administrative Reset'],
    [6, 9, 'Cease/Hard Reset'],
    [6, 10, 'Cease/BFD Down'],
    [7, 1, 'ROUTE-REFRESH Message Error/Invalid Message Length'],
  ])('RFC 4271 §4.5 and later RFCs: %i/%i is "%s"', (code, subcode, name) => {
    expect(describeError(code, subcode)).toBe(name);
  });

  it('RFC 4271 §4.5: unknown codes and subcodes are named by number', () => {
    expect(describeError(6, 99)).toBe('Cease/subcode 99');
    expect(describeError(42, 1)).toBe('Unknown error code 42/subcode 1');
  });

  it('the Notification error message names the error and the reason', () => {
    const n = new Notification(3, 11, undefined, 'segment overruns');
    expect(n.message).toBe('UPDATE Message Error/Malformed AS_PATH: segment overruns');
    expect(n.data.length).toBe(0);
  });
});
