// The byte-keyed index of attribute sets: exact lookups (octets and MP_REACH head), growth, and
// removal, checked against a Map model with random operations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttributeIndex, hashOctets, type IndexedSet } from '../../src/rib/attribute-index.js';
import { evalInFreshProcess } from '../helpers/fresh-process.js';

type Mp = IndexedSet['mpReach'];

function harness() {
  const byId: (IndexedSet | undefined)[] = [];
  const index = new AttributeIndex<IndexedSet>((id) => byId[id]);
  const find = (octets: Uint8Array, mp?: Mp) =>
    index.find(hashOctets(octets, 0, octets.length, mp), octets, 0, octets.length, mp);
  const add = (octets: Uint8Array, mp?: Mp): IndexedSet => {
    const set = { id: byId.length, raw: Buffer.from(octets).toString('latin1'), mpReach: mp };
    byId.push(set);
    index.add(set, hashOctets(octets, 0, octets.length, mp));
    return set;
  };
  const remove = (set: IndexedSet) => {
    index.remove(set);
    byId[set.id] = undefined;
  };
  return { index, find, add, remove };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('AttributeIndex', () => {
  it('finds a set by its octets anywhere in a buffer, and only the exact ones', () => {
    const { index, add } = harness();
    const a = add(bytes(0x40, 1, 1, 0, 0xff, 0x80));
    const inside = bytes(9, 9, 0x40, 1, 1, 0, 0xff, 0x80, 9);
    expect(index.find(hashOctets(inside, 2, 8), inside, 2, 8)).toBe(a);
    expect(index.find(hashOctets(inside, 2, 7), inside, 2, 7)).toBeUndefined(); // a prefix of it
    expect(index.find(hashOctets(inside, 1, 8), inside, 1, 8)).toBeUndefined();
  });

  it('tells sets apart by MP_REACH head: family, next hop and link-local', () => {
    const { find, add } = harness();
    const octets = bytes(0x40, 1, 1, 0);
    const plain = add(octets);
    const v6 = add(octets, { afi: 2, safi: 1, nextHop: '2001:db8::1' });
    const v6ll = add(octets, { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocal: 'fe80::1' });
    expect(find(octets)).toBe(plain);
    expect(find(octets, { afi: 2, safi: 1, nextHop: '2001:db8::1' })).toBe(v6);
    expect(find(octets, { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocal: 'fe80::1' })).toBe(v6ll);
    expect(find(octets, { afi: 2, safi: 1, nextHop: '2001:db8::2' })).toBeUndefined();
    expect(find(octets, { afi: 1, safi: 1, nextHop: '2001:db8::1' })).toBeUndefined();
  });

  it('follows a Map through random adds and removals (growth, deleted slots reused)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 6 })), { maxLength: 400 }),
        (ops) => {
          const { index, find, add, remove } = harness();
          const model = new Map<string, IndexedSet>();
          for (const [adding, octets] of ops) {
            const key = Buffer.from(octets).toString('hex');
            const present = model.get(key);
            if (adding && !present) model.set(key, add(octets));
            if (!adding && present) {
              remove(present);
              model.delete(key);
            }
            expect(find(octets)).toBe(model.get(key));
          }
          expect(index.size).toBe(model.size);
          for (const [key, set] of model) expect(find(Buffer.from(key, 'hex'))).toBe(set);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('hashOctets', () => {
  it('is keyed per process: the same octets, with or without an MP_REACH head, hash differently in two', () => {
    const script =
      "import { hashOctets } from './src/rib/attribute-index.ts';" +
      'const octets = new Uint8Array([0x40, 1, 1, 0, 0x50, 2, 0]);' +
      "console.log(hashOctets(octets, 0, 7), hashOctets(octets, 0, 7, { afi: 2, safi: 1, nextHop: '2001:db8::1' }));";
    const [a, b] = [evalInFreshProcess(script).split(' '), evalInFreshProcess(script).split(' ')];
    expect(a[0]).not.toBe(b[0]);
    expect(a[1]).not.toBe(b[1]);
  });

  it('hashes the MP_REACH head: family, next hop and link-local each change the hash', () => {
    const octets = bytes(0x40, 1, 1, 0);
    const mp = { afi: 2, safi: 1, nextHop: '2001:db8::1' };
    const h = hashOctets(octets, 0, 4, mp);
    expect(hashOctets(octets, 0, 4)).not.toBe(h);
    expect(hashOctets(octets, 0, 4, { ...mp, safi: 2 })).not.toBe(h);
    expect(hashOctets(octets, 0, 4, { ...mp, nextHop: '2001:db8::2' })).not.toBe(h);
    expect(hashOctets(octets, 0, 4, { ...mp, linkLocal: 'fe80::1' })).not.toBe(h);
    expect(hashOctets(octets, 0, 4, { ...mp })).toBe(h);
  });
});
