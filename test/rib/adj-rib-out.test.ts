// The compact Adj-RIB-Out: staged changes (newest wins), UPDATEs grouped by out set, nothing re-sent
// that the peer has (same set or the same octets), full syncs walked in batches, references given
// back; and export groups sharing one out set between neighbors whose sessions look alike.
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/policy/index.js';
import { AdjRibOut, type Sink } from '../../src/rib/adj-rib-out.js';
import { localRoute } from '../../src/rib/local-routes.js';
import { OutSet, OutSetRegistry } from '../../src/rib/out-sets.js';
import { radixOrder, sortByKey } from '../../src/rib/radix-order.js';
import {
  codecContext,
  type DecodedUpdate,
  decodeUpdate,
  encodeUpdate,
  formatPrefix,
  IPV4_UNICAST,
  type PathAttributes,
  parsePrefix,
} from '../../src/wire/index.js';
import { sessionFacts, testEngine } from '../helpers/engine.js';
import { splitMessages } from '../helpers/messages.js';

const ctx = codecContext({ as4: true });

function recorder(): Sink & { updates: DecodedUpdate[] } {
  const updates: DecodedUpdate[] = [];
  return {
    updates,
    send: (m) => {
      for (const message of splitMessages(m)) updates.push(decodeUpdate(message.subarray(19), ctx));
      return true;
    },
    drained: async () => {},
    open: true,
  };
}

const attrs = (med: number): PathAttributes => ({ origin: 0, asPath: [], nextHop: '192.0.2.1', med });
const announced = (s: { updates: DecodedUpdate[] }) => s.updates.flatMap((u) => u.nlri.map(formatPrefix));
const withdrawn = (s: { updates: DecodedUpdate[] }) =>
  s.updates.flatMap((u) => u.withdrawn.map(formatPrefix));

