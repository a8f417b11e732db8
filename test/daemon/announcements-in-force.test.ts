// Announcements keep the route in force per prefix without a scan (routeFor), and every change is
// said: after any sequence of configure, API add and remove, and Kubernetes snapshots, routeFor
// equals the last route of routes() for each prefix, and an index kept only from the change events
// (one prefix, or everything) equals routes() too. Property-based.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Announcements } from '../../src/daemon/announcements.js';
import { type LocalRoute, localRoute, localRouteKey } from '../../src/rib/local-routes.js';
import { type Prefix, parsePrefix, prefixKey } from '../../src/wire/index.js';

const PREFIXES = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'];

type Op =
  | { kind: 'configure'; prefixes: string[]; med: number }
  | { kind: 'add'; prefix: string; med: number }
  | { kind: 'remove'; prefix: string }
  | { kind: 'kubernetes'; routes: { prefix: string; peer: string }[] };

const prefix = fc.constantFrom(...PREFIXES);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('configure' as const), prefixes: fc.subarray(PREFIXES), med: fc.nat(3) }),
  fc.record({ kind: fc.constant('add' as const), prefix, med: fc.nat(3) }),
  fc.record({ kind: fc.constant('remove' as const), prefix }),
  fc.record({
    kind: fc.constant('kubernetes' as const),
    routes: fc.array(fc.record({ prefix, peer: fc.constantFrom('192.0.2.1', '192.0.2.2') }), {
      maxLength: 5,
    }),
  }),
);

const lastOf = (routes: readonly LocalRoute[]) => new Map(routes.map((r) => [localRouteKey(r), r]));

describe('Announcements: the route in force per prefix', () => {
  it('routeFor and the change events agree with routes() after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const seen = new Map<string, LocalRoute>();
        let a: Announcements | undefined;
        a = new Announcements({
          changed: (only?: Prefix) => {
            const ann = a as Announcements;
            if (!only) {
              seen.clear();
              for (const [k, r] of lastOf(ann.routes())) seen.set(k, r);
              return;
            }
            const r = ann.routeFor(only);
            const key = prefixKey(only);
            if (r) seen.set(key, r);
            else seen.delete(key);
          },
          healthChanged: () => {},
        });
        for (const o of ops) {
          if (o.kind === 'configure')
            a.configure(o.prefixes.map((p) => ({ prefix: p, med: o.med }) as never));
          else if (o.kind === 'add') a.add({ prefix: o.prefix, med: o.med });
          else if (o.kind === 'remove') a.remove(o.prefix);
          else
            a.replaceKubernetes(
              o.routes.map(({ prefix: p, peer }) => {
                const spec = { prefix: p };
                return { spec, route: { ...localRoute(spec), peers: [peer] } };
              }),
            );
          const truth = lastOf(a.routes());
          for (const p of PREFIXES)
            expect(a.routeFor(parsePrefix(p))).toBe(truth.get(prefixKey(parsePrefix(p))));
          expect(seen).toEqual(truth);
        }
        a.stop();
      }),
      { numRuns: 300 },
    );
  });
});
