// Encoder choices that vectors cannot show as one fixed byte string, and mergeAs4Path on its own.
import { describe, expect, it } from 'vitest';
import type { PathAttributes } from '../../src/wire/index.js';
import {
  AS_TRANS,
  codecContext,
  decodeAsPath,
  decodeAttributes,
  encodeAsPath,
  encodeAttributes,
  mergeAs4Path,
  Writer,
} from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';
import { confedSeq, confedSet, seq, set } from './vectors/common.js';

function encode(a: PathAttributes, ctx = codecContext()): string {
  const w = Writer.alloc(65535);
  encodeAttributes(w, a, ctx);
  return w.view().toString('hex');
}

describe('attribute encoding', () => {
  it('RFC 4271 §4.3: an AS_SEQUENCE of more than 255 ASNs is split into segments of 255', () => {
    const asns = Array.from({ length: 300 }, (_, i) => i + 1);
    const w = Writer.alloc(2000);
    encodeAsPath(w, [seq(...asns)], 2);
    const back = decodeAsPath(w.buf, 0, w.pos, 2, 'AS_PATH');
    expect(back.map((s) => s.asns.length)).toEqual([255, 45]);
    expect(back.flatMap((s) => s.asns)).toEqual(asns);
  });

  it('RFC 6793 §4.2.2: on a 2-octet session ASNs above 65535 become AS_TRANS in AS_PATH', () => {
    const w = Writer.alloc(64);
    encodeAsPath(w, [seq(65001, 4200000000)], 2);
    expect(decodeAsPath(w.buf, 0, w.pos, 2, 'AS_PATH')).toEqual([seq(65001, AS_TRANS)]);
  });

  it('RFC 6793 §4.2.2: a 4-octet aggregator goes to an OLD speaker as AS_TRANS plus AS4_AGGREGATOR', () => {
    const a: PathAttributes = { aggregator: { asn: 4200000000, address: '192.0.2.9' } };
    expect(encode(a)).toBe(hex`c0 07 06 5ba0 c0000209  c0 12 08 fa56ea00 c0000209`.toString('hex'));
    expect(encode(a, codecContext({ as4: true }))).toBe(hex`c0 07 08 fa56ea00 c0000209`.toString('hex'));
  });

  it('RFC 6793 §3: confederation segments are left out of AS4_PATH', () => {
    const a: PathAttributes = { asPath: [confedSeq(65010), seq(4200000000)] };
    expect(encode(a)).toBe(hex`40 02 08 03 01 fdf2 02 01 5ba0  c0 11 06 02 01 fa56ea00`.toString('hex'));
  });

  it('RFC 4271 §5.1.5: LOCAL_PREF is not sent to an external peer', () => {
    const a: PathAttributes = { origin: 0, localPref: 100 };
    expect(encode(a, codecContext({ ibgp: false }))).toBe(hex`40 01 01 00`.toString('hex'));
    expect(encode(a, codecContext({ ibgp: true }))).toBe(hex`40 01 01 00 40 05 04 00000064`.toString('hex'));
  });

  it('RFC 8950: an IPv6 next hop is never written as NEXT_HOP', () => {
    expect(encode({ nextHop: '2001:db8::1' })).toBe('');
  });

  it('RFC 1997 / RFC 4456: empty lists are not written', () => {
    expect(encode({ communities: [], clusterList: [], extendedCommunities: [], largeCommunities: [] })).toBe(
      '',
    );
  });

  it('RFC 7606 §5.1: MP_REACH_NLRI and MP_UNREACH_NLRI come first, with Extended Length', () => {
    const text = encode({
      origin: 0,
      mpUnreach: { afi: 2, safi: 1, withdrawn: [] },
      mpReach: { afi: 2, safi: 1, nextHop: '::', nlri: [] },
    });
    expect(text).toBe(
      hex`90 0e 0015 0002 01 10 ${'00'.repeat(16)} 00  90 0f 0003 0002 01  40 01 01 00`.toString('hex'),
    );
    const body = Buffer.from(text, 'hex');
    expect(decodeAttributes(body, 0, body.length, codecContext()).errors).toEqual([]);
  });
});

describe('mergeAs4Path', () => {
  it('RFC 6793 §4.2.3: a confederation segment adjacent to a prepended segment is prepended', () => {
    expect(mergeAs4Path([seq(65001), confedSet(65010), seq(AS_TRANS)], [seq(4200000000)])).toEqual([
      seq(65001),
      confedSet(65010),
      seq(4200000000),
    ]);
  });

  it('RFC 6793 §4.2.3: one not adjacent to a prepended segment is not', () => {
    expect(mergeAs4Path([seq(65001, AS_TRANS), confedSeq(65010)], [seq(4200000000)])).toEqual([
      seq(65001),
      seq(4200000000),
    ]);
  });

  it('RFC 6793 §4.2.3: an AS_SET in the prepended part counts as one AS', () => {
    expect(mergeAs4Path([set(1, 2, 3), seq(4, AS_TRANS)], [seq(4200000000)])).toEqual([
      set(1, 2, 3),
      seq(4),
      seq(4200000000),
    ]);
  });

  it('RFC 6793 §4.2.3: an empty AS4_PATH keeps AS_PATH whole; a longer one is ignored', () => {
    expect(mergeAs4Path([seq(1, 2)], [])).toEqual([seq(1, 2)]);
    expect(mergeAs4Path([seq(AS_TRANS)], [seq(1, 2)])).toEqual([seq(AS_TRANS)]);
  });
});