describe('AdjRibOut', () => {
  it('sends the newest staging per prefix, one UPDATE per out set', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    const a = new OutSet(attrs(1));
    const b = new OutSet(attrs(2));
    out.stage(parsePrefix('10.0.0.0/24'), a);
    out.stage(parsePrefix('10.0.1.0/24'), b);
    out.stage(parsePrefix('10.0.2.0/24'), a);
    out.stage(parsePrefix('10.0.1.0/24'), a); // replaces b
    const r = await out.flush(ctx, sink);
    expect(r.announced).toBe(3);
    expect(sink.updates).toHaveLength(1);
    expect(announced(sink).sort()).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']);
    expect(sink.updates[0].attributes.med).toBe(1);
    expect(out.registry.size).toBe(1); // b is referred to by nothing
  });

  it('does not resend what the peer has: the same set, or another set with the same octets', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(1)));
    await out.flush(ctx, sink);
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(1)));
    expect((await out.flush(ctx, sink)).announced).toBe(0);
    expect(out.registry.size).toBe(1);
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(2)), false);
    expect((await out.flush(ctx, sink)).announced).toBe(1);
    expect(sink.updates).toHaveLength(2);
  });

  it('withdraws a prefix it advertised, and ignores a withdrawal of one it never sent', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(1)));
    await out.flush(ctx, sink);
    out.stage(parsePrefix('10.0.0.0/24'), undefined);
    out.stage(parsePrefix('10.9.0.0/24'), undefined);
    const r = await out.flush(ctx, sink);
    expect(r.withdrawn).toBe(1);
    expect(withdrawn(sink)).toEqual(['10.0.0.0/24']);
    expect(out.size).toBe(0);
    expect(out.registry.size).toBe(0);
  });

  it('a full sync withdraws what the walk does not want, yielding to the event loop between batches', async () => {
    let turns = 0;
    const out = new AdjRibOut(new OutSetRegistry(), async () => {
      turns++;
    });
    const sink = recorder();
    const set = new OutSet(attrs(1));
    const many = Array.from({ length: 5000 }, (_, i) => parsePrefix(`10.${i >> 8}.${i & 255}.0/24`));
    await out.resync(
      many.map((p) => [p, set] as const),
      ctx,
      sink,
    );
    expect(out.size).toBe(5000);
    expect(turns).toBeGreaterThanOrEqual(2);
    await out.resync(
      many.slice(0, 10).map((p) => [p, set] as const),
      ctx,
      sink,
    );
    expect(out.size).toBe(10);
    expect(withdrawn(sink)).toHaveLength(4990);
  });

  it('IPv6 routes go in MP_REACH_NLRI and are withdrawn in MP_UNREACH_NLRI', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    const v6: PathAttributes = {
      origin: 0,
      asPath: [],
      mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [] },
    };
    out.stage(parsePrefix('2001:db8:1::/48'), new OutSet(v6));
    await out.flush(ctx, sink);
    expect(sink.updates[0].attributes.mpReach?.nlri.map(formatPrefix)).toEqual(['2001:db8:1::/48']);
    out.stage(parsePrefix('2001:db8:1::/48'), undefined);
    await out.flush(ctx, sink);
    expect(sink.updates[1].attributes.mpUnreach?.withdrawn.map(formatPrefix)).toEqual(['2001:db8:1::/48']);
    expect(out.size).toBe(0);
  });

  it('a peer that stops reading gets one write; changes meanwhile are coalesced per prefix', async () => {
    const out = new AdjRibOut();
    const sent: DecodedUpdate[] = [];
    let writes = 0;
    let reading = false;
    let release = () => {};
    const sink: Sink = {
      send: (m) => {
        writes++;
        for (const message of splitMessages(m)) {
          expect(message.length).toBeLessThanOrEqual(4096);
          sent.push(decodeUpdate(message.subarray(19), ctx));
        }
        return reading;
      },
      drained: () => new Promise<void>((r) => (release = r)),
      open: true,
    };
    // 40,000 prefixes of one set: ~40 full UPDATEs, more than one write's batch.
    const prefixes = Array.from({ length: 40_000 }, (_, i) => parsePrefix(`10.${i >> 8}.${i & 255}.0/24`));
    const a = new OutSet(attrs(1));
    const b = new OutSet(attrs(2));
    for (const p of prefixes) out.stage(p, a);
    const first = out.flush(ctx, sink);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(writes).toBe(1); // the socket is full: nothing more is handed to it
    expect(sent.length).toBeGreaterThan(1); // a batch of UPDATEs…
    expect(sent.flatMap((u) => u.nlri).length).toBeLessThan(prefixes.length); // …not the whole table
    for (let round = 0; round < 3; round++) for (const p of prefixes) out.stage(p, b);
    reading = true;
    release();
    await first;
    await out.flush(ctx, sink);
    const withB = sent.filter((u) => u.attributes.med === 2).flatMap((u) => u.nlri);
    expect(withB).toHaveLength(prefixes.length); // three stagings, each prefix sent once
    expect([...out.routes()].every((r) => r.attributes.med === 2)).toBe(true);
    expect(out.size).toBe(prefixes.length);
  });

  it('a peer that takes everything still lets the event loop turn between batches of UPDATEs', async () => {
    let turns = 0;
    const out = new AdjRibOut(undefined, async () => {
      turns++;
    });
    const sink = recorder();
    // 100 attribute sets and 60,000 prefixes → ~300 KB of UPDATEs, none of which the sink asks to
    // wait for: several batches.
    const sets = Array.from({ length: 100 }, (_, i) => new OutSet(attrs(i)));
    for (let i = 0; i < 60_000; i++) out.stage(parsePrefix(`10.${i >> 8}.${i & 255}.0/24`), sets[i % 100]);
    await out.flush(ctx, sink);
    expect(sink.updates.flatMap((u) => u.nlri)).toHaveLength(60_000);
    expect(turns).toBeGreaterThanOrEqual(2);
  });

  it('a session that goes while its writes are stalled ends the drain and frees every reference', async () => {
    const out = new AdjRibOut();
    let release = () => {};
    const sink = { send: () => false, drained: () => new Promise<void>((r) => (release = r)), open: true };
    for (let i = 0; i < 3000; i++)
      out.stage(parsePrefix(`10.${i >> 8}.${i & 255}.0/24`), new OutSet(attrs(i % 7)));
    const drain = out.flush(ctx, sink);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(out.registry.size).toBeGreaterThan(0);
    sink.open = false; // the session went down: the driver's 'down' resolves drained()
    out.clear();
    release();
    await drain;
    expect(out.registry.size).toBe(0);
    expect(out.size).toBe(0);
  });

  it('with nothing queued, a flush writes what fits before it returns; behind a stalled write it waits its turn', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(1)));
    const first = out.flush(ctx, sink);
    expect(announced(sink)).toEqual(['10.0.0.0/24']); // in this turn: no microtask between stage and write
    await first;

    let release = () => {};
    let stalled = true;
    const slow: Sink = {
      send: (m) => sink.send(m) && !stalled,
      drained: () => new Promise<void>((r) => (release = r)),
      open: true,
    };
    for (let i = 0; i < 3000; i++)
      out.stage(parsePrefix(`10.1.${i >> 8}.${i & 255}/32`), new OutSet(attrs(i % 5)));
    const big = out.flush(ctx, slow);
    const sentBefore = sink.updates.length;
    out.stage(parsePrefix('10.2.0.0/24'), new OutSet(attrs(9)));
    const after = out.flush(ctx, slow);
    expect(announced(sink)).not.toContain('10.2.0.0/24'); // queued behind the stalled drain
    stalled = false;
    release();
    await Promise.all([big, after]);
    expect(sink.updates.length).toBeGreaterThan(sentBefore);
    expect(announced(sink)).toContain('10.2.0.0/24');
    expect(announced(sink).at(-1)).toBe('10.2.0.0/24');
  });

  it('a flush from inside a write (the sink calling back) waits for the drain under way', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    const calledBack: unknown[] = [];
    const reentrant: Sink = {
      ...sink,
      send: (m, count) => {
        const ok = sink.send(m, count);
        if (calledBack.length === 0) {
          out.stage(parsePrefix('10.9.0.0/24'), new OutSet(attrs(9)));
          calledBack.push(out.flush(ctx, reentrant));
          expect(announced(sink)).toEqual(['10.0.0.0/24']); // not written inside the write
        }
        return ok;
      },
    };
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(1)));
    await out.flush(ctx, reentrant);
    await Promise.all(calledBack);
    expect(announced(sink)).toEqual(['10.0.0.0/24', '10.9.0.0/24']);
    expect(sink.updates.map((u) => u.attributes.med)).toEqual([1, 9]);
  });

  it('a flush from inside a write waits for the drain under way even when that drain then stalls', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    let release = () => {};
    let stalled = true;
    const calledBack: unknown[] = [];
    const reentrant: Sink = {
      open: true,
      drained: () => new Promise<void>((r) => (release = r)),
      send: (m, count) => {
        sink.send(m, count);
        if (calledBack.length === 0) {
          out.stage(parsePrefix('10.9.0.0/24'), new OutSet(attrs(9)));
          calledBack.push(out.flush(ctx, reentrant));
        }
        return !stalled; // the socket is full after the first write: the drain waits for 'drain'
      },
    };
    // Two UPDATEs' worth of routes in two writes (a batch is 64 KiB): the drain stalls after the first.
    for (let i = 0; i < 40_000; i++)
      out.stage(parsePrefix(`10.${i >> 8}.${i & 255}.0/24`), new OutSet(attrs(1)));
    const first = out.flush(ctx, reentrant);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(announced(sink)).not.toContain('10.9.0.0/24'); // still behind the stalled drain
    stalled = false;
    release();
    await first;
    await Promise.all(calledBack);
    expect(announced(sink).at(-1)).toBe('10.9.0.0/24');
    expect(announced(sink)).toHaveLength(40_001);
  });

  it('small drains one after another send exactly what each staged (columns reused, nothing left over)', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    const set = new OutSet(attrs(1));
    const p = (i: number) => parsePrefix(`10.0.${i}.0/24`);
    for (let i = 0; i < 12; i++) out.stage(p(i), set);
    await out.flush(ctx, sink);
    expect(announced(sink).sort()).toEqual(Array.from({ length: 12 }, (_, i) => formatPrefix(p(i))).sort());
    sink.updates.length = 0;
    out.stage(p(3), undefined);
    out.stage(p(20), set);
    out.stage(p(5), undefined);
    await out.flush(ctx, sink);
    expect(announced(sink)).toEqual(['10.0.20.0/24']);
    expect(withdrawn(sink).sort()).toEqual(['10.0.3.0/24', '10.0.5.0/24']);
    sink.updates.length = 0;
    out.stage(p(7), undefined);
    await out.flush(ctx, sink);
    expect([announced(sink), withdrawn(sink)]).toEqual([[], ['10.0.7.0/24']]);
    expect(out.size).toBe(10);
  });

  it('clear() gives every reference back and stops a drain under way', async () => {
    const out = new AdjRibOut();
    const sink = recorder();
    out.stage(parsePrefix('10.0.0.0/24'), new OutSet(attrs(1)));
    await out.flush(ctx, sink);
    out.stage(parsePrefix('10.0.1.0/24'), new OutSet(attrs(2)));
    out.clear();
    expect(out.registry.size).toBe(0);
    expect(out.size).toBe(0);
    expect(out.holds(parsePrefix('10.0.1.0/24'))).toBe(false);
  });
});

