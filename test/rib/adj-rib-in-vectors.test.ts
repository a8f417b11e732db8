// Every UPDATE vector applied to an Adj-RIB-In that already holds the routes it touches: the RIB
// must end up as the codec says (decodeUpdate + updateRoutes), throw the same NOTIFICATION, report
// the same RFC 7606 errors and End-of-RIB, and keep its reference counts exact.
import { describe, expect, it } from 'vitest';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { attributesOf } from '../../src/rib/attribute-store.js';
import type { CodecContext, PathAttributes, Prefix } from '../../src/wire/index.js';
import {
  Afi,
  codecContext,
  decodeUpdate,
  encodeUpdate,
  HEADER_LENGTH,
  Notification,
  updateRoutes,
} from '../../src/wire/index.js';
import { expectConsistentRefs, ribEntries, ribRoutes } from '../helpers/rib.js';
import { BASE, routeText, seq } from '../wire/vectors/common.js';
import type { UpdateVector } from '../wire/vectors/types.js';
import { as4PathVectors, asPathVectors, originVectors } from '../wire/vectors/update-as-path.js';
import { attributeVectors } from '../wire/vectors/update-attributes.js';
import { updateBasicVectors } from '../wire/vectors/update-basic.js';
import { mpVectors } from '../wire/vectors/update-mp.js';
import { structureVectors } from '../wire/vectors/update-structure.js';

const vectors: UpdateVector[] = [
  ...updateBasicVectors,
  ...originVectors,
  ...asPathVectors,
  ...as4PathVectors,
  ...attributeVectors,
  ...structureVectors,
  ...mpVectors,
];

/** An UPDATE announcing `prefixes` with other attributes (IPv4 in NLRI, IPv6 in MP_REACH_NLRI). */
function seed(prefixes: readonly Prefix[], ctx: CodecContext): Buffer[] {
  const v4 = prefixes.filter((p) => p.afi === Afi.IPV4);
  const v6 = prefixes.filter((p) => p.afi === Afi.IPV6);
  const attributes: PathAttributes = { ...BASE, asPath: [seq(64999)], med: 1 };
  const out = [];
  if (v4.length) out.push(encodeUpdate({ withdrawn: [], attributes, nlri: v4 }, ctx));
  if (v6.length) {
    const mpReach = { afi: Afi.IPV6, safi: 1, nextHop: '2001:db8::99', nlri: v6 };
    out.push(encodeUpdate({ withdrawn: [], attributes: { ...attributes, mpReach }, nlri: [] }, ctx));
  }
  return out.map((m) => m.subarray(HEADER_LENGTH));
}

describe('AdjRibIn.apply agrees with decodeUpdate on every UPDATE vector', () => {
  for (const v of vectors) {
    const ctx = codecContext(v.ctx);
    it(`${v.rfc}: ${v.name}`, () => {
      const rib = new AdjRibIn();
      if ('notification' in v.expected) {
        const n = v.expected.notification;
        expect(() => rib.apply(v.bytes, ctx)).toThrow(Notification);
        try {
          rib.apply(v.bytes, ctx);
        } catch (e) {
          const { code, subcode, data } = e as Notification;
          expect({ code, subcode }).toEqual({ code: n.code, subcode: n.subcode });
          if (n.data) expect(data.toString('hex')).toBe(n.data.toString('hex'));
        }
        return;
      }
      const decoded = decodeUpdate(v.bytes, ctx);
      const { announced, withdrawn } = updateRoutes(decoded);
      const seeded = [...announced, ...withdrawn];
      for (const body of seed(seeded, ctx)) rib.apply(body, ctx);
      const model = new Set(ribRoutes(rib));
      expect([...model].sort()).toEqual([...new Set(seeded.map(routeText))].sort());

      const result = rib.apply(v.bytes, ctx);
      for (const p of withdrawn) model.delete(routeText(p));
      for (const p of announced) model.add(routeText(p));
      expect(ribRoutes(rib)).toEqual([...model].sort());
      expect(result.announced).toBe(announced.length);
      const announcing = decoded.nlri.length + (decoded.attributes.mpReach?.nlri.length ?? 0) > 0;
      expect(result.treatAsWithdraw).toBe(decoded.outcome === 'treat-as-withdraw' && announcing);
      expect(result.endOfRib).toBe(decoded.endOfRib);
      const kinds = (errors: readonly { type: number; outcome: string }[]) =>
        errors.map((e) => `${e.type}:${e.outcome}`).sort();
      expect(kinds(result.errors)).toEqual(kinds(decoded.errors));

      // The routes just announced carry the UPDATE's attributes.
      const want = { ...decoded.attributes };
      delete want.mpUnreach;
      if (want.mpReach) want.mpReach = { ...want.mpReach, nlri: [] };
      const texts = new Set(announced.map(routeText));
      for (const [text, id] of ribEntries(rib)) {
        if (texts.has(text)) expect(attributesOf(rib.attributes.get(id)!)).toEqual(want);
      }
      expectConsistentRefs(rib);
    });
  }
});
