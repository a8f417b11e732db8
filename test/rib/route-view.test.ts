// Route listings stay right while the table changes under them: attribute-set ids are reused once
// freed, so a view cached by id would show a freed set's attributes for a new one.
import { describe, expect, it } from 'vitest';
import { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { locRibRoutes } from '../../src/rib/loc-rib-view.js';
import { adjRibInRoutes, type RouteView } from '../../src/rib/route-view.js';
import { codecContext } from '../../src/wire/index.js';
import { hex } from '../helpers/hex.js';
import { MANDATORY } from '../wire/vectors/common.js';

const ctx = codecContext();
const byte = (n: number) => n.toString(16).padStart(2, '0');
/** UPDATE announcing a.0.0.0/8, with a MED when given. */
const announce = (a: number, med?: number) =>
  med === undefined
    ? hex`0000 0012 ${MANDATORY} 08 ${byte(a)}`
    : hex`0000 0019 ${MANDATORY} 80 04 04 ${med.toString(16).padStart(8, '0')} 08 ${byte(a)}`;

function mutateMidListing(list: (rib: AdjRibIn) => Iterator<RouteView>): {
  first: RouteView;
  rest: RouteView[];
} {
  const rib = new AdjRibIn();
  rib.apply(announce(10), ctx);
  rib.apply(announce(11), ctx);
  const it = list(rib);
  const first = it.next().value as RouteView;
  const remaining = first.prefix === '10.0.0.0/8' ? 11 : 10;
  // Both move to a MED 5 set (the first set is freed), then the remaining prefix gets a new set
  // (MED 9) that takes the freed set's id.
  rib.apply(announce(10, 5), ctx);
  rib.apply(announce(11, 5), ctx);
  rib.apply(announce(remaining, 9), ctx);
  const rest: RouteView[] = [];
  for (let r = it.next(); !r.done; r = it.next()) rest.push(r.value);
  return { first, rest };
}

describe('route listings while UPDATEs arrive', () => {
  it('the Adj-RIB-In listing shows the attributes a route has when it is listed', () => {
    const { first, rest } = mutateMidListing((rib) => adjRibInRoutes('192.0.2.1', rib, {}));
    expect(first.med).toBeNull();
    expect(rest.map((r) => r.med)).toEqual([9]);
  });

  it('so does the Loc-RIB listing', () => {
    const { first, rest } = mutateMidListing((rib) =>
      locRibRoutes([{ address: '192.0.2.1', adjRibIn: rib, configuredAsns: [65001] }], 65000, {}),
    );
    expect(first.med).toBeNull();
    expect(rest.map((r) => r.med)).toEqual([9]);
  });
});
