// NOTIFICATION messages (RFC 4271 §4.5): code, subcode, data as received.
import { hex } from '../../helpers/hex.js';
import type { NotificationVector } from './types.js';

export const notificationVectors: NotificationVector[] = [
  {
    name: 'Cease/Administrative Shutdown with a Shutdown Communication',
    rfc: 'RFC 9003 §2',
    bytes: hex`06 02 05 68656c6c6f // length 5, "hello"`,
    expected: { code: 6, subcode: 2, data: hex`05 68656c6c6f` },
  },
  {
    name: 'Cease/Administrative Reset without data',
    rfc: 'RFC 4486 §4',
    bytes: hex`06 04`,
    expected: { code: 6, subcode: 4, data: hex`` },
  },
  {
    name: 'OPEN Message Error/Unsupported Version Number with version 4 as data',
    rfc: 'RFC 4271 §6.2',
    bytes: hex`02 01 0004`,
    expected: { code: 2, subcode: 1, data: hex`0004` },
  },
  {
    name: 'UPDATE Message Error/Malformed AS_PATH',
    rfc: 'RFC 4271 §6.3',
    bytes: hex`03 0b`,
    expected: { code: 3, subcode: 11, data: hex`` },
  },
  {
    name: 'Message Header Error/Bad Message Length with the length as data',
    rfc: 'RFC 4271 §6.1',
    bytes: hex`01 02 1001`,
    expected: { code: 1, subcode: 2, data: hex`1001` },
  },
  {
    name: 'Hold Timer Expired',
    rfc: 'RFC 4271 §6.5',
    bytes: hex`04 00`,
    expected: { code: 4, subcode: 0, data: hex`` },
  },
  {
    name: 'an unknown error code is decoded as is',
    rfc: 'RFC 4271 §4.5',
    bytes: hex`09 09 ff`,
    expected: { code: 9, subcode: 9, data: hex`ff` },
  },
];
