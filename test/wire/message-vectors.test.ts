// OPEN, NOTIFICATION and ROUTE-REFRESH vectors (test/wire/vectors/*.ts), plus the KEEPALIVE octets.
import { describe, expect, it } from 'vitest';
import {
  codecContext,
  decodeMessage,
  Framer,
  KEEPALIVE,
  Writer,
  writeKeepalive,
} from '../../src/wire/index.js';
import { hex, MARKER } from '../helpers/hex.js';
import { notificationVectorTests, openVectorTests, routeRefreshVectorTests } from './vectors/generate.js';
import { notificationVectors } from './vectors/notification.js';
import { capabilityVectors, openErrorVectors } from './vectors/open.js';
import { routeRefreshVectors } from './vectors/route-refresh.js';

openVectorTests('OPEN capabilities', capabilityVectors);
openVectorTests('OPEN errors', openErrorVectors);
notificationVectorTests('NOTIFICATION', notificationVectors);
routeRefreshVectorTests('ROUTE-REFRESH', routeRefreshVectors);

describe('KEEPALIVE', () => {
  const bytes = hex`${MARKER} 0013 04 // length 19, type KEEPALIVE: the header alone`;

  it('RFC 4271 §4.4: KEEPALIVE is the 19-octet header', () => {
    expect(KEEPALIVE.toString('hex')).toBe(bytes.toString('hex'));
    const w = Writer.alloc(64);
    writeKeepalive(w);
    writeKeepalive(w);
    expect(w.view().toString('hex')).toBe(bytes.toString('hex').repeat(2));
  });

  it('RFC 4271 §4.4: KEEPALIVE decodes as a keepalive', () => {
    const f = new Framer();
    f.push(bytes);
    expect(decodeMessage(f.next()!, codecContext())).toEqual({ type: 'keepalive' });
  });
});