describe('radixOrder', () => {
  it('orders indices by key, stably', () => {
    const keys = Uint32Array.from([70000, 3, 70000, 0, 3, 0x7fffffff]);
    expect([...radixOrder(keys, keys.length)]).toEqual([3, 1, 4, 0, 2, 5]);
  });

  it('orders many keys (the radix passes) as a stable comparison sort does', () => {
    let x = 12345;
    const keys = Uint32Array.from({ length: 5000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % 7 === 0 ? 42 : x; // duplicates too
    });
    const expected = [...keys.keys()].sort((a, b) => keys[a] - keys[b] || a - b);
    expect([...radixOrder(keys, keys.length)]).toEqual(expected);
  });
});

describe('sortByKey', () => {
  it.each([6, 5000])('moves the columns with their keys, stably, over the first n of %i entries', (size) => {
    let x = 777;
    const keys = Uint32Array.from({ length: size }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % 5 === 0 ? 9 : x % 1000;
    });
    const n = size - 2; // the entries past n stay where they are
    const index = Uint32Array.from(keys.keys());
    const low = Uint8Array.from(keys, (k) => k & 0xff);
    const order = [...keys.keys()].slice(0, n).sort((a, b) => keys[a] - keys[b] || a - b);
    const want = [...order, size - 2, size - 1];
    const before = [...keys];
    sortByKey(keys, n, [index, low]);
    expect([...index]).toEqual(want);
    expect([...keys]).toEqual(want.map((i) => before[i]));
    expect([...low]).toEqual(want.map((i) => before[i] & 0xff));
  });
});

