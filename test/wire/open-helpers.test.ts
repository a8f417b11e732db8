// openAsn() and myAsnField() (RFC 6793), and encodeOpen's choice of parameter encoding (RFC 9072).
import { describe, expect, it } from 'vitest';
import type { Capability, OpenMessage } from '../../src/wire/index.js';
import {
  AS_TRANS,
  decodeOpen,
  encodeOpen,
  HEADER_LENGTH,
  myAsnField,
  openAsn,
} from '../../src/wire/index.js';

const open = (myAsn: number, capabilities: Capability[]): OpenMessage => ({
  version: 4,
  myAsn,
  holdTime: 90,
  bgpId: '192.0.2.1',
  capabilities,
});

describe('openAsn() and myAsnField()', () => {
  it('RFC 6793 §4.2.1: the 4-octet AS capability gives the real ASN', () => {
    expect(openAsn(open(AS_TRANS, [{ kind: 'as4', asn: 4200000000 }]))).toBe(4200000000);
    expect(openAsn(open(65001, [{ kind: 'route-refresh' }, { kind: 'as4', asn: 65001 }]))).toBe(65001);
  });

  it('RFC 4271 §4.2: without the capability, My Autonomous System is the ASN', () => {
    expect(openAsn(open(65001, []))).toBe(65001);
  });

  it('RFC 6793 §4.2.1: My Autonomous System is AS_TRANS for ASNs above 65535', () => {
    expect(myAsnField(65535)).toBe(65535);
    expect(myAsnField(65536)).toBe(AS_TRANS);
    expect(myAsnField(4200000000)).toBe(AS_TRANS);
    expect(myAsnField(1)).toBe(1);
  });
});

describe('encodeOpen() optional parameters', () => {
  const unknown = (n: number): Capability => ({ kind: 'unknown', code: 200, value: Buffer.alloc(n, 1) });

  it('RFC 9072 §2: 255 octets of parameters use the 1-octet length', () => {
    const body = encodeOpen(open(1, [unknown(251)])).subarray(HEADER_LENGTH);
    expect(body[9]).toBe(255);
    expect(body[10]).toBe(2); // the Capabilities parameter, not the extended marker
    expect(body.length).toBe(10 + 255);
  });

  it('RFC 9072 §2: one octet more switches to the extended form', () => {
    const msg = open(1, [unknown(252)]);
    const body = encodeOpen(msg).subarray(HEADER_LENGTH);
    expect([body[9], body[10]]).toEqual([255, 255]);
    expect(body.readUInt16BE(11)).toBe(3 + 254);
    expect(body[13]).toBe(2);
    expect(body.readUInt16BE(14)).toBe(254);
    expect(decodeOpen(body)).toEqual(msg);
  });
});
