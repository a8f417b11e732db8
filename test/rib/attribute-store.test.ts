// AttributeStore: attribute sets interned by their raw octets, reference counted, ids reused.
import { describe, expect, it } from 'vitest';
import { AttributeStore, attributesOf } from '../../src/rib/attribute-store.js';
import type { CodecContext } from '../../src/wire/index.js';
import { codecContext, ErrorCode, Notification, UpdateSubcode } from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';
import { BASE, MANDATORY, seq } from '../wire/vectors/common.js';

const ctx = codecContext();
function intern(
  store: AttributeStore,
  raw: Buffer,
  c: CodecContext = ctx,
  mpReach?: Parameters<AttributeStore['intern']>[4],
) {
  return store.intern(raw, 0, raw.length, c, mpReach);
}
const A = hex`${MANDATORY}`;
const B = hex`${MANDATORY} 80 04 04 00000064 // MED 100`;

describe('AttributeStore', () => {
  it('interns equal octets once (a hit returns the same set)', () => {
    const store = new AttributeStore();
    const a = intern(store, A);
    expect(intern(store, Buffer.from(A))).toBe(a);
    expect(store.size).toBe(1);
    const b = intern(store, B);
    expect(b.id).not.toBe(a.id);
    expect(store.size).toBe(2);
    expect(store.get(a.id)).toBe(a);
  });

  it('counts references; release frees the set at zero and its id is reused', () => {
    const store = new AttributeStore();
    const a = intern(store, A);
    const b = intern(store, B);
    store.retain(a.id);
    store.retain(a.id);
    expect(store.refCount(a.id)).toBe(2);
    store.release(a.id);
    expect(store.refCount(a.id)).toBe(1);
    expect(store.get(a.id)).toBe(a);
    store.release(a.id);
    expect(store.get(a.id)).toBeUndefined();
    expect(store.refCount(a.id)).toBe(0);
    expect(store.size).toBe(1);
    const c = intern(store, hex`${MANDATORY} 40 06 00`);
    expect(c.id).toBe(a.id);
    expect(store.get(b.id)).toBe(b);
  });

  it('forgetIfUnused frees only a set without references', () => {
    const store = new AttributeStore();
    const a = intern(store, A);
    const b = intern(store, B);
    store.retain(b.id);
    store.forgetIfUnused(a.id);
    store.forgetIfUnused(b.id);
    store.forgetIfUnused(a.id); // already gone: no effect
    expect(store.get(a.id)).toBeUndefined();
    expect(store.get(b.id)).toBe(b);
    expect(store.size).toBe(1);
  });

  it('grows past 1024 sets', () => {
    const store = new AttributeStore();
    const ids = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const raw = Buffer.concat([A, hex`80 04 04`, Buffer.from([0, 0, i >> 8, i & 255])]);
      const set = intern(store, raw);
      store.retain(set.id);
      ids.add(set.id);
    }
    expect(ids.size).toBe(3000);
    expect(store.size).toBe(3000);
    expect(store.refCount(2999)).toBe(1);
  });

  it('attributesOf decodes the raw octets back', () => {
    const store = new AttributeStore();
    expect(attributesOf(intern(store, B))).toEqual({ ...BASE, med: 100 });
    const as4 = codecContext({ as4: true });
    const set = intern(store, hex`40 01 01 00 40 02 06 02 01 fa56ea00`, as4);
    expect(attributesOf(set)).toEqual({ origin: 0, asPath: [seq(4200000000)] });
  });

  it('RFC 4760: sets differing only in the MP_REACH_NLRI next hop are distinct', () => {
    const store = new AttributeStore();
    const raw = hex`40 01 01 00 40 02 00`;
    const one = intern(store, raw, ctx, { afi: 2, safi: 1, nextHop: '2001:db8::1' });
    const two = intern(store, raw, ctx, { afi: 2, safi: 1, nextHop: '2001:db8::2' });
    const plain = intern(store, raw);
    expect(new Set([one.id, two.id, plain.id]).size).toBe(3);
    expect(attributesOf(two)).toEqual({
      origin: 0,
      asPath: [],
      mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::2', nlri: [] },
    });
  });

  it('RFC 7606: keeps the outcome, the errors and what is missing for each kind of NLRI', () => {
    const store = new AttributeStore();
    const clean = intern(store, A);
    expect(clean.outcome).toBe('none');
    expect(clean.errors).toEqual([]);
    expect(clean.missingClassic).toBeUndefined();
    const noNextHop = intern(store, hex`40 01 01 00 40 02 00`);
    expect(noNextHop.missingClassic).toBe('NEXT_HOP missing');
    expect(noNextHop.missingMp).toBeUndefined();
    const badOrigin = intern(store, hex`40 01 01 05 40 02 00`);
    expect(badOrigin.outcome).toBe('treat-as-withdraw');
    expect(badOrigin.errors.map((e) => e.type)).toEqual([1]);
  });

  it('RFC 4271 §6.3: throws the decoder Notification for a session-fatal set, storing nothing', () => {
    const store = new AttributeStore();
    expect(() => intern(store, hex`40 63 00`)).toThrow(Notification);
    try {
      intern(store, hex`40 63 00`);
    } catch (e) {
      expect((e as Notification).code).toBe(ErrorCode.UPDATE_MESSAGE);
      expect((e as Notification).subcode).toBe(UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE);
    }
    expect(store.size).toBe(0);
  });
});