describe('export groups', () => {
  it('own routes announced alike share one out set: one UPDATE for all of them', async () => {
    const routes = ['198.51.100.1/32', '198.51.100.2/32', '198.51.100.3/32'].map((prefix) =>
      localRoute({ prefix, communities: ['65000:1'] }),
    );
    const engine = testEngine({ localAsn: 65000, localRoutes: () => routes });
    const n = engine.addNeighbor({ address: '10.0.0.1', configuredAsns: [65001] });
    const sink = recorder();
    n.up(sessionFacts({ peerAsn: 65001, localAddress: '10.0.0.2' }), sink);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const withRoutes = sink.updates.filter((u) => u.nlri.length > 0);
    expect(withRoutes).toHaveLength(1);
    expect(announced(sink).sort()).toEqual(['198.51.100.1/32', '198.51.100.2/32', '198.51.100.3/32']);
    expect(engine.outSetCount).toBe(1);
    n.down();
    expect(engine.outSetCount).toBe(0);
  });

  it('a change of one own route reaches the Loc-RIB followers and the neighbor for that prefix only', async () => {
    let routes = ['198.51.100.1/32', '198.51.100.2/32', '198.51.100.3/32'].map((prefix) =>
      localRoute({ prefix }),
    );
    const engine = testEngine({ localAsn: 65000, localRoutes: () => routes });
    engine.localRoutesChanged();
    const heard: string[] = [];
    engine.followLocRib((p) => heard.push(formatPrefix(p)));
    const n = engine.addNeighbor({ address: '10.0.0.1', configuredAsns: [65001] });
    const sink = recorder();
    n.up(sessionFacts({ peerAsn: 65001, localAddress: '10.0.0.2' }), sink);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    sink.updates.length = 0;
    routes = [
      routes[0],
      localRoute({ prefix: '198.51.100.2/32', med: 5 }),
      localRoute({ prefix: '198.51.100.4/32' }),
    ];
    engine.localRoutesChanged();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(heard.sort()).toEqual(['198.51.100.2/32', '198.51.100.3/32', '198.51.100.4/32']);
    expect(announced(sink).sort()).toEqual(['198.51.100.2/32', '198.51.100.4/32']);
    expect(sink.updates.flatMap((u) => u.withdrawn.map(formatPrefix))).toEqual(['198.51.100.3/32']);
  });

  it('a change named by prefix (an API route) patches the own-route index and sends only that prefix', async () => {
    let routes = ['198.51.100.1/32', '198.51.100.2/32'].map((prefix) => localRoute({ prefix }));
    const engine = testEngine({ localAsn: 65000, localRoutes: () => routes });
    engine.localRoutesChanged();
    const n = engine.addNeighbor({ address: '10.0.0.1', configuredAsns: [65001] });
    const sink = recorder();
    n.up(sessionFacts({ peerAsn: 65001, localAddress: '10.0.0.2' }), sink);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    sink.updates.length = 0;
    const added = localRoute({ prefix: '198.51.100.3/32' });
    // 198.51.100.1 changes too, but the caller named .3 only: .1 is not looked at.
    routes = [localRoute({ prefix: '198.51.100.1/32', med: 9 }), routes[1], added];
    engine.localRoutesChanged(added.prefix);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(announced(sink)).toEqual(['198.51.100.3/32']);
    expect(engine.select(added.prefix)?.paths).toHaveLength(1);
    routes = routes.filter((r) => r !== added);
    engine.localRoutesChanged(added.prefix);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(withdrawn(sink)).toEqual(['198.51.100.3/32']);
    // A full look afterwards finds .1 alone changed: the patched index was kept exact.
    sink.updates.length = 0;
    engine.localRoutesChanged();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(announced(sink)).toEqual(['198.51.100.1/32']);
    expect(withdrawn(sink)).toEqual([]);
  });

  it('neighbors whose sessions look alike share one out set per path', async () => {
    const engine = testEngine({ localAsn: 65000 });
    engine.setPolicies(
      compilePolicies({
        policies: {
          pass: { terms: [{ match: { routeType: 'learned' }, action: 'accept' }], default: 'reject' },
        },
      }),
    );
    const source = engine.addNeighbor({ address: '10.0.0.1', configuredAsns: [65001] });
    const targets = ['10.0.0.11', '10.0.0.12'].map((address, i) =>
      engine.addNeighbor({ address, configuredAsns: [65010 + i], exportPolicy: 'pass' }),
    );
    source.up(sessionFacts({ peerAsn: 65001, localAddress: '10.0.0.2' }), recorder());
    const sinks = targets.map((t, i) => {
      const sink = recorder();
      t.up(sessionFacts({ peerAsn: 65010 + i, localAddress: '10.0.0.2' }), sink);
      return sink;
    });
    const body = encodeUpdate(
      {
        withdrawn: [],
        nlri: [parsePrefix('10.1.0.0/16'), parsePrefix('10.2.0.0/16')],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' },
      },
      codecContext({ as4: true, ibgp: false }),
    ).subarray(19);
    source.received(body);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    for (const sink of sinks) expect(announced(sink).sort()).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    // One set behind both prefixes of both neighbors, in the registry they all share.
    const registries = new Set(targets.map((t) => t.adjRibOut.registry));
    expect(registries.size).toBe(1);
    expect([...registries][0].size).toBe(1);
    expect(targets[0].session?.families.has(IPV4_UNICAST)).toBe(true);
  });
});
